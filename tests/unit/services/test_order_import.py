"""Importing orders from spreadsheets (services/importing/orders.py) on both
engines: real .xlsx and GBK CSV files, each row's client found by UUID, phone
or name and company, hostile rows reported by row and column, duplicates,
dry run and batch undo."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.sales import Order, OrderStatus
from desktop_crm.services.clients import ClientService
from desktop_crm.services.importing import (
    KEEP,
    MERGE,
    ORDERS,
    ImportFileError,
    ImportRowError,
    ImportService,
    ImportUndoError,
    MissingColumnError,
    OrderImportService,
)
from desktop_crm.services.sales import SalesService
from desktop_crm.storage.database import Database
from tests.conftest import FIXED_NOW, all_rows

HEADERS_ZH = ["客户名称", "公司", "手机", "订单日期", "产品或服务", "数量", "金额", "币种", "状态",
              "付款到期日", "付款日期", "丢单原因", "备注"]


def _service(db: Database, now: datetime = FIXED_NOW) -> OrderImportService:
    return OrderImportService(db, clock=lambda: now, user="tester", backup_first=False)


@pytest.fixture
def book(db: Database) -> dict[str, int]:
    """Four clients: two people called 张伟 (different companies), a company
    client found by phone, and one in the trash."""
    clients = ClientService(db, lambda: FIXED_NOW, user="tester")
    ids = {
        "zhang_hw": clients.save(ClientCard(name="张伟", company="华为",
                                            phones=[Phone("13800138000")])),
        "zhang_tx": clients.save(ClientCard(name="张伟", company="腾讯")),
        "li": clients.save(ClientCard(name="李娜", company="",
                                      phones=[Phone("010-6552 8899")])),
        "gone": clients.save(ClientCard(name="王芳", company="阿里")),
    }
    clients.delete(ids["gone"])
    return ids


def _uuid(db: Database, client_id: int) -> str:
    return ClientService(db).get(client_id).uuid


def _xlsx(path: Path, headers: list[str], rows: list[list[Any]], title: str | None = None,
          sheets: dict[str, list[list[Any]]] | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for name, content in (sheets or {}).items():  # other sheets before the orders
        other = book.create_sheet(name, 0)
        for row in content:
            other.append(row)
    sheet.title = "销售记录"
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _orders(db: Database, client_id: int) -> list[Order]:
    return sorted(SalesService(db).orders_of(client_id), key=lambda o: (o.ordered_on, o.id))


def _all_orders(db: Database, book: dict[str, int]) -> list[Order]:
    return [o for cid in book.values() for o in SalesService(db).orders_of(cid)]


def test_an_xlsx_with_chinese_headers_and_a_title_row_imports_orders(
        db: Database, book: dict[str, int], tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "销售.xlsx", HEADERS_ZH, [
        ["张伟", "华为", None, datetime(2026, 3, 5), "服务器", 2, 24000.5, None, None,
         "2026-04-05", None, None, "首单"],
        [None, None, "+86 138-0013-8000", "2026年3月20日", "维保服务", None, "¥1,234.50",
         "人民币", "已回款", None, "2026/3/25", None, None],
        ["李娜", None, None, 46100, "咨询", "1.5", "800", "usd", "报价", None, None, None, None],
        ["张伟", "腾讯", None, "20260401", "交换机", 1, 5000, None, "Deal lost", None, None,
         "价格太高", None],
    ], title="2026年一季度销售记录")
    service = _service(db)
    source = service.open(path)
    assert source.kind == ORDERS and source.headers[0] == "客户名称"
    assert [source.suggested_mapping[i] for i in range(len(HEADERS_ZH))] == [
        "name", "company", "phone", "ordered_on", "product", "quantity", "amount",
        "currency", "status", "payment_due", "paid_on", "lost_reason", "notes"]
    plan = service.plan(source)
    assert plan.errors == [] and plan.counts["created"] == 4
    result = service.commit(source)
    assert result.summary().startswith("4 rows: 4 new orders, 0 skipped, 0 with errors")

    first, second = _orders(db, book["zhang_hw"])
    assert (first.ordered_on, first.product, first.quantity, first.amount, first.status,
            first.currency, first.payment_due, first.notes) == (
        date(2026, 3, 5), "服务器", 2.0, Decimal("24000.50"), OrderStatus.WON, "CNY",
        date(2026, 4, 5), "首单")
    assert (second.ordered_on, second.amount, second.status, second.paid_on, second.quantity) \
        == (date(2026, 3, 20), Decimal("1234.50"), OrderStatus.PAID, date(2026, 3, 25), 1.0)
    (quote,) = _orders(db, book["li"])  # no company: the one client of that name
    assert (quote.ordered_on, quote.status, quote.currency, quote.quantity) == (
        date(2026, 3, 19), OrderStatus.QUOTED, "USD", 1.5)  # 46100: Excel's day number
    (lost,) = _orders(db, book["zhang_tx"])
    assert (lost.status, lost.lost_reason, lost.ordered_on) == (
        OrderStatus.LOST, "价格太高", date(2026, 4, 1))
    assert {o.import_batch_id for o in _all_orders(db, book)} == {result.batch_id}
    (batch,) = service.batches()
    assert (batch.kind, batch.orders, batch.created, batch.file_name) == (
        ORDERS, 4, 4, str(path))


def test_a_gbk_csv_with_english_and_chinese_headers(db: Database, book: dict[str, int],
                                                   tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    text = ("UUID,电话,Date,Product,Qty,Amount,Status,Notes\n"
            f"{_uuid(db, book['zhang_tx'])},,2026-05-01,云服务,3,\"12,000\",won,续费\n"
            ",13800138000,2026/5/2,培训,,300.1,delivered,\n")
    path.write_bytes(text.encode("gbk"))
    service = _service(db)
    source = service.open(path)
    assert source.table.encoding.lower().replace("-", "") in ("gbk", "gb18030", "gb2312")
    service.commit(source)
    (cloud,) = _orders(db, book["zhang_tx"])
    assert (cloud.product, cloud.quantity, cloud.amount, cloud.notes) == (
        "云服务", 3.0, Decimal("12000.00"), "续费")
    (training,) = _orders(db, book["zhang_hw"])
    assert (training.product, training.status, training.amount) == (
        "培训", OrderStatus.DELIVERED, Decimal("300.10"))


HOSTILE = [
    # row 2 onwards; (client name, company, phone, date, product, amount, status, paid, reason)
    ["张伟", "华为", None, "2026-02-30", "服务器", "100", None, None, None],   # 2 bad date
    ["张伟", "华为", None, "2026-03-01", "服务器", "一百元", None, None, None],  # 3 bad amount
    ["张伟", "华为", None, "2026-03-01", "服务器", "100", "maybe", None, None],  # 4 status
    ["张伟", "华为", None, "2026-03-01", "服务器", "-5", None, None, None],     # 5 negative
    ["张伟", "华为", None, "2026-03-01", "服务器", "5", "丢单", None, None],     # 6 no reason
    ["张伟", None, None, "2026-03-01", "服务器", "5", None, None, None],         # 7 two 张伟
    [None, None, "13900000000", "2026-03-01", "服务器", "5", None, None, None],  # 8 no phone
    ["王芳", "阿里", None, "2026-03-01", "服务器", "5", None, None, None],       # 9 trashed
    ["张伟", "华为", None, "2026-03-01", "x" * 201, "5", None, None, None],     # 10 too long
    ["张伟", "华为", None, "2026-03-01", "服务器", "5", None, "2027-01-01", None],  # 11 future
    ["张伟", "华为", None, None, "服务器", None, None, None, None],              # 12 no date
    [None, None, None, "2026-03-01", "服务器", "5", None, None, None],           # 13 no client
    ["张伟", "华为", None, "2026-03-01", "=cmd|' /C calc'!A0", "1e400", None, None, None],
    ["张伟", "华为", None, "2026-03-03", "+SUM(1)-@cmd", "7", "成交", None, None],  # 15 ok
]


def test_hostile_rows_are_errors_naming_row_and_column_and_nothing_is_written(
        db: Database, book: dict[str, int], tmp_path: Path) -> None:
    headers = ["Client", "Company", "Phone", "Date", "Product", "Amount", "Status", "Paid on",
               "Lost reason"]
    path = _xlsx(tmp_path / "bad.xlsx", headers, HOSTILE)
    service = _service(db)
    source = service.open(path)
    plan = service.plan(source)
    found = {(p.row, p.column) for p in plan.errors}
    assert found == {(2, "Date"), (3, "Amount"), (4, "Status"), (5, "Amount"),
                     (6, "Lost reason"), (7, "Client"), (8, "Phone"), (9, "Client"),
                     (10, "Product"), (11, "Paid on"), (12, "Date"), (12, "Amount"),
                     (13, "Client"), (14, "Amount")}
    messages = {p.row: p.message for p in plan.errors}
    assert "Not a valid date" in messages[2] and "Not an amount" in messages[3]
    assert "Unknown status" in messages[4] and "华为" in messages[7] and "腾讯" in messages[7]
    assert "13900000000" in messages[8] and "王芳" in messages[9]
    assert plan.counts == {"rows": 14, "created": 1, "updated": 0, "merged": 0, "skipped": 0,
                           "invalid": 13}
    before = all_rows(db)
    with pytest.raises(ImportRowError, match=re.escape("bad.xlsx: row 2, column Date:")):
        service.commit(source)
    assert all_rows(db) == before  # no batch, no order
    # the valid row alone, when invalid rows are skipped; a formula is text
    service.commit(source, skip_invalid=True)
    (order,) = _orders(db, book["zhang_hw"])
    assert order.product == "+SUM(1)-@cmd" and order.amount == Decimal("7.00")


def test_a_dry_run_writes_nothing(db: Database, book: dict[str, int], tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "o.xlsx", ["手机", "日期", "产品", "金额"],
                 [["13800138000", "2026-01-02", "服务器", 10]])
    before = all_rows(db)
    plan = _service(db).plan(_service(db).open(path))
    assert plan.counts["created"] == 1 and all_rows(db) == before


def test_duplicates_are_skipped_by_default_or_kept(db: Database, book: dict[str, int],
                                                   tmp_path: Path) -> None:
    SalesService(db, lambda: FIXED_NOW, user="t").save(
        Order(book["zhang_hw"], date(2026, 1, 2), "服务器", Decimal("10")))
    path = _xlsx(tmp_path / "o.xlsx", ["手机", "日期", "产品", "金额"], [
        ["13800138000", "2026-01-02", " 服务器 ", 10],    # 2: already recorded
        ["13800138000", "2026-01-03", "服务器", 10],      # 3: new
        ["138 0013 8000", "2026-01-03", "服务器", "10.00"],  # 4: repeats row 3
    ])
    service = _service(db)
    source = service.open(path)
    plan = service.plan(source)
    assert [(r.row, r.action) for r in plan.rows] == [(2, "skip"), (3, "create"), (4, "skip")]
    assert [(p.row, p.severity) for p in plan.problems] == [(2, "warning"), (4, "warning")]
    assert "row 3" in plan.problems[1].message
    assert service.plan(source, policy=KEEP).counts["created"] == 3
    with pytest.raises(ValueError):
        service.plan(source, policy=MERGE)
    service.commit(source)
    assert len(_orders(db, book["zhang_hw"])) == 2


def test_undo_removes_the_batch_orders_only(db: Database, book: dict[str, int],
                                            tmp_path: Path) -> None:
    sales = SalesService(db, lambda: FIXED_NOW, user="t")
    path = _xlsx(tmp_path / "o.xlsx", ["手机", "日期", "产品", "金额"], [
        ["13800138000", "2026-01-02", "服务器", 10], ["13800138000", "2026-01-05", "维保", 3]])
    result = _service(db).commit(_service(db).open(path))
    by_hand = sales.save(Order(book["zhang_hw"], date(2026, 2, 1), "手工", Decimal("1")))
    assert ImportService(db, lambda: FIXED_NOW, "tester").undo(result.batch_id) == 2
    assert [o.id for o in _orders(db, book["zhang_hw"])] == [by_hand]
    (batch,) = ImportService(db).batches()
    assert batch.undone_at is not None and batch.kind == ORDERS
    with pytest.raises(ImportUndoError, match="already undone"):
        ImportService(db).undo(result.batch_id)


def test_undo_refuses_when_an_imported_order_was_edited(db: Database, book: dict[str, int],
                                                        tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "o.xlsx", ["客户", "公司", "日期", "产品", "金额"], [
        ["张伟", "腾讯", "2026-01-02", "服务器", 10]])
    result = _service(db).commit(_service(db).open(path))
    sales = SalesService(db, lambda: datetime(2026, 11, 25, 8, 0), user="t")
    (order,) = _orders(db, book["zhang_tx"])
    order.status = OrderStatus.PAID
    sales.save(order)
    before = all_rows(db)
    with pytest.raises(ImportUndoError, match="orders of 张伟 were changed after it"):
        ImportService(db).undo(result.batch_id)
    assert all_rows(db) == before


def test_a_client_import_cannot_be_undone_once_its_clients_have_orders(
        db: Database, tmp_path: Path) -> None:
    clients = tmp_path / "clients.csv"
    clients.write_text("姓名,手机\n赵磊,13700137000\n", encoding="utf-8")
    importer = ImportService(db, lambda: FIXED_NOW, "tester", backup_first=False)
    batch = importer.commit(importer.open(clients)).batch_id
    orders = _xlsx(tmp_path / "o.xlsx", ["手机", "日期", "产品", "金额"],
                   [["13700137000", "2026-01-02", "服务器", 10]])
    _service(db).commit(_service(db).open(orders))
    with pytest.raises(ImportUndoError, match="orders"):
        importer.undo(batch)


def test_a_file_without_the_needed_columns_is_refused(db: Database, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "o.xlsx", ["客户", "日期", "备注"], [["张伟", "2026-01-02", "x"]])
    service = _service(db)
    with pytest.raises(MissingColumnError) as caught:
        service.plan(service.open(path))
    assert str(caught.value) == ("o.xlsx: no column is mapped to Product or service, Amount "
                                 "(columns found: 客户, 日期, 备注)")
    vcf = tmp_path / "c.vcf"
    vcf.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:张伟\nEND:VCARD\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="not orders"):
        service.open(vcf)


def test_the_orders_sheet_of_a_workbook_is_read_first(db: Database, book: dict[str, int],
                                                      tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "manager.xlsx", ["手机", "日期", "产品", "金额"],
                 [["13800138000", "2026-01-02", "服务器", 10]],
                 sheets={"客户": [["姓名", "手机"], ["张伟", "13800138000"]]})
    assert _service(db).open(path).table.sheet == "销售记录"
    assert ImportService(db).open(path).table.sheet == "客户"


def test_commit_plans_again_when_orders_changed_since_the_plan(
        db: Database, book: dict[str, int], tmp_path: Path) -> None:
    """The dialog's plan is minutes old: an order recorded meanwhile by
    another user makes the commit plan again and skip it, not add it twice."""
    path = _xlsx(tmp_path / "o.xlsx", ["手机", "日期", "产品", "金额"], [
        ["13800138000", "2026-01-02", "服务器", 10], ["13800138000", "2026-01-03", "维保", 5]])
    service = _service(db)
    source = service.open(path)
    plan = service.plan(source)
    assert plan.counts["created"] == 2
    SalesService(db, lambda: FIXED_NOW, user="other").save(
        Order(book["zhang_hw"], date(2026, 1, 2), "服务器", Decimal("10")))
    result = service.commit(source, plan.mapping, plan=plan)
    assert (result.counts["created"], result.counts["skipped"]) == (1, 1)
    assert len(_orders(db, book["zhang_hw"])) == 2
