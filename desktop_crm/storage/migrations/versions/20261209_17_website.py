"""The client's website (网址), read from business cards (issue 18):
``clients.website``, empty for the clients already stored. On PostgreSQL the
column gets the "C" collation, as every text column since 09.

Revision ID: 20261209_17
Revises: 20261209_16
Create Date: 2026-12-09
"""
import sqlalchemy as sa
from alembic import op

revision = '20261209_17'
down_revision = '20261209_16'
branch_labels = None
depends_on = None


def upgrade() -> None:
    collation = "C" if op.get_bind().dialect.name == "postgresql" else None
    op.add_column('clients', sa.Column('website', sa.String(length=300, collation=collation),
                                       nullable=False, server_default=''))


def downgrade() -> None:
    # in place (SQLite 3.35+, as 08 and 11): a batch copy of clients would
    # lose the indexes on expressions it cannot reflect; the column is in no index
    op.drop_column('clients', 'website')
