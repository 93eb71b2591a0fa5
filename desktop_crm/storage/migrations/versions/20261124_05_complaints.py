"""Complaint log: complaints with yearly gap-free numbers, their status
history and handling log.

Revision ID: 20261124_05
Revises: 20261124_04
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '20261124_05'
down_revision = '20261124_04'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('cause', sa.String(length=16), nullable=True),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('priority', sa.String(length=16), nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.Column('restated', sa.Text(), nullable=False),
    sa.Column('demand', sa.Text(), nullable=False),
    sa.Column('temperament', sa.String(length=16), nullable=True),
    sa.Column('escalation', sa.Integer(), nullable=False),
    sa.Column('solution', sa.Text(), nullable=False),
    sa.Column('compensation', sa.Float(), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.Column('improvement', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('first_reply_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('followed_up_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number'),
    sa.UniqueConstraint('year', 'sequence')
    )
    op.create_index('ix_complaints_client', 'complaints', ['client_id', 'received_at'])
    op.create_index('ix_complaints_status', 'complaints', ['status', 'resolved_at'])
    op.create_index('ix_complaints_received', 'complaints', ['received_at'])
    op.create_table('complaint_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('complaint_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('old_status', sa.String(length=16), nullable=True),
    sa.Column('new_status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_complaint_status_changes_complaint', 'complaint_status_changes',
                    ['complaint_id', 'at'])
    op.create_table('complaint_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_complaint_log_complaint', 'complaint_log', ['complaint_id', 'at'])


def downgrade() -> None:
    op.drop_index('ix_complaint_log_complaint', table_name='complaint_log')
    op.drop_table('complaint_log')
    op.drop_index('ix_complaint_status_changes_complaint', table_name='complaint_status_changes')
    op.drop_table('complaint_status_changes')
    op.drop_table('complaint_counters')
    op.drop_index('ix_complaints_received', table_name='complaints')
    op.drop_index('ix_complaints_status', table_name='complaints')
    op.drop_index('ix_complaints_client', table_name='complaints')
    op.drop_table('complaints')
