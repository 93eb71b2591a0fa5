"""What a vCard says about a contact that the import's columns cannot hold:
whether it is an organisation, and the kind of each phone number in the
order the file prefers them.

A vCard is read into one row of fixed columns (Name, Mobile, Phone, ...), so
the usual mapping and checks apply to it as to a spreadsheet row. Those
columns lose what the card said itself: a fax or a home phone in the Phone
column would be an office phone, the Mobile column would always come first,
an organisation would be a person. :func:`apply_detail` gives the card built
from the row that detail back.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.enums import ClientKind, PhoneKind
from desktop_crm.domain.import_mapping import phone_key


@dataclass(frozen=True)
class CardDetail:
    """Attributes:
        organisation: the card is an organisation's (KIND:org,
            X-ABShowAs:COMPANY, or ORG alone without a person's name).
        phones: every number with the kind its TYPE gives (None: the TYPE
            does not say, so the number's shape decides), preferred first.
    """

    organisation: bool = False
    phones: tuple[tuple[str, PhoneKind | None], ...] = ()


def apply_detail(card: ClientCard, detail: CardDetail) -> None:
    """Set ``card``'s nature and order and kind its phones as ``detail``
    says. Phones the row's checks turned away stay away; a number the
    detail does not know keeps its place after the known ones."""
    if detail.organisation:
        card.kind = ClientKind.ORGANISATION
    if not detail.phones:
        return
    order: dict[str, tuple[int, PhoneKind | None]] = {}
    for position, (number, kind) in enumerate(detail.phones):
        order.setdefault(phone_key(number), (position, kind))
    unknown = len(detail.phones)
    ranked = []
    for index, phone in enumerate(card.phones):
        position, kind = order.get(phone_key(phone.number), (unknown, None))
        ranked.append(((position, index), Phone(phone.number, kind or phone.kind)))
    card.phones = [phone for _rank, phone in sorted(ranked, key=lambda item: item[0])]
