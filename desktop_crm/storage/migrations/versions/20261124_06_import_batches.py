"""Import batches: each import and what it did to each client, for undo.

Revision ID: 20261124_06
Revises: 20261124_05
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '20261124_06'
down_revision = '20261124_05'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('import_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=500), nullable=False),
    sa.Column('file_format', sa.String(length=8), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('user', sa.String(length=100), nullable=False),
    sa.Column('policy', sa.String(length=8), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('invalid', sa.Integer(), nullable=False),
    sa.Column('new_tags', sa.Text(), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_import_batches_imported_at', 'import_batches', ['imported_at'])
    op.create_table('import_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=8), nullable=False),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_import_items_batch_id', 'import_items', ['batch_id'])
    op.create_index('ix_import_items_client_id', 'import_items', ['client_id'])


def downgrade() -> None:
    op.drop_index('ix_import_items_client_id', table_name='import_items')
    op.drop_index('ix_import_items_batch_id', table_name='import_items')
    op.drop_table('import_items')
    op.drop_index('ix_import_batches_imported_at', table_name='import_batches')
    op.drop_table('import_batches')
