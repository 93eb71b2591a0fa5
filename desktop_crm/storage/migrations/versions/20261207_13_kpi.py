"""A covering index for the loyalty KPIs: each client's won orders by date,
currency and amount, read in client order without touching the table rows
(the ten KPIs of a year at 1,000,000 orders scan it once; benchmarks/kpi.py).
It drops ix_orders_date_status: 12's ix_orders_churn starts with the same
two columns.

Revision ID: 20261207_13
Revises: 20261207_12
Create Date: 2026-12-07
"""
from alembic import op

revision = '20261207_13'
down_revision = '20261207_12'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_orders_client_sales', 'orders',
                    ['client_id', 'status', 'ordered_on', 'currency', 'amount_cents'])
    op.drop_index('ix_orders_date_status', table_name='orders')


def downgrade() -> None:
    op.create_index('ix_orders_date_status', 'orders', ['ordered_on', 'status'])
    op.drop_index('ix_orders_client_sales', table_name='orders')
