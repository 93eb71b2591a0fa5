"""PostgreSQL only, two helps for Today's plans.

Extended statistics on interactions' (follow_up_done, follow_up_on), so the
planner knows how few follow-ups are open.

Most interactions have no follow-up (follow_up_on NULL, follow_up_done
false) and most follow-ups are done; assumed independent, the two columns
made the planner expect about 66,000 open follow-ups due by today where the
demo book has 827, and it joined them to all 100,000 cards by hash instead
of looking the few up by id. A multivariate MCV list of the pairs (one
entry per done flag and day: its target of 2500 holds years of days) gives
the right count. ANALYZE (and autovacuum's later runs) keep it current;
SQLite has no such statistics and needs none (its partial index is chosen
by its condition).

``ix_clients_contact`` (the live clients by grade and last contact, made by
migration 04) also holds the two columns its expression reads, so counting
the clients not contacted for long (27,600 unrated ones in the demo book)
reads the index alone, not a table row each (server CPU 18-28 -> 3 ms). On
SQLite the index stays as it is (it has no INCLUDE; that count is 1-2 ms).

Revision ID: 20261213_23
Revises: 20261213_22
Create Date: 2026-12-13
"""
from alembic import op

revision = '20261213_23'
down_revision = '20261213_22'
branch_labels = None
depends_on = None

NAME = "st_interactions_follow_up"
CONTACT = "(grade, coalesce(last_contact_at, created_at))"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"CREATE STATISTICS IF NOT EXISTS {NAME} (mcv) "
               "ON follow_up_done, follow_up_on FROM interactions")
    op.execute(f"ALTER STATISTICS {NAME} SET STATISTICS 2500")
    # fill them now, not at autovacuum's next analyze of the table
    op.execute("ANALYZE interactions")
    op.execute("DROP INDEX ix_clients_contact")
    op.execute(f"CREATE INDEX ix_clients_contact ON clients {CONTACT} "
               "INCLUDE (last_contact_at, created_at) WHERE deleted_at IS NULL")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP STATISTICS IF EXISTS {NAME}")
    op.execute("DROP INDEX ix_clients_contact")
    op.execute(f"CREATE INDEX ix_clients_contact ON clients {CONTACT} WHERE deleted_at IS NULL")
