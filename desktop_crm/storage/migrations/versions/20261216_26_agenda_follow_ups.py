"""The agenda's open follow-ups in one table, read in the day's order.

``agenda_follow_ups`` holds one row per interaction whose follow-up is open
(a follow-up day set, not done): the day, the interaction, what its item
shows (the next step, or else the summary) and its client's name, owner and
whether the card is live. A 30-day agenda at 100,000 clients reads about
15,600 open follow-ups: from the partial index of interactions each looked
up its client card (SQLite, the statement alone: about 50 ms, 20 ms from
this table), and the items came in the index's order, sorted again by day
and interaction. The primary key is (day, interaction): on SQLite the table
is WITHOUT ROWID, so the rows up to a day are one contiguous range already
in the agenda's order; on PostgreSQL the filled rows are written in it.

Triggers keep it, in the statement that writes, as migration 25's keep
``agenda_dates``: on ``interactions`` (a follow-up set, moved, done, undone,
its next step or summary edited, the interaction moved or removed) and on
``clients`` (its name, owner or trash state copied to its rows; a purged
client's interactions go by the foreign key's cascade, which fires the
triggers on ``interactions``). Every path that writes them keeps it right without
knowing of it: logging and editing interactions, marking follow-ups done
and its undo, imports and their undo, trash, restore and purge, the demo, a
copy between engines (``models.DERIVED_TABLES``). The migration fills it
from the interactions stored.

On SQLite ``ix_clients_contact`` (the live clients by grade and last
contact, which the agenda's clients not contacted for long are ranges of)
also holds their name and owner and the two columns its expression reads:
the 10,700 such clients of a 30-day agenda are read from the index alone,
not a card each ("Mine" too), statement 45 -> 18 ms. PostgreSQL's keeps its
form: with their id, name and owner too (an index-only scan, grade B's
2,060 rows 9.5 -> 4.6 ms) its planner hash-joined all 100,000 live clients
through it to name Today's few hundred "no order" warnings instead of
looking each up by id (2.6 -> 45 ms; Today 101 -> 152 ms at 100,000
clients).

Revision ID: 20261216_26
Revises: 20261215_25
Create Date: 2026-12-16
"""
import sqlalchemy as sa
from alembic import op

revision = '20261216_26'
down_revision = '20261215_25'
branch_labels = None
depends_on = None

TABLE = "agenda_follow_ups"
COLUMNS = ("follow_up_on", "ref_id", "client_id", "step", "client_name", "owner", "live")
KEY = "follow_up_on = OLD.follow_up_on AND ref_id = OLD.id"
CARD = (f"UPDATE {TABLE} SET client_name = NEW.name, owner = NEW.owner, "
        "live = NEW.deleted_at IS NULL WHERE client_id = NEW.id")


def _open(r: str, postgres: bool) -> str:
    """The interaction ``r``'s follow-up is open (as ix_interactions_open_follow_up says)."""
    done = f"NOT {r}.follow_up_done" if postgres else f"{r}.follow_up_done = 0"
    return f"{r}.follow_up_on IS NOT NULL AND {done}"


def _select(r: str, postgres: bool) -> str:
    """The stored row of the interaction ``r`` (NEW in a trigger; in the fill,
    ``interactions``: every row of it) with its client's name, owner and state,
    when its follow-up is open."""
    rows = ("clients c" if r == "NEW"
            else "interactions JOIN clients c ON c.id = interactions.client_id")
    return (f"SELECT {r}.follow_up_on, {r}.id, {r}.client_id, "
            f"CASE WHEN {r}.next_step <> '' THEN {r}.next_step ELSE {r}.summary END, "
            f"c.name, c.owner, c.deleted_at IS NULL FROM {rows} "
            f"WHERE c.id = {r}.client_id AND {_open(r, postgres)}")


def _insert(select: str) -> str:
    return f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) {select}"


# what the stored row is made of: a change to another column leaves it as it is
WATCHED = ("follow_up_on", "follow_up_done", "next_step", "summary", "client_id")


def _sqlite_triggers() -> list[str]:
    watched = ", ".join(WATCHED)
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
    return [
        f"""CREATE TRIGGER tr_{TABLE}_insert AFTER INSERT ON interactions
            WHEN {_open("NEW", False)}
            BEGIN {_insert(_select("NEW", False))}; END""",
        f"""CREATE TRIGGER tr_{TABLE}_update AFTER UPDATE OF {watched} ON interactions
            WHEN ({changed}) AND ({_open("OLD", False)} OR {_open("NEW", False)})
            BEGIN DELETE FROM {TABLE} WHERE {KEY};
                  {_insert(_select("NEW", False))}; END""",
        f"""CREATE TRIGGER tr_{TABLE}_delete AFTER DELETE ON interactions
            WHEN {_open("OLD", False)}
            BEGIN DELETE FROM {TABLE} WHERE {KEY}; END""",
        f"""CREATE TRIGGER tr_{TABLE}_card_update AFTER UPDATE OF name, owner, deleted_at
            ON clients
            WHEN OLD.name IS NOT NEW.name OR OLD.owner IS NOT NEW.owner
                 OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
            BEGIN {CARD}; END""",
    ]


SQLITE_TRIGGERS = [f"tr_{TABLE}_{name}" for name in
                   ("insert", "update", "delete", "card_update")]


def _postgres_triggers() -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in WATCHED)
    return [
        f"""CREATE FUNCTION {TABLE}_sync() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'UPDATE' AND NOT ({changed}) THEN
                RETURN NULL;
              END IF;
              IF TG_OP IN ('DELETE', 'UPDATE') AND {_open("OLD", True)} THEN
                DELETE FROM {TABLE} WHERE {KEY};
              END IF;
              IF TG_OP IN ('INSERT', 'UPDATE') AND {_open("NEW", True)} THEN
                {_insert(_select("NEW", True))};
              END IF;
              RETURN NULL;
            END $$""",
        f"""CREATE TRIGGER tr_{TABLE} AFTER INSERT OR DELETE
                  OR UPDATE OF {", ".join(WATCHED)}
            ON interactions FOR EACH ROW EXECUTE FUNCTION {TABLE}_sync()""",
        f"""CREATE FUNCTION {TABLE}_client_sync() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF OLD.name IS DISTINCT FROM NEW.name OR OLD.owner IS DISTINCT FROM NEW.owner
                 OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) THEN
                {CARD};
              END IF;
              RETURN NULL;
            END $$""",
        f"""CREATE TRIGGER tr_{TABLE}_client AFTER UPDATE OF name, owner, deleted_at
            ON clients FOR EACH ROW EXECUTE FUNCTION {TABLE}_client_sync()""",
    ]


CONTACT = "(grade, coalesce(last_contact_at, created_at))"
# ix_clients_contact before (migration 04 on SQLite, 23 on PostgreSQL) and now
CONTACT_BEFORE = {"sqlite": CONTACT,
                  "postgresql": f"{CONTACT} INCLUDE (last_contact_at, created_at)"}
# (SQLite only: on PostgreSQL an index of every live client's id and name
# made the planner hash-join all 100,000 of them to name a few hundred churn
# warnings, 2.6 -> 45 ms, instead of looking each up by id: it keeps its form)
CONTACT_NOW = {
    "sqlite": "(grade, coalesce(last_contact_at, created_at), name, owner, last_contact_at, "
              "created_at)",
    "postgresql": CONTACT_BEFORE["postgresql"]}


def _contact_index(columns: str) -> None:
    # IF EXISTS: a SQLite book taken down across migration 11 or 17 and up again lost
    # it (a downgrade's batch copy of clients drops expression indexes it
    # cannot reflect); it is made again here either way
    op.execute("DROP INDEX IF EXISTS ix_clients_contact")
    op.execute(f"CREATE INDEX ix_clients_contact ON clients {columns} WHERE deleted_at IS NULL")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    collation = "C" if postgres else None  # text by code point, as every text column since 09
    op.create_table(
        TABLE,
        sa.Column('follow_up_on', sa.Date(), nullable=False),
        sa.Column('ref_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('step', sa.Text(collation=collation), nullable=False),
        sa.Column('client_name', sa.String(length=200, collation=collation), nullable=False),
        sa.Column('owner', sa.String(length=100, collation=collation), nullable=False),
        sa.Column('live', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('follow_up_on', 'ref_id', name=op.f('pk_agenda_follow_ups')),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f('ix_agenda_follow_ups_client_id'), TABLE, ['client_id'])
    # filled in the key's order: on PostgreSQL a day's rows share pages
    op.execute(_insert(f"SELECT * FROM ({_select('interactions', postgres)}) AS rows "
                       f"ORDER BY 1, 2"))
    for statement in _postgres_triggers() if postgres else _sqlite_triggers():
        op.execute(statement)
    if not postgres:
        _contact_index(CONTACT_NOW["sqlite"])
    else:
        op.execute(f"ANALYZE {TABLE}")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if not postgres:
        _contact_index(CONTACT_BEFORE["sqlite"])
    if postgres:
        op.execute(f"DROP TRIGGER tr_{TABLE}_client ON clients")
        op.execute(f"DROP FUNCTION {TABLE}_client_sync()")
        op.execute(f"DROP TRIGGER tr_{TABLE} ON interactions")
        op.execute(f"DROP FUNCTION {TABLE}_sync()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_index(op.f('ix_agenda_follow_ups_client_id'), table_name=TABLE)
    op.drop_table(TABLE)
