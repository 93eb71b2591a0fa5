"""The agenda's yearly dates in one table, read in one pass per window.

``agenda_dates`` holds one row per yearly date the agenda shows: each
important date, each family member's and contact person's birthday, each
client's founding day and the day the relationship began. Next to the date's
key (calendar, month, day, leap) it holds what an agenda item shows of it
(its kind, label, year, own reminder) and of its client (name, owner, and
whether the card is live), so a window's yearly dates are read without
looking up a date row and a client card each (about 15,000 of each in a
30-day agenda at 100,000 clients). Its primary key starts with the date's
key: on SQLite the table is WITHOUT ROWID, so the rows of one day are
contiguous; on PostgreSQL the filled rows are written in the key's order.

Triggers keep it, in the statement that writes, like migration 20's keep
``client_month_sales``: on ``important_dates``, ``family_members`` and
``contact_people`` (a date added, changed or removed) and on ``clients``
(its name, owner or trash state copied to its rows; its founding and
relationship days). So every path that writes those tables keeps it right
without knowing of it: the card editor and its undo, imports and their undo,
trash, restore and purge, the demo, a copy between engines (which leaves the
table to the target's triggers: ``models.DERIVED_TABLES``). The migration
fills it from the rows stored.

Revision ID: 20261215_25
Revises: 20261214_24
Create Date: 2026-12-15
"""
from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = '20261215_25'
down_revision = '20261214_24'
branch_labels = None
depends_on = None

TABLE = "agenda_dates"
COLUMNS = ("calendar", "month", "day", "leap", "source", "ref_id", "client_id", "kind",
           "label", "year", "remind_days", "client_name", "owner", "live")

# (source, table, calendar, month, day, leap, year, kind, label, remind days):
# the dated rows of a client's own tables, as SQL of the row (``{r}``). The
# sources are domain.care.Source's, frozen for this revision.
CHILDREN = (
    ("important_date", "important_dates", "{r}.calendar", "{r}.month", "{r}.day", "{r}.leap",
     "{r}.year", "{r}.kind", "{r}.label", "{r}.remind_days"),
    ("family_member", "family_members", "{r}.birth_calendar", "{r}.birth_month",
     "{r}.birth_day", "{r}.birth_leap", "{r}.birth_year", "'family'",
     "trim({r}.relation || ' ' || {r}.name)", "{r}.birth_remind_days"),
    ("contact_person", "contact_people", "{r}.birth_calendar", "{r}.birth_month",
     "{r}.birth_day", "{r}.birth_leap", "{r}.birth_year", "'contact'", "{r}.name", "NULL"),
)
# the client's own yearly days: (source, column)
OWN = (("founding", "founded_on"), ("relationship", "relationship_since"))


def _parts(postgres: bool) -> Callable[[str, str], str]:
    """SQL of a date column's part ("year", "month", "day") as an integer:
    SQLite keeps dates as ISO text."""
    def part(column: str, which: str) -> str:
        if postgres:
            return f"CAST(EXTRACT({which.upper()} FROM {column}) AS integer)"
        start, length = {"year": (1, 4), "month": (6, 2), "day": (9, 2)}[which]
        return f"CAST(substr({column}, {start}, {length}) AS integer)"
    return part


def _child_select(child: tuple[str, ...], r: str) -> str:
    """The agenda row of the child row ``r`` (NEW in a trigger; in the fill,
    the table's name: every row of the table), with its client's name, owner
    and state: none when the row has no date."""
    source, table, cal, month, day, leap, year, kind, label, remind = (
        part.format(r=r) for part in child)
    rows = "clients c" if r == "NEW" else f"{table} JOIN clients c ON c.id = {table}.client_id"
    return (f"SELECT {cal}, {month}, {day}, {leap}, '{source}', {r}.id, {r}.client_id, "
            f"{kind}, {label}, {year}, {remind}, c.name, c.owner, c.deleted_at IS NULL "
            f"FROM {rows} WHERE c.id = {r}.client_id AND {cal} IS NOT NULL "
            f"AND {month} IS NOT NULL AND {day} IS NOT NULL")


def _own_select(source: str, column: str, r: str, postgres: bool) -> str:
    """The agenda row of the client ``r``'s founding or relationship day."""
    part = _parts(postgres)
    col = f"{r}.{column}"
    leap = "false" if postgres else "0"
    return (f"SELECT 'solar', {part(col, 'month')}, {part(col, 'day')}, {leap}, '{source}', "
            f"{r}.id, {r}.id, '{source}', '', {part(col, 'year')}, NULL, {r}.name, {r}.owner, "
            f"{r}.deleted_at IS NULL")


def _insert(select: str) -> str:
    return f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) {select}"


def _child_delete(child: tuple[str, ...]) -> str:
    source, _table, cal, month, day, leap = (part.format(r="OLD") for part in child[:6])
    return (f"DELETE FROM {TABLE} WHERE calendar = {cal} AND month = {month} "
            f"AND day = {day} AND leap = {leap} AND source = '{source}' AND ref_id = OLD.id")


def _own_delete(source: str, column: str, postgres: bool) -> str:
    part = _parts(postgres)
    col = f"OLD.{column}"
    return (f"DELETE FROM {TABLE} WHERE calendar = 'solar' AND month = {part(col, 'month')} "
            f"AND day = {part(col, 'day')} AND source = '{source}' AND ref_id = OLD.id")


CARD = ("UPDATE agenda_dates SET client_name = NEW.name, owner = NEW.owner, "
        "live = NEW.deleted_at IS NULL WHERE client_id = NEW.id")


def _sqlite_triggers() -> list[str]:
    statements = []
    for child in CHILDREN:
        source, table = child[0], child[1]
        name = f"tr_{TABLE}_{source}"
        statements += [
            f"""CREATE TRIGGER {name}_insert AFTER INSERT ON {table}
                BEGIN {_insert(_child_select(child, "NEW"))}; END""",
            f"""CREATE TRIGGER {name}_update AFTER UPDATE ON {table}
                BEGIN {_child_delete(child)}; {_insert(_child_select(child, "NEW"))}; END""",
            f"""CREATE TRIGGER {name}_delete AFTER DELETE ON {table}
                BEGIN {_child_delete(child)}; END""",
        ]
    own_inserts = "; ".join(_insert(f"{_own_select(s, c, 'NEW', False)} "
                                    f"WHERE NEW.{c} IS NOT NULL") for s, c in OWN)
    statements.append(f"""CREATE TRIGGER tr_{TABLE}_client_insert AFTER INSERT ON clients
                          BEGIN {own_inserts}; END""")
    for source, column in OWN:
        statements.append(
            f"""CREATE TRIGGER tr_{TABLE}_{source}_update AFTER UPDATE OF {column} ON clients
                WHEN OLD.{column} IS NOT NEW.{column}
                BEGIN {_own_delete(source, column, False)};
                      {_insert(_own_select(source, column, "NEW", False))}
                      WHERE NEW.{column} IS NOT NULL; END""")
    statements += [
        f"""CREATE TRIGGER tr_{TABLE}_card_update AFTER UPDATE OF name, owner, deleted_at
            ON clients
            WHEN OLD.name IS NOT NEW.name OR OLD.owner IS NOT NEW.owner
                 OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
            BEGIN {CARD}; END""",
        f"""CREATE TRIGGER tr_{TABLE}_client_delete AFTER DELETE ON clients
            BEGIN DELETE FROM {TABLE} WHERE client_id = OLD.id; END""",
    ]
    return statements


SQLITE_TRIGGERS = ([f"tr_{TABLE}_{c[0]}_{op}" for c in CHILDREN
                    for op in ("insert", "update", "delete")]
                   + [f"tr_{TABLE}_client_insert"]
                   + [f"tr_{TABLE}_{s}_update" for s, _c in OWN]
                   + [f"tr_{TABLE}_card_update", f"tr_{TABLE}_client_delete"])


def _postgres_triggers() -> list[str]:
    statements = []
    for child in CHILDREN:
        source, table = child[0], child[1]
        statements += [
            f"""CREATE FUNCTION {TABLE}_{source}_sync() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP IN ('DELETE', 'UPDATE') THEN
                {_child_delete(child)};
              END IF;
              IF TG_OP IN ('INSERT', 'UPDATE') THEN
                {_insert(_child_select(child, "NEW"))};
              END IF;
              RETURN NULL;
            END $$""",
            f"""CREATE TRIGGER tr_{TABLE}_{source} AFTER INSERT OR DELETE OR UPDATE ON {table}
                FOR EACH ROW EXECUTE FUNCTION {TABLE}_{source}_sync()""",
        ]
    own = []
    for source, column in OWN:
        own.append(f"""
              IF TG_OP = 'UPDATE' AND OLD.{column} IS NOT NULL
                 AND OLD.{column} IS DISTINCT FROM NEW.{column} THEN
                {_own_delete(source, column, True)};
              END IF;
              IF NEW.{column} IS NOT NULL AND (TG_OP = 'INSERT'
                                             OR OLD.{column} IS DISTINCT FROM NEW.{column}) THEN
                {_insert(_own_select(source, column, "NEW", True))};
              END IF;""")
    statements += [
        f"""CREATE FUNCTION {TABLE}_client_sync() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' THEN
                DELETE FROM {TABLE} WHERE client_id = OLD.id;
                RETURN NULL;
              END IF;
              IF TG_OP = 'UPDATE' AND (OLD.name IS DISTINCT FROM NEW.name
                                       OR OLD.owner IS DISTINCT FROM NEW.owner
                                       OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))
              THEN
                {CARD};
              END IF;{''.join(own)}
              RETURN NULL;
            END $$""",
        f"""CREATE TRIGGER tr_{TABLE}_client
            AFTER INSERT OR DELETE
                  OR UPDATE OF name, owner, deleted_at, founded_on, relationship_since
            ON clients FOR EACH ROW EXECUTE FUNCTION {TABLE}_client_sync()""",
    ]
    return statements


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    collation = "C" if postgres else None  # text by code point, as every text column since 09
    op.create_table(
        TABLE,
        sa.Column('calendar', sa.String(length=8, collation=collation), nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('day', sa.Integer(), nullable=False),
        sa.Column('leap', sa.Boolean(), nullable=False),
        sa.Column('source', sa.String(length=16, collation=collation), nullable=False),
        sa.Column('ref_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32, collation=collation), nullable=False),
        sa.Column('label', sa.Text(collation=collation), nullable=False),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('remind_days', sa.Integer(), nullable=True),
        sa.Column('client_name', sa.String(length=200, collation=collation), nullable=False),
        sa.Column('owner', sa.String(length=100, collation=collation), nullable=False),
        sa.Column('live', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('calendar', 'month', 'day', 'leap', 'source', 'ref_id',
                                name=op.f('pk_agenda_dates')),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f('ix_agenda_dates_client_id'), TABLE, ['client_id'])
    # filled in the key's order: on PostgreSQL a day's rows share pages
    selects = [_child_select(child, child[1]) for child in CHILDREN]
    selects += [f"{_own_select(s, c, 'clients', postgres)} FROM clients "
                f"WHERE clients.{c} IS NOT NULL" for s, c in OWN]
    op.execute(_insert(f"SELECT * FROM ({' UNION ALL '.join(selects)}) AS rows "
                       f"ORDER BY 1, 2, 3, 4, 5, 6"))
    for statement in _postgres_triggers() if postgres else _sqlite_triggers():
        op.execute(statement)
    if postgres:
        op.execute(f"ANALYZE {TABLE}")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(f"DROP TRIGGER tr_{TABLE}_client ON clients")
        op.execute(f"DROP FUNCTION {TABLE}_client_sync()")
        for child in CHILDREN:
            op.execute(f"DROP TRIGGER tr_{TABLE}_{child[0]} ON {child[1]}")
            op.execute(f"DROP FUNCTION {TABLE}_{child[0]}_sync()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_index(op.f('ix_agenda_dates_client_id'), table_name=TABLE)
    op.drop_table(TABLE)
