"""Each client's won sales, stored and kept by the database: the day of the
last won order (``client_sales``) and the won CNY sales of each month
(``client_month_sales``), so that the churn warnings of the agenda read a
few thousand stored rows instead of grouping 587,000 orders (issue 20). Also
a partial index on the clients whose latest grade fell (the third warning).

Both tables are kept by triggers on ``orders`` (and ``client_sales.grade``,
a copy of the client's grade, by one on ``clients``), in the statement that writes
an order: every path that inserts, changes or deletes orders (the order
dialog, imports and their undo, the demo, a client purged from the trash,
a copy between engines, a hand-made statement) keeps them right without
knowing of them. Won = delivered, paid or won (domain.sales.WON_STATUSES),
as in storage/churn_repo.py.

Revision ID: 20261212_20
Revises: 20261211_19
Create Date: 2026-12-11
"""
import sqlalchemy as sa
from alembic import op

revision = '20261212_20'
down_revision = '20261211_19'
branch_labels = None
depends_on = None

WON = "('delivered', 'paid', 'won')"  # domain.sales.WON_STATUSES, frozen for this revision
CURRENCY = "'CNY'"  # the drop compares CNY amounts only (churn_repo.DROP_CURRENCY)
SQLITE_MONTH = "substr({day}, 1, 8) || '01'"  # ISO text: the month's first day
POSTGRES_MONTH = "CAST(date_trunc('month', {day}) AS date)"


def _sqlite_triggers() -> list[str]:
    def add(new: str) -> str:
        month = SQLITE_MONTH.format(day=f"{new}.ordered_on")
        return f"""
            INSERT INTO client_sales (client_id, last_won_on, grade)
            VALUES ({new}.client_id, {new}.ordered_on,
                    (SELECT grade FROM clients WHERE id = {new}.client_id))
            ON CONFLICT (client_id) DO UPDATE
            SET last_won_on = max(last_won_on, excluded.last_won_on);
            INSERT INTO client_month_sales (client_id, month, cents, won_orders)
            SELECT {new}.client_id, {month}, {new}.amount_cents, 1
            WHERE {new}.currency = {CURRENCY}
            ON CONFLICT (client_id, month) DO UPDATE
            SET cents = cents + excluded.cents, won_orders = won_orders + 1;"""

    def take(old: str) -> str:
        month = SQLITE_MONTH.format(day=f"{old}.ordered_on")
        return f"""
            UPDATE client_month_sales SET cents = cents - {old}.amount_cents,
                                          won_orders = won_orders - 1
            WHERE {old}.currency = {CURRENCY} AND client_id = {old}.client_id
                  AND month = {month};
            DELETE FROM client_month_sales
            WHERE client_id = {old}.client_id AND month = {month} AND won_orders <= 0;
            DELETE FROM client_sales
            WHERE client_id = {old}.client_id AND NOT EXISTS (
                SELECT 1 FROM orders WHERE client_id = {old}.client_id AND status IN {WON});
            UPDATE client_sales SET last_won_on = (
                SELECT max(ordered_on) FROM orders
                WHERE client_id = {old}.client_id AND status IN {WON})
            WHERE client_id = {old}.client_id;"""

    return [
        f"""CREATE TRIGGER tr_orders_sales_insert AFTER INSERT ON orders
            WHEN NEW.status IN {WON}
            BEGIN {add("NEW")}
            END""",
        f"""CREATE TRIGGER tr_orders_sales_delete AFTER DELETE ON orders
            WHEN OLD.status IN {WON}
            BEGIN {take("OLD")}
            END""",
        # an edit takes the old order out, then puts the new one in
        f"""CREATE TRIGGER tr_orders_sales_update_old
            AFTER UPDATE OF client_id, ordered_on, amount_cents, currency, status ON orders
            WHEN OLD.status IN {WON}
            BEGIN {take("OLD")}
            END""",
        f"""CREATE TRIGGER tr_orders_sales_update_new
            AFTER UPDATE OF client_id, ordered_on, amount_cents, currency, status ON orders
            WHEN NEW.status IN {WON}
            BEGIN {add("NEW")}
            END""",
        # client_sales.grade follows clients.grade (a copy, so that "no order
        # since" reads each grade's range of one index, not every candidate card)
        """CREATE TRIGGER tr_clients_sales_grade AFTER UPDATE OF grade ON clients
            WHEN OLD.grade IS NOT NEW.grade
            BEGIN UPDATE client_sales SET grade = NEW.grade WHERE client_id = NEW.id;
            END""",
    ]


def _postgres_triggers() -> list[str]:
    old_month = POSTGRES_MONTH.format(day="OLD.ordered_on")
    new_month = POSTGRES_MONTH.format(day="NEW.ordered_on")
    return [
        f"""CREATE FUNCTION orders_sales_sync() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.status IN {WON} THEN
            IF OLD.currency = {CURRENCY} THEN
              UPDATE client_month_sales SET cents = cents - OLD.amount_cents,
                                            won_orders = won_orders - 1
              WHERE client_id = OLD.client_id AND month = {old_month};
              DELETE FROM client_month_sales
              WHERE client_id = OLD.client_id AND month = {old_month} AND won_orders <= 0;
            END IF;
            DELETE FROM client_sales
            WHERE client_id = OLD.client_id AND NOT EXISTS (
                SELECT 1 FROM orders WHERE client_id = OLD.client_id AND status IN {WON});
            UPDATE client_sales SET last_won_on = (
                SELECT max(ordered_on) FROM orders
                WHERE client_id = OLD.client_id AND status IN {WON})
            WHERE client_id = OLD.client_id;
          END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IN {WON} THEN
            INSERT INTO client_sales (client_id, last_won_on, grade)
            VALUES (NEW.client_id, NEW.ordered_on,
                    (SELECT grade FROM clients WHERE id = NEW.client_id))
            ON CONFLICT (client_id) DO UPDATE
            SET last_won_on = greatest(client_sales.last_won_on, EXCLUDED.last_won_on);
            IF NEW.currency = {CURRENCY} THEN
              INSERT INTO client_month_sales (client_id, month, cents, won_orders)
              VALUES (NEW.client_id, {new_month}, NEW.amount_cents, 1)
              ON CONFLICT (client_id, month) DO UPDATE
              SET cents = client_month_sales.cents + EXCLUDED.cents,
                  won_orders = client_month_sales.won_orders + 1;
            END IF;
          END IF;
          RETURN NULL;
        END $$""",
        """CREATE TRIGGER tr_orders_sales
           AFTER INSERT OR DELETE OR UPDATE OF client_id, ordered_on, amount_cents, currency,
                 status ON orders
           FOR EACH ROW EXECUTE FUNCTION orders_sales_sync()""",
        """CREATE FUNCTION clients_grade_sync() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE client_sales SET grade = NEW.grade WHERE client_id = NEW.id;
          RETURN NULL;
        END $$""",
        """CREATE TRIGGER tr_clients_sales_grade AFTER UPDATE OF grade ON clients
           FOR EACH ROW WHEN (OLD.grade IS DISTINCT FROM NEW.grade)
           EXECUTE FUNCTION clients_grade_sync()""",
    ]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        'client_sales',
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('last_won_on', sa.Date(), nullable=False),
        # on PostgreSQL every text column has the "C" collation (since 09)
        sa.Column('grade', sa.String(length=1, collation='C' if postgres else None),
                  nullable=True),
        sa.PrimaryKeyConstraint('client_id'))
    op.create_index('ix_client_sales_grade_last_won', 'client_sales',
                    ['grade', 'last_won_on', 'client_id'])
    op.create_table(
        'client_month_sales',
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('cents', sa.BigInteger(), nullable=False),
        sa.Column('won_orders', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('client_id', 'month'))
    op.create_index('ix_client_month_sales_month', 'client_month_sales',
                    ['month', 'client_id', 'cents'])
    month = (POSTGRES_MONTH if postgres else SQLITE_MONTH).format(day="ordered_on")
    op.execute(f"""INSERT INTO client_sales (client_id, last_won_on, grade)
                   SELECT o.client_id, o.last_won_on, c.grade
                   FROM (SELECT client_id, max(ordered_on) AS last_won_on FROM orders
                         WHERE status IN {WON} GROUP BY client_id) o
                        JOIN clients c ON c.id = o.client_id""")
    op.execute(f"""INSERT INTO client_month_sales (client_id, month, cents, won_orders)
                   SELECT client_id, {month}, sum(amount_cents), count(*) FROM orders
                   WHERE status IN {WON} AND currency = {CURRENCY}
                   GROUP BY client_id, {month}""")
    for statement in _postgres_triggers() if postgres else _sqlite_triggers():
        op.execute(statement)
    fell = "previous_grade IS NOT NULL AND grade > previous_grade"
    op.create_index('ix_clients_grade_fell', 'clients', ['last_evaluated_on'],
                    sqlite_where=sa.text(fell), postgresql_where=sa.text(fell))


def downgrade() -> None:
    op.drop_index('ix_clients_grade_fell', table_name='clients')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER tr_clients_sales_grade ON clients")
        op.execute("DROP FUNCTION clients_grade_sync()")
        op.execute("DROP TRIGGER tr_orders_sales ON orders")
        op.execute("DROP FUNCTION orders_sales_sync()")
    else:
        op.execute("DROP TRIGGER tr_clients_sales_grade")
        for name in ("insert", "delete", "update_old", "update_new"):
            op.execute(f"DROP TRIGGER tr_orders_sales_{name}")
    op.drop_index('ix_client_month_sales_month', table_name='client_month_sales')
    op.drop_table('client_month_sales')
    op.drop_index('ix_client_sales_grade_last_won', table_name='client_sales')
    op.drop_table('client_sales')
