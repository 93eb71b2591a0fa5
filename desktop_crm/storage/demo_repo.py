"""Bulk writes of generated demo data (``services.demo``).

The generator hands over plain rows keyed by column name, chunk by chunk;
this module knows which table each list goes to and writes them with Core
bulk ``insert()`` (100,000 clients take seconds, not minutes), their search
entries through ``search_index``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from desktop_crm.storage import dialect, search_index
from desktop_crm.storage.client_repo import personal_contact
from desktop_crm.storage.models import (
    CareDoneRow,
    ChangeLogRow,
    Client,
    ClientPhone,
    ClientTag,
    ComplaintCounterRow,
    ComplaintLogRow,
    ComplaintRow,
    ComplaintStatusRow,
    EvaluationRow,
    FamilyMemberRow,
    ImportantDateRow,
    InteractionRow,
    OrderRow,
    ProfileAnswer,
    SalesTargetRow,
    Tag,
)

Row = dict[str, Any]


@dataclass
class Chunk:
    """The rows of some clients, by what they hold; ``tags`` are (client id,
    tag name) pairs. Ids are given by the generator."""

    clients: list[Row] = field(default_factory=list)
    phones: list[Row] = field(default_factory=list)
    tags: list[tuple[int, str]] = field(default_factory=list)
    dates: list[Row] = field(default_factory=list)
    family: list[Row] = field(default_factory=list)
    answers: list[Row] = field(default_factory=list)
    interactions: list[Row] = field(default_factory=list)
    changes: list[Row] = field(default_factory=list)
    evaluations: list[Row] = field(default_factory=list)
    orders: list[Row] = field(default_factory=list)
    targets: list[Row] = field(default_factory=list)

    def with_uuids(self) -> list[list[Row]]:
        """The lists whose rows need a ``uuid``, in the order they get one."""
        return [self.clients, self.dates, self.family, self.interactions, self.evaluations,
                self.orders, self.targets]


def _table(model: Any) -> Table:
    # Core inserts of the table: the ORM's bulk path takes about twice as long
    return cast(Table, model.__table__)


def next_client_id(session: Session) -> int:
    return int(session.scalar(select(func.max(Client.id))) or 0) + 1


def tag_ids(session: Session) -> dict[str, int]:
    """Tag name -> id of the tags already stored."""
    return {str(name): int(tid) for tid, name in session.execute(select(Tag.id, Tag.name))}


def write(session: Session, chunk: Chunk, tags: dict[str, int],
          index: search_index.BulkIndex) -> None:
    """Insert the rows of ``chunk``, new tags (``tags`` gets their ids) and the
    search entries queued in ``index``."""
    session.execute(insert(_table(Client)), chunk.clients)
    new_tags: list[Row] = []
    for _cid, name in chunk.tags:
        if name not in tags:
            tags[name] = max(tags.values(), default=0) + 1
            new_tags.append({"id": tags[name], "name": name})
    for model, rows in (
        (ClientPhone, chunk.phones),
        (Tag, new_tags),
        (ClientTag, [{"client_id": c, "tag_id": tags[t]} for c, t in chunk.tags]),
        (ImportantDateRow, chunk.dates),
        (FamilyMemberRow, chunk.family),
        (ProfileAnswer, chunk.answers),
        (InteractionRow, chunk.interactions),
        (ChangeLogRow, chunk.changes),
        (EvaluationRow, chunk.evaluations),
        (OrderRow, chunk.orders),
        (SalesTargetRow, chunk.targets),
    ):
        if rows:
            session.execute(insert(_table(model)), rows)
    dialect.ids_written(session, ("clients", "tags"))
    index.write(session)


# -- complaints ------------------------------------------------------------------

def complaint_counters(session: Session) -> dict[int, int]:
    """Year -> the last complaint number given that year."""
    return {int(year): int(last) for year, last in session.execute(
        select(ComplaintCounterRow.year, ComplaintCounterRow.last))}


def write_complaints(session: Session, rows: list[Row], changes: list[Row], logs: list[Row],
                     counters: dict[int, int]) -> None:
    """Insert complaints, their status changes and log entries (whose
    ``complaint_id`` counts the ``rows`` from 1) and the year counters."""
    first_id = int(session.execute(insert(ComplaintRow).returning(ComplaintRow.id),
                                   rows[:1]).scalar_one()) if rows else 1
    if len(rows) > 1:
        session.execute(insert(ComplaintRow), rows[1:])
    offset = first_id - 1
    for item in changes + logs:
        item["complaint_id"] += offset
    if changes:
        session.execute(insert(ComplaintStatusRow), changes)
    if logs:
        session.execute(insert(ComplaintLogRow), logs)
    for year, last in counters.items():
        session.merge(ComplaintCounterRow(year=year, last=last))


# -- the upkeep of a demo book (services.demo_upkeep) -----------------------------

def write_upkeep(session: Session, interactions: list[Row], done: list[Row],
                 follow_ups: list[int]) -> None:
    """Log what was done on the timelines (``interactions``; a ``done`` row's
    ``interaction`` is the index of its entry in that list, or None), mark the
    items done, close the ``follow_ups`` (interaction ids) and move the last
    contact of the clients concerned."""
    ids: list[int] = []
    if interactions:
        ids = list(session.scalars(
            insert(_table(InteractionRow)).returning(InteractionRow.id,
                                                     sort_by_parameter_order=True),
            interactions))
    for row in done:
        index = row.pop("interaction")
        row["interaction_id"] = None if index is None else ids[index]
    if done:
        session.execute(insert(_table(CareDoneRow)), done)
    for start in range(0, len(follow_ups), 10_000):
        session.execute(update(InteractionRow)
                        .where(InteractionRow.id.in_(follow_ups[start:start + 10_000]))
                        .values(follow_up_done=True))
    clients = sorted({row["client_id"] for row in interactions if not row["mass"]})
    latest = (select(func.max(InteractionRow.occurred_at))
              .where(InteractionRow.client_id == Client.id, personal_contact())
              .scalar_subquery())
    for start in range(0, len(clients), 10_000):
        session.execute(update(Client).where(Client.id.in_(clients[start:start + 10_000]))
                        .values(last_contact_at=latest))
