"""The workbook's sales: the Sales sheet (one row per order), the Summary's
sales figures and top clients, and the Clients sheet's estimated yearly
spend, which an import of the workbook reads back."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.sales import Order, OrderStatus
from desktop_crm.i18n import translate
from desktop_crm.services.clients import ClientService
from desktop_crm.services.exporting import export_xlsx
from desktop_crm.services.importing import ImportService
from desktop_crm.services.sales import SalesService
from desktop_crm.services.stats import stats
from desktop_crm.storage.database import Database
from tests.unit.services.test_xlsx_export import column, figures, rows

NOW = datetime(2026, 11, 24, 9, 30)
TODAY = NOW.date()
RISKY_PRODUCT = "=HYPERLINK(\"http://x\")"


def clock() -> datetime:
    return NOW


@pytest.fixture
def book(db: Database) -> dict[str, int]:
    """Three clients with orders of every status, a late payment, a USD order
    and a risky product name; returns name -> id."""
    clients = ClientService(db, clock, user="test")
    ids = {name: clients.save(ClientCard(name=name, annual_spend=spend))
           for name, spend in (("张伟", 1_200_000), ("李娜", None), ("Acme Ltd", 50_000))}
    sales = SalesService(db, clock, user="test")
    zhang, li, acme = ids["张伟"], ids["李娜"], ids["Acme Ltd"]
    for order in (
        Order(zhang, date(2026, 3, 2), "变频器", Decimal("4200.50"), 2, status=OrderStatus.PAID,
              payment_due=date(2026, 4, 1), paid_on=date(2026, 3, 28), notes="-加急"),
        Order(zhang, date(2026, 9, 9), RISKY_PRODUCT, Decimal("10000"), 1.5,
              status=OrderStatus.DELIVERED, payment_due=date(2026, 10, 9)),  # late, unpaid
        Order(zhang, date(2025, 12, 20), "年度维保服务", Decimal("24000"),
              status=OrderStatus.PAID, payment_due=date(2026, 1, 20),
              paid_on=date(2026, 2, 10)),  # paid late
        Order(li, date(2026, 11, 20), "伺服电机", Decimal("2800"), 1, status=OrderStatus.QUOTED),
        Order(li, date(2026, 6, 1), "PLC控制柜", Decimal("16500"), status=OrderStatus.LOST,
              lost_reason="价格高于竞争对手"),
        Order(li, date(2026, 5, 5), "工业传感器", Decimal("380"), 10, status=OrderStatus.WON,
              payment_due=date(2026, 12, 5)),
        Order(acme, date(2026, 8, 8), "Servo motor", Decimal("900"), 3, currency="USD",
              status=OrderStatus.PAID, payment_due=date(2026, 9, 8), paid_on=date(2026, 9, 1)),
    ):
        sales.save(order)
    return ids


def _export(db: Database, path: Path, lang: str = "en", **options: Any) -> Any:
    return export_xlsx(db, path, clock=clock, lang=lang, **options)


def test_the_sales_sheet_has_one_row_per_order(db: Database, book: dict[str, int],
                                               tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    result = _export(db, out)
    assert result.rows["Sales"] == 7
    ws = load_workbook(out)["Sales"]
    assert [c.value for c in ws[1]] == [
        "Client ID", "Client", "Order date", "Product", "Quantity", "Amount", "Currency",
        "Status", "Payment due", "Paid on", "Late payment", "Lost reason", "Notes", "UUID",
        "Client UUID"]
    assert ws.freeze_panes == "A2" and ws[1][0].font.bold
    assert ws.auto_filter.ref == "A1:O8"
    by_product = {r[3]: r for r in rows(ws)[1:]}
    paid = by_product["变频器"]
    assert paid[:8] == (book["张伟"], "张伟", datetime(2026, 3, 2), "变频器", 2, 4200.5, "CNY",
                        "Paid")
    assert paid[8:13] == (datetime(2026, 4, 1), datetime(2026, 3, 28), "No", None, "-加急")
    assert by_product["年度维保服务"][10] == "Yes"  # paid after it was due
    assert by_product[RISKY_PRODUCT][4] == 1.5 and by_product[RISKY_PRODUCT][10] == "Yes"
    assert by_product["PLC控制柜"][7:12] == ("Deal lost", None, None, None, "价格高于竞争对手")
    assert by_product["伺服电机"][7] == "Quoted" and by_product["伺服电机"][10] is None
    assert by_product["Servo motor"][5:7] == (900, "USD")
    # client UUIDs are the Clients sheet's; every order has its own
    clients = load_workbook(out)["Clients"]
    uuids = dict(zip(column(clients, "ID"), column(clients, "UUID"), strict=True))
    assert all(r[14] == uuids[r[0]] for r in rows(ws)[1:])
    assert len({r[13] for r in rows(ws)[1:]}) == 7


def test_sales_cells_keep_their_kind(db: Database, book: dict[str, int],
                                     tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    _export(db, out)
    ws = load_workbook(out)["Sales"]
    cells = {r[3].value: r for r in ws.iter_rows(min_row=2)}
    risky = cells[RISKY_PRODUCT][3]
    assert risky.data_type == "s" and risky.quotePrefix  # never a formula
    notes = cells["变频器"][12]
    assert notes.data_type == "s" and notes.value == "-加急" and notes.quotePrefix
    amount, date_cell = cells["变频器"][5], cells["变频器"][2]
    assert amount.data_type == "n" and amount.number_format == "#,##0.00"
    assert date_cell.is_date and date_cell.number_format == "yyyy-mm-dd"


def test_the_summary_gains_sales_figures_and_top_clients(db: Database, book: dict[str, int],
                                                         tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    _export(db, out)
    ws = load_workbook(out)["Summary"]
    found = figures(ws)
    assert found["Orders"] == 7 == stats(db)["orders"]
    # won (won, delivered, paid) in CNY: the USD order is left out of the sums
    assert found["Won sales this year (CNY)"] == pytest.approx(4200.5 + 10000 + 380)
    assert found["Won sales last year (CNY)"] == pytest.approx(24000)
    assert found["Late payments"] == 2 and found["Deals lost"] == 1
    table = [r[:2] for r in rows(ws)]
    start = table.index(("Top clients by sales, last 12 months", "Won sales (CNY)"))
    assert table[start + 1:start + 3] == [("张伟", 4200.5 + 10000 + 24000), ("李娜", 380)]
    assert len(ws._charts) == 5


def test_the_filtered_workbook_has_the_orders_of_its_clients_only(
        db: Database, book: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    _export(db, out, client_ids=[book["李娜"]])
    wb = load_workbook(out)
    assert set(column(wb["Sales"], "Client ID")) == {book["李娜"]}
    assert figures(wb["Summary"])["Orders"] == 3


def test_the_sales_sheet_in_chinese(db: Database, book: dict[str, int],
                                    tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    _export(db, out, lang="zh")
    wb = load_workbook(out)
    ws = wb[translate("Sales", "zh")]
    assert [c.value for c in ws[1]][:4] == [translate(h, "zh") for h in (
        "Client ID", "Client", "Order date", "Product")]
    assert "已丢单" in column(ws, translate("Status", "zh"))


def test_the_estimated_yearly_spend_goes_out_and_comes_back(
        db: Database, book: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    _export(db, out)
    wb = load_workbook(out)
    clients = wb["Clients"]
    spend = dict(zip(column(clients, "Name"), column(clients, "Estimated yearly spend"),
                     strict=True))
    assert spend == {"张伟": 1_200_000, "李娜": None, "Acme Ltd": 50_000}
    col = [c.value for c in clients[1]].index("Estimated yearly spend") + 1
    assert clients.cell(2, col).number_format == "#,##0"
    service = ImportService(db, clock, backup_first=False)
    plan = service.plan(service.open(out), None, "skip")
    assert (plan.counts["created"], plan.counts["updated"]) == (0, 0)
    # an edited spend updates that client only
    row = column(clients, "Name").index("李娜") + 2
    clients.cell(row, col).value = 300000
    wb.save(out)
    result = service.commit(service.open(out), None, "skip")
    assert (result.counts["created"], result.counts["updated"]) == (0, 1)
    cards = ClientService(db, clock)
    assert cards.get(book["李娜"]).annual_spend == 300_000
    assert cards.get(book["张伟"]).annual_spend == 1_200_000
