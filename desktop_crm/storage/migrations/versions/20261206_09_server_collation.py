"""Text on a PostgreSQL server sorts and compares by code point, as on SQLite.

A server's databases usually have a linguistic default collation (en_US,
zh_CN ...), under which "zhang" sorts before "Zhang" and spaces are ignored
at first: lists, ranges and sort keys would come out in another order than
on a SQLite file, and differ from server to server. Every text column gets
the "C" collation (byte order, which for UTF-8 is code-point order: what
SQLite's BINARY does). Changing only the collation rewrites no table; the
indexes on these columns are rebuilt. SQLite: nothing to do.

Revision ID: 20261206_09
Revises: 20261206_08
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = '20261206_09'
down_revision = '20261206_08'
branch_labels = None
depends_on = None

_TEXT_COLUMNS = sa.text(
    "SELECT table_name, column_name, data_type, character_maximum_length "
    "FROM information_schema.columns WHERE table_schema = current_schema() "
    "AND data_type IN ('character varying', 'text') "
    "AND table_name != 'alembic_version' "
    "AND (collation_name IS NULL OR collation_name != 'C') "
    "ORDER BY table_name, ordinal_position")


def _set_collation(collation: str) -> None:
    bind = op.get_bind()
    for table, column, data_type, length in bind.execute(_TEXT_COLUMNS).all():
        kind = f"varchar({length})" if data_type == "character varying" and length else data_type
        op.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" '
                   f'TYPE {kind} COLLATE {collation}')


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _set_collation('"C"')


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        bind = op.get_bind()
        for table, column, data_type, length in bind.execute(sa.text(
                "SELECT table_name, column_name, data_type, character_maximum_length "
                "FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND data_type IN ('character varying', 'text') "
                "AND table_name != 'alembic_version'")).all():
            kind = (f"varchar({length})" if data_type == "character varying" and length
                    else data_type)
            op.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" '
                       f'TYPE {kind} COLLATE "default"')
