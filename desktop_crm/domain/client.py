"""The client card and its parts, as plain dataclasses.

The storage layer maps these to tables; the UI edits them; validation and
change tracking work on them without a screen or a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime

from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import (
    Channel,
    ClientKind,
    DateKind,
    Gender,
    Loyalty,
    Milestone,
    Nature,
    PhoneKind,
    Stage,
    Tenure,
    VolumeTier,
)


@dataclass
class Phone:
    number: str
    kind: PhoneKind = PhoneKind.MOBILE


@dataclass
class ImportantDate:
    """A recurring date of the client: wedding anniversary or a custom one."""

    kind: DateKind
    spec: DateSpec
    label: str = ""
    remind_days: int | None = None  # None: the care settings' default for the kind
    # given by storage when empty, kept on every save after; identity, not content
    uuid: str = field(default="", compare=False)


@dataclass
class FamilyMember:
    relation: str
    name: str
    birthday: DateSpec | None = None
    notes: str = ""
    remind_days: int | None = None  # birthday reminder; None: the default
    # given by storage when empty, kept on every save after; identity, not content
    uuid: str = field(default="", compare=False)


@dataclass
class ClientCard:
    """Everything on one client card except the timeline and history."""

    name: str = ""
    kind: ClientKind = ClientKind.PERSON
    id: int | None = None
    # the client's identity everywhere (domain.identity): given by storage on
    # the first save when empty (an import may bring one), never changed after
    uuid: str = field(default="", compare=False)
    gender: Gender = Gender.UNKNOWN
    title: str = ""
    company: str = ""
    phones: list[Phone] = field(default_factory=list)
    email: str = ""
    wechat: str = ""
    website: str = ""  # 网址: www.example.com, as the business card prints it
    address: str = ""
    home_address: str = ""
    industry: str = ""
    source: str = ""
    tags: list[str] = field(default_factory=list)
    owner: str = ""
    notes: str = ""
    # organisation data
    legal_representative: str = ""
    founded_on: date | None = None
    scale: str = ""
    assets: str = ""
    org_form: str = ""
    relationship_since: date | None = None
    # the client's estimated yearly spend on what we sell, whole yuan (the
    # share of wallet's denominator); None: not estimated
    annual_spend: int | None = None
    # classifications from the source
    nature: Nature | None = None
    stage: Stage | None = None
    tenure: Tenure | None = None
    volume_tier: VolumeTier | None = None
    loyalty: Loyalty | None = None
    # dates and family
    birthday: DateSpec | None = None
    birthday_remind_days: int | None = None  # None: the care settings' default
    # the birthday record's identity, kept like ``uuid``
    birthday_uuid: str = field(default="", compare=False)
    dates: list[ImportantDate] = field(default_factory=list)
    family: list[FamilyMember] = field(default_factory=list)
    # Mackay 66: question number -> answer; numbers the user marked confidential
    profile: dict[int, str] = field(default_factory=dict)
    profile_private: set[int] = field(default_factory=set)
    profile_filled_by: str = ""
    # read-only bookkeeping, filled by storage
    grade: str | None = None  # of the latest evaluation
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None
    # the card's version when it was read (storage counts every write; 0: not
    # read from storage): a save from an older version is refused, never
    # overwrites (services.clients). Bookkeeping, not data: not compared, not
    # exported, not in the history.
    version: int = field(default=0, compare=False)

    @property
    def primary_phone(self) -> str:
        return self.phones[0].number if self.phones else ""


CARD_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(ClientCard)
    if f.name not in ("id", "uuid", "birthday_uuid", "grade", "created_at", "updated_at",
                      "deleted_at", "version")
)


@dataclass
class Interaction:
    """One entry on a client's timeline."""

    client_id: int
    occurred_at: datetime
    channel: Channel
    summary: str
    next_step: str = ""
    follow_up_on: date | None = None
    follow_up_done: bool = False
    milestone: Milestone | None = None  # a delivery or deal: thank them 2-3 days later
    satisfaction: int | None = None  # 1-5, asked by the thank-you call after a delivery
    # a festival greeting sent to everyone on its list: no contact of its own
    mass: bool = False
    id: int | None = None
    uuid: str = field(default="", compare=False)  # given by storage


@dataclass(frozen=True)
class ChangeEntry:
    """One field change in a card's history."""

    changed_at: datetime
    field: str
    old: str
    new: str
    user: str = ""


@dataclass(frozen=True)
class ClientRow:
    """What the client list shows for one client."""

    id: int
    name: str
    kind: ClientKind
    company: str
    phone: str
    owner: str
    loyalty: Loyalty | None
    tags: str
    last_contact: datetime | None
    grade: str | None = None
    previous_grade: str | None = None
    last_evaluated_on: date | None = None
    # an organisation with contact people (the list may name the ones a search found)
    has_people: bool = False
