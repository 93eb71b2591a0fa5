"""Who moved a complaint: ``complaint_status_changes.user`` records the name of
the salesperson who registered, moved or reopened it (Settings: Your name),
as the handling log's ``author`` does for its entries; on a shared database
the status history then says who did what.

Existing status changes have no name (""). Plain ADD COLUMN, as in 08.

Revision ID: 20261206_09
Revises: 20261206_08
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = '20261206_09'
down_revision = '20261206_08'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('complaint_status_changes',
                  sa.Column('user', sa.String(length=100), nullable=False, server_default=''))


def downgrade() -> None:
    op.drop_column('complaint_status_changes', 'user')
