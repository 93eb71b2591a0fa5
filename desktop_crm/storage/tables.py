"""The client book's tables, as SQLAlchemy Core describes them.

Every schema change goes through an Alembic revision under ``migrations/``;
a test compares these tables with the migrated schema. The mapped classes
(``storage/models.py``) are mapped onto these tables; this module loads no
ORM, so that what the window reads before Today is filled (the agenda's
reads, the database's UUID, the recent grade changes) needs neither
``sqlalchemy.orm`` nor the mapped classes, which load after Today is on
screen (about 0.1 s of CPU at every start).
"""

from typing import Any

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
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)

from desktop_crm.domain.identity import new_uuid

metadata = MetaData()


def uuid_column() -> Column[str]:
    """The record's identity across databases and files (domain.identity):
    given on every insert, ORM or Core, that does not bring its own; never
    changed afterwards. Unique index ``ix_<table>_uuid``."""
    return Column("uuid", String(36), default=new_uuid, index=True, unique=True, nullable=False)


def birthday_columns() -> list[Column[Any]]:
    """A person's optional birthday (a family member's, a contact
    person's): the same meaning as the columns of ImportantDateRow."""
    return [
        Column("birth_calendar", String(8)),
        Column("birth_month", Integer),
        Column("birth_day", Integer),
        Column("birth_year", Integer),
        Column("birth_leap", Boolean, default=False, nullable=False),
    ]


# The condition of the partial index ix_clients_grade_changed; queries that
# read it state it word for word, so that both engines see it applies.
GRADE_CHANGED = "deleted_at IS NULL AND previous_grade IS NOT NULL AND previous_grade <> grade"


clients = Table(
    "clients", metadata,
    Column("id", Integer, primary_key=True),
    uuid_column(),
    Column("kind", String(16), default="person", nullable=False),
    Column("name", String(200), nullable=False),
    Column("sort_key", String(200), default="", index=True, nullable=False),
    Column("gender", String(8), default="unknown", nullable=False),
    Column("title", String(200), default="", nullable=False),
    Column("company", String(300), default="", nullable=False),
    Column("primary_phone", String(40), default="", nullable=False),
    Column("email", String(254), default="", nullable=False),
    Column("wechat", String(100), default="", nullable=False),
    Column("website", String(300), default="", server_default="", nullable=False),
    Column("address", Text, default="", nullable=False),
    Column("home_address", Text, default="", nullable=False),
    Column("industry", String(100), default="", nullable=False),
    Column("source", String(100), default="", nullable=False),
    Column("owner", String(100), default="", index=True, nullable=False),
    Column("notes", Text, default="", nullable=False),
    Column("legal_representative", String(100), default="", nullable=False),
    Column("founded_on", Date),
    Column("scale", String(100), default="", nullable=False),
    Column("assets", String(100), default="", nullable=False),
    Column("org_form", String(100), default="", nullable=False),
    Column("relationship_since", Date),
    Column("nature", String(16)),
    Column("stage", String(16)),
    Column("tenure", String(16)),
    Column("volume_tier", String(16)),
    Column("loyalty", String(16)),
    Column("profile_filled_by", String(100), default="", nullable=False),
    # the client's estimated yearly spend on what we sell, ours and others'
    # (whole yuan): the denominator of the share of wallet (客户份额)
    Column("annual_spend", BigInteger),
    Column("last_contact_at", DateTime),
    # the latest evaluation's grade and date, kept by the evaluation service
    Column("grade", String(1), index=True),
    Column("previous_grade", String(1)),
    Column("last_evaluated_on", Date, index=True),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("deleted_at", DateTime, index=True),
    # counts the writes to the card (1 when created): a save made from a card
    # read at another version is refused (client_repo.save_card)
    Column("version", Integer, default=1, server_default="1", nullable=False),
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


client_phones = Table(
    "client_phones", metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"),
           index=True, nullable=False),
    Column("position", Integer, default=0, nullable=False),
    Column("kind", String(16), default="mobile", nullable=False),
    Column("number", String(40), nullable=False),
    Column("digits", String(40), index=True, nullable=False),
)


tags = Table(
    "tags", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), unique=True, nullable=False),
)


client_tags = Table(
    "client_tags", metadata,
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("tags.id", ondelete="CASCADE"),
           primary_key=True, index=True),
)


family_members = Table(
    "family_members", metadata,
    Column("id", Integer, primary_key=True),
    uuid_column(),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"),
           index=True, nullable=False),
    Column("relation", String(50), default="", nullable=False),
    Column("name", String(200), default="", nullable=False),
    Column("notes", Text, default="", nullable=False),
    *birthday_columns(),
    Column("birth_remind_days", Integer, index=True),  # None: the kind's default
)


contact_people = Table(
    "contact_people", metadata,
    Column("id", Integer, primary_key=True),
    uuid_column(),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"),
           index=True, nullable=False),
    Column("name", String(200), nullable=False),
    Column("title", String(200), default="", nullable=False),
    Column("role", String(16), default="other", nullable=False),
    Column("phones", Text, default="", nullable=False),  # one number a line, main first
    Column("email", String(254), default="", nullable=False),
    Column("wechat", String(100), default="", nullable=False),
    Column("notes", Text, default="", nullable=False),
    *birthday_columns(),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)


client_photos = Table(
    "client_photos", metadata,
    Column("id", Integer, primary_key=True),
    uuid_column(),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"),
           unique=True, nullable=False),
    Column("mime", String(40), default="image/jpeg", nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)


important_dates = Table(
    "important_dates", metadata,
    Column("id", Integer, primary_key=True),
    uuid_column(),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"),
           index=True, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("label", String(100), default="", nullable=False),
    Column("calendar", String(8), default="solar", nullable=False),
    Column("month", Integer, nullable=False),
    Column("day", Integer, nullable=False),
    Column("year", Integer),
    Column("leap", Boolean, default=False, nullable=False),
    Column("remind_days", Integer, index=True),  # None: the kind's default
)


profile_answers = Table(
    "profile_answers", metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("question", Integer, nullable=False),
    Column("answer", Text, default="", nullable=False),
    Column("private", Boolean, default=False, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("client_id", "question"),
)


interactions = Table(
    "interactions", metadata,
    Column("id", Integer, primary_key=True),
    uuid_column(),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("occurred_at", DateTime, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("summary", Text, default="", nullable=False),
    Column("next_step", Text, default="", nullable=False),
    Column("follow_up_on", Date),
    Column("follow_up_done", Boolean, default=False, nullable=False),
    Column("milestone", String(16)),  # delivery / deal: thank them
    # the client's satisfaction (1-5) recorded with this entry: the thank-you
    # call after a delivery asks it (the source's survey after service)
    Column("satisfaction", Integer),
    # written for everyone on a festival's greeting list at once: kept on the
    # timeline, not counted as contact (last_contact_at ignores it)
    Column("mass", Boolean, default=False, server_default=false(), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_interactions_client_time", "client_id", "occurred_at"),
    Index("ix_interactions_follow_up", "follow_up_on"),
    Index("ix_interactions_milestone", "milestone", "occurred_at"),
    Index("ix_interactions_open_follow_up", "follow_up_on", "client_id", "next_step",
          sqlite_where=text("follow_up_done = 0 AND follow_up_on IS NOT NULL")),
)


change_log = Table(
    "change_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("changed_at", DateTime, nullable=False),
    Column("user", String(100), default="", nullable=False),
    Column("field", String(64), nullable=False),
    Column("old_value", Text, default="", nullable=False),
    Column("new_value", Text, default="", nullable=False),
    # the client's version this change produced (None: recorded before versions)
    Column("version", Integer),
    Index("ix_change_log_client_time", "client_id", "changed_at"),
)


scoring_schemes = Table(
    "scoring_schemes", metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, unique=True, nullable=False),
    Column("definition", Text, nullable=False),  # JSON of domain.scoring.Scheme.to_dict()
    Column("created_at", DateTime, nullable=False),
)


evaluations = Table(
    "evaluations", metadata,
    Column("id", Integer, primary_key=True),
    uuid_column(),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("scheme_id", Integer, ForeignKey("scoring_schemes.id"), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("evaluated_on", Date, nullable=False),
    Column("evaluator", String(100), default="", nullable=False),
    Column("inputs", Text, nullable=False),  # JSON: criterion key -> raw input
    Column("points", Text, nullable=False),  # JSON: criterion key -> 0-100 points
    Column("total", Float, nullable=False),
    Column("grade", String(1), nullable=False),
    Column("notes", Text, default="", nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_evaluations_client_date", "client_id", "evaluated_on"),
)


care_done = Table(
    "care_done", metadata,
    Column("id", Integer, primary_key=True),
    uuid_column(),
    Column("source", String(32), nullable=False),
    Column("ref_id", Integer, nullable=False),
    Column("occurs_on", Date, index=True, nullable=False),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), index=True),
    Column("done_at", DateTime, nullable=False),
    Column("interaction_id", Integer, ForeignKey("interactions.id", ondelete="SET NULL")),
    UniqueConstraint("source", "ref_id", "occurs_on"),
    # a source's marks on a window's days, read in the index alone (migration
    # 20261219_30: the agenda's yearly dates, care_repo._marks_in_window)
    Index("ix_care_done_source_day", "source", "occurs_on", "ref_id"),
)


app_settings = Table(
    "app_settings", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)


complaints = Table(
    "complaints", metadata,
    Column("id", Integer, primary_key=True),
    uuid_column(),
    Column("year", Integer, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("number", String(16), unique=True, nullable=False),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("category", String(32), nullable=False),
    Column("cause", String(16)),
    Column("department", String(100), default="", nullable=False),
    Column("priority", String(16), nullable=False),
    Column("words", Text, nullable=False),
    Column("restated", Text, default="", nullable=False),
    Column("demand", Text, default="", nullable=False),
    Column("temperament", String(16)),
    Column("escalation", Integer, default=0, nullable=False),
    Column("solution", Text, default="", nullable=False),
    Column("compensation", Float, default=0.0, nullable=False),
    Column("resolution", Text, default="", nullable=False),
    Column("satisfaction", Integer),
    Column("improvement", Text, default="", nullable=False),
    Column("status", String(16), nullable=False),
    Column("first_reply_at", DateTime),
    Column("resolved_at", DateTime),
    Column("followed_up_at", DateTime),
    Column("closed_at", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("year", "sequence"),
    Index("ix_complaints_client", "client_id", "received_at"),
    Index("ix_complaints_status", "status", "resolved_at"),
    Index("ix_complaints_received", "received_at"),
)


complaint_counters = Table(
    "complaint_counters", metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("last", Integer, nullable=False),
)


complaint_status_changes = Table(
    "complaint_status_changes", metadata,
    Column("id", Integer, primary_key=True),
    Column("complaint_id", Integer, ForeignKey("complaints.id", ondelete="CASCADE"),
           nullable=False),
    Column("at", DateTime, nullable=False),
    Column("old_status", String(16)),
    Column("new_status", String(16), nullable=False),
    Column("note", Text, default="", nullable=False),
    Column("user", String(100), default="", server_default="", nullable=False),
    Index("ix_complaint_status_changes_complaint", "complaint_id", "at"),
)


complaint_log = Table(
    "complaint_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("complaint_id", Integer, ForeignKey("complaints.id", ondelete="CASCADE"),
           nullable=False),
    Column("at", DateTime, nullable=False),
    Column("author", String(100), default="", nullable=False),
    Column("text", Text, nullable=False),
    Index("ix_complaint_log_complaint", "complaint_id", "at"),
)


import_batches = Table(
    "import_batches", metadata,
    Column("id", Integer, primary_key=True),
    Column("file_name", String(500), nullable=False),
    Column("file_format", String(8), nullable=False),
    Column("imported_at", DateTime, index=True, nullable=False),
    Column("user", String(100), default="", nullable=False),
    Column("policy", String(8), nullable=False),
    Column("created", Integer, default=0, nullable=False),
    Column("updated", Integer, default=0, nullable=False),
    Column("skipped", Integer, default=0, nullable=False),
    Column("invalid", Integer, default=0, nullable=False),
    Column("new_tags", Text, default="[]", nullable=False),  # JSON: tag names it added
    Column("undone_at", DateTime),
)


import_items = Table(
    "import_items", metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("import_batches.id", ondelete="CASCADE"),
           index=True, nullable=False),
    Column("row", Integer, nullable=False),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="SET NULL"), index=True),
    Column("action", String(8), nullable=False),
    Column("before", Text),
    Column("after", DateTime, nullable=False),
)


orders = Table(
    "orders", metadata,
    Column("id", Integer, primary_key=True),
    uuid_column(),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("ordered_on", Date, nullable=False),
    Column("product", String(200), nullable=False),
    Column("quantity", Float, default=1.0, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("currency", String(3), default="CNY", nullable=False),
    Column("status", String(16), nullable=False),
    Column("payment_due", Date),
    Column("paid_on", Date),
    Column("lost_reason", Text, default="", nullable=False),
    Column("notes", Text, default="", nullable=False),
    Column("import_batch_id", Integer, ForeignKey("import_batches.id", ondelete="SET NULL"),
           index=True),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
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


client_sales = Table(
    "client_sales", metadata,
    Column("client_id", Integer, primary_key=True, autoincrement=False),
    Column("last_won_on", Date, nullable=False),
    # the client's grade (clients.grade, kept by a trigger on clients): each
    # grade has its own limit, so each its own range of the index
    Column("grade", String(1)),
    Column("client_name", String(200), server_default="", nullable=False),
    Column("owner", String(100), server_default="", nullable=False),
    Column("live", Boolean, server_default=true(), nullable=False),
    Index("ix_client_sales_no_order", "grade", "last_won_on", "client_id",
                        "live", "client_name", "owner"),
)


client_month_sales = Table(
    "client_month_sales", metadata,
    Column("client_id", Integer, primary_key=True, autoincrement=False),
    Column("month", Date, primary_key=True),
    Column("cents", BigInteger, nullable=False),
    Column("won_orders", Integer, nullable=False),
    Column("next_cents", BigInteger, default=0, server_default="0", nullable=False),
    Column("drop_dismissed", Boolean, default=False, server_default=false(), nullable=False),
    Index("ix_client_month_sales_drop", "month", "drop_dismissed", "cents",
                        "next_cents", "client_id"),
)


agenda_dates = Table(
    "agenda_dates", metadata,
    Column("calendar", String(8), primary_key=True),
    Column("month", Integer, primary_key=True, autoincrement=False),
    Column("day", Integer, primary_key=True, autoincrement=False),
    Column("leap", Boolean, primary_key=True),
    Column("source", String(16), primary_key=True),
    Column("ref_id", Integer, primary_key=True, autoincrement=False),
    Column("client_id", Integer, index=True, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("label", Text, nullable=False),
    Column("year", Integer),
    Column("remind_days", Integer),
    Column("client_name", String(200), nullable=False),
    Column("owner", String(100), nullable=False),
    Column("live", Boolean, nullable=False),
    sqlite_with_rowid=False,
)


agenda_follow_ups = Table(
    "agenda_follow_ups", metadata,
    Column("follow_up_on", Date, primary_key=True),
    Column("ref_id", Integer, primary_key=True, autoincrement=False),
    Column("client_id", Integer, index=True, nullable=False),
    Column("step", Text, nullable=False),
    Column("client_name", String(200), nullable=False),
    Column("owner", String(100), nullable=False),
    Column("live", Boolean, nullable=False),
    sqlite_with_rowid=False,
)


sales_targets = Table(
    "sales_targets", metadata,
    Column("id", Integer, primary_key=True),
    uuid_column(),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("currency", String(3), default="CNY", nullable=False),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("client_id", "period_start"),
)


# Tables the database keeps itself (triggers), from rows of other tables: a
# copy between databases leaves them to the target's triggers.
DERIVED_TABLES = (client_sales.name, client_month_sales.name, agenda_dates.name,
                  agenda_follow_ups.name)


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
    "client_rank_keys", metadata,
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
    for table in metadata.tables.values():
        for index in table.indexes:
            where = POSTGRESQL_WHERE.get(str(index.name))
            if where is not None and index.dialect_options["postgresql"]["where"] is None:
                index.dialect_options["postgresql"]["where"] = text(where)
            include = POSTGRESQL_INCLUDE.get(str(index.name))
            if include is not None:
                index.dialect_options["postgresql"]["include"] = list(include)
