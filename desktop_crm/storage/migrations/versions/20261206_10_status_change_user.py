"""Who moved a complaint: ``complaint_status_changes.user`` records the name of
the salesperson who registered, moved or reopened it (Settings: Your name),
as the handling log's ``author`` does for its entries; on a shared database
the status history then says who did what.

Existing status changes have no name (""). Plain ADD COLUMN, as in 08; on
PostgreSQL with the "C" collation every text column has since 09.

Revision ID: 20261206_10
Revises: 20261206_09
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = '20261206_10'
down_revision = '20261206_09'
branch_labels = None
depends_on = None


def upgrade() -> None:
    collation = "C" if op.get_bind().dialect.name == "postgresql" else None
    op.add_column('complaint_status_changes',
                  sa.Column('user', sa.String(length=100, collation=collation), nullable=False,
                            server_default=''))


def downgrade() -> None:
    op.drop_column('complaint_status_changes', 'user')
