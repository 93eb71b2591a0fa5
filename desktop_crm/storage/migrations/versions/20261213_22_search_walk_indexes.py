"""Indexes a search walks to read only its first page (issue 20), and an
organisation's own name keys in roles of their own. The indexes: the
clients in the order a tier of a search lists them (most recently contacted
first, then by name and id; the live clients only, with their kind), and
each client's rank keys by (client, key), so whether a client has a key the
typed text starts is one probe; and the keys by (role, key), so the keys
of a tier (some roles) are a few ranges, counted without reading others. A tier with thousands of members is read in
that order, client by client, until the page is full, instead of ranking
all its members (``storage/client_repo.py``). The keys' index on the client
alone is replaced by the wider one (deleting a client's keys uses it too).
The roles: an organisation's name keys get ``ORG_NAME``... (8-10 for 0-2,
``domain.search_rank``), so the tier a key gives follows from its role
alone and a tier's keys are one range of the key index; a person's
contact-people keys (which never counted) are dropped. And on SQLite the
full-text index gets prefix indexes of one and two characters: counting
the hits of a one- or two-letter search (up to 1,001) reads one list
instead of merging the lists of every token that starts so (``"s"*``: 21 ms
at 100,000 clients, 0.3 ms with them).

Revision ID: 20261213_22
Revises: 20261213_21
Create Date: 2026-12-13
"""
from alembic import op

revision = '20261213_22'
down_revision = '20261213_21'
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute("UPDATE client_rank_keys SET role = role + 8 WHERE role IN (0, 1, 2) "
               "AND client_id IN (SELECT id FROM clients WHERE kind = 'organisation')")
    op.execute("DELETE FROM client_rank_keys WHERE role IN (5, 6, 7) "
               "AND client_id IN (SELECT id FROM clients WHERE kind <> 'organisation')")
    op.drop_index('ix_client_rank_keys_client_id', table_name='client_rank_keys')
    op.create_index('ix_client_rank_keys_client_key', 'client_rank_keys',
                    ['client_id', 'key', 'role'])
    op.drop_index('ix_client_rank_keys_key', table_name='client_rank_keys')
    op.create_index('ix_client_rank_keys_role_key', 'client_rank_keys',
                    ['role', 'key', 'client_id'])
    # NULL sorts last in a descending SQLite index by itself; PostgreSQL's
    # default would put it first
    if postgres:
        op.execute("CREATE INDEX ix_clients_recent ON clients "
                   "(last_contact_at DESC NULLS LAST, sort_key, id) INCLUDE (kind) "
                   "WHERE deleted_at IS NULL")
        op.execute("ANALYZE clients")
        op.execute("ANALYZE client_rank_keys")  # its roles changed above
    else:
        op.execute("CREATE INDEX ix_clients_recent ON clients "
                   "(last_contact_at DESC, sort_key, id, kind) WHERE deleted_at IS NULL")
        _rebuild_fts(", prefix = '1 2'")


def _rebuild_fts(options: str) -> None:
    """SQLite's ``client_fts`` made again with ``options``, with its entries."""
    op.execute("CREATE VIRTUAL TABLE client_fts_new USING fts5("
               f"body, tokenize = 'unicode61 remove_diacritics 2'{options})")
    op.execute("INSERT INTO client_fts_new(rowid, body) SELECT rowid, body FROM client_fts")
    op.execute("DROP TABLE client_fts")
    op.execute("ALTER TABLE client_fts_new RENAME TO client_fts")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        _rebuild_fts("")
    op.drop_index('ix_clients_recent', table_name='clients')
    op.drop_index('ix_client_rank_keys_client_key', table_name='client_rank_keys')
    op.drop_index('ix_client_rank_keys_role_key', table_name='client_rank_keys')
    op.create_index('ix_client_rank_keys_key', 'client_rank_keys', ['key', 'role', 'client_id'])
    op.create_index('ix_client_rank_keys_client_id', 'client_rank_keys', ['client_id'])
    op.execute("UPDATE client_rank_keys SET role = role - 8 WHERE role IN (8, 9, 10)")
