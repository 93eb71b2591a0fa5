"""Complaints in the database: numbering, load/save, status changes, the
handling log, lists and the figures the analysis pane and stats need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from desktop_crm.domain.complaint import (
    OPEN_STATUSES,
    Complaint,
    ComplaintCategory,
    ComplaintCause,
    ComplaintChannel,
    ComplaintStatus,
    LogEntry,
    Priority,
    StatusChange,
    Temperament,
    number_text,
)
from desktop_crm.storage import dialect
from desktop_crm.storage.care_repo import (  # its old home
    resolved_waiting as resolved_waiting,
)
from desktop_crm.storage.models import (
    Client,
    ComplaintCounterRow,
    ComplaintLogRow,
    ComplaintRow,
    ComplaintStatusRow,
)

# Fields stored as they are (text, numbers, times); enums are converted below.
_PLAIN = ("client_id", "received_at", "department", "words", "restated", "demand",
          "escalation", "solution", "compensation", "resolution", "satisfaction",
          "improvement", "first_reply_at", "resolved_at", "followed_up_at", "closed_at")
_ENUMS: dict[str, type[Any]] = {
    "channel": ComplaintChannel, "category": ComplaintCategory, "cause": ComplaintCause,
    "priority": Priority, "temperament": Temperament, "status": ComplaintStatus,
}


def next_number(session: Session, year: int) -> int:
    """Take the next sequence number of ``year``. The counter row stays locked
    (SQLite: the database's write lock) until the transaction ends, so a second
    writer waits for it and numbers stay unique; a rollback gives the number back."""
    session.execute(text(dialect.insert_or_ignore("complaint_counters", ("year", "last"))),
                    {"year": year, "last": 0})
    value = session.execute(
        update(ComplaintCounterRow).where(ComplaintCounterRow.year == year)
        .values(last=ComplaintCounterRow.last + 1).returning(ComplaintCounterRow.last)
    ).scalar_one()
    return int(value)


def _to_row(c: Complaint, row: ComplaintRow) -> None:
    for name in _PLAIN:
        setattr(row, name, getattr(c, name))
    for name in _ENUMS:
        value = getattr(c, name)
        setattr(row, name, value.value if value is not None else None)


def from_row(row: Any, client: str) -> Complaint:
    """The complaint of a row (ORM object or Core row) of ``client``'s."""
    values: dict[str, Any] = {name: getattr(row, name) for name in _PLAIN}
    for name, enum in _ENUMS.items():
        raw = getattr(row, name)
        values[name] = enum(raw) if raw is not None else None
    return Complaint(**values, number=row.number, id=row.id, client=client, uuid=row.uuid)


def create(session: Session, c: Complaint, year: int, sequence: int, now: datetime,
           user: str = "") -> int:
    row = ComplaintRow(year=year, sequence=sequence, number=number_text(year, sequence),
                       created_at=now, updated_at=now, **({"uuid": c.uuid} if c.uuid else {}))
    _to_row(c, row)
    session.add(row)
    session.flush()
    session.add(ComplaintStatusRow(complaint_id=row.id, at=now, old_status=None,
                                   new_status=c.status.value, note="", user=user))
    return row.id


def update_fields(session: Session, c: Complaint, now: datetime) -> None:
    """Store the editable fields (not the status and its times)."""
    row = session.get(ComplaintRow, c.id)
    if row is None:
        raise LookupError(c.id)
    status = (row.status, row.first_reply_at, row.resolved_at, row.followed_up_at,
              row.closed_at)
    _to_row(c, row)
    (row.status, row.first_reply_at, row.resolved_at, row.followed_up_at,
     row.closed_at) = status
    row.updated_at = now


def load(session: Session, complaint_id: int) -> Complaint | None:
    row = session.get(ComplaintRow, complaint_id)
    if row is None:
        return None
    client = session.scalar(select(Client.name).where(Client.id == row.client_id)) or ""
    c = from_row(row, client)
    c.history = [
        StatusChange(r.at, ComplaintStatus(r.old_status) if r.old_status else None,
                     ComplaintStatus(r.new_status), r.note, r.user)
        for r in session.scalars(select(ComplaintStatusRow)
                                 .where(ComplaintStatusRow.complaint_id == complaint_id)
                                 .order_by(ComplaintStatusRow.at, ComplaintStatusRow.id))
    ]
    c.log = [LogEntry(r.at, r.text, r.author) for r in session.scalars(
        select(ComplaintLogRow).where(ComplaintLogRow.complaint_id == complaint_id)
        .order_by(ComplaintLogRow.at, ComplaintLogRow.id))]
    return c


def set_status(session: Session, complaint_id: int, old: ComplaintStatus,
               new: ComplaintStatus, now: datetime, note: str, user: str = "") -> None:
    """Record a move already checked by the domain, with the time it happened
    and who made it."""
    values: dict[str, Any] = {"status": new.value, "updated_at": now}
    if new == ComplaintStatus.IN_PROGRESS:
        row = session.get(ComplaintRow, complaint_id)
        if row is not None and row.first_reply_at is None:
            values["first_reply_at"] = now
        if old != ComplaintStatus.NEW:  # reopened: the old outcome no longer holds
            values.update(resolved_at=None, followed_up_at=None, closed_at=None)
    elif new == ComplaintStatus.RESOLVED:
        values["resolved_at"] = now
    elif new == ComplaintStatus.FOLLOWED_UP:
        values["followed_up_at"] = now
    elif new == ComplaintStatus.CLOSED:
        values["closed_at"] = now
    session.execute(update(ComplaintRow).where(ComplaintRow.id == complaint_id).values(**values))
    session.add(ComplaintStatusRow(complaint_id=complaint_id, at=now, old_status=old.value,
                                   new_status=new.value, note=note, user=user))


def undo_last_status(session: Session, complaint_id: int) -> None:
    """Take back the latest status change (an undone "mark as done")."""
    last = session.scalars(select(ComplaintStatusRow)
                           .where(ComplaintStatusRow.complaint_id == complaint_id)
                           .order_by(ComplaintStatusRow.at.desc(), ComplaintStatusRow.id.desc())
                           .limit(1)).first()
    if last is None or last.old_status is None:
        return
    stamp = {ComplaintStatus.FOLLOWED_UP.value: "followed_up_at",
             ComplaintStatus.CLOSED.value: "closed_at",
             ComplaintStatus.RESOLVED.value: "resolved_at"}.get(last.new_status)
    values: dict[str, Any] = {"status": last.old_status}
    if stamp:
        values[stamp] = None
    session.execute(update(ComplaintRow).where(ComplaintRow.id == complaint_id).values(**values))
    session.delete(last)


def add_log(session: Session, complaint_id: int, at: datetime, text_: str, author: str) -> None:
    session.execute(insert(ComplaintLogRow).values(complaint_id=complaint_id, at=at,
                                                   text=text_, author=author))


@dataclass
class ComplaintFilter:
    """What the complaint list shows."""

    status: str | None = None  # a ComplaintStatus value, or "open"
    category: str | None = None
    department: str | None = None
    since: date | None = None  # received on or after
    until: date | None = None  # received on or before
    client_id: int | None = None
    owner: str | None = None  # complaints of this owner's clients ("Mine")


def _filtered(flt: ComplaintFilter) -> Any:
    stmt = (select(ComplaintRow, Client.name).join(Client, Client.id == ComplaintRow.client_id)
            .where(Client.deleted_at.is_(None)))
    if flt.status == "open":
        stmt = stmt.where(ComplaintRow.status.in_([s.value for s in OPEN_STATUSES]))
    elif flt.status:
        stmt = stmt.where(ComplaintRow.status == flt.status)
    if flt.category:
        stmt = stmt.where(ComplaintRow.category == flt.category)
    if flt.department:
        stmt = stmt.where(ComplaintRow.department == flt.department)
    # days as ranges of times: the column compared as it is stored, on both engines
    if flt.since:
        stmt = stmt.where(ComplaintRow.received_at >= datetime.combine(flt.since, time()))
    if flt.until:
        stmt = stmt.where(ComplaintRow.received_at
                          < datetime.combine(flt.until + timedelta(days=1), time()))
    if flt.client_id is not None:
        stmt = stmt.where(ComplaintRow.client_id == flt.client_id)
    if flt.owner is not None:
        stmt = stmt.where(Client.owner == flt.owner)
    return stmt


def list_complaints(session: Session, flt: ComplaintFilter) -> list[Complaint]:
    """Complaints without their history and log, newest first."""
    stmt = _filtered(flt).order_by(ComplaintRow.received_at.desc(), ComplaintRow.id.desc())
    return [from_row(row, name) for row, name in session.execute(stmt)]


def departments(session: Session) -> list[str]:
    stmt = select(ComplaintRow.department).where(ComplaintRow.department != "").distinct()
    return sorted(session.scalars(stmt))  # by code point, whatever the server's collation


def status_of(session: Session, complaint_id: int) -> ComplaintStatus | None:
    raw = session.scalar(select(ComplaintRow.status).where(ComplaintRow.id == complaint_id))
    return ComplaintStatus(raw) if raw else None


def counts(session: Session) -> dict[str, Any]:
    """The ``complaints`` block of ``stats --json``."""
    live = select(ComplaintRow.status, ComplaintRow.category).join(
        Client, Client.id == ComplaintRow.client_id).where(Client.deleted_at.is_(None)).subquery()
    by_category: dict[str, int] = {}
    total = open_ = 0
    open_values = {s.value for s in OPEN_STATUSES}
    for status, category, n in session.execute(
            select(live.c.status, live.c.category, func.count()).group_by(live.c.status,
                                                                         live.c.category)):
        total += n
        open_ += n if status in open_values else 0
        by_category[category] = by_category.get(category, 0) + n
    return {"open": open_, "total": total, "by_category": by_category}
