"""Churn warnings: a covering index on orders for the agenda's grouped
queries (the won sales of two months per client, the last won order per
client), so that they read the index alone and no order rows.

Revision ID: 20261207_12
Revises: 20261207_11
Create Date: 2026-12-07
"""
from alembic import op

revision = '20261207_12'
down_revision = '20261207_11'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_orders_churn', 'orders',
                    ['ordered_on', 'status', 'client_id', 'currency', 'amount_cents'])


def downgrade() -> None:
    op.drop_index('ix_orders_churn', table_name='orders')
