"""Set-based writes for bulk actions on many clients and agenda items: one
statement per chunk of ids (or per distinct old value, when putting values
back), not one per row, so a thousand rows take milliseconds.

Functions take a Session and never commit: the bulk service owns the unit
of work (one transaction per bulk action and per undo).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from desktop_crm.storage import search_index
from desktop_crm.storage.client_repo import NEXT_VERSION, personal_contact
from desktop_crm.storage.models import (
    CareDoneRow,
    ChangeLogRow,
    Client,
    ClientTag,
    InteractionRow,
    Tag,
)

# Ids per IN list: PostgreSQL takes at most 65,535 bound parameters a statement.
_CHUNK = 10_000
# the card columns a bulk action may set (the classifications, the owner)
VALUE_COLUMNS = ("owner", "nature", "stage", "tenure", "volume_tier", "loyalty")


def chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


# -- reading ------------------------------------------------------------------

def client_states(session: Session, ids: Sequence[int], column: str
                  ) -> dict[int, tuple[Any, int, datetime, datetime | None]]:
    """Per existing client: (``column``'s value, version, updated_at, deleted_at)."""
    col = getattr(Client, column)
    found: dict[int, tuple[Any, int, datetime, datetime | None]] = {}
    for chunk in chunks(ids):
        for cid, value, version, updated, deleted in session.execute(
                select(Client.id, col, Client.version, Client.updated_at, Client.deleted_at)
                .where(Client.id.in_(chunk))):
            found[cid] = (value, version, updated, deleted)
    return found


def versions(session: Session, ids: Sequence[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for chunk in chunks(ids):
        found.update((cid, v) for cid, v in session.execute(
            select(Client.id, Client.version).where(Client.id.in_(chunk))))
    return found


def names(session: Session, ids: Sequence[int]) -> list[str]:
    """The clients' names, in the order of ``ids`` (missing ones left out)."""
    found: dict[int, str] = {}
    for chunk in chunks(ids):
        found.update((cid, n) for cid, n in session.execute(
            select(Client.id, Client.name).where(Client.id.in_(chunk))))
    return [found[i] for i in ids if i in found]


def tag_id(session: Session, name: str, create: bool) -> tuple[int | None, bool]:
    """The tag's id (made when ``create``), and whether it was made now."""
    found = session.scalar(select(Tag.id).where(Tag.name == name))
    if found is not None or not create:
        return found, False
    return int(session.scalars(insert(Tag).returning(Tag.id), [{"name": name}]).one()), True


def tagged(session: Session, ids: Sequence[int], tag: int) -> set[int]:
    """Which of ``ids`` carry the tag."""
    found: set[int] = set()
    for chunk in chunks(ids):
        found.update(session.scalars(select(ClientTag.client_id).where(
            ClientTag.tag_id == tag, ClientTag.client_id.in_(chunk))))
    return found


def client_tag_names(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    """Each client's tags, sorted (clients without tags left out)."""
    found: dict[int, list[str]] = defaultdict(list)
    for chunk in chunks(ids):
        for cid, name in session.execute(
                select(ClientTag.client_id, Tag.name).join(Tag, Tag.id == ClientTag.tag_id)
                .where(ClientTag.client_id.in_(chunk))):
            found[cid].append(name)
    return {cid: sorted(tags) for cid, tags in found.items()}


# -- writing clients -------------------------------------------------------------

def set_values(session: Session, column: str, by_value: Mapping[Any, Sequence[int]],
               updated_at: datetime | Mapping[int, datetime]) -> None:
    """Set ``column`` (one of VALUE_COLUMNS) per value to its clients, one more
    version each; ``updated_at``: now, or each client's own (an undo)."""
    assert column in VALUE_COLUMNS
    for value, ids in by_value.items():
        for chunk in chunks(ids):
            values: dict[str, Any] = {column: value, **NEXT_VERSION}
            if isinstance(updated_at, datetime):
                values["updated_at"] = updated_at
            session.execute(update(Client).where(Client.id.in_(chunk)).values(**values))
    if not isinstance(updated_at, datetime):
        restore_updated_at(session, updated_at)


def restore_updated_at(session: Session, stamps: Mapping[int, datetime]) -> None:
    """Each client's own time of last change back (one executemany)."""
    if stamps:
        session.execute(update(Client), [{"id": cid, "updated_at": stamp}
                                         for cid, stamp in stamps.items()])


def set_trashed(session: Session, ids: Sequence[int], when: datetime | None) -> None:
    """Move to the trash (``when``) or take out of it, one more version each."""
    for chunk in chunks(ids):
        session.execute(update(Client).where(Client.id.in_(chunk))
                        .values(deleted_at=when, **NEXT_VERSION))


def add_tag(session: Session, ids: Sequence[int], tag: int) -> None:
    if ids:
        session.execute(insert(ClientTag), [{"client_id": cid, "tag_id": tag} for cid in ids])


def remove_tag(session: Session, ids: Sequence[int], tag: int) -> None:
    for chunk in chunks(ids):
        session.execute(delete(ClientTag).where(ClientTag.tag_id == tag,
                                                ClientTag.client_id.in_(chunk)))


def delete_tag_if_unused(session: Session, tag: int) -> None:
    session.execute(delete(Tag).where(Tag.id == tag,
                                      Tag.id.not_in(select(ClientTag.tag_id))))


def touch(session: Session, ids: Sequence[int], now: datetime | None) -> None:
    """One more version (and, with ``now``, updated then) for each client."""
    values: dict[str, Any] = dict(NEXT_VERSION)
    if now is not None:
        values["updated_at"] = now
    for chunk in chunks(ids):
        session.execute(update(Client).where(Client.id.in_(chunk)).values(**values))


def reindex(session: Session, ids: Sequence[int],
            old_tags: Mapping[int, Sequence[str]]) -> None:
    """Rebuild the search entries of the clients whose tags changed from
    ``old_tags`` (each client's tags before, sorted)."""
    search_index.reindex_many(session, ids, {i: old_tags.get(i, ()) for i in ids})


def add_changes(session: Session, changes: Sequence[tuple[int, str, str, str]],
                now: datetime, user: str) -> None:
    """History entries (client id, field, old, new), stamped with each
    client's version now (the one the change made)."""
    if not changes:
        return
    current = versions(session, list(dict.fromkeys(c[0] for c in changes)))
    session.execute(insert(ChangeLogRow), [
        {"client_id": cid, "changed_at": now, "user": user, "field": f, "old_value": old,
         "new_value": new, "version": current.get(cid)} for cid, f, old, new in changes])


def last_editors(session: Session, ids: Sequence[int]) -> list[str]:
    """Who wrote the newest history entries of these clients."""
    users: dict[str, None] = {}
    for chunk in chunks(ids):
        latest = (select(ChangeLogRow.client_id, func.max(ChangeLogRow.id).label("last"))
                  .where(ChangeLogRow.client_id.in_(chunk))
                  .group_by(ChangeLogRow.client_id).subquery())
        for user in session.scalars(select(ChangeLogRow.user)
                                    .join(latest, latest.c.last == ChangeLogRow.id)):
            users[user] = None
    return [u for u in users if u]


# -- writing agenda items ----------------------------------------------------------

def log_interactions(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert timeline entries (InteractionRow's columns), then bring the last
    contact of their clients up to date; returns the new ids in order."""
    new_ids: list[int] = []
    for start in range(0, len(rows), _CHUNK):
        new_ids += session.scalars(insert(InteractionRow).returning(
            InteractionRow.id, sort_by_parameter_order=True),
                                   list(rows[start:start + _CHUNK]))
    refresh_last_contact(session, list({r["client_id"] for r in rows}))
    return new_ids


def refresh_last_contact(session: Session, client_ids: Sequence[int]) -> None:
    latest = (select(func.max(InteractionRow.occurred_at))
              .where(InteractionRow.client_id == Client.id, personal_contact())
              .scalar_subquery())
    for chunk in chunks(client_ids):
        session.execute(update(Client).where(Client.id.in_(chunk))
                        .values(last_contact_at=latest, **NEXT_VERSION))


def existing_interactions(session: Session, ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for chunk in chunks(ids):
        found.update(session.scalars(select(InteractionRow.id)
                                     .where(InteractionRow.id.in_(chunk))))
    return found


def delete_interactions(session: Session, ids: Sequence[int]) -> None:
    """Delete timeline entries and recompute their clients' last contact."""
    clients: set[int] = set()
    for chunk in chunks(ids):
        clients.update(session.scalars(select(InteractionRow.client_id)
                                       .where(InteractionRow.id.in_(chunk))))
        session.execute(delete(InteractionRow).where(InteractionRow.id.in_(chunk)))
    refresh_last_contact(session, sorted(clients))


def follow_ups(session: Session, ids: Sequence[int]) -> dict[int, tuple[date | None, bool]]:
    """Per interaction: (follow-up date, done)."""
    found: dict[int, tuple[date | None, bool]] = {}
    for chunk in chunks(ids):
        for iid, due, done in session.execute(
                select(InteractionRow.id, InteractionRow.follow_up_on,
                       InteractionRow.follow_up_done).where(InteractionRow.id.in_(chunk))):
            found[iid] = (due, bool(done))
    return found


def set_follow_ups_done(session: Session, ids: Sequence[int], done: bool) -> None:
    for chunk in chunks(ids):
        session.execute(update(InteractionRow).where(InteractionRow.id.in_(chunk))
                        .values(follow_up_done=done))


def set_follow_up_dates(session: Session, by_day: Mapping[date | None, Sequence[int]]) -> None:
    for day, ids in by_day.items():
        for chunk in chunks(ids):
            session.execute(update(InteractionRow).where(InteractionRow.id.in_(chunk))
                            .values(follow_up_on=day))


def done_keys_of(session: Session, keys: Sequence[tuple[str, int, date]]
                 ) -> set[tuple[str, int, date]]:
    """Which of the item keys (source, ref, day) are marked done."""
    days = sorted({k[2] for k in keys})
    if not days:
        return set()
    stmt = select(CareDoneRow.source, CareDoneRow.ref_id, CareDoneRow.occurs_on).where(
        CareDoneRow.occurs_on >= days[0], CareDoneRow.occurs_on <= days[-1])
    wanted = set(keys)
    found = {(src, ref, day) for src, ref, day in session.execute(stmt)}
    return found & wanted


def add_done_marks(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """care_done rows (source, ref_id, occurs_on, client_id, done_at,
    interaction_id); returns their ids."""
    new_ids: list[int] = []
    for start in range(0, len(rows), _CHUNK):
        new_ids += session.scalars(insert(CareDoneRow).returning(
            CareDoneRow.id, sort_by_parameter_order=True),
                                   list(rows[start:start + _CHUNK]))
    return new_ids


def existing_done_marks(session: Session, ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for chunk in chunks(ids):
        found.update(session.scalars(select(CareDoneRow.id).where(CareDoneRow.id.in_(chunk))))
    return found


def delete_done_marks(session: Session, ids: Sequence[int]) -> None:
    for chunk in chunks(ids):
        session.execute(delete(CareDoneRow).where(CareDoneRow.id.in_(chunk)))
