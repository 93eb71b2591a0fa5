"""The won sales the database keeps per client (migration 20261212_20:
``client_sales``, the last won order's day, and ``client_month_sales``, each
month's won CNY sales), on both engines: after every way orders are written
(the order dialog's create, edit, delete and its undo; an import of orders
and its undo; a client purged from the trash; a copy to another database)
they equal what the orders themselves say, and the migration fills them
from the orders of a database of revision 18."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import create_engine, text

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.sales import WON_STATUSES, Order, OrderStatus
from desktop_crm.services.clients import ClientService
from desktop_crm.services.importing import ImportService, OrderImportService
from desktop_crm.services.sales import SalesService
from desktop_crm.storage.database import HEAD_REVISION, Database
from tests.conftest import FIXED_NOW, NewDatabases, build_at

WON = {s.value for s in WON_STATUSES}
Stored = tuple[dict[int, date], dict[tuple[int, date], tuple[int, int]]]


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def expected(db: Database) -> Stored:
    """What the orders say, computed in Python: each client's last won order
    day (any currency), and per client and month the won CNY cents and count."""
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
    return last, {k: (v[0], v[1]) for k, v in months.items()}


def stored(db: Database) -> Stored:
    with db.engine.connect() as conn:
        last = {int(c): _day(d) for c, d in conn.execute(text(
            "SELECT client_id, last_won_on FROM client_sales"))}
        months = {(int(c), _day(m)): (int(cents), int(n)) for c, m, cents, n in conn.execute(
            text("SELECT client_id, month, cents, won_orders FROM client_month_sales"))}
    return last, months


def assert_kept(db: Database) -> Stored:
    now = stored(db)
    assert now == expected(db)
    with db.engine.connect() as conn:  # the copy of each client's grade
        copied = sorted(conn.execute(text("SELECT client_id, grade FROM client_sales")))
        grades = dict(conn.execute(text("SELECT id, grade FROM clients")).all())
    assert copied == sorted((c, grades[c]) for c, _g in copied)
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
    assert months == {(wang, date(2026, 3, 1)): (12050, 2)}
    _grade(db, wang, "C")  # a new grade: the stored copy follows
    _grade(db, li, "B")
    assert_kept(db)

    # edits: the amount, the status (won -> lost -> delivered), the date, the client
    order = sales.get(first)
    sales.save(replace(order, amount=Decimal("200")))
    assert stored(db)[1][(wang, date(2026, 3, 1))] == (22000, 2)
    order = sales.get(first)
    sales.save(replace(order, status=OrderStatus.LOST, lost_reason="价格"))
    assert stored(db)[1][(wang, date(2026, 3, 1))] == (2000, 1)
    order = sales.get(first)
    sales.save(replace(order, status=OrderStatus.DELIVERED, lost_reason="",
                         ordered_on=date(2026, 5, 1)))
    last, months = assert_kept(db)
    assert last[wang] == date(2026, 5, 1) and months[(wang, date(2026, 5, 1))] == (20000, 1)
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
    assert months[(clients["wang"], date(2026, 2, 1))] == (1500, 2)
    assert ImportService(db, lambda: FIXED_NOW, "t").undo(result.batch_id) == 4
    assert assert_kept(db) == before


def test_a_copy_to_another_database_has_the_same_stored_sales(
        db: Database, db_target: str, clients: dict[str, int], new_db: NewDatabases) -> None:
    from desktop_crm.services.copying import copy_book

    sales = SalesService(db, lambda: FIXED_NOW, user="t")
    sales.save(_order(clients["wang"], date(2026, 2, 1), "5"))
    sales.save(_order(clients["li"], date(2026, 3, 1), "6", OrderStatus.PAID))
    before = assert_kept(db)
    copy_book(db_target, new_db.target("copy"))
    assert assert_kept(new_db.open("copy")) == before


@pytest.fixture
def revision_18(engine: str, tmp_path: Path, request: pytest.FixtureRequest
                ) -> Iterator[str]:
    """A database built at revision 20261210_18 (before the stored sales)."""
    if engine == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        url = cluster.empty_database()
        build_at(url, "20261210_18")
        yield url
        cluster.drop(url)
    else:
        path = tmp_path / "old.db"
        build_at(path, "20261210_18")
        yield f"sqlite:///{path}"


def test_the_migration_fills_the_stored_sales_from_the_orders(revision_18: str) -> None:
    engine = create_engine(revision_18)
    now = datetime(2026, 5, 1, 9)
    statuses = ["won", "paid", "delivered", "quoted", "lost"]
    with engine.begin() as conn:
        for client_id, grade in ((1, "A"), (2, None), (3, "C")):
            conn.execute(text(
                "INSERT INTO clients (id, uuid, kind, name, sort_key, gender, title, company, "
                "primary_phone, email, wechat, website, address, home_address, industry, "
                "source, owner, notes, legal_representative, scale, assets, org_form, "
                "profile_filled_by, created_at, updated_at, version, grade) VALUES (:id, :uuid, "
                "'person', :name, '', 'unknown', '', '', '', '', '', '', '', '', '', '', '', "
                "'', '', '', '', '', '', :now, :now, 1, :grade)"),
                {"id": client_id, "grade": grade,
                 "uuid": f"00000000-0000-4000-8000-{client_id:012d}",
                 "name": f"客户{client_id}", "now": now})
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


def test_the_agendas_planner_setting_ends_with_its_read(db: Database, engine: str) -> None:
    """The agenda asks PostgreSQL to cost page reads as memory reads
    (care_repo.plan_for_cached_rows) for its own read only: the next
    transaction on the same connection plans with the server's setting."""
    from desktop_crm.services.agenda import AgendaService
    from desktop_crm.storage import care_repo

    with db.read() as s:
        before = None if engine == "sqlite" else s.execute(
            text("SHOW random_page_cost")).scalar()
        care_repo.plan_for_cached_rows(s)
        if engine == "postgresql":
            assert float(s.execute(text("SHOW random_page_cost")).scalar()) == \
                care_repo.CACHED_PAGE_COST
    AgendaService(db, lambda: FIXED_NOW).agenda(30)
    if engine == "postgresql":
        with db.read() as s:
            assert s.execute(text("SHOW random_page_cost")).scalar() == before
