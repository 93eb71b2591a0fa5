"""Import batches and the lookups an import needs.

Functions take a Session and never commit: the importing service owns the
unit of work. A card is kept as JSON (``card_to_json``) when an import changes
it, so that undoing the batch puts back exactly what was there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, delete, func, or_, select, update
from sqlalchemy.orm import Session

from desktop_crm.domain.client import ClientCard, FamilyMember, ImportantDate, Phone
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import (
    ClientKind,
    DateKind,
    Gender,
    Loyalty,
    Nature,
    PhoneKind,
    Stage,
    Tenure,
    VolumeTier,
)
from desktop_crm.domain.import_mapping import email_key, name_company_key, phone_key
from desktop_crm.storage import card_inserts, row_writer
from desktop_crm.storage.models import (
    ChangeLogRow,
    Client,
    ClientPhone,
    ClientTag,
    ComplaintRow,
    EvaluationRow,
    ImportBatchRow,
    ImportItemRow,
    InteractionRow,
    OrderRow,
    Tag,
)

CREATED = "created"
UPDATED = "updated"


@dataclass(frozen=True)
class BatchInfo:
    """One import as the Undo menu lists it."""

    id: int
    file_name: str
    file_format: str
    imported_at: datetime
    user: str
    policy: str
    created: int
    updated: int
    skipped: int
    invalid: int
    undone_at: datetime | None
    kind: str = "clients"
    orders: int = 0


CLIENTS_KIND = "clients"
ORDERS_KIND = "orders"


@dataclass(frozen=True)
class ItemInfo:
    row: int
    client_id: int | None
    action: str
    before: str | None
    after: datetime


# -- card snapshots ---------------------------------------------------------------

def _spec(spec: DateSpec | None) -> dict[str, Any] | None:
    if spec is None:
        return None
    return {"calendar": spec.calendar, "month": spec.month, "day": spec.day,
            "year": spec.year, "leap": spec.leap}


def _unspec(data: dict[str, Any] | None) -> DateSpec | None:
    return DateSpec(**data) if data else None


def card_to_json(card: ClientCard) -> str:
    data = {
        "name": card.name, "kind": card.kind.value, "gender": card.gender.value,
        "title": card.title, "company": card.company, "email": card.email,
        "wechat": card.wechat, "website": card.website, "address": card.address,
        "home_address": card.home_address,
        "industry": card.industry, "source": card.source, "owner": card.owner,
        "notes": card.notes, "legal_representative": card.legal_representative,
        "founded_on": card.founded_on.isoformat() if card.founded_on else None,
        "scale": card.scale, "assets": card.assets, "org_form": card.org_form,
        "relationship_since": (card.relationship_since.isoformat()
                               if card.relationship_since else None),
        "nature": card.nature.value if card.nature else None,
        "stage": card.stage.value if card.stage else None,
        "tenure": card.tenure.value if card.tenure else None,
        "volume_tier": card.volume_tier.value if card.volume_tier else None,
        "loyalty": card.loyalty.value if card.loyalty else None,
        "phones": [[p.number, p.kind.value] for p in card.phones],
        "tags": card.tags,
        "birthday": _spec(card.birthday), "birthday_remind_days": card.birthday_remind_days,
        "birthday_uuid": card.birthday_uuid,
        "dates": [{"kind": d.kind.value, "spec": _spec(d.spec), "label": d.label,
                   "remind_days": d.remind_days, "uuid": d.uuid} for d in card.dates],
        "family": [{"relation": m.relation, "name": m.name, "birthday": _spec(m.birthday),
                    "notes": m.notes, "remind_days": m.remind_days, "uuid": m.uuid}
                   for m in card.family],
        "profile": {str(k): v for k, v in card.profile.items()},
        "profile_private": sorted(card.profile_private),
        "profile_filled_by": card.profile_filled_by,
        "updated_at": card.updated_at.isoformat() if card.updated_at else None,
    }
    return json.dumps(data, ensure_ascii=False)


def card_from_json(text: str, client_id: int) -> tuple[ClientCard, datetime | None]:
    """The card saved by ``card_to_json`` and its ``updated_at`` then."""
    d = json.loads(text)

    def opt(enum: Any, value: str | None) -> Any:
        return enum(value) if value else None

    card = ClientCard(
        id=client_id, name=d["name"], kind=ClientKind(d["kind"]), gender=Gender(d["gender"]),
        title=d["title"], company=d["company"], email=d["email"], wechat=d["wechat"],
        website=d.get("website", ""),  # snapshots made before the field had none
        address=d["address"], home_address=d["home_address"], industry=d["industry"],
        source=d["source"], owner=d["owner"], notes=d["notes"],
        legal_representative=d["legal_representative"],
        founded_on=date.fromisoformat(d["founded_on"]) if d["founded_on"] else None,
        scale=d["scale"], assets=d["assets"], org_form=d["org_form"],
        relationship_since=(date.fromisoformat(d["relationship_since"])
                            if d["relationship_since"] else None),
        nature=opt(Nature, d["nature"]), stage=opt(Stage, d["stage"]),
        tenure=opt(Tenure, d["tenure"]), volume_tier=opt(VolumeTier, d["volume_tier"]),
        loyalty=opt(Loyalty, d["loyalty"]),
        phones=[Phone(n, PhoneKind(k)) for n, k in d["phones"]], tags=list(d["tags"]),
        birthday=_unspec(d["birthday"]), birthday_remind_days=d["birthday_remind_days"],
        # snapshots made before records had UUIDs have none: new ones are given
        birthday_uuid=d.get("birthday_uuid", ""),
        dates=[ImportantDate(DateKind(x["kind"]), DateSpec(**x["spec"]), x["label"],
                             x["remind_days"], x.get("uuid", "")) for x in d["dates"]],
        family=[FamilyMember(m["relation"], m["name"], _unspec(m["birthday"]), m["notes"],
                             m["remind_days"], m.get("uuid", "")) for m in d["family"]],
        profile={int(k): v for k, v in d["profile"].items()},
        profile_private=set(d["profile_private"]),
        profile_filled_by=d["profile_filled_by"],
    )
    updated = datetime.fromisoformat(d["updated_at"]) if d["updated_at"] else None
    return card, updated


# -- bulk insert -------------------------------------------------------------------

def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


# what a card inserted in bulk leaves empty: only what an import fills is written
NOT_IN_BULK = ("family", "dates", "profile", "profile_private")


def can_bulk_insert(card: ClientCard) -> bool:
    """Cards with only what an import fills (no family, custom dates or profile)."""
    return card.id is None and not any(getattr(card, name) for name in NOT_IN_BULK)


def insert_cards(session: Session, cards: Sequence[ClientCard], now: datetime,
                 tags: Iterable[str] | None = None) -> list[int]:
    """Insert new cards in bulk (``card_inserts.insert_cards``); returns the
    new ids in the order of ``cards``. ``tags``: every tag text the cards
    hold, when the caller has them without reading each card."""
    return card_inserts.insert_cards(session, cards, now, tags)


# -- lookups ------------------------------------------------------------------------

def duplicate_index(session: Session) -> dict[str, int]:
    """Duplicate key (see domain.import_mapping.duplicate_keys) -> live client id;
    the oldest client wins when several share a key."""
    index: dict[str, int] = {}
    conn = session.connection()
    live = Client.deleted_at.is_(None)
    phones = (select(ClientPhone.number, ClientPhone.client_id)
              .join(Client, Client.id == ClientPhone.client_id).where(live)
              .order_by(ClientPhone.client_id.desc()))
    for number, client_id in conn.execute(phones):
        key = phone_key(number)
        if len(key) >= 5:
            index[f"phone:{key}"] = client_id
    people = (select(Client.id, Client.name, Client.company, Client.email).where(live)
              .order_by(Client.id.desc()))
    for client_id, name, company, email in conn.execute(people):
        if email:
            index[f"email:{email_key(email)}"] = client_id
        key = name_company_key(name, company)
        if key:
            index[f"name:{key}"] = client_id
    return index


def fingerprint(session: Session) -> tuple[Any, ...]:
    """Changes whenever a client is added, edited, deleted or restored: a plan
    made under one fingerprint is still right under the same one."""
    row = session.execute(select(func.count(Client.id), func.max(Client.id),
                                 func.max(Client.updated_at), func.count(Client.deleted_at),
                                 func.max(Client.deleted_at))).one()
    return tuple(row)


def live_client_ids(session: Session, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    found: set[int] = set()
    wanted = sorted(ids)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        found.update(session.scalars(select(Client.id).where(Client.id.in_(chunk),
                                                             Client.deleted_at.is_(None))))
    return found


def updated_at(session: Session, client_id: int) -> datetime | None:
    return session.scalar(select(Client.updated_at).where(Client.id == client_id))


def client_names(session: Session, client_ids: list[int]) -> list[str]:
    """The names of the clients, in the order of ``client_ids``."""
    names: dict[int, str] = {}
    for start in range(0, len(client_ids), 500):
        chunk = client_ids[start:start + 500]
        rows = session.execute(select(Client.id, Client.name).where(Client.id.in_(chunk)))
        names.update((client_id, name) for client_id, name in rows)
    return [names[i] for i in client_ids if i in names]


def last_editors(session: Session, client_ids: list[int]) -> list[str]:
    """Who made the latest history entry of each client (the edit that
    followed an import), once each, in the order of ``client_ids``."""
    found: dict[int, str] = {}
    for start in range(0, len(client_ids), 500):
        chunk = client_ids[start:start + 500]
        latest = (select(func.max(ChangeLogRow.id)).where(ChangeLogRow.client_id.in_(chunk))
                  .group_by(ChangeLogRow.client_id))
        rows = session.execute(select(ChangeLogRow.client_id, ChangeLogRow.user)
                               .where(ChangeLogRow.id.in_(latest)))
        found.update((client_id, user) for client_id, user in rows)
    return list(dict.fromkeys(found[i] for i in client_ids if found.get(i)))


def set_updated_at(session: Session, client_id: int, when: datetime) -> None:
    session.execute(update(Client).where(Client.id == client_id).values(updated_at=when))


def has_activity(session: Session, client_id: int) -> bool:
    """Whether anything was recorded for the client after it was created:
    interactions, orders, evaluations or complaints (undo would delete them)."""
    for model in (InteractionRow, OrderRow, EvaluationRow, ComplaintRow):
        stmt = select(func.count()).select_from(model).where(model.client_id == client_id)
        if session.scalar(stmt):
            return True
    return False


# -- batches ------------------------------------------------------------------------

def add_batch(session: Session, *, file_name: str, file_format: str, imported_at: datetime,
              user: str, policy: str, counts: dict[str, int], new_tags: list[str]) -> int:
    row = ImportBatchRow(file_name=file_name, file_format=file_format,
                         imported_at=imported_at, user=user, policy=policy,
                         created=counts.get("created", 0), updated=counts.get("updated", 0),
                         skipped=counts.get("skipped", 0), invalid=counts.get("invalid", 0),
                         new_tags=json.dumps(new_tags, ensure_ascii=False))
    session.add(row)
    session.flush()
    return row.id


# an item of a batch: (row, client id, CREATED or UPDATED, the card before
# as ``card_to_json`` or None, the client's updated_at after)
NewItem = tuple[int, int, str, str | None, datetime]


ITEMS_AT_ONCE = 10_000


def add_items(session: Session, batch_id: int, items: list[NewItem]) -> None:
    """The batch's items, written as plain rows (an import of 100,000
    clients has as many), ITEMS_AT_ONCE at a time: the rows as written
    (with the batch, converted for the driver) are held for that many only."""
    columns = ["batch_id", "row", "client_id", "action", "before", "after"]
    for start in range(0, len(items), ITEMS_AT_ONCE):
        row_writer.insert_rows(session, _table(ImportItemRow), columns,
                               [(batch_id, *item) for item in
                                items[start:start + ITEMS_AT_ONCE]])


def batches(session: Session) -> list[BatchInfo]:
    """Every import, newest first. An import of orders is told by what it left:
    orders that name it (``orders.import_batch_id``), or orders created and no
    client items (its orders were deleted one by one since); a client import
    records an item per client it created or changed and links no order."""
    orders = {batch_id: int(count) for batch_id, count in session.execute(
        select(OrderRow.import_batch_id, func.count(OrderRow.id))
        .where(OrderRow.import_batch_id.is_not(None)).group_by(OrderRow.import_batch_id))}
    with_items = set(session.scalars(select(ImportItemRow.batch_id).distinct()))
    rows = session.scalars(select(ImportBatchRow).order_by(ImportBatchRow.id.desc()))
    return [BatchInfo(r.id, r.file_name, r.file_format, r.imported_at, r.user, r.policy,
                      r.created, r.updated, r.skipped, r.invalid, r.undone_at,
                      ORDERS_KIND if orders.get(r.id) or (r.created and r.id not in with_items)
                      else CLIENTS_KIND, orders.get(r.id, 0)) for r in rows]


def batch(session: Session, batch_id: int) -> BatchInfo | None:
    return next((b for b in batches(session) if b.id == batch_id), None)


def items(session: Session, batch_id: int) -> list[ItemInfo]:
    stmt = (select(ImportItemRow).where(ImportItemRow.batch_id == batch_id)
            .order_by(ImportItemRow.id))
    return [ItemInfo(r.row, r.client_id, r.action, r.before, r.after)
            for r in session.scalars(stmt)]


def tag_set(session: Session) -> set[str]:
    return set(session.scalars(select(Tag.name)))


def new_tags(session: Session, batch_id: int) -> list[str]:
    """The tags the batch added, and those added by batches undone before it:
    on a shared database another import may have used them meanwhile (they
    were kept then) and may be undone now."""
    wanted = or_(ImportBatchRow.id == batch_id, ImportBatchRow.undone_at.is_not(None))
    names: dict[str, None] = {}
    for text in session.scalars(select(ImportBatchRow.new_tags).where(wanted)
                                .order_by(ImportBatchRow.id)):
        names.update(dict.fromkeys(json.loads(text or "[]")))
    return list(names)


def delete_unused_tags(session: Session, names: list[str]) -> None:
    if names:
        used = select(ClientTag.tag_id)
        session.execute(delete(Tag).where(Tag.name.in_(names), Tag.id.not_in(used)))


def mark_undone(session: Session, batch_id: int, when: datetime) -> None:
    session.execute(update(ImportBatchRow).where(ImportBatchRow.id == batch_id)
                    .values(undone_at=when))


def delete_changes(session: Session, client_id: int, changed_at: datetime, user: str,
                   fields: set[str]) -> None:
    """The history entries an import wrote for one client (those fields, at
    that time, by that user)."""
    if fields:
        session.execute(delete(ChangeLogRow).where(ChangeLogRow.client_id == client_id,
                                                   ChangeLogRow.changed_at == changed_at,
                                                   ChangeLogRow.user == user,
                                                   ChangeLogRow.field.in_(sorted(fields))))
