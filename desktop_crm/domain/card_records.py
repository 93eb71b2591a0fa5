"""A client card with the records its editor shows beside it, read together."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop_crm.domain.client import ChangeEntry, ClientCard, Interaction
from desktop_crm.domain.complaint import Complaint
from desktop_crm.domain.contact import ContactPerson
from desktop_crm.domain.sales import Order


@dataclass
class CardRecords:
    """The card, its timeline (newest first), history (newest first), orders
    (newest first), contact people (in the order added), complaints (newest
    first; none for a card in the trash, as the complaint lists leave out
    trashed clients) and its photo's bytes (None: it has none)."""

    card: ClientCard
    interactions: list[Interaction] = field(default_factory=list)
    history: list[ChangeEntry] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    people: list[ContactPerson] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)
    photo: bytes | None = None
