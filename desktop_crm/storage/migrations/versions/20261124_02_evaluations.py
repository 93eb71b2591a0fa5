"""Evaluations: versioned scoring schemes, evaluations, and each client's
current grade and last evaluation date.

Revision ID: 20261124_02
Revises: 20261124_01
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '20261124_02'
down_revision = '20261124_01'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scoring_schemes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('version')
    )
    op.create_table('evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('evaluated_on', sa.Date(), nullable=False),
    sa.Column('evaluator', sa.String(length=100), nullable=False),
    sa.Column('inputs', sa.Text(), nullable=False),
    sa.Column('points', sa.Text(), nullable=False),
    sa.Column('total', sa.Float(), nullable=False),
    sa.Column('grade', sa.String(length=1), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scheme_id'], ['scoring_schemes.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.create_index('ix_evaluations_client_date', ['client_id', 'evaluated_on'], unique=False)
    # Plain ADD COLUMN (not batch): a table rebuild would also have to rebuild the
    # FTS index's view of client ids, and nullable columns need no rebuild.
    op.add_column('clients', sa.Column('grade', sa.String(length=1), nullable=True))
    op.add_column('clients', sa.Column('previous_grade', sa.String(length=1), nullable=True))
    op.add_column('clients', sa.Column('last_evaluated_on', sa.Date(), nullable=True))
    op.create_index('ix_clients_grade', 'clients', ['grade'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_clients_grade', table_name='clients')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_column('last_evaluated_on')
        batch_op.drop_column('previous_grade')
        batch_op.drop_column('grade')
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.drop_index('ix_evaluations_client_date')
    op.drop_table('evaluations')
    op.drop_table('scoring_schemes')
