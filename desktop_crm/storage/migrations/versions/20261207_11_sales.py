"""Sales records: orders and sales targets per client and period; the
client's estimated yearly spend (share of wallet); the satisfaction a
thank-you call records on its timeline entry.

Amounts are whole cents in BIGINT, so sums are exact on both engines. On
PostgreSQL every text column gets the "C" collation, as since 09.

Revision ID: 20261207_11
Revises: 20261206_10
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = '20261207_11'
down_revision = '20261206_10'
branch_labels = None
depends_on = None


def upgrade() -> None:
    collation = "C" if op.get_bind().dialect.name == "postgresql" else None

    def text(length: int | None = None) -> sa.types.TypeEngine[str]:
        if length is None:
            return sa.Text(collation=collation)
        return sa.String(length=length, collation=collation)

    op.add_column('clients', sa.Column('annual_spend', sa.BigInteger(), nullable=True))
    op.add_column('interactions', sa.Column('satisfaction', sa.Integer(), nullable=True))
    op.create_table(
        'orders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('uuid', text(36), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('ordered_on', sa.Date(), nullable=False),
        sa.Column('product', text(200), nullable=False),
        sa.Column('quantity', sa.Float(), nullable=False),
        sa.Column('amount_cents', sa.BigInteger(), nullable=False),
        sa.Column('currency', text(3), nullable=False),
        sa.Column('status', text(16), nullable=False),
        sa.Column('payment_due', sa.Date(), nullable=True),
        sa.Column('paid_on', sa.Date(), nullable=True),
        sa.Column('lost_reason', text(), nullable=False),
        sa.Column('notes', text(), nullable=False),
        sa.Column('import_batch_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['import_batch_id'], ['import_batches.id'],
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_orders_uuid', 'orders', ['uuid'], unique=True)
    op.create_index('ix_orders_client_date', 'orders', ['client_id', 'ordered_on'])
    op.create_index('ix_orders_date_status', 'orders', ['ordered_on', 'status'])
    op.create_index('ix_orders_import_batch_id', 'orders', ['import_batch_id'])
    op.create_table(
        'sales_targets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('uuid', text(36), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('amount_cents', sa.BigInteger(), nullable=False),
        sa.Column('currency', text(3), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('client_id', 'period_start'),
    )
    op.create_index('ix_sales_targets_uuid', 'sales_targets', ['uuid'], unique=True)


def downgrade() -> None:
    op.drop_table('sales_targets')
    op.drop_table('orders')
    with op.batch_alter_table('interactions') as batch:
        batch.drop_column('satisfaction')
    # in place (SQLite 3.35+, as 08): a batch copy of clients would lose the
    # indexes on expressions it cannot reflect (ix_clients_contact, the
    # month-day ones); the column is in no index
    op.drop_column('clients', 'annual_spend')
