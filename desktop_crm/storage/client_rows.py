"""The client list's rows read by id, and what reads of the window's start
share with the client queries, through the tables alone (SQLAlchemy Core,
storage/tables.py): Today's recent grade changes read their clients' rows
before Today is filled, when neither sqlalchemy.orm nor the mapped classes
are loaded (storage/client_repo.py re-exports these)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, String, and_, any_, bindparam, func, select, text
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.types import ARRAY, BigInteger

from desktop_crm.domain.client import ClientRow
from desktop_crm.domain.enums import ClientKind, Loyalty
from desktop_crm.storage import dialect
from desktop_crm.storage.tables import (
    GRADE_CHANGED,
    client_tags,
    clients,
    contact_people,
    interactions,
    tags,
)

if TYPE_CHECKING:
    from desktop_crm.storage.dialect import Reader

# Ids per IN list: PostgreSQL takes at most 65,535 bound parameters a statement.
_CHUNK = 10_000


@dataclass
class ClientFilter:
    """What the list shows: search text plus filters, and the sort order."""

    text: str = ""
    kind: str | None = None
    classification: tuple[str, str] | None = None  # (field, value), e.g. ("loyalty", "core")
    tag: str | None = None
    owner: str | None = None  # exactly this owner ("Mine": the user's name)
    grade: str | None = None  # "A", "B", "C" or "unrated"
    evaluated_before: date | None = None  # due: never evaluated, or last before this date
    grade_changed_since: date | None = None  # latest evaluation on/after this changed grade
    # not contacted: with (grade, days) limits ("" = unrated), the clients whose
    # last contact (or creation) plus their limit falls before this date
    contact_limits: tuple[tuple[str, int], ...] = ()
    contact_due_before: date | None = None
    trash: bool = False
    # "relevance": with search text, best match first (domain.search_rank),
    # else by name; any other value is a key of SORT_COLUMNS
    sort: str = "relevance"
    descending: bool = False


# SQLite reads a table by rowid even where an index holds every column the
# query needs; ``INDEXED BY`` (a FROM hint) makes it read the narrow index.
# SQLAlchemy's SQLite compiler renders no FROM hints: it renders them as given.
def _sqlite_from_hint(self: SQLiteCompiler, table: Any, text: str | None) -> str | None:
    return text


SQLiteCompiler.get_from_hint_text = _sqlite_from_hint  # type: ignore[method-assign,assignment]


def personal_contact() -> ColumnElement[bool]:
    """The interactions that count as contact: all but mass greetings."""
    return interactions.c.mass.is_(False)


def json_ids(name: str) -> Select[Any]:
    """SQLite: the ids of the parameter ``name`` (a JSON array of integers,
    ``json_list``), for ``x IN (...)``. A page's ids as one value: an
    expanding IN list is rendered anew on each call (64 parameters cost
    SQLAlchemy more than a page's statement), a JSON array is bound as it
    is and the statement compiled once."""
    each = func.json_each(bindparam(name, type_=String())).table_valued("value")
    return select(each.c.value)


def json_list(ids: Iterable[int]) -> str:
    """``ids`` as the JSON array ``json_ids`` reads."""
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


_KINDS = {kind.value: kind for kind in ClientKind}
_LOYALTIES = {loyalty.value: loyalty for loyalty in Loyalty}


def _rows_of(ids: Any) -> Any:
    """The list rows of the clients ``ids`` selects, with their tags (a client
    with two tags comes twice) and whether they have contact people."""
    c, person, client_tag, tag = clients.c, contact_people.c, client_tags.c, tags.c
    people = select(person.id).where(person.client_id == c.id).exists()
    return (select(c.id, c.name, c.kind, c.company, c.primary_phone, c.owner, c.loyalty,
                   c.last_contact_at, c.grade, c.previous_grade, c.last_evaluated_on, people,
                   tag.name)
            .select_from(clients)
            .outerjoin(client_tags, client_tag.client_id == c.id)
            .outerjoin(tags, tag.id == client_tag.tag_id)
            .where(ids))


# built once (a page's rows are read on every keystroke); the ids as one
# value: a JSON array on SQLite (``json_ids``: an expanding IN list of 64
# parameters is rendered again on every call, which cost SQLAlchemy more than
# the statement), an array on PostgreSQL (64 parameters cost its driver and
# SQLAlchemy more than the statement)
_ROWS = {"sqlite": _rows_of(clients.c.id.in_(json_ids("ids"))),
         "postgresql": _rows_of(clients.c.id == any_(bindparam("ids", type_=ARRAY(BigInteger))))}


def rows(session: Reader, ids: list[int]) -> list[ClientRow]:
    """List rows for ``ids``, in the order given (missing ids are skipped)."""
    found: dict[int, ClientRow] = {}
    conn = dialect.connection(session)
    postgres = conn.dialect.name == "postgresql"
    stmt = _ROWS[conn.dialect.name]
    for start in range(0, len(ids), _CHUNK):
        # tags joined here rather than by group_concat (SQLite) or string_agg
        # (PostgreSQL), sorted by code point: the same text on both engines,
        # whatever the server's collation
        tags_of: dict[int, list[str]] = {}
        read: dict[int, Any] = {}
        chunk = ids[start:start + _CHUNK]
        for row in conn.execute(stmt, {"ids": chunk if postgres else json_list(chunk)}).all():
            if row[12] is not None:
                tags_of.setdefault(row[0], []).append(row[12])
            read[row[0]] = row
        # plain tuples and enum members by value: a page's rows are built on
        # every keystroke
        found.update((cid, ClientRow(
            cid, name, _KINDS[kind], company, phone, owner,
            _LOYALTIES[loyalty] if loyalty else None,
            ", ".join(sorted(tags_of[cid])) if cid in tags_of else "",
            last_contact, grade, previous, evaluated, bool(people),
        )) for cid, name, kind, company, phone, owner, loyalty, last_contact, grade, previous,
            evaluated, people, _tag in read.values())
    return [found[i] for i in ids if i in found]


def grade_changes_since(session: Reader, since: date, limit: int, owner: str | None = None
                        ) -> tuple[list[int], int]:
    """Live clients whose latest evaluation, on or after ``since``, changed
    their grade (of ``owner`` when given): the ids of the newest ``limit``
    (by evaluation day, then id) and how many there are. Both read the
    partial index ix_clients_grade_changed alone (its condition stated as it
    is; ``INDEXED BY`` on SQLite, whose planner would otherwise walk every
    live client through ix_clients_deleted_at)."""
    c = clients.c
    changed = and_(text(_qualified(GRADE_CHANGED)), c.last_evaluated_on >= since)
    if owner is not None:
        changed = and_(changed, c.owner == owner)
    conn = dialect.connection(session)
    ids = list(conn.execute(select(c.id).where(changed)
                            .with_hint(clients, _CHANGED_HINT, "sqlite")
                            .order_by(c.last_evaluated_on.desc(), c.id)
                            .limit(limit)).scalars())
    total = conn.execute(select(func.count(c.id)).where(changed)
                         .with_hint(clients, _CHANGED_HINT, "sqlite")).scalar()
    return ids, int(total or 0)


# rendered as given on SQLite (``_sqlite_from_hint`` above)
_CHANGED_HINT = "INDEXED BY ix_clients_grade_changed"


def _qualified(condition: str) -> str:
    return " AND ".join(f"clients.{term}" for term in condition.split(" AND "))
