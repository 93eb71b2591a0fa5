"""Client photos (issue 18): ``client_photos``, at most one picture a client
(a business card's image, a portrait) as an upright JPEG, deleted with its
client. A table of its own so that loading a card or the list never reads
the image. On PostgreSQL every text column gets the "C" collation, as since 09.

Revision ID: 20261209_16
Revises: 20261208_15
Create Date: 2026-12-09
"""
import sqlalchemy as sa
from alembic import op

revision = '20261209_16'
down_revision = '20261208_15'
branch_labels = None
depends_on = None


def upgrade() -> None:
    collation = "C" if op.get_bind().dialect.name == "postgresql" else None
    op.create_table(
        'client_photos',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('uuid', sa.String(length=36, collation=collation), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('mime', sa.String(length=40, collation=collation), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('client_id'),
    )
    op.create_index('ix_client_photos_uuid', 'client_photos', ['uuid'], unique=True)


def downgrade() -> None:
    op.drop_table('client_photos')
