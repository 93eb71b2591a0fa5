"""An index on the day of each client's latest evaluation
(``clients.last_evaluated_on``): the "grade fell" churn warnings of the agenda
and Today's recent grade changes read the clients evaluated in a few recent
weeks through it, instead of scanning every client (issue 20).

Revision ID: 20261210_18
Revises: 20261209_17
Create Date: 2026-12-10
"""
from alembic import op

revision = '20261210_18'
down_revision = '20261209_17'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_clients_last_evaluated_on', 'clients', ['last_evaluated_on'])


def downgrade() -> None:
    op.drop_index('ix_clients_last_evaluated_on', table_name='clients')
