"""Drop the indexes that looked the yearly dates up in their own tables.

Since migration 25 the agenda, Today and the care calendar read a window's
yearly dates from ``agenda_dates`` (by its primary key); nothing queries
``important_dates``, ``family_members`` or ``contact_people`` by (calendar,
month, day) any more, nor ``clients`` by the month-day of its founding or
relationship date. Their indexes were only kept up to date: by every card
saved, and by an import row by row (100,000 imported clients with 52,000
birthdays: about 0.15 s of SQLite's CPU; 4.7 MB of the demo book's pages).
The indexes on the reminder lead times stay (the agenda's longest lead is
their maximum).

Revision ID: 20261216_27
Revises: 20261216_26
Create Date: 2026-12-16
"""
from alembic import op

revision = '20261216_27'
down_revision = '20261216_26'
branch_labels = None
depends_on = None

# (index, table, columns) of the plain indexes dropped
PLAIN = (
    ("ix_important_dates_month_day", "important_dates", ["calendar", "month", "day"]),
    ("ix_family_members_birth", "family_members",
     ["birth_calendar", "birth_month", "birth_day"]),
    ("ix_contact_people_birth", "contact_people",
     ["birth_calendar", "birth_month", "birth_day"]),
)
# the expression indexes of migration 04 on the month-day of these dates
MONTH_DAY = (("ix_clients_founded_md", "founded_on"), ("ix_clients_since_md", "relationship_since"))


def upgrade() -> None:
    for name, table, _columns in PLAIN:
        op.drop_index(name, table_name=table)
    for name, _column in MONTH_DAY:
        # IF EXISTS: a SQLite book taken down across migration 11 or 17 and up again
        # lost them (a downgrade's batch copy of clients drops expression
        # indexes it cannot reflect)
        op.execute(f"DROP INDEX IF EXISTS {name}")


def downgrade() -> None:
    # as migrations 01, 03, 04 and 15 made them
    for name, table, columns in PLAIN:
        op.create_index(name, table, columns, unique=False)
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, column in MONTH_DAY:
        key = (f"(EXTRACT(MONTH FROM {column}) * 100 + EXTRACT(DAY FROM {column}))" if postgres
               else f"substr({column}, 6, 5)")
        op.execute(f"CREATE INDEX {name} ON clients ({key})")
