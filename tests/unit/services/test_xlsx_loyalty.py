"""The workbook's Loyalty KPIs sheet: the ten KPIs of the last twelve full
months, one row a month, as services.loyalty computes them, with native
charts and each KPI's definition."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.loyalty import KPI_KEYS
from desktop_crm.domain.sales import Order, OrderStatus
from desktop_crm.i18n import translate
from desktop_crm.services.clients import ClientService
from desktop_crm.services.exporting import export_xlsx
from desktop_crm.services.loyalty import LoyaltyService
from desktop_crm.services.sales import SalesService
from desktop_crm.storage.database import Database
from tests.unit.services.test_xlsx_export import rows

NOW = datetime(2026, 11, 24, 9, 30)
LABELS = ["Client base", "New-client retention", "Client retention", "Share of wallet",
          "Satisfaction of complaining clients", "New clients per month", "Purchase frequency",
          "Average purchase", "Churn rate", "Win-back success rate"]


def clock() -> datetime:
    return NOW


@pytest.fixture
def book(db: Database) -> dict[str, int]:
    """张伟 bought in August and September 2026, 李娜 in August only (she
    churned in September), Acme in January 2026 (a quote in October is no sale)."""
    clients = ClientService(db, clock, user="test")
    ids = {name: clients.save(ClientCard(name=name)) for name in ("张伟", "李娜", "Acme")}
    sales = SalesService(db, clock, user="test")
    for name, day, amount, status in (
            ("张伟", date(2026, 8, 3), "1000", OrderStatus.PAID),
            ("张伟", date(2026, 9, 10), "3000", OrderStatus.DELIVERED),
            ("张伟", date(2026, 9, 20), "1000", OrderStatus.WON),
            ("李娜", date(2026, 8, 15), "500", OrderStatus.PAID),
            ("Acme", date(2026, 1, 5), "800", OrderStatus.PAID),
            ("Acme", date(2026, 10, 5), "800", OrderStatus.QUOTED)):
        sales.save(Order(ids[name], day, "变频器", Decimal(amount), status=status))
    return ids


def test_one_row_a_month_one_column_a_kpi(db: Database, book: dict[str, int],
                                          tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    export_xlsx(db, out, clock=clock, lang="en")
    ws = load_workbook(out)["Loyalty KPIs"]
    assert [c.value for c in ws[1]] == ["Month", *LABELS]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:K13"
    table = rows(ws)[1:13]
    assert [r[0] for r in table] == [datetime(2025 + (10 + i) // 12, (10 + i) % 12 + 1, 1)
                                     for i in range(12)]  # Nov 2025 .. Oct 2026
    by_month = {r[0].date(): dict(zip(KPI_KEYS, r[1:], strict=True)) for r in table}
    september = by_month[date(2026, 9, 1)]
    assert september["client_base"] == 1
    assert september["churn_rate"] == pytest.approx(0.5)  # 李娜 bought in August, not since
    assert september["client_retention"] == pytest.approx(0.5)
    assert september["purchase_frequency"] == pytest.approx(2)
    assert september["average_purchase"] == pytest.approx(2000)
    assert by_month[date(2026, 8, 1)]["client_base"] == 2
    assert by_month[date(2026, 10, 1)]["client_base"] == 0  # a quote is no sale
    # every cell is what the loyalty service says (None: an empty cell)
    trend = LoyaltyService(db, clock).trend(date(2025, 11, 1), date(2026, 10, 31))
    for report in trend:
        found = by_month[report.start]
        for key in KPI_KEYS:
            expected = report.values[key]
            assert found[key] == (None if expected is None else pytest.approx(expected)), key
    september_row = 12
    assert ws.cell(september_row, 1).is_date
    assert ws.cell(september_row, 1).number_format == "yyyy-mm"
    churn = ws.cell(september_row, 2 + KPI_KEYS.index("churn_rate"))
    assert churn.value == pytest.approx(0.5) and churn.number_format == "0.0%"


def test_native_charts_and_definitions(db: Database, book: dict[str, int],
                                       tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    export_xlsx(db, out, clock=clock, lang="en")
    ws = load_workbook(out)["Loyalty KPIs"]
    assert sorted(c.tagname for c in ws._charts) == ["barChart", "lineChart"]
    line = next(c for c in ws._charts if c.tagname == "lineChart")
    assert len(line.series) == 4
    assert line.series[0].val.numRef.f.endswith("$2:$D$13") \
        or "$D$2:$D$13" in line.series[0].val.numRef.f
    text = [r[:2] for r in rows(ws)[13:]]
    definitions = dict(t for t in text if t[0] in LABELS)
    assert set(definitions) == set(LABELS)
    assert "previous period" in definitions["Churn rate"]
    assert not any("whole book" in (r[0] or "") for r in text)


def test_a_filtered_export_says_the_kpis_are_the_whole_books(
        db: Database, book: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    export_xlsx(db, out, clock=clock, lang="en", client_ids=[book["李娜"]])
    ws = load_workbook(out)["Loyalty KPIs"]
    assert any("whole book" in (r[0] or "") for r in rows(ws)[13:])


def test_the_loyalty_sheet_in_chinese(db: Database, book: dict[str, int],
                                      tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    export_xlsx(db, out, clock=clock, lang="zh")
    ws = load_workbook(out)[translate("Loyalty KPIs", "zh")]
    headers = [c.value for c in ws[1]]
    assert headers[0] == "月份" and "流失率" in headers and "客户基础" in headers


def test_libreoffice_opens_the_sales_and_loyalty_sheets(db: Database, book: dict[str, int],
                                                        tmp_path: Path) -> None:
    from tests.unit.services.test_xlsx_export import _convert, _soffice

    soffice = _soffice()
    out = tmp_path / "book.xlsx"
    export_xlsx(db, out, clock=clock, lang="en")
    sheets = _convert(soffice, out, tmp_path / "csv", tmp_path)
    sales = next(rows for name, rows in sheets.items() if name.endswith("Sales"))
    assert ["张伟", "2026-09-10", "变频器", "1", "3,000.00", "CNY", "Delivered"] in [
        r[1:8] for r in sales[1:]]
    kpis = next(rows for name, rows in sheets.items() if name.endswith("Loyalty KPIs"))
    assert kpis[0][:2] == ["Month", "Client base"]
    september = next(r for r in kpis[1:] if r[0] == "2026-09")
    assert september[1] == "1" and september[1 + KPI_KEYS.index("churn_rate")] == "50.0%"
