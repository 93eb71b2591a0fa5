"""Many new rows written to one table the fastest safe way each engine has,
inside the caller's transaction (an import of 100,000 clients).

- SQLite: one ``executemany`` of plain tuples on the driver's cursor. The
  values go through the very bind processors SQLAlchemy applies (a
  ``DateTime`` is stored as the same text; each distinct value converted
  once per call: an import's rows share their timestamps), but without
  SQLAlchemy's per-row parameter dictionaries, which cost more than
  SQLite's own work. A table with triggers (``clients`` and the dated
  tables keep ``agenda_dates`` so) gets its rows through a staging table:
  the tuples go into a temporary table without indexes, then into the table
  with one ``INSERT ... SELECT`` in their order (so the same ids; the
  triggers run for each row as before). A trigger made each one-row
  statement of an ``executemany`` cost about twice as much as without it
  (measured: 100,000 clients 4.7 s -> 2.9 s CPU this way; a table without
  triggers gains nothing). The temporary table is the connection's; one a
  failed call left behind is dropped first.
- SQLite, rows of integers and text (``insert_json_rows``: the search
  entries and rank keys of an import): one ``INSERT ... SELECT`` from
  ``json_each`` of the rows as one JSON array, so SQLite does a round's
  work in one step without Python's lock, beside the thread that builds
  the next round (``card_inserts``); an executemany takes the lock back
  after each row, and beside a busy thread waits for it each time (100,000
  rank keys: 0.36 s alone, 1.36 s beside a busy thread; from JSON 0.46 s
  and 0.9 s).
- PostgreSQL: ``COPY ... FROM STDIN`` through psycopg's ``cursor.copy`` on
  the session's own connection, so the rows are part of its transaction (a
  rollback removes them); psycopg adapts the Python values as it does for
  an ``INSERT``.

Columns left out of the rows get their column's scalar default, as a Core
``insert()`` would; a column with a computed default (a new UUID) must be
given. Functions take a Session and never commit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Boolean, Date, DateTime, Integer, String, Table
from sqlalchemy.orm import Session

Processor = Callable[[Any], Any]


def _columns(table: Table, given: Sequence[str]) -> tuple[list[str], list[tuple[str, Any]]]:
    """The columns written: ``given``, then those left out that have a scalar
    default (with that default)."""
    defaults: list[tuple[str, Any]] = []
    for column in table.columns:
        if column.name in given:
            continue
        default = column.default
        if default is None:
            continue
        if not getattr(default, "is_scalar", False):
            raise ValueError(f"{table.name}.{column.name} has a computed default: give it")
        defaults.append((column.name, getattr(default, "arg", None)))
    return [*given, *(name for name, _value in defaults)], defaults


def insert_rows(session: Session, table: Table, columns: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (tuples of ``columns``' values, in that order) into
    ``table`` in the session's transaction."""
    if not rows:
        return
    names, defaults = _columns(table, columns)
    tail = tuple(value for _name, value in defaults)
    conn = session.connection()
    dialect = conn.dialect
    quote = dialect.identifier_preparer.quote
    column_list = ", ".join(quote(n) for n in names)
    driver = conn.connection.driver_connection
    if dialect.name == "postgresql":
        sql = f"COPY {quote(table.name)} ({column_list}) FROM STDIN"
        with cast(Any, driver).cursor() as cursor, cursor.copy(sql) as copy:
            write = copy.write_row
            for row in rows:
                write((*row, *tail) if tail else row)
        return
    processors: list[tuple[int, Processor]] = []
    for index, name in enumerate(names):
        processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            dated = isinstance(table.c[name].type, (Date, DateTime))
            processors.append((index, _once_each(processor) if dated else processor))
    values: Sequence[Sequence[Any]] = rows
    if processors or tail:
        values = [_processed((*row, *tail), processors) for row in rows]
    marks = ", ".join("?" for _n in names)
    cursor = cast(Any, driver).cursor()
    try:
        if len(names) <= JSON_MOST_COLUMNS and all(
                isinstance(table.c[n].type, _AS_JSON) for n in names) and _from_json(
                cursor, f"main.{quote(table.name)}", column_list, len(names), values):
            return
        if _has_triggers(cursor, table.name):
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")  # one a failed call left
            cursor.execute(f"CREATE TABLE {STAGE} ({column_list})")  # no types: values as given
            cursor.executemany(f"INSERT INTO {STAGE} VALUES ({marks})", values)
            cursor.execute(f"INSERT INTO main.{quote(table.name)} ({column_list}) "
                           f"SELECT {column_list} FROM {STAGE} ORDER BY rowid")
            cursor.execute(f"DROP TABLE {STAGE}")
        else:
            cursor.executemany(
                f"INSERT INTO {quote(table.name)} ({column_list}) VALUES ({marks})", values)
    finally:
        cursor.close()


# SQLite: the temporary table the rows of a table with triggers go through
STAGE = "temp.bulk_rows"


def _has_triggers(cursor: Any, table: str) -> bool:
    cursor.execute("SELECT EXISTS (SELECT 1 FROM main.sqlite_master "
                   "WHERE type = 'trigger' AND tbl_name = ?)", (table,))
    return bool(cursor.fetchone()[0])


def _once_each(processor: Processor) -> Processor:
    """A date or time column's ``processor``, converting each distinct value
    once (100,000 clients share their timestamps). Equal values of another
    type or zone are told apart: their text may differ."""
    done: dict[tuple[Any, ...], Any] = {}

    def convert(value: Any) -> Any:
        key = (type(value), value, getattr(value, "tzinfo", None))
        try:
            return done[key]
        except KeyError:
            done[key] = converted = processor(value)
            return converted

    return convert


def _processed(row: tuple[Any, ...], processors: list[tuple[int, Processor]]) -> tuple[Any, ...]:
    if not processors:
        return row
    out = list(row)
    for index, processor in processors:
        value = out[index]
        if value is not None:
            out[index] = processor(value)
    return tuple(out)


# SQLite: rows of at most this many values go through JSON; each value is
# picked from the row's text by a call of its own (the 40 columns of 100,000
# clients: 4.7 s of CPU, against 2.6 s through the temporary table)
JSON_MOST_COLUMNS = 12
# SQLite: the column types whose values (processed for the driver) are
# integers, text or None, which a JSON array holds exactly
_AS_JSON = (Integer, String, Boolean, Date, DateTime)


def _from_json(cursor: Any, table: str, column_list: str, count: int,
               rows: Sequence[Sequence[Any]]) -> bool:
    """SQLite: ``rows`` inserted by one statement reading them from a JSON
    array, in their order (a table's triggers run for each, as for an
    executemany); False, and nothing done, when a text holds a NUL (SQLite's
    JSON would end the text there)."""
    array = json.dumps(rows, ensure_ascii=False, check_circular=False)
    if "\\u0000" in array:
        return False
    picked = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(count))
    cursor.execute(f"INSERT INTO {table} ({column_list}) SELECT {picked} FROM json_each(?) "
                   "ORDER BY key", (array,))
    return True


def insert_json_rows(session: Session, table: str, columns: Sequence[str],
                     rows: Sequence[Sequence[Any]]) -> None:
    """SQLite: ``rows`` (integers and text only, no NUL) inserted into
    ``table`` by one statement reading them from a JSON array in their
    order, so SQLite does all of the work in one step. An executemany steps
    once per row and takes Python's lock back after each: beside a busy
    thread (``card_inserts``' writer is beside the thread building the next
    rows) each row waits for it."""
    if not rows:
        return
    names = ", ".join(columns)
    conn = session.connection()
    driver = conn.connection.driver_connection
    cursor = cast(Any, driver).cursor()
    try:
        if not _from_json(cursor, table, names, len(columns), rows):  # a NUL: as given
            marks = ", ".join("?" for _c in columns)
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    finally:
        cursor.close()


def insert_dicts(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """``insert_rows`` of dictionaries that all have the keys of the first."""
    if not rows:
        return
    columns = list(rows[0])
    insert_rows(session, table, columns, [tuple(r[c] for c in columns) for r in rows])
