"""Mass greetings: ``interactions.mass`` marks the timeline entries a
festival's mark-done writes for everyone on its greeting list. They are kept
on each timeline but do not count as contact: the no-contact count restarts
only with a personal interaction (issue 17). Existing entries are personal
(false); the last contact already stored is left as it is.

Revision ID: 20261207_14
Revises: 20261207_13
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = '20261207_14'
down_revision = '20261207_13'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('interactions', sa.Column('mass', sa.Boolean(), nullable=False,
                                            server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('interactions') as batch:
        batch.drop_column('mass')
