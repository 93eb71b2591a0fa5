"""Reading a sales sheet's headers and cells (domain/order_import.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from desktop_crm.domain import order_import as oi
from desktop_crm.domain.sales import OrderStatus, parse_amount


@pytest.mark.parametrize("header, key", [
    ("手机", "phone"), ("电话", "phone"), ("客户手机", "phone"), ("Phone", "phone"),
    ("UUID", "uuid"), ("客户", "name"), ("客户名称", "name"), ("姓名", "name"),
    ("Client", "name"), ("公司", "company"), ("Company", "company"), ("日期", "ordered_on"),
    ("订单日期", "ordered_on"), ("Order date", "ordered_on"), ("产品", "product"),
    ("产品或服务", "product"), ("Product", "product"), ("数量", "quantity"), ("Qty", "quantity"),
    ("金额", "amount"), ("Amount", "amount"), ("币种", "currency"), ("状态", "status"),
    ("Status", "status"), ("付款到期日", "payment_due"), ("Payment due", "payment_due"),
    ("付款日期", "paid_on"), ("Paid on", "paid_on"), ("丢单原因", "lost_reason"),
    ("Lost reason", "lost_reason"), ("备注", "notes"), ("Notes", "notes"), ("年龄", None),
])
def test_headers_in_english_and_chinese(header: str, key: str | None) -> None:
    assert oi.match_header(header) == key


def test_a_sales_sheet_is_told_from_a_client_list() -> None:
    assert oi.looks_like_orders(["客户", "日期", "产品", "金额"])
    assert not oi.looks_like_orders(["姓名", "手机", "公司", "备注"])
    assert oi.missing_fields({0: "notes"}) == ["name", "ordered_on", "product", "amount"]


@pytest.mark.parametrize("value, day", [
    (datetime(2026, 3, 5, 14, 0), date(2026, 3, 5)), (date(2026, 3, 5), date(2026, 3, 5)),
    ("2026-3-5", date(2026, 3, 5)), ("2026/03/05", date(2026, 3, 5)),
    ("2026年3月5日", date(2026, 3, 5)), ("２０２６－０３－０５", date(2026, 3, 5)),
    ("2026-03-05 10:30", date(2026, 3, 5)), (20260305, date(2026, 3, 5)),
    ("20260305", date(2026, 3, 5)), (46086, date(2026, 3, 5)), ("46086", date(2026, 3, 5)),
])
def test_order_dates(value: object, day: date) -> None:
    assert oi.parse_day(value) == day


@pytest.mark.parametrize("value", ["2026-02-30", "下周", "3/5", True, "2026-13-01", -1])
def test_not_dates(value: object) -> None:
    with pytest.raises(ValueError, match="Not a valid date"):
        oi.parse_day(value)


@pytest.mark.parametrize("text, status", [
    ("won", OrderStatus.WON), ("成交", OrderStatus.WON), ("已成交", OrderStatus.WON),
    ("Quoted", OrderStatus.QUOTED), ("报价", OrderStatus.QUOTED),
    ("delivered", OrderStatus.DELIVERED), ("已交付", OrderStatus.DELIVERED),
    ("PAID", OrderStatus.PAID), ("已回款", OrderStatus.PAID), ("Deal lost", OrderStatus.LOST),
    ("丢单", OrderStatus.LOST), ("已丢单", OrderStatus.LOST), ("maybe", None),
])
def test_statuses_in_both_languages(text: str, status: OrderStatus | None) -> None:
    assert oi.parse_status(text) == status


def test_currencies_and_amounts() -> None:
    assert [oi.parse_currency(v) for v in ("人民币", "usd", "¥", "美元", "XYZ")] == [
        "CNY", "USD", "CNY", "USD", "XYZ"]
    assert oi.parse_cell_amount(1234.5) == Decimal("1234.50")
    with pytest.raises(ValueError, match="too large"):
        parse_amount("1e400")  # too large even to round to cents
    with pytest.raises(ValueError, match="Not an amount"):
        oi.parse_cell_amount(True)


def test_a_row_without_status_is_a_won_order_and_errors_name_the_column() -> None:
    mapping = {0: "phone", 1: "ordered_on", 2: "product", 3: "amount", 4: "status"}
    headers = ["手机", "日期", "产品", "金额", "状态"]
    draft = oi.build_order_row(7, ["13800138000", "2026-01-02", "服务器", "1,000", None],
                               mapping, headers, date(2026, 11, 24))
    assert draft.ok and draft.order.status == OrderStatus.WON
    assert draft.order.amount == Decimal("1000.00") and draft.phones == ["13800138000"]
    bad = oi.build_order_row(8, ["13800138000", "2026-01-02", "服务器", "1,000", "搁置"],
                             mapping, headers, date(2026, 11, 24))
    assert [(p.row, p.column, p.value) for p in bad.problems] == [(8, "状态", "搁置")]
    blank = oi.build_order_row(9, [None, " ", None], mapping, headers, date(2026, 11, 24))
    assert blank.blank
