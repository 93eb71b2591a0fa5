"""A covering index for the loyalty KPIs: each client's won orders by date,
currency and amount, read in client order without touching the table rows
(the ten KPIs of a year at 1,000,000 orders scan it once; benchmarks/kpi.py).

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
    op.create_index('ix_orders_client_sales', 'orders',
                    ['client_id', 'status', 'ordered_on', 'currency', 'amount_cents'])


def downgrade() -> None:
    op.drop_index('ix_orders_client_sales', table_name='orders')
