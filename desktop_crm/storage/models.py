"""Typed SQLAlchemy 2 models of the client book.

Every schema change goes through an Alembic revision under ``migrations/``;
a test compares these models with the migrated schema.

No ``from __future__ import annotations`` here: with it every ``Mapped[...]``
annotation is a string that SQLAlchemy cleans up and evaluates as each class
is declared, about 18% of this module's import (54 of 304 million
instructions, callgrind), which every start pays before Today is filled.
Names of classes declared further down are quoted.
"""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from desktop_crm.domain.identity import new_uuid


class Base(DeclarativeBase):
    """The mapped classes' base.

    SQLAlchemy configures every mapper (resolves the relationships,
    instruments each attribute: about 25 ms of CPU) on the first statement
    that names a mapped class or its attributes (``select(Client.id)``).
    Reads made before Today is filled name the tables' own columns instead
    (``Client.__table__.c.id``, or text()), so that this can come after Today
    is on screen: the database's UUID, the longest reminder, the recent grade
    changes and their rows (tests/unit/storage/test_start_reads.py)."""


def uuid_column() -> Mapped[str]:
    """The record's identity across databases and files (domain.identity):
    given on every insert, ORM or Core, that does not bring its own; never
    changed afterwards. Unique index ``ix_<table>_uuid``."""
    return mapped_column(String(36), default=new_uuid, index=True, unique=True)


# The condition of the partial index ix_clients_grade_changed; queries that
# read it state it word for word, so that both engines see it applies.
GRADE_CHANGED = "deleted_at IS NULL AND previous_grade IS NOT NULL AND previous_grade <> grade"


class Client(Base):
    __tablename__ = "clients"
    __table_args__ = (
        # what a search's rank reads of each hit, found by its id: SQLite
        # reads it from this index (``INDEXED BY``, storage/client_repo.py)
        # instead of the wide client row
        Index("ix_clients_rank", "id", "deleted_at", "kind", "last_contact_at", "sort_key"),
        # the live clients whose latest evaluation changed their grade, with
        # both grades: Today's recent grade changes (storage/evaluation_repo.py)
        # and the "grade fell" churn warnings (storage/churn_repo.py) read a
        # few recent days of it alone (``INDEXED BY`` on SQLite)
        # (and on PostgreSQL: POSTGRESQL_WHERE; there it also holds the id, as
        # SQLite's entries hold the rowid: POSTGRESQL_INCLUDE, migration 24)
        Index("ix_clients_grade_changed", "last_evaluated_on", "previous_grade", "grade",
              sqlite_where=text(GRADE_CHANGED)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    kind: Mapped[str] = mapped_column(String(16), default="person")
    name: Mapped[str] = mapped_column(String(200))
    sort_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    gender: Mapped[str] = mapped_column(String(8), default="unknown")
    title: Mapped[str] = mapped_column(String(200), default="")
    company: Mapped[str] = mapped_column(String(300), default="")
    primary_phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    wechat: Mapped[str] = mapped_column(String(100), default="")
    website: Mapped[str] = mapped_column(String(300), default="", server_default="")
    address: Mapped[str] = mapped_column(Text, default="")
    home_address: Mapped[str] = mapped_column(Text, default="")
    industry: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(100), default="")
    owner: Mapped[str] = mapped_column(String(100), default="", index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    legal_representative: Mapped[str] = mapped_column(String(100), default="")
    founded_on: Mapped[date | None] = mapped_column(Date)
    scale: Mapped[str] = mapped_column(String(100), default="")
    assets: Mapped[str] = mapped_column(String(100), default="")
    org_form: Mapped[str] = mapped_column(String(100), default="")
    relationship_since: Mapped[date | None] = mapped_column(Date)
    nature: Mapped[str | None] = mapped_column(String(16))
    stage: Mapped[str | None] = mapped_column(String(16))
    tenure: Mapped[str | None] = mapped_column(String(16))
    volume_tier: Mapped[str | None] = mapped_column(String(16))
    loyalty: Mapped[str | None] = mapped_column(String(16))
    profile_filled_by: Mapped[str] = mapped_column(String(100), default="")
    # the client's estimated yearly spend on what we sell, ours and others'
    # (whole yuan): the denominator of the share of wallet (客户份额)
    annual_spend: Mapped[int | None] = mapped_column(BigInteger)
    last_contact_at: Mapped[datetime | None] = mapped_column(DateTime)
    # the latest evaluation's grade and date, kept by the evaluation service
    grade: Mapped[str | None] = mapped_column(String(1), index=True)
    previous_grade: Mapped[str | None] = mapped_column(String(1))
    last_evaluated_on: Mapped[date | None] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    # counts the writes to the card (1 when created): a save made from a card
    # read at another version is refused (client_repo.save_card)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

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
    __tablename__ = "client_phones"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(16), default="mobile")
    number: Mapped[str] = mapped_column(String(40))
    digits: Mapped[str] = mapped_column(String(40), index=True)

    client: Mapped[Client] = relationship(back_populates="phones")


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class ClientTag(Base):
    __tablename__ = "client_tags"

    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class FamilyMemberRow(Base):
    __tablename__ = "family_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"),
                                           index=True)
    relation: Mapped[str] = mapped_column(String(50), default="")
    name: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # birthday, optional: same meaning as the columns of ImportantDateRow
    birth_calendar: Mapped[str | None] = mapped_column(String(8))
    birth_month: Mapped[int | None] = mapped_column(Integer)
    birth_day: Mapped[int | None] = mapped_column(Integer)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    birth_leap: Mapped[bool] = mapped_column(Boolean, default=False)
    birth_remind_days: Mapped[int | None] = mapped_column(  # None: the kind's default
        Integer, index=True)

    client: Mapped[Client] = relationship(back_populates="family")


class ContactPersonRow(Base):
    """A contact person of an organisation (domain.contact.ContactPerson)."""

    __tablename__ = "contact_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"),
                                           index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16), default="other")
    phones: Mapped[str] = mapped_column(Text, default="")  # one number a line, main first
    email: Mapped[str] = mapped_column(String(254), default="")
    wechat: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # birthday, optional: same meaning as the columns of ImportantDateRow
    birth_calendar: Mapped[str | None] = mapped_column(String(8))
    birth_month: Mapped[int | None] = mapped_column(Integer)
    birth_day: Mapped[int | None] = mapped_column(Integer)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    birth_leap: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    client: Mapped[Client] = relationship(back_populates="contacts")


class ClientPhotoRow(Base):
    """The client's picture (a business card, a portrait): one upright JPEG
    of at most 1,024 pixels a side, made by services.photos. No relationship
    on Client: loading a card or the list never reads the image; only
    storage.photo_repo does. Deleted with its client (the database's cascade)."""

    __tablename__ = "client_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"),
                                           unique=True)
    mime: Mapped[str] = mapped_column(String(40), default="image/jpeg")
    data: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class ImportantDateRow(Base):
    """A recurring date of the client: birthday, wedding anniversary, custom."""

    __tablename__ = "important_dates"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(100), default="")
    calendar: Mapped[str] = mapped_column(String(8), default="solar")
    month: Mapped[int] = mapped_column(Integer)
    day: Mapped[int] = mapped_column(Integer)
    year: Mapped[int | None] = mapped_column(Integer)
    leap: Mapped[bool] = mapped_column(Boolean, default=False)
    remind_days: Mapped[int | None] = mapped_column(  # None: the kind's default
        Integer, index=True)

    client: Mapped[Client] = relationship(back_populates="dates")


class ProfileAnswer(Base):
    __tablename__ = "profile_answers"
    __table_args__ = (UniqueConstraint("client_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    question: Mapped[int] = mapped_column(Integer)
    answer: Mapped[str] = mapped_column(Text, default="")
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    client: Mapped[Client] = relationship(back_populates="answers")


class InteractionRow(Base):
    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_client_time", "client_id", "occurred_at"),
        Index("ix_interactions_follow_up", "follow_up_on"),
        Index("ix_interactions_milestone", "milestone", "occurred_at"),
        Index("ix_interactions_open_follow_up", "follow_up_on", "client_id", "next_step",
              sqlite_where=text("follow_up_done = 0 AND follow_up_on IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    channel: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    follow_up_done: Mapped[bool] = mapped_column(Boolean, default=False)
    milestone: Mapped[str | None] = mapped_column(String(16))  # delivery / deal: thank them
    # the client's satisfaction (1-5) recorded with this entry: the thank-you
    # call after a delivery asks it (the source's survey after service)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    # written for everyone on a festival's greeting list at once: kept on the
    # timeline, not counted as contact (last_contact_at ignores it)
    mass: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ChangeLogRow(Base):
    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_client_time", "client_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    user: Mapped[str] = mapped_column(String(100), default="")
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    # the client's version this change produced (None: recorded before versions)
    version: Mapped[int | None] = mapped_column(Integer)


class ScoringSchemeRow(Base):
    """One version of the scoring scheme; never changed once evaluations use it."""

    __tablename__ = "scoring_schemes"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    definition: Mapped[str] = mapped_column(Text)  # JSON of domain.scoring.Scheme.to_dict()
    created_at: Mapped[datetime] = mapped_column(DateTime)


class EvaluationRow(Base):
    """One evaluation of a client, with the inputs, points and scheme it used."""

    __tablename__ = "evaluations"
    __table_args__ = (Index("ix_evaluations_client_date", "client_id", "evaluated_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    scheme_id: Mapped[int] = mapped_column(ForeignKey("scoring_schemes.id"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    evaluated_on: Mapped[date] = mapped_column(Date)
    evaluator: Mapped[str] = mapped_column(String(100), default="")
    inputs: Mapped[str] = mapped_column(Text)  # JSON: criterion key -> raw input
    points: Mapped[str] = mapped_column(Text)  # JSON: criterion key -> 0-100 points
    total: Mapped[float] = mapped_column(Float)
    grade: Mapped[str] = mapped_column(String(1))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class CareDoneRow(Base):
    """An agenda item marked done: (source, ref, occurs_on) names the item,
    ``interaction_id`` the timeline entry that was logged for it."""

    __tablename__ = "care_done"
    __table_args__ = (UniqueConstraint("source", "ref_id", "occurs_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    source: Mapped[str] = mapped_column(String(32))
    ref_id: Mapped[int] = mapped_column(Integer)
    occurs_on: Mapped[date] = mapped_column(Date, index=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"),
                                                  index=True)
    done_at: Mapped[datetime] = mapped_column(DateTime)
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL"))


class SettingRow(Base):
    """One application setting, its value as JSON."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ComplaintRow(Base):
    """A complaint: see domain.complaint.Complaint for the meaning of each field."""

    __tablename__ = "complaints"
    __table_args__ = (
        UniqueConstraint("year", "sequence"),
        Index("ix_complaints_client", "client_id", "received_at"),
        Index("ix_complaints_status", "status", "resolved_at"),
        Index("ix_complaints_received", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    received_at: Mapped[datetime] = mapped_column(DateTime)
    channel: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32))
    cause: Mapped[str | None] = mapped_column(String(16))
    department: Mapped[str] = mapped_column(String(100), default="")
    priority: Mapped[str] = mapped_column(String(16))
    words: Mapped[str] = mapped_column(Text)
    restated: Mapped[str] = mapped_column(Text, default="")
    demand: Mapped[str] = mapped_column(Text, default="")
    temperament: Mapped[str | None] = mapped_column(String(16))
    escalation: Mapped[int] = mapped_column(Integer, default=0)
    solution: Mapped[str] = mapped_column(Text, default="")
    compensation: Mapped[float] = mapped_column(Float, default=0.0)
    resolution: Mapped[str] = mapped_column(Text, default="")
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    improvement: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))
    first_reply_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    followed_up_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class ComplaintCounterRow(Base):
    """The last complaint number given in a year: numbers stay gap-free because
    the counter moves in the same transaction as the insert."""

    __tablename__ = "complaint_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class ComplaintStatusRow(Base):
    """One status change of a complaint (None -> new when it was registered), and
    who made it."""

    __tablename__ = "complaint_status_changes"
    __table_args__ = (Index("ix_complaint_status_changes_complaint", "complaint_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime)
    old_status: Mapped[str | None] = mapped_column(String(16))
    new_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    user: Mapped[str] = mapped_column(String(100), default="", server_default="")


class ComplaintLogRow(Base):
    """A dated entry of a complaint's handling log."""

    __tablename__ = "complaint_log"
    __table_args__ = (Index("ix_complaint_log_complaint", "complaint_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime)
    author: Mapped[str] = mapped_column(String(100), default="")
    text: Mapped[str] = mapped_column(Text)


class ImportBatchRow(Base):
    """One import: the file, when, by whom, and how many rows did what."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))
    file_format: Mapped[str] = mapped_column(String(8))
    imported_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user: Mapped[str] = mapped_column(String(100), default="")
    policy: Mapped[str] = mapped_column(String(8))
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    invalid: Mapped[int] = mapped_column(Integer, default=0)
    new_tags: Mapped[str] = mapped_column(Text, default="[]")  # JSON: tag names it added
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)


class ImportItemRow(Base):
    """What one import did to one client: created it, or changed it (``before``
    holds the card as JSON so that undo restores it exactly). ``after`` is the
    client's ``updated_at`` right after the import: a later edit changes it,
    and undo then refuses rather than throw that edit away."""

    __tablename__ = "import_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"),
                                          index=True)
    row: Mapped[int] = mapped_column(Integer)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(8))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[datetime] = mapped_column(DateTime)


class OrderRow(Base):
    """One sale, quote or lost deal (domain.sales.Order); amounts in cents."""

    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_client_date", "client_id", "ordered_on"),
        # covers the churn warnings' grouped queries (storage.churn_repo) and
        # the orders of a period by date and status (it replaced
        # ix_orders_date_status, its prefix, in 20261207_13)
        Index("ix_orders_churn", "ordered_on", "status", "client_id", "currency",
              "amount_cents"),
        # covering: the loyalty KPIs' one scan of every client's won orders
        # (storage/kpi_repo.py) reads no table row
        Index("ix_orders_client_sales", "client_id", "status", "ordered_on", "currency",
              "amount_cents"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    ordered_on: Mapped[date] = mapped_column(Date)
    product: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[float] = mapped_column(Float, default=1.0)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    status: Mapped[str] = mapped_column(String(16))
    payment_due: Mapped[date | None] = mapped_column(Date)
    paid_on: Mapped[date | None] = mapped_column(Date)
    lost_reason: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class ClientSalesRow(Base):
    """A client's last won order day (won = domain.sales.WON_STATUSES, any
    currency); only clients with one have a row. Kept by the triggers on
    ``orders`` (migration 20261212_20), never written by the app: the churn
    warnings' "no order since" reads it instead of grouping every order.
    It also holds the client's name, owner and whether the card is live
    (kept by triggers on ``client_sales`` and ``clients``, migration
    20261217_28), so that the warnings are read from its index alone."""

    __tablename__ = "client_sales"
    __table_args__ = (Index("ix_client_sales_no_order", "grade", "last_won_on", "client_id",
                            "live", "client_name", "owner"),)

    client_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_won_on: Mapped[date] = mapped_column(Date)
    # the client's grade (clients.grade, kept by a trigger on clients): each
    # grade has its own limit, so each its own range of the index
    grade: Mapped[str | None] = mapped_column(String(1))
    client_name: Mapped[str] = mapped_column(String(200), server_default="")
    owner: Mapped[str] = mapped_column(String(100), server_default="")
    live: Mapped[bool] = mapped_column(Boolean, server_default=true())


class ClientMonthSalesRow(Base):
    """A client's won CNY orders of one month (``month``: its first day): their
    sum in cents and how many. Kept by the triggers on ``orders`` like
    ClientSalesRow; the churn warnings' sales drops compare it with the next
    month (``next_cents``: that month's sum, 0 when it has no row) unless
    that drop was dismissed (``drop_dismissed``: the care_done row of source
    "churn_drop" on the first day of the month after the next). Both are kept
    by triggers on this table and on care_done (migration 20261214_24), so a
    drop is one range of ``ix_client_month_sales_drop``, read in the index."""

    __tablename__ = "client_month_sales"
    __table_args__ = (Index("ix_client_month_sales_drop", "month", "drop_dismissed", "cents",
                            "next_cents", "client_id"),)

    client_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    cents: Mapped[int] = mapped_column(BigInteger)
    won_orders: Mapped[int] = mapped_column(Integer)
    next_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    drop_dismissed: Mapped[bool] = mapped_column(Boolean, default=False,
                                                 server_default=false())


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

    __tablename__ = "agenda_dates"
    __table_args__ = ({"sqlite_with_rowid": False},)

    calendar: Mapped[str] = mapped_column(String(8), primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    day: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    leap: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    ref_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    client_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    remind_days: Mapped[int | None] = mapped_column(Integer)
    client_name: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(100))
    live: Mapped[bool] = mapped_column(Boolean)


class AgendaFollowUpRow(Base):
    """One open follow-up (an interaction with a follow-up day, not done:
    ``ref_id`` is its id), with what its item shows (the next step, or else
    the summary) and its client's name, owner and whether the card is live.
    Kept by triggers on ``interactions`` and ``clients`` (migration
    20261216_26), never written by the app. The key is (day, interaction),
    and on SQLite the table is WITHOUT ROWID: the follow-ups due by a day are
    one contiguous range, in the agenda's order, read without a card each."""

    __tablename__ = "agenda_follow_ups"
    __table_args__ = ({"sqlite_with_rowid": False},)

    follow_up_on: Mapped[date] = mapped_column(Date, primary_key=True)
    ref_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    client_id: Mapped[int] = mapped_column(Integer, index=True)
    step: Mapped[str] = mapped_column(Text)
    client_name: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(100))
    live: Mapped[bool] = mapped_column(Boolean)


# Tables the database keeps itself (triggers), from rows of other tables: a
# copy between databases leaves them to the target's triggers.
DERIVED_TABLES = (ClientSalesRow.__tablename__, ClientMonthSalesRow.__tablename__,
                  AgendaDateRow.__tablename__, AgendaFollowUpRow.__tablename__)


class SalesTargetRow(Base):
    """A client's sales target for one period (domain.sales.SalesTarget)."""

    __tablename__ = "sales_targets"
    __table_args__ = (UniqueConstraint("client_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    created_at: Mapped[datetime] = mapped_column(DateTime)


# The conditions of the partial indexes on PostgreSQL, given to them by
# ``use_postgresql_options`` when a PostgreSQL database is opened: naming a
# dialect's option in a model loads that dialect, and PostgreSQL's modules
# would cost every start on SQLite about 30 ms.
POSTGRESQL_WHERE = {
    "ix_clients_grade_changed": GRADE_CHANGED,
    "ix_interactions_open_follow_up": "NOT follow_up_done AND follow_up_on IS NOT NULL",
}
# the columns PostgreSQL's indexes also hold (INCLUDE), given the same way
POSTGRESQL_INCLUDE = {"ix_clients_grade_changed": ["id"]}


# Expression indexes on clients: the last contact by grade (not contacted),
# created by migration 20261124_04 (with those on the month-day of founding and
# relationship dates, dropped by 20261216_27: agenda_dates holds those days);
# not declared here because SQLAlchemy cannot reflect expression indexes on
# SQLite to compare them.
EXPRESSION_INDEXES = ("ix_clients_contact",
                      # a search's tiers in list order (migration 22): descending, NULL last
                      "ix_clients_recent")
# PostgreSQL's covering index for the search's join (storage/search_index.py,
# baseline migration); SQLite has no such index, so the models do not declare it.
POSTGRES_ONLY_INDEXES = ("ix_clients_search_join",)

# Full-text index (FTS5, unicode61, rowid = clients.id). Created by the migration;
# not an ORM model because SQLAlchemy cannot describe virtual tables.
FTS_TABLE = "client_fts"

# What the search's rank compares the typed text with, per client
# (``domain.search_rank.rank_keys``; written with the full-text entry by
# storage/search_index.py): the database ranks and pages the hits through
# the index on (role, key, client_id), a typed text's keys of a role being one range.
# No primary key: rows are only ever read by key or replaced per client.
client_rank_keys = Table(
    "client_rank_keys", Base.metadata,
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("role", SmallInteger, nullable=False),
    Column("key", String(500), nullable=False),
    # the keys of some roles a typed text starts: a range per role (migration 22)
    Index("ix_client_rank_keys_role_key", "role", "key", "client_id"),
    # whether a client has a key the typed text starts: one probe (migration 22)
    Index("ix_client_rank_keys_client_key", "client_id", "key", "role"),
)


def use_postgresql_options() -> None:
    """Give the partial indexes their PostgreSQL conditions (POSTGRESQL_WHERE)
    and included columns (POSTGRESQL_INCLUDE), as the migrations made them;
    once is enough, again does no harm."""
    for table in Base.metadata.tables.values():
        for index in table.indexes:
            where = POSTGRESQL_WHERE.get(str(index.name))
            if where is not None and index.dialect_options["postgresql"]["where"] is None:
                index.dialect_options["postgresql"]["where"] = text(where)
            include = POSTGRESQL_INCLUDE.get(str(index.name))
            if include is not None:
                index.dialect_options["postgresql"]["include"] = list(include)
