"""Identity: a UUID for every client and every record that can leave the app,
and one for the database itself.

Existing rows get distinct random (version 4) UUIDs in one UPDATE per table,
computed by the database (100,000 clients and 400,000 interactions in
seconds; the ORM would take minutes). Plain ADD COLUMN, not batch mode: a
batch rebuild of ``clients`` would drop its expression indexes and detach the
full-text index (rowid = clients.id).

Revision ID: 20261205_07
Revises: 20261124_06
Create Date: 2026-12-05
"""
import json
import uuid

import sqlalchemy as sa
from alembic import op

revision = '20261205_07'
down_revision = '20261124_06'
branch_labels = None
depends_on = None

TABLES = ('clients', 'important_dates', 'family_members', 'interactions', 'evaluations',
          'care_done', 'complaints')

# --- SQLite-specific: a random version-4 UUID as canonical text, one per row
# (each randomblob() call is evaluated per row; a scalar subquery would be
# evaluated once and give every row the same value). PostgreSQL 13+ has
# gen_random_uuid().
_SQLITE_UUID4 = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' "
    "|| substr(hex(randomblob(2)), 2) || '-' "
    "|| substr('89AB', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) "
    "|| '-' || hex(randomblob(6)))"
)
# --- end of the SQLite-specific part


def upgrade() -> None:
    for table in TABLES:
        # SQLite adds a NOT NULL column only with a default; every row is
        # given its own UUID right after, and the unique index refuses a
        # second row left at the default.
        op.add_column(table, sa.Column('uuid', sa.String(length=36), nullable=False,
                                       server_default=''))
        random_uuid = (_SQLITE_UUID4 if op.get_bind().dialect.name == "sqlite"
                       else "gen_random_uuid()::text")
        op.execute(f"UPDATE {table} SET uuid = {random_uuid}")
        op.create_index(f'ix_{table}_uuid', table, ['uuid'], unique=True)
    settings = sa.table('app_settings', sa.column('key', sa.String), sa.column('value', sa.Text))
    op.execute(settings.delete().where(settings.c.key == 'database_uuid'))
    op.bulk_insert(settings, [{'key': 'database_uuid',
                               'value': json.dumps(str(uuid.uuid4()))}])


def downgrade() -> None:
    op.execute("DELETE FROM app_settings WHERE key = 'database_uuid'")
    for table in reversed(TABLES):
        op.drop_index(f'ix_{table}_uuid', table_name=table)
        op.drop_column(table, 'uuid')
