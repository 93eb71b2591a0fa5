"""The won sales the database keeps per client (migration 20261212_20:
``client_sales``, the last won order's day, and ``client_month_sales``, each
month's won CNY sales; migration 20261214_24: each month row's next month's
sales and whether its drop was dismissed; migration 20261217_28: the
client's name, owner and state in ``client_sales``), on both engines: after
every way orders, dismissals or cards are written (the order dialog's
create, edit, delete and its undo; an import of orders and its undo; a drop
marked done and its undo; a rename, a new owner, the trash, a restore, a
purge; a copy to another database) they equal what the orders, done marks
and cards themselves say, and the migrations fill them from the rows of a
database of an earlier revision (migration 28's downgrade removes them)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import create_engine, inspect, text

from desktop_crm.domain.care import Source
from desktop_crm.domain.churn import months_before
from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.enums import AgendaKind
from desktop_crm.domain.sales import WON_STATUSES, Order, OrderStatus
from desktop_crm.services.agenda import AgendaService, DoneReceipt
from desktop_crm.services.clients import ClientService
from desktop_crm.services.importing import ImportService, OrderImportService
from desktop_crm.services.sales import SalesService
from desktop_crm.storage.database import HEAD_REVISION, Database
from tests.conftest import FIXED_NOW, NewDatabases, database_at, downgrade

WON = {s.value for s in WON_STATUSES}
# per client and month: (cents, won orders, next month's cents, drop dismissed)
Months = dict[tuple[int, date], tuple[int, int, int, bool]]
Stored = tuple[dict[int, date], Months]


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _months_on(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def expected(db: Database) -> Stored:
    """What the orders and done marks say, computed in Python: each client's
    last won order day (any currency), and per client and month the won CNY
    cents and count, the next month's cents (0 without a row) and whether
    the drop of that month to the next was dismissed (a "churn_drop" done
    mark on the first day of the month after the next)."""
    last: dict[int, date] = {}
    months: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    with db.engine.connect() as conn:
        for client_id, day, cents, currency, status in conn.execute(text(
                "SELECT client_id, ordered_on, amount_cents, currency, status FROM orders")):
            if status not in WON:
                continue
            day = _day(day)
            last[client_id] = max(last.get(client_id, day), day)
            if currency == "CNY":
                month = months[(client_id, day.replace(day=1))]
                month[0] += int(cents)
                month[1] += 1
        dismissed = {(int(ref), _day(day)) for ref, day in conn.execute(text(
            "SELECT ref_id, occurs_on FROM care_done WHERE source = 'churn_drop'"))}
    return last, {(c, m): (v[0], v[1], months.get((c, _months_on(m, 1)), [0])[0],
                           (c, _months_on(m, 2)) in dismissed)
                  for (c, m), v in months.items()}


def stored(db: Database) -> Stored:
    with db.engine.connect() as conn:
        last = {int(c): _day(d) for c, d in conn.execute(text(
            "SELECT client_id, last_won_on FROM client_sales"))}
        months = {(int(c), _day(m)): (int(cents), int(n), int(following), bool(dropped))
                  for c, m, cents, n, following, dropped in conn.execute(text(
                      "SELECT client_id, month, cents, won_orders, next_cents, drop_dismissed "
                      "FROM client_month_sales"))}
    return last, months


def cards(db: Database) -> dict[int, tuple[str | None, str, str, bool]]:
    """What client_sales copies of each card (migrations 20 and 28): client
    id -> (grade, name, owner, live)."""
    with db.engine.connect() as conn:
        return {int(c): (grade, name, owner, deleted is None)
                for c, grade, name, owner, deleted in conn.execute(text(
                    "SELECT id, grade, name, owner, deleted_at FROM clients"))}


def copied(db: Database) -> dict[int, tuple[str | None, str, str, bool]]:
    """The copies of the cards client_sales holds, as ``cards``."""
    with db.engine.connect() as conn:
        return {int(c): (grade, name, owner, bool(live))
                for c, grade, name, owner, live in conn.execute(text(
                    "SELECT client_id, grade, client_name, owner, live FROM client_sales"))}


def assert_kept(db: Database) -> Stored:
    now = stored(db)
    assert now == expected(db)
    # the copy of each client's grade, name, owner and state
    copies, of_cards = copied(db), cards(db)
    assert copies == {c: of_cards[c] for c in copies}
    return now


def _grade(db: Database, client_id: int, grade: str | None) -> None:
    """What the evaluation service writes when a client is graded (an UPDATE)."""
    with db.session() as s:
        s.execute(text("UPDATE clients SET grade = :g WHERE id = :id"),
                  {"g": grade, "id": client_id})


@pytest.fixture
def clients(db: Database) -> dict[str, int]:
    service = ClientService(db, lambda: FIXED_NOW, user="t")
    return {"wang": service.save(ClientCard(name="王芳", phones=[Phone("13800138000")])),
            "li": service.save(ClientCard(name="李娜"))}


def _order(client_id: int, day: date, amount: str, status: OrderStatus = OrderStatus.WON,
           currency: str = "CNY") -> Order:
    return Order(client_id, day, "服务器", Decimal(amount), status=status, currency=currency)


def test_the_order_dialog_keeps_the_stored_sales(db: Database,
                                                 clients: dict[str, int]) -> None:
    sales = SalesService(db, lambda: FIXED_NOW, user="t")
    wang, li = clients["wang"], clients["li"]
    _grade(db, wang, "A")
    first = sales.save(_order(wang, date(2026, 3, 5), "100.50"))
    sales.save(_order(wang, date(2026, 3, 20), "20", OrderStatus.PAID))
    sales.save(_order(wang, date(2026, 4, 2), "7", OrderStatus.QUOTED))  # not won
    sales.save(_order(wang, date(2026, 4, 9), "9", currency="USD"))  # won, not CNY
    last, months = assert_kept(db)
    assert last == {wang: date(2026, 4, 9)}
    assert months == {(wang, date(2026, 3, 1)): (12050, 2, 0, False)}
    _grade(db, wang, "C")  # a new grade: the stored copy follows
    _grade(db, li, "B")
    assert_kept(db)

    # edits: the amount, the status (won -> lost -> delivered), the date, the client
    order = sales.get(first)
    sales.save(replace(order, amount=Decimal("200")))
    assert stored(db)[1][(wang, date(2026, 3, 1))][:2] == (22000, 2)
    order = sales.get(first)
    sales.save(replace(order, status=OrderStatus.LOST, lost_reason="价格"))
    assert stored(db)[1][(wang, date(2026, 3, 1))][:2] == (2000, 1)
    order = sales.get(first)
    sales.save(replace(order, status=OrderStatus.DELIVERED, lost_reason="",
                         ordered_on=date(2026, 5, 1)))
    last, months = assert_kept(db)
    assert last[wang] == date(2026, 5, 1) and months[(wang, date(2026, 5, 1))][:2] == (20000, 1)
    order = sales.get(first)
    sales.save(replace(order, client_id=li))
    last, months = assert_kept(db)
    assert last == {wang: date(2026, 4, 9), li: date(2026, 5, 1)}

    # delete (the last won order of li), then the undo puts it back
    _grade(db, wang, None)
    gone = sales.delete(first)
    last, months = assert_kept(db)
    assert li not in last and (li, date(2026, 5, 1)) not in months
    sales.restore(gone)
    last, months = assert_kept(db)
    assert last[li] == date(2026, 5, 1)
    # delete every order: nothing stays behind
    for o in [*sales.orders_of(wang), *sales.orders_of(li)]:
        assert o.id is not None
        sales.delete(o.id)
    assert assert_kept(db) == ({}, {})


def test_trash_and_purge_keep_the_stored_sales(db: Database,
                                               clients: dict[str, int]) -> None:
    sales = SalesService(db, lambda: FIXED_NOW, user="t")
    for n, client_id in enumerate(clients.values()):
        sales.save(_order(client_id, date(2026, 1 + n, 3), f"{n + 1}0"))
    before = assert_kept(db)
    service = ClientService(db, lambda: FIXED_NOW, user="t")
    service.delete(clients["wang"])  # to the trash: the orders stay
    assert assert_kept(db) == before
    service.restore(clients["wang"])
    service.delete(clients["wang"])
    service.purge(clients["wang"])  # gone for good, with its orders
    last, _months = assert_kept(db)
    assert set(last) == {clients["li"]}


def test_card_writes_keep_the_stored_names(db: Database, clients: dict[str, int]) -> None:
    """Each row's copy of its card's name, owner and state (migration 28):
    a client's first won order copies them, and a rename, a new owner, the
    trash and a restore (the card editor's, or plain SQL) are copied to the
    row; the "no order" warnings show them."""
    sales = SalesService(db, lambda: FIXED_NOW, user="t")
    service = ClientService(db, lambda: FIXED_NOW, user="t")
    wang, li = clients["wang"], clients["li"]
    service.save(replace(service.get(wang), owner="王磊"))
    service.delete(li)  # li's first won order comes while the card is in the trash
    sales.save(_order(wang, date(2026, 3, 5), "10"))
    with db.session() as s:  # (the order dialog takes no order for a card in the trash)
        s.execute(text(
            "INSERT INTO orders (uuid, client_id, ordered_on, product, quantity, amount_cents, "
            "currency, status, lost_reason, notes, created_at, updated_at) VALUES (:uuid, "
            ":c, :day, 'p', 1, 2000, 'CNY', 'won', '', '', :now, :now)"),
            {"uuid": "10000000-0000-4000-8000-000000000001", "c": li,
             "day": date(2026, 3, 6), "now": FIXED_NOW})
    assert assert_kept(db)[0] == {wang: date(2026, 3, 5), li: date(2026, 3, 6)}
    assert copied(db) == {wang: (None, "王芳", "王磊", True), li: (None, "李娜", "", False)}
    service.restore(li)
    service.save(replace(service.get(wang), name="王芳芳", owner="李娜"))
    assert_kept(db)
    assert copied(db) == {wang: (None, "王芳芳", "李娜", True), li: (None, "李娜", "", True)}
    with db.session() as s:  # plain SQL: every client's name, owner and trash at once
        s.execute(text("UPDATE clients SET name = name || '1', owner = 'x', "
                       "deleted_at = :now"), {"now": FIXED_NOW})
    assert_kept(db)
    assert {live for _g, _n, _o, live in copied(db).values()} == {False}
    with db.session() as s:
        s.execute(text("UPDATE clients SET deleted_at = NULL"))
    assert_kept(db)
    # the warnings read the copies: li has had no order for 120 days (unrated)
    service.save(replace(service.get(li), name="李娜娜", owner="周远"))
    day = date(2026, 3, 6) + timedelta(days=120)
    agenda = AgendaService(db, lambda: datetime.combine(day, time(9)), user="周远")
    warnings = [(i.client_id, i.client) for i in agenda.agenda(
        1, kinds=[AgendaKind.CHURN_WARNING], mine=True) if i.source == Source.CHURN_NO_ORDER]
    assert warnings == [(li, "李娜娜")]
    everyone = [(i.client_id, i.client) for i in agenda.agenda(
        1, kinds=[AgendaKind.CHURN_WARNING]) if i.source == Source.CHURN_NO_ORDER]
    assert everyone == [(wang, "王芳芳1"), (li, "李娜娜")]  # wang's since 3 July
    service.delete(li)
    assert [i.client_id for i in agenda.agenda(1, kinds=[AgendaKind.CHURN_WARNING])
            if i.source == Source.CHURN_NO_ORDER] == [wang]


def _xlsx(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["手机", "客户名称", "订单日期", "产品", "金额", "币种", "状态"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_order_import_and_its_undo_keep_the_stored_sales(
        db: Database, clients: dict[str, int], tmp_path: Path) -> None:
    sales = SalesService(db, lambda: FIXED_NOW, user="t")
    sales.save(_order(clients["wang"], date(2026, 2, 1), "5"))
    before = assert_kept(db)
    path = _xlsx(tmp_path / "o.xlsx", [
        ["13800138000", None, "2026-02-10", "服务器", 10, None, None],
        ["13800138000", None, "2026-06-05", "维保", 3, "USD", "已回款"],
        [None, "李娜", "2026-03-01", "咨询", 8, None, "报价"],
        [None, "李娜", "2026-03-02", "咨询", 9, None, "已交付"]])
    importer = OrderImportService(db, clock=lambda: FIXED_NOW, user="t", backup_first=False)
    result = importer.commit(importer.open(path))
    last, months = assert_kept(db)
    assert last == {clients["wang"]: date(2026, 6, 5), clients["li"]: date(2026, 3, 2)}
    assert months[(clients["wang"], date(2026, 2, 1))][:2] == (1500, 2)
    assert ImportService(db, lambda: FIXED_NOW, "t").undo(result.batch_id) == 4
    assert assert_kept(db) == before


def test_a_copy_to_another_database_has_the_same_stored_sales(
        db: Database, db_target: str, clients: dict[str, int], new_db: NewDatabases) -> None:
    from desktop_crm.services.copying import copy_book

    sales = SalesService(db, lambda: FIXED_NOW, user="t")
    sales.save(_order(clients["wang"], date(2026, 2, 1), "5000"))
    sales.save(_order(clients["li"], date(2026, 3, 1), "6", OrderStatus.PAID))
    _dismiss_drop(db, clients["wang"], date(2026, 2, 1), date(2026, 3, 1))
    before = assert_kept(db)
    assert before[1][(clients["wang"], date(2026, 2, 1))] == (500_000, 1, 0, True)
    copy_book(db_target, new_db.target("copy"))
    assert assert_kept(new_db.open("copy")) == before


def _dismiss_drop(db: Database, client_id: int, before: date, last: date) -> DoneReceipt:
    """Mark done, as the agenda's user does, the drop of ``client_id``'s
    sales from the month ``before`` to ``last``: on the first day of the
    month after, with the clock then."""
    day = _months_on(last, 1)
    agenda = AgendaService(db, lambda: datetime.combine(day, time(9)), user="t")
    drop = next(i for i in agenda.agenda(1, kinds=[AgendaKind.CHURN_WARNING])
                if i.client_id == client_id and i.source == Source.CHURN_DROP)
    assert (drop.day, months_before(drop.day)) == (day, (before, last))
    return agenda.mark_done(drop)


def test_each_month_holds_the_next_months_sales_and_whether_its_drop_was_dismissed(
        db: Database, clients: dict[str, int]) -> None:
    """The month rows' next month's sales and dismissed drops (migration 24)
    follow every write of orders and of done marks, in any order."""
    sales = SalesService(db, lambda: FIXED_NOW, user="t")
    wang, li = clients["wang"], clients["li"]
    jan = sales.save(_order(wang, date(2026, 1, 10), "5000"))
    feb = sales.save(_order(wang, date(2026, 2, 10), "1000"))
    sales.save(_order(wang, date(2026, 3, 10), "800"))
    sales.save(_order(li, date(2026, 2, 3), "3000"))  # no March: all of it dropped
    months = assert_kept(db)[1]
    assert months[(wang, date(2026, 1, 1))] == (500_000, 1, 100_000, False)
    assert months[(wang, date(2026, 2, 1))] == (100_000, 1, 80_000, False)
    assert months[(li, date(2026, 2, 1))] == (300_000, 1, 0, False)

    # the month after changes: its amount, a second order, its removal, a new one
    sales.save(replace(sales.get(feb), amount=Decimal("1200")))
    assert assert_kept(db)[1][(wang, date(2026, 1, 1))][2] == 120_000
    second = sales.save(_order(wang, date(2026, 2, 20), "300"))
    assert assert_kept(db)[1][(wang, date(2026, 1, 1))][2] == 150_000
    removed = [sales.delete(feb), sales.delete(second)]
    months = assert_kept(db)[1]
    assert months[(wang, date(2026, 1, 1))][2] == 0 and (wang, date(2026, 2, 1)) not in months
    for gone in removed:
        sales.restore(gone)
    assert assert_kept(db)[1][(wang, date(2026, 1, 1))][2] == 150_000
    # a month written before the one it comes before (it reads its next itself)
    sales.save(_order(wang, date(2025, 12, 1), "10"))
    assert assert_kept(db)[1][(wang, date(2025, 12, 1))] == (1000, 1, 500_000, False)

    # li's drop dismissed on 1 March, and put back by the undo
    receipt = _dismiss_drop(db, li, date(2026, 2, 1), date(2026, 3, 1))
    assert assert_kept(db)[1][(li, date(2026, 2, 1))][3] is True
    AgendaService(db, lambda: FIXED_NOW, user="t").undo_done(receipt)
    assert assert_kept(db)[1][(li, date(2026, 2, 1))][3] is False
    # wang's drop from January dismissed, then January's orders gone and back:
    # the month row made again reads its dismissal
    _dismiss_drop(db, wang, date(2026, 1, 1), date(2026, 2, 1))
    assert assert_kept(db)[1][(wang, date(2026, 1, 1))][3] is True
    gone = sales.delete(jan)
    assert (wang, date(2026, 1, 1)) not in assert_kept(db)[1]
    sales.restore(gone)
    assert assert_kept(db)[1][(wang, date(2026, 1, 1))][3] is True
    # a hand-made change of a done mark: its day, its source, then its removal
    with db.session() as s:
        s.execute(text("UPDATE care_done SET occurs_on = :day WHERE source = 'churn_drop'"),
                  {"day": date(2026, 4, 1)})  # now February's drop (to March)
    months = assert_kept(db)[1]
    assert (months[(wang, date(2026, 1, 1))][3], months[(wang, date(2026, 2, 1))][3]) == (
        False, True)
    with db.session() as s:
        s.execute(text("UPDATE care_done SET source = 'churn_no_order'"))
    assert not any(m[3] for m in assert_kept(db)[1].values())
    with db.session() as s:
        s.execute(text("UPDATE care_done SET source = 'churn_drop'"))
    assert assert_kept(db)[1][(wang, date(2026, 2, 1))][3] is True
    with db.session() as s:
        s.execute(text("DELETE FROM care_done"))
    assert not any(m[3] for m in assert_kept(db)[1].values())
    # and a client purged from the trash takes its months and marks with it
    _dismiss_drop(db, li, date(2026, 2, 1), date(2026, 3, 1))
    service = ClientService(db, lambda: FIXED_NOW, user="t")
    service.delete(li)
    service.purge(li)
    assert {c for c, _m in assert_kept(db)[1]} == {wang}


@pytest.fixture
def revision_18(engine: str, tmp_path: Path, request: pytest.FixtureRequest
                ) -> Iterator[str]:
    """A database built at revision 20261210_18 (before the stored sales)."""
    yield from database_at("20261210_18", engine, tmp_path, request)


@pytest.fixture
def revision_23(engine: str, tmp_path: Path, request: pytest.FixtureRequest
                ) -> Iterator[str]:
    """A database built at revision 20261213_23 (stored sales without the
    next month's and the dismissed drops)."""
    yield from database_at("20261213_23", engine, tmp_path, request)


def _contact_index(engine: Any) -> list[str]:
    """The columns PostgreSQL's ix_clients_contact includes after its key."""
    with engine.connect() as conn:
        definition = conn.execute(text(
            "SELECT pg_get_indexdef('ix_clients_contact'::regclass)")).scalar_one()
    return [c.strip() for c in definition.split("INCLUDE (")[1].split(")")[0].split(",")]


@pytest.fixture
def revision_27(engine: str, tmp_path: Path, request: pytest.FixtureRequest
                ) -> Iterator[str]:
    """A database built at revision 20261216_27 (stored sales without the
    clients' names, owners and states)."""
    yield from database_at("20261216_27", engine, tmp_path, request)


def _insert_clients(conn: Any, now: datetime, grades: dict[int, str | None],
                    trashed: tuple[int, ...] = ()) -> None:
    for client_id, grade in grades.items():
        conn.execute(text(
            "INSERT INTO clients (id, uuid, kind, name, sort_key, gender, title, company, "
            "primary_phone, email, wechat, website, address, home_address, industry, "
            "source, owner, notes, legal_representative, scale, assets, org_form, "
            "profile_filled_by, created_at, updated_at, version, grade, deleted_at) VALUES "
            "(:id, :uuid, 'person', :name, '', 'unknown', '', '', '', '', '', '', '', '', "
            "'', '', :owner, '', '', '', '', '', '', :now, :now, 1, :grade, :deleted)"),
            {"id": client_id, "grade": grade,
             "uuid": f"00000000-0000-4000-8000-{client_id:012d}",
             "name": f"客户{client_id}", "owner": f"销售{client_id}", "now": now,
             "deleted": now if client_id in trashed else None})


def _insert_won_orders(conn: Any, now: datetime, orders: list[tuple[int, date]],
                       first: int = 1) -> None:
    for n, (client_id, day) in enumerate(orders, start=first):
        conn.execute(text(
            "INSERT INTO orders (uuid, client_id, ordered_on, product, quantity, "
            "amount_cents, currency, status, lost_reason, notes, created_at, updated_at) "
            "VALUES (:uuid, :c, :day, 'p', 1, 100, 'CNY', 'won', '', '', :now, :now)"),
            {"uuid": f"10000000-0000-4000-8000-{n:012d}", "c": client_id, "day": day,
             "now": now})


def test_the_migration_fills_the_stored_sales_from_the_orders(revision_18: str) -> None:
    engine = create_engine(revision_18)
    now = datetime(2026, 5, 1, 9)
    statuses = ["won", "paid", "delivered", "quoted", "lost"]
    with engine.begin() as conn:
        _insert_clients(conn, now, {1: "A", 2: None, 3: "C"})
        n = 0
        for client_id in (1, 2):  # client 3 has no orders
            for month in range(1, 13):
                for k in range(3):
                    n += 1
                    conn.execute(text(
                        "INSERT INTO orders (uuid, client_id, ordered_on, product, quantity, "
                        "amount_cents, currency, status, lost_reason, notes, created_at, "
                        "updated_at) VALUES (:uuid, :c, :day, 'p', 1, :cents, :cur, :status, "
                        "'', '', :now, :now)"),
                        {"uuid": f"10000000-0000-4000-8000-{n:012d}", "c": client_id,
                         "day": date(2025, month, 1 + 9 * k), "cents": 1000 * n + k,
                         "cur": "USD" if n % 7 == 0 else "CNY",
                         "status": statuses[n % len(statuses)], "now": now})
    engine.dispose()
    db = Database.open(revision_18.removeprefix("sqlite:///"))
    try:
        assert db.current_revision() == HEAD_REVISION
        last, months = assert_kept(db)
        assert set(last) == {1, 2} and len(months) > 12
        # and the triggers keep them from now on
        sales = SalesService(db, lambda: now, user="t")
        sales.save(_order(3, date(2026, 1, 2), "1"))
        for order in sales.orders_of(1)[:5]:
            assert order.id is not None
            sales.delete(order.id)
        assert_kept(db)
    finally:
        db.close()


def test_the_migration_fills_each_months_next_sales_and_dismissed_drop(
        revision_23: str) -> None:
    """Migration 24 on a database of revision 23 whose orders and done marks
    are stored: each month row gets the next month's sales and whether its
    drop was dismissed, and the triggers keep both from then on."""
    engine = create_engine(revision_23)
    now = datetime(2026, 5, 1, 9)
    with engine.begin() as conn:
        _insert_clients(conn, now, {1: "A", 2: None})
        for n, (client_id, day, cents) in enumerate((
                (1, date(2025, 11, 20), 900_000), (1, date(2025, 12, 5), 100_000),
                (1, date(2025, 12, 28), 50_000), (1, date(2026, 2, 2), 400_000),
                (2, date(2025, 12, 31), 200_000), (2, date(2026, 1, 1), 10_000)), start=1):
            conn.execute(text(
                "INSERT INTO orders (uuid, client_id, ordered_on, product, quantity, "
                "amount_cents, currency, status, lost_reason, notes, created_at, updated_at) "
                "VALUES (:uuid, :c, :day, 'p', 1, :cents, 'CNY', 'won', '', '', :now, :now)"),
                {"uuid": f"10000000-0000-4000-8000-{n:012d}", "c": client_id, "day": day,
                 "cents": cents, "now": now})
        # dismissed: client 1's drop of November to December (on 1 January) and
        # client 2's of December to January (on 1 February); the other marks
        # are another source's, and a day that is no month's first
        for n, (source, ref, day) in enumerate((
                ("churn_drop", 1, date(2026, 1, 1)), ("churn_drop", 2, date(2026, 2, 1)),
                ("churn_no_order", 1, date(2026, 3, 1)), ("churn_drop", 1, date(2026, 2, 2))),
                start=1):
            conn.execute(text(
                "INSERT INTO care_done (uuid, source, ref_id, occurs_on, client_id, done_at) "
                "VALUES (:uuid, :source, :ref, :day, :ref, :now)"),
                {"uuid": f"20000000-0000-4000-8000-{n:012d}", "source": source, "ref": ref,
                 "day": day, "now": now})
    engine.dispose()
    db = Database.open(revision_23.removeprefix("sqlite:///"))
    try:
        assert db.current_revision() == HEAD_REVISION
        assert assert_kept(db)[1] == {
            (1, date(2025, 11, 1)): (900_000, 1, 150_000, True),
            (1, date(2025, 12, 1)): (150_000, 2, 0, False),
            (1, date(2026, 2, 1)): (400_000, 1, 0, False),
            (2, date(2025, 12, 1)): (200_000, 1, 10_000, True),
            (2, date(2026, 1, 1)): (10_000, 1, 0, False)}
        sales = SalesService(db, lambda: now, user="t")
        sales.save(_order(1, date(2026, 1, 9), "7"))
        assert assert_kept(db)[1][(1, date(2025, 12, 1))] == (150_000, 2, 700, False)
    finally:
        db.close()


def test_the_migration_copies_the_clients_names_and_its_downgrade_removes_them(
        revision_27: str) -> None:
    """Migration 28 on a database of revision 27: each row of client_sales
    gets its card's name, owner and state, the triggers keep them from then
    on, and its downgrade takes the columns, the index and the triggers
    away (writes of cards and orders go on)."""
    engine = create_engine(revision_27)
    now = datetime(2026, 5, 1, 9)
    with engine.begin() as conn:
        _insert_clients(conn, now, {1: "A", 2: None, 3: "B"}, trashed=(2,))
        _insert_won_orders(conn, now, [(1, date(2026, 1, 5)), (2, date(2026, 2, 6))])
    engine.dispose()
    db = Database.open(revision_27.removeprefix("sqlite:///"))
    try:
        assert db.current_revision() == HEAD_REVISION
        assert_kept(db)
        assert copied(db) == {1: ("A", "客户1", "销售1", True), 2: (None, "客户2", "销售2", False)}
        sales = SalesService(db, lambda: now, user="t")
        sales.save(_order(3, date(2026, 3, 7), "1"))
        ClientService(db, lambda: now, user="t").restore(2)
        assert_kept(db)
        assert copied(db)[3] == ("B", "客户3", "销售3", True) and copied(db)[2][3] is True
    finally:
        db.close()

    engine = create_engine(revision_27)
    try:
        # PostgreSQL's index of the not-contacted clients holds their names
        # now, as SQLite's has since migration 26; the downgrade narrows it again
        postgres = engine.dialect.name == "postgresql"
        assert not postgres or {"id", "name", "owner"} <= set(_contact_index(engine))
        downgrade(engine, "20261216_27")
        if postgres:
            assert _contact_index(engine) == ["last_contact_at", "created_at"]
        columns = {c["name"] for c in inspect(engine).get_columns("client_sales")}
        assert columns == {"client_id", "last_won_on", "grade"}
        assert {i["name"] for i in inspect(engine).get_indexes("client_sales")} == {
            "ix_client_sales_grade_last_won"}
        with engine.begin() as conn:  # no trigger names the columns any more
            conn.execute(text("UPDATE clients SET name = 'x', owner = 'y', deleted_at = NULL"))
            _insert_won_orders(conn, now, [(3, date(2026, 4, 8))], first=9)
            conn.execute(text("DELETE FROM orders WHERE client_id = 1"))
            rows = sorted(conn.execute(text("SELECT client_id, last_won_on FROM client_sales")))
        assert [(c, _day(d)) for c, d in rows] == [(2, date(2026, 2, 6)),
                                                   (3, date(2026, 4, 8))]
    finally:
        engine.dispose()


def test_the_agendas_planner_setting_ends_with_its_read(db: Database, engine: str) -> None:
    """The agenda asks PostgreSQL to cost page reads as memory reads and to
    start no parallel workers (care_repo.plan_for_cached_rows) for its own
    read only: the next transaction on the same connection plans with the
    server's settings."""
    from desktop_crm.services.agenda import AgendaService
    from desktop_crm.storage import care_repo

    names = ("random_page_cost", "max_parallel_workers_per_gather")

    def settings(s: Any) -> list[str]:
        return [str(s.execute(text(f"SHOW {name}")).scalar()) for name in names]

    with db.read() as s:
        before = None if engine == "sqlite" else settings(s)
        care_repo.plan_for_cached_rows(s)
        if engine == "postgresql":
            assert settings(s) == [str(care_repo.CACHED_PAGE_COST), "0"] != before
    AgendaService(db, lambda: FIXED_NOW).agenda(30)
    AgendaService(db, lambda: FIXED_NOW).due_today()
    if engine == "postgresql":
        with db.read() as s:
            assert settings(s) == before
