"""The "no order" churn warnings read their clients' names from
``client_sales``, not from the cards.

``client_sales`` (one row per client with a won order: the day of the last
one and a copy of the grade, migration 20) also holds the client's name,
owner and whether the card is live, and its index of each grade's last won
days holds them too: a warning's candidates are one range of the index per
grade, read without a card each. A 30-day agenda at 100,000 clients has
about 9,300 candidates (6,300 warnings): on SQLite each looked up its card
for the name (the statement alone 27 -> 13 ms of CPU); on PostgreSQL the
planner hash-joined all 100,000 cards to name them (the statement about
95 ms of the server's time).

Triggers keep the copies in the statement that writes, as migrations 25
and 26 keep ``agenda_dates`` and ``agenda_follow_ups``: a row the triggers on
``orders`` insert takes its client's name, owner and state (on SQLite an
update right after the insert, on PostgreSQL before it), and a card's new
name, owner or trash state is copied to its row. The migration fills them
for the rows stored.

With no card read for those warnings, PostgreSQL's ``ix_clients_contact``
takes the form migration 26 gave SQLite's: it also holds the clients' id,
name and owner, so the clients not contacted for long (10,700 in a 30-day
agenda) are read from the index alone (the statement about 13-19 -> 2 ms of
the server's time). Migration 26 had kept it narrow there because the
planner hash-joined all 100,000 live clients through it to name Today's
"no order" warnings; those read no card now.

Revision ID: 20261217_28
Revises: 20261216_27
Create Date: 2026-12-17
"""
import sqlalchemy as sa
from alembic import op

revision = '20261217_28'
down_revision = '20261216_27'
branch_labels = None
depends_on = None

TABLE = "client_sales"
OLD_INDEX = ("ix_client_sales_grade_last_won", ["grade", "last_won_on", "client_id"])
NEW_INDEX = ("ix_client_sales_no_order",
             ["grade", "last_won_on", "client_id", "live", "client_name", "owner"])
CARD_CHANGED = {
    "sqlite": ("OLD.name IS NOT NEW.name OR OLD.owner IS NOT NEW.owner "
               "OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)"),
    "postgresql": ("OLD.name IS DISTINCT FROM NEW.name OR OLD.owner IS DISTINCT FROM NEW.owner "
                   "OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)")}
CARD = (f"UPDATE {TABLE} SET client_name = NEW.name, owner = NEW.owner, "
        "live = NEW.deleted_at IS NULL WHERE client_id = NEW.id")
SQLITE_TRIGGERS = ("tr_client_sales_card_insert", "tr_client_sales_card_update")
# PostgreSQL's ix_clients_contact before (migrations 23 and 26) and now
CONTACT = "(grade, coalesce(last_contact_at, created_at))"
CONTACT_BEFORE = f"{CONTACT} INCLUDE (last_contact_at, created_at)"
CONTACT_NOW = f"{CONTACT} INCLUDE (last_contact_at, created_at, id, name, owner)"


def _contact_index(columns: str) -> None:
    op.execute("DROP INDEX ix_clients_contact")
    op.execute(f"CREATE INDEX ix_clients_contact ON clients {columns} WHERE deleted_at IS NULL")


def _sqlite_triggers() -> list[str]:
    return [
        # a new row (the first won order of a client): its card's name, owner, state
        f"""CREATE TRIGGER tr_client_sales_card_insert AFTER INSERT ON {TABLE}
            BEGIN UPDATE {TABLE} SET (client_name, owner, live) = (
                      SELECT c.name, c.owner, c.deleted_at IS NULL FROM clients c
                      WHERE c.id = NEW.client_id)
                  WHERE client_id = NEW.client_id; END""",
        f"""CREATE TRIGGER tr_client_sales_card_update AFTER UPDATE OF name, owner, deleted_at
            ON clients WHEN {CARD_CHANGED["sqlite"]}
            BEGIN {CARD}; END""",
    ]


def _postgres_triggers() -> list[str]:
    return [
        f"""CREATE FUNCTION {TABLE}_card_fill() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              SELECT c.name, c.owner, c.deleted_at IS NULL
              INTO NEW.client_name, NEW.owner, NEW.live
              FROM clients c WHERE c.id = NEW.client_id;
              RETURN NEW;
            END $$""",
        f"""CREATE TRIGGER tr_{TABLE}_card_fill BEFORE INSERT ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION {TABLE}_card_fill()""",
        f"""CREATE FUNCTION {TABLE}_card_sync() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF {CARD_CHANGED["postgresql"]} THEN
                {CARD};
              END IF;
              RETURN NULL;
            END $$""",
        f"""CREATE TRIGGER tr_{TABLE}_card AFTER UPDATE OF name, owner, deleted_at
            ON clients FOR EACH ROW EXECUTE FUNCTION {TABLE}_card_sync()""",
    ]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    collation = "C" if postgres else None  # text by code point, as every text column since 09
    op.add_column(TABLE, sa.Column('client_name', sa.String(length=200, collation=collation),
                                   nullable=False, server_default=''))
    op.add_column(TABLE, sa.Column('owner', sa.String(length=100, collation=collation),
                                   nullable=False, server_default=''))
    op.add_column(TABLE, sa.Column('live', sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
    op.execute(f"""UPDATE {TABLE} SET (client_name, owner, live) = (
                       SELECT c.name, c.owner, c.deleted_at IS NULL FROM clients c
                       WHERE c.id = {TABLE}.client_id)""")
    op.drop_index(OLD_INDEX[0], table_name=TABLE)
    op.create_index(NEW_INDEX[0], TABLE, NEW_INDEX[1])
    for statement in _postgres_triggers() if postgres else _sqlite_triggers():
        op.execute(statement)
    if postgres:
        _contact_index(CONTACT_NOW)
        op.execute(f"ANALYZE {TABLE}")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        _contact_index(CONTACT_BEFORE)
        op.execute(f"DROP TRIGGER tr_{TABLE}_card ON clients")
        op.execute(f"DROP FUNCTION {TABLE}_card_sync()")
        op.execute(f"DROP TRIGGER tr_{TABLE}_card_fill ON {TABLE}")
        op.execute(f"DROP FUNCTION {TABLE}_card_fill()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_index(NEW_INDEX[0], table_name=TABLE)
    op.create_index(OLD_INDEX[0], TABLE, OLD_INDEX[1])
    if not postgres:
        # as migration 24's downgrade: the batch's rename of the copy into place
        # would re-check migration 20's triggers, which name client_sales
        op.execute("PRAGMA legacy_alter_table = ON")
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_column('live')
        batch.drop_column('owner')
        batch.drop_column('client_name')
    if not postgres:
        op.execute("PRAGMA legacy_alter_table = OFF")
