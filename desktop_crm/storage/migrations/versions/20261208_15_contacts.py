"""Contact people (联系人) of organisation cards (issue 17): ``contact_people``,
one row a person, deleted with its organisation. On PostgreSQL every text
column gets the "C" collation, as since 09.

Revision ID: 20261208_15
Revises: 20261207_14
Create Date: 2026-12-08
"""
import sqlalchemy as sa
from alembic import op

revision = '20261208_15'
down_revision = '20261207_14'
branch_labels = None
depends_on = None


def upgrade() -> None:
    collation = "C" if op.get_bind().dialect.name == "postgresql" else None

    def text(length: int | None = None) -> sa.types.TypeEngine[str]:
        if length is None:
            return sa.Text(collation=collation)
        return sa.String(length=length, collation=collation)

    op.create_table(
        'contact_people',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('uuid', text(36), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('name', text(200), nullable=False),
        sa.Column('title', text(200), nullable=False),
        sa.Column('role', text(16), nullable=False),
        sa.Column('phones', text(), nullable=False),
        sa.Column('email', text(254), nullable=False),
        sa.Column('wechat', text(100), nullable=False),
        sa.Column('notes', text(), nullable=False),
        sa.Column('birth_calendar', text(8), nullable=True),
        sa.Column('birth_month', sa.Integer(), nullable=True),
        sa.Column('birth_day', sa.Integer(), nullable=True),
        sa.Column('birth_year', sa.Integer(), nullable=True),
        sa.Column('birth_leap', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_contact_people_uuid', 'contact_people', ['uuid'], unique=True)
    op.create_index('ix_contact_people_client_id', 'contact_people', ['client_id'])
    op.create_index('ix_contact_people_birth', 'contact_people',
                    ['birth_calendar', 'birth_month', 'birth_day'])


def downgrade() -> None:
    op.drop_table('contact_people')
