"""Index the done marks by source and day.

``ix_care_done_source_day`` holds each mark's (source, day, item): the done
marks of one source on a window's days are one range of it, read in the
index alone. The care agenda's yearly dates read theirs so on SQLite, once
a statement, as a list each row is looked up in, instead of probing the
unique index on (source, item, day) for every date falling in the window
(the 30-day agenda of the bench book: 16,500 probes; the lookups in the
list cost SQLite about half as much). Without it the list would be read
through that unique index, every mark the source ever had (a yearly date
gets one a year), or through ``ix_care_done_occurs_on``, every source's
marks of the window (mostly dismissed churn warnings), each with its row.

Revision ID: 20261219_30
Revises: 20261218_29
Create Date: 2026-12-19
"""
from alembic import op

revision = '20261219_30'
down_revision = '20261218_29'
branch_labels = None
depends_on = None

INDEX = ("ix_care_done_source_day", "care_done", ["source", "occurs_on", "ref_id"])


def upgrade() -> None:
    name, table, columns = INDEX
    op.create_index(name, table, columns)
    op.execute(f"ANALYZE {table}")  # the planner's figures for the new index now


def downgrade() -> None:
    name, table, _columns = INDEX
    op.drop_index(name, table_name=table)
