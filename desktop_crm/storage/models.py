"""Typed SQLAlchemy 2 mapped classes of the client book, mapped onto the
Core tables of ``storage/tables.py`` (declarative with an imperative table:
each class's ``__table__``; its ``Mapped`` annotations are for the type
checker).

Every schema change goes through an Alembic revision under ``migrations/``
and ``storage/tables.py``; a test compares the tables with the migrated schema.

Not loaded before Today is filled: the window's start reads through the
tables alone (tests/gui/test_start_imports.py), and ``sqlalchemy.orm`` with
these classes load after Today is on screen.

No ``from __future__ import annotations`` here: with it every ``Mapped[...]``
annotation is a string that SQLAlchemy cleans up and evaluates as each class
is declared. Names of classes declared further down are quoted.
"""

from datetime import date, datetime

from sqlalchemy.orm import DeclarativeBase, Mapped, relationship

from desktop_crm.storage import tables
from desktop_crm.storage.tables import (  # their old home
    DERIVED_TABLES as DERIVED_TABLES,
)
from desktop_crm.storage.tables import (
    EXPRESSION_INDEXES as EXPRESSION_INDEXES,
)
from desktop_crm.storage.tables import (
    FTS_TABLE as FTS_TABLE,
)
from desktop_crm.storage.tables import (
    GRADE_CHANGED as GRADE_CHANGED,
)
from desktop_crm.storage.tables import (
    POSTGRES_ONLY_INDEXES as POSTGRES_ONLY_INDEXES,
)
from desktop_crm.storage.tables import (
    POSTGRESQL_INCLUDE as POSTGRESQL_INCLUDE,
)
from desktop_crm.storage.tables import (
    POSTGRESQL_WHERE as POSTGRESQL_WHERE,
)
from desktop_crm.storage.tables import (
    client_rank_keys as client_rank_keys,
)
from desktop_crm.storage.tables import (
    use_postgresql_options as use_postgresql_options,
)


class Base(DeclarativeBase):
    """The mapped classes' base, over the tables' metadata.

    SQLAlchemy configures every mapper (resolves the relationships,
    instruments each attribute: about 25 ms of CPU) on the first statement
    that names a mapped class or its attributes (``select(Client.id)``).
    Reads made before Today is filled name the tables' own columns instead
    (``Client.__table__.c.id``, or text()), so that this can come after Today
    is on screen: the database's UUID, the longest reminder, the recent grade
    changes and their rows (tests/unit/storage/test_start_reads.py)."""

    metadata = tables.metadata


class Client(Base):
    __table__ = tables.clients

    id: Mapped[int]
    uuid: Mapped[str]
    kind: Mapped[str]
    name: Mapped[str]
    sort_key: Mapped[str]
    gender: Mapped[str]
    title: Mapped[str]
    company: Mapped[str]
    primary_phone: Mapped[str]
    email: Mapped[str]
    wechat: Mapped[str]
    website: Mapped[str]
    address: Mapped[str]
    home_address: Mapped[str]
    industry: Mapped[str]
    source: Mapped[str]
    owner: Mapped[str]
    notes: Mapped[str]
    legal_representative: Mapped[str]
    founded_on: Mapped[date | None]
    scale: Mapped[str]
    assets: Mapped[str]
    org_form: Mapped[str]
    relationship_since: Mapped[date | None]
    nature: Mapped[str | None]
    stage: Mapped[str | None]
    tenure: Mapped[str | None]
    volume_tier: Mapped[str | None]
    loyalty: Mapped[str | None]
    profile_filled_by: Mapped[str]
    annual_spend: Mapped[int | None]
    last_contact_at: Mapped[datetime | None]
    grade: Mapped[str | None]
    previous_grade: Mapped[str | None]
    last_evaluated_on: Mapped[date | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]
    version: Mapped[int]

    phones: Mapped[list["ClientPhone"]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="ClientPhone.position"
    )
    dates: Mapped[list["ImportantDateRow"]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="ImportantDateRow.id"
    )
    family: Mapped[list["FamilyMemberRow"]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="FamilyMemberRow.id"
    )
    answers: Mapped[list["ProfileAnswer"]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="ProfileAnswer.question"
    )
    tags: Mapped[list["Tag"]] = relationship(secondary="client_tags", order_by="Tag.name")
    # an organisation's contact people (issue 17): written by storage.contact_repo
    # only, never by saving the card; the search entry of the card holds their keys
    contacts: Mapped[list["ContactPersonRow"]] = relationship(
        back_populates="client", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ContactPersonRow.id")


class ClientPhone(Base):
    __table__ = tables.client_phones

    id: Mapped[int]
    client_id: Mapped[int]
    position: Mapped[int]
    kind: Mapped[str]
    number: Mapped[str]
    digits: Mapped[str]

    client: Mapped[Client] = relationship(back_populates="phones")


class Tag(Base):
    __table__ = tables.tags

    id: Mapped[int]
    name: Mapped[str]


class ClientTag(Base):
    __table__ = tables.client_tags

    client_id: Mapped[int]
    tag_id: Mapped[int]


class FamilyMemberRow(Base):
    __table__ = tables.family_members

    id: Mapped[int]
    uuid: Mapped[str]
    client_id: Mapped[int]
    relation: Mapped[str]
    name: Mapped[str]
    notes: Mapped[str]
    birth_calendar: Mapped[str | None]
    birth_month: Mapped[int | None]
    birth_day: Mapped[int | None]
    birth_year: Mapped[int | None]
    birth_leap: Mapped[bool]
    birth_remind_days: Mapped[int | None]

    client: Mapped[Client] = relationship(back_populates="family")


class ContactPersonRow(Base):
    """A contact person of an organisation (domain.contact.ContactPerson)."""

    __table__ = tables.contact_people

    id: Mapped[int]
    uuid: Mapped[str]
    client_id: Mapped[int]
    name: Mapped[str]
    title: Mapped[str]
    role: Mapped[str]
    phones: Mapped[str]
    email: Mapped[str]
    wechat: Mapped[str]
    notes: Mapped[str]
    birth_calendar: Mapped[str | None]
    birth_month: Mapped[int | None]
    birth_day: Mapped[int | None]
    birth_year: Mapped[int | None]
    birth_leap: Mapped[bool]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    client: Mapped[Client] = relationship(back_populates="contacts")


class ClientPhotoRow(Base):
    """The client's picture (a business card, a portrait): one upright JPEG
    of at most 1,024 pixels a side, made by services.photos. No relationship
    on Client: loading a card or the list never reads the image; only
    storage.photo_repo does. Deleted with its client (the database's cascade)."""

    __table__ = tables.client_photos

    id: Mapped[int]
    uuid: Mapped[str]
    client_id: Mapped[int]
    mime: Mapped[str]
    data: Mapped[bytes]
    width: Mapped[int]
    height: Mapped[int]
    updated_at: Mapped[datetime]


class ImportantDateRow(Base):
    """A recurring date of the client: birthday, wedding anniversary, custom."""

    __table__ = tables.important_dates

    id: Mapped[int]
    uuid: Mapped[str]
    client_id: Mapped[int]
    kind: Mapped[str]
    label: Mapped[str]
    calendar: Mapped[str]
    month: Mapped[int]
    day: Mapped[int]
    year: Mapped[int | None]
    leap: Mapped[bool]
    remind_days: Mapped[int | None]

    client: Mapped[Client] = relationship(back_populates="dates")


class ProfileAnswer(Base):
    __table__ = tables.profile_answers

    id: Mapped[int]
    client_id: Mapped[int]
    question: Mapped[int]
    answer: Mapped[str]
    private: Mapped[bool]
    updated_at: Mapped[datetime]

    client: Mapped[Client] = relationship(back_populates="answers")


class InteractionRow(Base):
    __table__ = tables.interactions

    id: Mapped[int]
    uuid: Mapped[str]
    client_id: Mapped[int]
    occurred_at: Mapped[datetime]
    channel: Mapped[str]
    summary: Mapped[str]
    next_step: Mapped[str]
    follow_up_on: Mapped[date | None]
    follow_up_done: Mapped[bool]
    milestone: Mapped[str | None]
    satisfaction: Mapped[int | None]
    mass: Mapped[bool]
    created_at: Mapped[datetime]


class ChangeLogRow(Base):
    __table__ = tables.change_log

    id: Mapped[int]
    client_id: Mapped[int]
    changed_at: Mapped[datetime]
    user: Mapped[str]
    field: Mapped[str]
    old_value: Mapped[str]
    new_value: Mapped[str]
    version: Mapped[int | None]


class ScoringSchemeRow(Base):
    """One version of the scoring scheme; never changed once evaluations use it."""

    __table__ = tables.scoring_schemes

    id: Mapped[int]
    version: Mapped[int]
    definition: Mapped[str]
    created_at: Mapped[datetime]


class EvaluationRow(Base):
    """One evaluation of a client, with the inputs, points and scheme it used."""

    __table__ = tables.evaluations

    id: Mapped[int]
    uuid: Mapped[str]
    client_id: Mapped[int]
    scheme_id: Mapped[int]
    period_start: Mapped[date]
    period_end: Mapped[date]
    evaluated_on: Mapped[date]
    evaluator: Mapped[str]
    inputs: Mapped[str]
    points: Mapped[str]
    total: Mapped[float]
    grade: Mapped[str]
    notes: Mapped[str]
    created_at: Mapped[datetime]


class CareDoneRow(Base):
    """An agenda item marked done: (source, ref, occurs_on) names the item,
    ``interaction_id`` the timeline entry that was logged for it."""

    __table__ = tables.care_done

    id: Mapped[int]
    uuid: Mapped[str]
    source: Mapped[str]
    ref_id: Mapped[int]
    occurs_on: Mapped[date]
    client_id: Mapped[int | None]
    done_at: Mapped[datetime]
    interaction_id: Mapped[int | None]


class SettingRow(Base):
    """One application setting, its value as JSON."""

    __table__ = tables.app_settings

    key: Mapped[str]
    value: Mapped[str]


class ComplaintRow(Base):
    """A complaint: see domain.complaint.Complaint for the meaning of each field."""

    __table__ = tables.complaints

    id: Mapped[int]
    uuid: Mapped[str]
    year: Mapped[int]
    sequence: Mapped[int]
    number: Mapped[str]
    client_id: Mapped[int]
    received_at: Mapped[datetime]
    channel: Mapped[str]
    category: Mapped[str]
    cause: Mapped[str | None]
    department: Mapped[str]
    priority: Mapped[str]
    words: Mapped[str]
    restated: Mapped[str]
    demand: Mapped[str]
    temperament: Mapped[str | None]
    escalation: Mapped[int]
    solution: Mapped[str]
    compensation: Mapped[float]
    resolution: Mapped[str]
    satisfaction: Mapped[int | None]
    improvement: Mapped[str]
    status: Mapped[str]
    first_reply_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    followed_up_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ComplaintCounterRow(Base):
    """The last complaint number given in a year: numbers stay gap-free because
    the counter moves in the same transaction as the insert."""

    __table__ = tables.complaint_counters

    year: Mapped[int]
    last: Mapped[int]


class ComplaintStatusRow(Base):
    """One status change of a complaint (None -> new when it was registered), and
    who made it."""

    __table__ = tables.complaint_status_changes

    id: Mapped[int]
    complaint_id: Mapped[int]
    at: Mapped[datetime]
    old_status: Mapped[str | None]
    new_status: Mapped[str]
    note: Mapped[str]
    user: Mapped[str]


class ComplaintLogRow(Base):
    """A dated entry of a complaint's handling log."""

    __table__ = tables.complaint_log

    id: Mapped[int]
    complaint_id: Mapped[int]
    at: Mapped[datetime]
    author: Mapped[str]
    text: Mapped[str]


class ImportBatchRow(Base):
    """One import: the file, when, by whom, and how many rows did what."""

    __table__ = tables.import_batches

    id: Mapped[int]
    file_name: Mapped[str]
    file_format: Mapped[str]
    imported_at: Mapped[datetime]
    user: Mapped[str]
    policy: Mapped[str]
    created: Mapped[int]
    updated: Mapped[int]
    skipped: Mapped[int]
    invalid: Mapped[int]
    new_tags: Mapped[str]
    undone_at: Mapped[datetime | None]


class ImportItemRow(Base):
    """What one import did to one client: created it, or changed it (``before``
    holds the card as JSON so that undo restores it exactly). ``after`` is the
    client's ``updated_at`` right after the import: a later edit changes it,
    and undo then refuses rather than throw that edit away."""

    __table__ = tables.import_items

    id: Mapped[int]
    batch_id: Mapped[int]
    row: Mapped[int]
    client_id: Mapped[int | None]
    action: Mapped[str]
    before: Mapped[str | None]
    after: Mapped[datetime]


class OrderRow(Base):
    """One sale, quote or lost deal (domain.sales.Order); amounts in cents."""

    __table__ = tables.orders

    id: Mapped[int]
    uuid: Mapped[str]
    client_id: Mapped[int]
    ordered_on: Mapped[date]
    product: Mapped[str]
    quantity: Mapped[float]
    amount_cents: Mapped[int]
    currency: Mapped[str]
    status: Mapped[str]
    payment_due: Mapped[date | None]
    paid_on: Mapped[date | None]
    lost_reason: Mapped[str]
    notes: Mapped[str]
    import_batch_id: Mapped[int | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ClientSalesRow(Base):
    """A client's last won order day (won = domain.sales.WON_STATUSES, any
    currency); only clients with one have a row. Kept by the triggers on
    ``orders`` (migration 20261212_20), never written by the app: the churn
    warnings' "no order since" reads it instead of grouping every order.
    It also holds the client's name, owner and whether the card is live
    (kept by triggers on ``client_sales`` and ``clients``, migration
    20261217_28), so that the warnings are read from its index alone."""

    __table__ = tables.client_sales

    client_id: Mapped[int]
    last_won_on: Mapped[date]
    grade: Mapped[str | None]
    client_name: Mapped[str]
    owner: Mapped[str]
    live: Mapped[bool]


class ClientMonthSalesRow(Base):
    """A client's won CNY orders of one month (``month``: its first day): their
    sum in cents and how many. Kept by the triggers on ``orders`` like
    ClientSalesRow; the churn warnings' sales drops compare it with the next
    month (``next_cents``: that month's sum, 0 when it has no row) unless
    that drop was dismissed (``drop_dismissed``: the care_done row of source
    "churn_drop" on the first day of the month after the next). Both are kept
    by triggers on this table and on care_done (migration 20261214_24), so a
    drop is one range of ``ix_client_month_sales_drop``, read in the index."""

    __table__ = tables.client_month_sales

    client_id: Mapped[int]
    month: Mapped[date]
    cents: Mapped[int]
    won_orders: Mapped[int]
    next_cents: Mapped[int]
    drop_dismissed: Mapped[bool]


class AgendaDateRow(Base):
    """One yearly date the agenda shows (an important date, a family
    member's or contact person's birthday, a client's founding or
    relationship day: ``source`` and ``ref_id`` as domain.care.Source says),
    with what its item shows of it and of its client (name, owner, whether
    the card is live). Kept by triggers on those tables and on ``clients``
    (migration 20261215_25), never written by the app. The key starts with
    the date's (calendar, month, day, leap), and on SQLite the table is
    WITHOUT ROWID: a window's yearly dates are a few contiguous ranges, read
    without a date row and a client card each."""

    __table__ = tables.agenda_dates

    calendar: Mapped[str]
    month: Mapped[int]
    day: Mapped[int]
    leap: Mapped[bool]
    source: Mapped[str]
    ref_id: Mapped[int]
    client_id: Mapped[int]
    kind: Mapped[str]
    label: Mapped[str]
    year: Mapped[int | None]
    remind_days: Mapped[int | None]
    client_name: Mapped[str]
    owner: Mapped[str]
    live: Mapped[bool]


class AgendaFollowUpRow(Base):
    """One open follow-up (an interaction with a follow-up day, not done:
    ``ref_id`` is its id), with what its item shows (the next step, or else
    the summary) and its client's name, owner and whether the card is live.
    Kept by triggers on ``interactions`` and ``clients`` (migration
    20261216_26), never written by the app. The key is (day, interaction),
    and on SQLite the table is WITHOUT ROWID: the follow-ups due by a day are
    one contiguous range, in the agenda's order, read without a card each."""

    __table__ = tables.agenda_follow_ups

    follow_up_on: Mapped[date]
    ref_id: Mapped[int]
    client_id: Mapped[int]
    step: Mapped[str]
    client_name: Mapped[str]
    owner: Mapped[str]
    live: Mapped[bool]


class SalesTargetRow(Base):
    """A client's sales target for one period (domain.sales.SalesTarget)."""

    __table__ = tables.sales_targets

    id: Mapped[int]
    uuid: Mapped[str]
    client_id: Mapped[int]
    period_start: Mapped[date]
    period_end: Mapped[date]
    amount_cents: Mapped[int]
    currency: Mapped[str]
    created_at: Mapped[datetime]
