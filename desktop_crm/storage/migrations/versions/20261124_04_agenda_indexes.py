"""Agenda indexes: open follow-ups only (a partial index), the month-day of
founding and relationship dates, and the last contact by grade (expression
indexes), so a 30-day agenda at 100,000 clients reads only the rows it shows.

Revision ID: 20261124_04
Revises: 20261124_03
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '20261124_04'
down_revision = '20261124_03'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # covering: the agenda reads only these columns of open follow-ups
    op.create_index('ix_interactions_open_follow_up', 'interactions',
                    ['follow_up_on', 'client_id', 'next_step'], unique=False,
                    sqlite_where=sa.text('follow_up_done = 0 AND follow_up_on IS NOT NULL'),
                    postgresql_where=sa.text('NOT follow_up_done AND follow_up_on IS NOT NULL'))
    # the longest reminder lead time of any date: max() reads one index entry
    op.create_index('ix_important_dates_remind_days', 'important_dates', ['remind_days'])
    op.create_index('ix_family_members_birth_remind_days', 'family_members', ['birth_remind_days'])
    # Not in the ORM models: SQLAlchemy cannot reflect expression indexes on
    # SQLite. The month-day key is the one storage/care_repo.py queries with:
    # text 'MM-DD' on SQLite (dates are ISO text there), month * 100 + day on
    # PostgreSQL (EXTRACT on a date is immutable, to_char is not).
    if op.get_bind().dialect.name == "sqlite":
        founded, since = "substr(founded_on, 6, 5)", "substr(relationship_since, 6, 5)"
    else:
        founded = "(EXTRACT(MONTH FROM founded_on) * 100 + EXTRACT(DAY FROM founded_on))"
        since = ("(EXTRACT(MONTH FROM relationship_since) * 100 "
                 "+ EXTRACT(DAY FROM relationship_since))")
    op.execute(f"CREATE INDEX ix_clients_founded_md ON clients ({founded})")
    op.execute(f"CREATE INDEX ix_clients_since_md ON clients ({since})")
    # When each live client was last contacted (or created), by grade: the
    # "not contacted" items of a window are ranges of this index.
    op.execute("CREATE INDEX ix_clients_contact ON clients "
               "(grade, coalesce(last_contact_at, created_at)) WHERE deleted_at IS NULL")


def downgrade() -> None:
    op.execute("DROP INDEX ix_clients_contact")
    op.execute("DROP INDEX ix_clients_since_md")
    op.execute("DROP INDEX ix_clients_founded_md")
    op.drop_index('ix_family_members_birth_remind_days', table_name='family_members')
    op.drop_index('ix_important_dates_remind_days', table_name='important_dates')
    op.drop_index('ix_interactions_open_follow_up', table_name='interactions')
