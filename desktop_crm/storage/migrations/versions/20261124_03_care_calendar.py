"""Care calendar: milestones on interactions (for thank-you reminders),
per-date reminder lead times, agenda items marked done, and app settings.

Revision ID: 20261124_03
Revises: 20261124_02
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '20261124_03'
down_revision = '20261124_02'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: every new column is nullable, so no table rebuild.
    op.add_column('interactions', sa.Column('milestone', sa.String(length=16), nullable=True))
    op.add_column('important_dates', sa.Column('remind_days', sa.Integer(), nullable=True))
    op.add_column('family_members',
                  sa.Column('birth_remind_days', sa.Integer(), nullable=True))
    # The agenda looks birthdays up by (calendar, month, day), and thank-yous by
    # milestone and time, instead of scanning every row.
    op.create_index('ix_family_members_birth', 'family_members',
                    ['birth_calendar', 'birth_month', 'birth_day'], unique=False)
    op.create_index('ix_interactions_milestone', 'interactions', ['milestone', 'occurred_at'],
                    unique=False)
    op.create_table('care_done',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('occurs_on', sa.Date(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=False),
    sa.Column('interaction_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['interaction_id'], ['interactions.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source', 'ref_id', 'occurs_on')
    )
    op.create_index('ix_care_done_occurs_on', 'care_done', ['occurs_on'], unique=False)
    op.create_index('ix_care_done_client_id', 'care_done', ['client_id'], unique=False)
    op.create_table('app_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('app_settings')
    op.drop_index('ix_care_done_client_id', table_name='care_done')
    op.drop_index('ix_care_done_occurs_on', table_name='care_done')
    op.drop_table('care_done')
    op.drop_index('ix_interactions_milestone', table_name='interactions')
    op.drop_index('ix_family_members_birth', table_name='family_members')
    with op.batch_alter_table('family_members', schema=None) as batch_op:
        batch_op.drop_column('birth_remind_days')
    with op.batch_alter_table('important_dates', schema=None) as batch_op:
        batch_op.drop_column('remind_days')
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.drop_column('milestone')
