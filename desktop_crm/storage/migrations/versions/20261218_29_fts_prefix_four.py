"""SQLite's full-text index gets prefix indexes of three and four characters
too (migration 22 gave it those of one and two).

A search counts its hits up to 1,001 in the full-text index alone. For a
prefix longer than the prefix indexes FTS5 reads and merges the list of every
token that starts so: "che"* starts 2,000-3,600 tokens at 100,000 clients
(the pinyin of names and companies, e-mails, WeChat IDs), and counting its
hits took 3.4 ms of CPU, "shan"* 3.3 ms; with a prefix index of that length
it reads one list (0.1 ms). A keystroke typing a name's pinyin passes through
three and four letters. Longer prefixes start few enough tokens ("huang"*
0.6 ms). The price at 100,000 clients: the index grows by about 21 MB (97 ->
117 MB written at once, about 2.5% of the 818 MB bench book) and writing
100,000 entries 2,000 at a time, as an import does, 4-5 s more CPU (6.0 ->
9.7 and 10.9 s, at load 7). PostgreSQL's
index is a GIN index of the same tokens, which has no prefix indexes:
nothing changes there.

Revision ID: 20261218_29
Revises: 20261217_28
Create Date: 2026-12-18
"""
from alembic import op

revision = '20261218_29'
down_revision = '20261217_28'
branch_labels = None
depends_on = None

# the prefix lengths FTS5 keeps an index of, after and before this revision
PREFIXES = "1 2 3 4"
BEFORE = "1 2"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        _rebuild_fts(PREFIXES)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        _rebuild_fts(BEFORE)


def _rebuild_fts(prefixes: str) -> None:
    """SQLite's ``client_fts`` made again with prefix indexes of ``prefixes``
    (lengths), with its entries (as migration 22 made it)."""
    op.execute("CREATE VIRTUAL TABLE client_fts_new USING fts5("
               f"body, tokenize = 'unicode61 remove_diacritics 2', prefix = '{prefixes}')")
    op.execute("INSERT INTO client_fts_new(rowid, body) SELECT rowid, body FROM client_fts")
    op.execute("DROP TABLE client_fts")
    op.execute("ALTER TABLE client_fts_new RENAME TO client_fts")
