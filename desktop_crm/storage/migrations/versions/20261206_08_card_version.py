"""Card versions: ``clients.version`` counts the writes to a card, so that a
save made from a card read at an older version is refused instead of
overwriting what someone else saved meanwhile; ``change_log.version`` is the
version a history entry produced, so the refusal can say who changed what
since.

Existing clients start at version 1; existing history entries have none.
Plain ADD COLUMN, not batch mode: a batch rebuild of ``clients`` would drop
its expression indexes and detach the full-text index (rowid = clients.id).

Revision ID: 20261206_08
Revises: 20261205_07
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = '20261206_08'
down_revision = '20261205_07'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('clients', sa.Column('version', sa.Integer(), nullable=False,
                                       server_default='1'))
    op.add_column('change_log', sa.Column('version', sa.Integer(), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops a plain column in place; neither column is indexed
    op.drop_column('change_log', 'version')
    op.drop_column('clients', 'version')
