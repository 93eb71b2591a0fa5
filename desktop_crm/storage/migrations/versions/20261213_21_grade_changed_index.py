"""One partial index on the live clients whose latest evaluation changed their
grade (``ix_clients_grade_changed``), in place of migration 20's
``ix_clients_grade_fell``: it holds the day of that evaluation and both
grades, so Today's recent grade changes (their newest 100 and their count)
and the agenda's "grade fell" warnings read a few recent days of it alone,
instead of the 100,000 live clients (through ``ix_clients_deleted_at``) or a
card per fallen grade. Being an index, the database keeps it right on every
write of a client; creating it fills it from the existing rows.

Revision ID: 20261213_21
Revises: 20261212_20
Create Date: 2026-12-13
"""
import sqlalchemy as sa
from alembic import op

revision = '20261213_21'
down_revision = '20261212_20'
branch_labels = None
depends_on = None

CHANGED = "deleted_at IS NULL AND previous_grade IS NOT NULL AND previous_grade <> grade"
FELL = "previous_grade IS NOT NULL AND grade > previous_grade"


def upgrade() -> None:
    op.drop_index('ix_clients_grade_fell', table_name='clients')
    op.create_index('ix_clients_grade_changed', 'clients',
                    ['last_evaluated_on', 'previous_grade', 'grade'],
                    sqlite_where=sa.text(CHANGED), postgresql_where=sa.text(CHANGED))


def downgrade() -> None:
    op.drop_index('ix_clients_grade_changed', table_name='clients')
    op.create_index('ix_clients_grade_fell', 'clients', ['last_evaluated_on'],
                    sqlite_where=sa.text(FELL), postgresql_where=sa.text(FELL))
