"""New client cards written in bulk: the cards an import creates.

100,000 cards are written in seconds, inside the caller's one transaction:

- ids are taken before the rows are written (``new_client_ids``), so every
  table is one plain executemany of Core rows, with no RETURNING and no
  ORM object per row;
- rows are built and written chunk by chunk (``CHUNK`` cards), so at most a
  chunk's row dicts are held at once;
- each card's sort key and search entry are made next to each other
  (``search_index.BulkIndex``), so a name's pinyin is read once, and once
  per distinct name and company of the whole import.

The columns and rows are ``card_rows``' (the same as ``client_repo.save_card``
writes). Functions take a Session and never commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, text
from sqlalchemy.orm import Session

from desktop_crm.domain.care import Source
from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.enums import ClientKind
from desktop_crm.domain.identity import new_uuid
from desktop_crm.storage import card_rows, dialect, row_writer, search_index
from desktop_crm.storage.models import Client, ClientPhone, ClientTag, ImportantDateRow, Tag

# An import of at least this many cards into empty tables builds these
# tables' secondary indexes after their rows (_deferred_indexes)
DEFER_INDEXES_FROM = 10_000
DEFERRED_TABLES = ("clients", "client_rank_keys")

# Cards per round of executemany: bounds the row dicts held at once, and is
# far below PostgreSQL's 65,535 parameters for the id lists.
CHUNK = 2_000


def _table(model: Any) -> Table:
    # Core inserts of the table: the ORM's bulk path takes about twice as long
    return cast(Table, model.__table__)


def new_client_ids(session: Session, count: int) -> list[int]:
    """``count`` unused client ids, in increasing order. PostgreSQL: taken
    from the id sequence, so another session's inserts meanwhile take
    others. SQLite: the ids after the largest, those SQLite itself would
    give (no AUTOINCREMENT); the caller holds the write lock, or a writer
    that came between would make the insert fail (and roll back)."""
    if count <= 0:
        return []
    if dialect.is_sqlite(session):
        first = int(session.scalar(select(Client.id).order_by(Client.id.desc()).limit(1))
                    or 0) + 1
        return list(range(first, first + count))
    rows = session.execute(text(
        "SELECT nextval(pg_get_serial_sequence('clients', 'id')) "
        "FROM generate_series(1, :n)"), {"n": count})
    return sorted(int(r[0]) for r in rows)


def _tag_ids(session: Session, cards: Sequence[ClientCard],
             tags: Iterable[str] | None = None) -> dict[str, int]:
    """Tag name -> id of every tag the cards name, new tags inserted.
    ``tags``: the cards' tag texts as they hold them, when the caller has
    them (the cards are then not read here)."""
    wanted = ({t for card in cards for t in card_rows.tag_names(card)} if tags is None
              else {name for name in (card_rows.clean(t) for t in tags) if name})
    if not wanted:
        return {}
    existing = {str(n): int(i) for n, i in session.execute(select(Tag.name, Tag.id))}
    missing = sorted(wanted - set(existing))
    if missing:
        session.connection().execute(insert(_table(Tag)), [{"name": n} for n in missing])
        existing = {str(n): int(i) for n, i in session.execute(select(Tag.name, Tag.id))}
    return existing


def _deferred_indexes(session: Session, count: int) -> list[str]:
    """``count`` cards into an empty database: drop the secondary indexes of
    DEFERRED_TABLES and return their definitions, which the caller runs once
    the rows are in. All of it is in the import's transaction: a failure
    rolls the drop back too. Primary keys and unique indexes stay (they
    check the rows).

    PostgreSQL (100,000 cards: about 1.5 s for the build, 6 s for keeping
    them up to date row by row, mostly the rank keys'): the tables are
    locked before they are found empty, so no other session adds a row
    meanwhile; readers wait for the import, which only ever happens to a
    database with no clients. SQLite (the import holds the write lock from
    its start: ``Database.session(lock=True)``): 100,000 cards' rows with
    their 543,000 rank keys and the indexes built after them took about
    2.4 s of CPU less than with the indexes kept up to date row by row."""
    if count < DEFER_INDEXES_FROM:
        return []
    any_row = text("SELECT EXISTS (" + " UNION ALL ".join(
        f"SELECT 1 FROM {table}" for table in DEFERRED_TABLES) + ")")
    if session.execute(any_row).scalar():
        return []
    if dialect.is_sqlite(session):
        # autoindexes (sql NULL) are the primary key's and UNIQUE's: kept
        found = session.execute(text(
            "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' "
            "AND tbl_name IN (" + ", ".join(f"'{t}'" for t in DEFERRED_TABLES) + ") "
            "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %' ORDER BY name")).all()
        for name, _sql in found:
            session.execute(text(f'DROP INDEX main."{name}"'))
        return [str(sql) for _name, sql in found]
    session.execute(text(f"LOCK TABLE {', '.join(DEFERRED_TABLES)} IN ACCESS EXCLUSIVE MODE"))
    if session.execute(any_row).scalar():  # a row added before the lock was granted
        return []
    found = session.execute(text(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(CAST(:tables AS regclass[])) "
        "AND NOT i.indisprimary AND NOT i.indisunique ORDER BY 1"),
        {"tables": list(DEFERRED_TABLES)}).all()
    for name, _sql in found:
        session.execute(text(f"DROP INDEX {name}"))
    return [str(sql) for _name, sql in found]


# SQLite, an import into an empty database (with _deferred_indexes): the
# tables written whose triggers are dropped while their rows go in, and the
# only insert triggers they may have, whose work _fill_agenda_dates does
# for all the rows at once (migration 25's, keeping ``agenda_dates``)
TRIGGERED_TABLES = ("clients", "important_dates")
FILLED_TRIGGERS = frozenset({"tr_agenda_dates_client_insert",
                             "tr_agenda_dates_important_date_insert"})
_INSERT_TRIGGER = re.compile(r"\b(?:BEFORE|AFTER|INSTEAD\s+OF)\s+INSERT\b", re.IGNORECASE)


def _deferred_triggers(session: Session) -> list[str]:
    """SQLite: drop every trigger of TRIGGERED_TABLES and return their
    definitions in the order they were made (the order SQLite fires the
    triggers of one event in depends on it), which the caller makes again
    once the rows are in and ``_fill_agenda_dates`` has done the insert
    triggers' work. In the import's transaction, as the dropped indexes
    are: a failure rolls the drop back. Nothing when the tables' insert
    triggers are not exactly FILLED_TRIGGERS (the rows then go in one by
    one through them, as before).

    A trigger made every row's statement cost about twice as much, even
    through a staging table (row_writer): 100,000 cards' ``clients`` rows
    2.6 -> 1.6 s of CPU and their 52,000 birthdays 1.0 -> 0.5 s, against
    0.2 s for the dates filled after them."""
    if not dialect.is_sqlite(session):
        return []
    found = session.execute(text(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name IN ("
        + ", ".join(f"'{t}'" for t in TRIGGERED_TABLES) + ") ORDER BY rowid")).all()
    inserting = {str(name) for name, sql in found if _INSERT_TRIGGER.search(str(sql))}
    if inserting != FILLED_TRIGGERS:
        return []
    for name, _sql in found:
        session.execute(text(f'DROP TRIGGER main."{name}"'))
    return [str(sql) for _name, sql in found]


_AGENDA_COLUMNS = ("calendar, month, day, leap, source, ref_id, client_id, kind, label, year, "
                   "remind_days, client_name, owner, live")


def _fill_agenda_dates(session: Session, first: int, last: int) -> None:
    """SQLite: the ``agenda_dates`` rows the insert triggers of FILLED_TRIGGERS
    make (migration 25) for the clients ``first`` to ``last`` and their
    important dates, all at once: each client's founding and relationship
    days and each dated important date, with the client's name, owner and
    state. ``agenda_dates`` is keyed by its values (WITHOUT ROWID): the
    same table as row by row."""
    bounds = {"first": first, "last": last}
    for source, column in ((Source.FOUNDING, "founded_on"),
                           (Source.RELATIONSHIP, "relationship_since")):
        col = f"n.{column}"
        session.execute(text(
            f"INSERT INTO agenda_dates ({_AGENDA_COLUMNS}) "
            f"SELECT 'solar', CAST(substr({col}, 6, 2) AS integer), "
            f"CAST(substr({col}, 9, 2) AS integer), 0, '{source}', n.id, n.id, '{source}', '', "
            f"CAST(substr({col}, 1, 4) AS integer), NULL, n.name, n.owner, "
            f"n.deleted_at IS NULL FROM clients n "
            f"WHERE n.id BETWEEN :first AND :last AND {col} IS NOT NULL"), bounds)
    session.execute(text(
        f"INSERT INTO agenda_dates ({_AGENDA_COLUMNS}) "
        f"SELECT n.calendar, n.month, n.day, n.leap, '{Source.IMPORTANT_DATE}', n.id, "
        "n.client_id, n.kind, n.label, n.year, n.remind_days, c.name, c.owner, "
        "c.deleted_at IS NULL FROM important_dates n JOIN clients c ON c.id = n.client_id "
        "WHERE n.client_id BETWEEN :first AND :last AND n.calendar IS NOT NULL "
        "AND n.month IS NOT NULL AND n.day IS NOT NULL"), bounds)


def insert_cards(session: Session, cards: Sequence[ClientCard], now: datetime,
                 tags: Iterable[str] | None = None) -> list[int]:
    """Insert new cards (without family, custom dates or profile answers:
    ``import_repo.can_bulk_insert``) with their phones, tags, birthday and
    search entry, as ``client_repo.save_card`` would. Returns the new ids
    in the order of ``cards``. ``tags``, when given, are every tag text the
    cards hold (an import reads them from its packed cards: reading each
    card here too took 2 s at 100,000 cards)."""
    if not cards:
        return []
    ids = new_client_ids(session, len(cards))
    tag_ids = _tag_ids(session, cards, tags)
    rebuild = _deferred_indexes(session, len(cards))
    triggers = _deferred_triggers(session) if rebuild else []
    entries = search_index.BulkEntries()
    # each table's rows as plain tuples of these columns, written as they are
    client_columns = [*card_rows.CLIENT_COLUMNS, "id", "created_at", "updated_at", "uuid"]
    phone_columns = ["client_id", *card_rows.PHONE_COLUMNS]
    birth_columns = ["client_id", *card_rows.BIRTHDAY_COLUMNS, "uuid"]
    organisation = ClientKind.ORGANISATION
    client_row, phone_rows, birthday_row = (card_rows.client_row, card_rows.phone_rows,
                                            card_rows.birthday_row)
    for start in range(0, len(cards), CHUNK):
        part = range(start, min(start + CHUNK, len(cards)))
        clients: list[tuple[Any, ...]] = []
        phones: list[tuple[Any, ...]] = []
        births: list[tuple[Any, ...]] = []
        links: list[tuple[int, int]] = []
        for i in part:
            card, cid = cards[i], ids[i]
            # the sort key's pinyin, then the entry's of the same name: read once
            clients.append((*client_row(card, entries.sort_key), cid, now, now,
                            card.uuid or new_uuid()))
            tags = card_rows.tag_names(card)
            numbers = phone_rows(card)
            entries.add(cid, card.name.strip(), card.company.strip(),
                        [digits for _position, _kind, _number, digits in numbers],
                        [card.email.strip(), card.wechat.strip(), *tags],
                        organisation=card.kind == organisation)
            phones += [(cid, *values) for values in numbers]
            birth = birthday_row(card)
            if birth is not None:
                births.append((cid, *birth, card.birthday_uuid or new_uuid()))
            links += [(cid, tag_ids[t]) for t in tags]
        for model, columns, rows in ((Client, client_columns, clients),
                                     (ClientPhone, phone_columns, phones),
                                     (ImportantDateRow, birth_columns, births),
                                     (ClientTag, ["client_id", "tag_id"], links)):
            row_writer.insert_rows(session, _table(model), columns, rows)
        entries.write(session)
    if triggers:
        _fill_agenda_dates(session, ids[0], ids[-1])
        for sql in triggers:  # as they were, in their order
            session.connection().exec_driver_sql(sql)
    for sql in rebuild:
        session.execute(text(sql))
    return ids
