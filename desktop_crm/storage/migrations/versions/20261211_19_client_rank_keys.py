"""The search's rank keys per client (``client_rank_keys``): the database
ranks and pages the hits of a search itself, best match first, instead of
the app reading and ranking every hit (issue 20). Each row is a text the
typed query may equal or start (the compact name, its pinyin and initials in
each reading of the surname, the company and its pinyin, an organisation's
contact people's names) and its role (``domain.search_rank``). Existing
clients get their keys here. On PostgreSQL the key compares by code point
("C"), as every text column does (revision 09), so a prefix is one range of
the index, and the covering index the hits join the clients through
(``ix_clients_search_join``) also holds the kind and last contact the rank
orders by.

Revision ID: 20261211_19
Revises: 20261210_18
Create Date: 2026-12-11
"""
import sqlalchemy as sa
from alembic import op

revision = '20261211_19'
down_revision = '20261210_18'
branch_labels = None
depends_on = None

_BATCH = 5000


def upgrade() -> None:
    from desktop_crm.domain.search import sort_key
    from desktop_crm.domain.search_rank import person_rank_keys, rank_keys

    postgres = op.get_bind().dialect.name == "postgresql"
    table = op.create_table(
        'client_rank_keys',
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.SmallInteger(), nullable=False),
        sa.Column('key', sa.String(length=500, collation='C' if postgres else None),
                  nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='CASCADE'),
    )
    bind = op.get_bind()
    rows: list[dict[str, object]] = []

    def add(client_id: int, keys: list[tuple[str, int]]) -> None:
        rows.extend({"client_id": client_id, "role": role, "key": key}
                    for key, role in keys)
        if len(rows) >= _BATCH:
            op.bulk_insert(table, rows)
            rows.clear()

    for client_id, name, key, company in bind.execute(sa.text(
            "SELECT id, name, sort_key, company FROM clients ORDER BY id")).all():
        # a person's roles for every client here: revision 22 gives an
        # organisation's name keys their own roles (and drops a person's people)
        add(client_id, rank_keys(name, key, company, organisation=False))
    for client_id, name in bind.execute(sa.text(
            "SELECT client_id, name FROM contact_people ORDER BY id")).all():
        add(client_id, person_rank_keys(name, sort_key(name)))
    if rows:
        op.bulk_insert(table, rows)
    op.create_index('ix_client_rank_keys_client_id', 'client_rank_keys', ['client_id'])
    op.create_index('ix_client_rank_keys_key', 'client_rank_keys', ['key', 'role', 'client_id'])
    # what the rank reads of each hit, by id (SQLite reads it from here:
    # storage/client_repo.py; PostgreSQL from ix_clients_search_join)
    op.create_index('ix_clients_rank', 'clients',
                    ['id', 'deleted_at', 'kind', 'last_contact_at', 'sort_key'])
    if postgres:
        # the hits join the live clients through this index alone (an
        # index-only scan): it now holds what the rank orders by as well
        op.execute("DROP INDEX ix_clients_search_join")
        op.execute("CREATE INDEX ix_clients_search_join ON clients (id) "
                   "INCLUDE (sort_key, owner, kind, last_contact_at) WHERE deleted_at IS NULL")
        # the planner's figures for the new table, before its first search
        op.execute("ANALYZE client_rank_keys")


def downgrade() -> None:
    op.drop_table('client_rank_keys')
    op.drop_index('ix_clients_rank', table_name='clients')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_clients_search_join")
        op.execute("CREATE INDEX ix_clients_search_join ON clients (id) "
                   "INCLUDE (sort_key, owner) WHERE deleted_at IS NULL")
