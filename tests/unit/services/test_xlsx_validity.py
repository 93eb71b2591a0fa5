"""The manager's workbook as other programs read it: the charts' XML as saved
(text categories as string references, date categories with their own
format, axes shown), the workbook's and every sheet's elements known to the
schema and in its order, and (when Gnumeric is installed) ``ssconvert``
opening it without a warning."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.complaint import Complaint, ComplaintCategory
from desktop_crm.domain.sales import Order
from desktop_crm.services.clients import ClientService
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.services.exporting import export_xlsx
from desktop_crm.services.sales import SalesService
from desktop_crm.storage.database import Database

NOW = datetime(2026, 11, 24, 9, 30)
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
# ECMA-376 Part 1 (transitional), the sequences of CT_Workbook (18.2.27) and
# CT_Worksheet (18.3.1.99): every child in this order, none other.
WORKBOOK_ORDER = (
    "fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
    "functionGroups", "externalReferences", "definedNames", "calcPr", "oleSize",
    "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
    "fileRecoveryPr", "webPublishObjects", "extLst",
)
WORKSHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
    "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
    "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
    "controls", "webPublishItems", "tableParts", "extLst",
)


def clock() -> datetime:
    return NOW


@pytest.fixture
def saved(db: Database, tmp_path: Path) -> Path:
    """A workbook of a few clients with sales and complaints in several months."""
    clients = ClientService(db, clock, user="test")
    sales = SalesService(db, clock, user="test")
    complaints = ComplaintService(db, clock, user="test")
    for i, name in enumerate(["=1+1", "张伟", "Anna Adams", "2026"]):
        client_id = clients.save(ClientCard(name=name, grade="ABC"[i % 3]))
        sales.save(Order(client_id=client_id, ordered_on=date(2026, 3 + i, 5),
                         product="Tea", amount=Decimal(1000 * (i + 1))))
        complaints.register(Complaint(client_id=client_id,
                                      received_at=datetime(2026, 6 + i, 2, 9), words="late",
                                      category=ComplaintCategory.DELIVERY))
    out = tmp_path / "book.xlsx"
    export_xlsx(db, out, lang="en", clock=clock)
    return out


def _parts(path: Path, prefix: str) -> dict[str, ElementTree.Element]:
    with zipfile.ZipFile(path) as package:
        return {name: ElementTree.fromstring(package.read(name))
                for name in package.namelist() if name.startswith(prefix)}


def _cells(path: Path, ref: str) -> list[str]:
    sheet, _, cells = ref.rpartition("!")
    ws = load_workbook(path)[sheet.strip("'")]
    return [str(row[0].value) for row in ws[cells.replace("$", "")]]


def test_text_categories_are_string_references_with_their_labels(saved: Path) -> None:
    charts = _parts(saved, "xl/charts/")
    summary = 0
    for chart in charts.values():
        for cat in chart.iter(f"{CHART}cat"):
            ref = cat.find(f"{CHART}strRef")
            if ref is None:
                continue
            formula = ref.findtext(f"{CHART}f", "")
            assert formula.startswith("'Summary'!$A$")
            assert cat.find(f"{CHART}numRef") is None
            cache = [pt.findtext(f"{CHART}v") for pt in ref.iter(f"{CHART}pt")]
            assert cache == _cells(saved, formula)
            assert ref.find(f"{CHART}strCache/{CHART}ptCount").get("val") == str(len(cache))
            summary += 1
    assert summary == 5  # the Summary's five charts, one series each


def test_month_labels_reach_the_charts(saved: Path) -> None:
    charts = _parts(saved, "xl/charts/")
    labels = [pt.findtext(f"{CHART}v") for chart in charts.values()
              for pt in chart.iter(f"{CHART}pt")]
    assert "2026-06" in labels and "张伟" in labels and "=1+1" in labels


def test_date_categories_keep_numbers_and_show_months(saved: Path) -> None:
    charts = _parts(saved, "xl/charts/")
    loyalty = [c for c in charts.values()
               if any("Loyalty" in (f.text or "") for f in c.iter(f"{CHART}f"))]
    assert len(loyalty) == 2
    for chart in loyalty:
        for cat in chart.iter(f"{CHART}cat"):
            assert cat.find(f"{CHART}numRef") is not None
        fmt = chart.find(f".//{CHART}catAx/{CHART}numFmt")
        assert fmt is not None
        assert (fmt.get("formatCode"), fmt.get("sourceLinked")) == ("yyyy-mm", "0")


def test_every_axis_is_shown(saved: Path) -> None:
    for chart in _parts(saved, "xl/charts/").values():
        axes = [*chart.iter(f"{CHART}catAx"), *chart.iter(f"{CHART}valAx")]
        assert len(axes) == 2
        for axis in axes:
            # a shown axis: no <c:delete val="1"/> (xlsxwriter, like Excel 2007,
            # writes no element for a shown axis; <c:delete val="0"/> says the same)
            delete = axis.find(f"{CHART}delete")
            assert delete is None or delete.get("val") in ("0", "false")


def test_header_cells_are_in_a_sans_serif_font_for_latin_and_chinese(saved: Path) -> None:
    wb = load_workbook(saved)
    headers = [cell for ws in wb.worksheets for cell in ws[1] if cell.value]
    summary = wb["Summary"]
    headers += [row[0] for row in summary.iter_rows(min_row=2) if row[0].font.b]
    assert len(headers) > 100
    for cell in headers:
        font = cell.font
        assert (font.name, font.b, font.family, font.charset) == (
            "Microsoft YaHei", True, 2, 134), cell.coordinate
    assert wb["Clients"]["B2"].font.name == "Calibri"  # the data keep the body font


def _in_schema_order(element: ElementTree.Element, order: tuple[str, ...]) -> list[str]:
    names = [child.tag.removeprefix(MAIN) for child in element]
    assert set(names) <= set(order), set(names) - set(order)
    positions = [order.index(n) for n in names]
    assert positions == sorted(positions), names
    return names


def test_the_workbook_part_is_in_schema_order_without_an_empty_protection(
        saved: Path) -> None:
    workbook = _parts(saved, "xl/workbook.xml")["xl/workbook.xml"]
    names = _in_schema_order(workbook, WORKBOOK_ORDER)
    assert "workbookProtection" not in names  # Gnumeric: "Unexpected element"


def test_every_sheet_is_in_schema_order(saved: Path) -> None:
    sheets = _parts(saved, "xl/worksheets/sheet")
    assert len(sheets) == 10
    for name, sheet in sheets.items():
        names = _in_schema_order(sheet, WORKSHEET_ORDER)
        assert "sheetData" in names, name
        rows = [int(r.get("r", "0")) for r in sheet.iter(f"{MAIN}row")]
        assert rows == sorted(set(rows)), name
        # the footer only: Gnumeric warns about the empty even and first ones
        footers = sheet.find(f"{MAIN}headerFooter")
        assert footers is not None and [c.tag.removeprefix(MAIN) for c in footers] == [
            "oddFooter"], name


def test_gnumeric_opens_it_without_a_warning(saved: Path, tmp_path: Path) -> None:
    ssconvert = shutil.which("ssconvert")
    if ssconvert is None:
        pytest.skip("Gnumeric (ssconvert) is not installed; `make test` installs gnumeric "
                    "where it can")
    env = {**os.environ, "LC_ALL": "C.UTF-8", "HOME": str(tmp_path)}  # no locale warning
    done = subprocess.run([ssconvert, str(saved), str(tmp_path / "book.gnumeric")],
                          capture_output=True, text=True, timeout=120, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "" and done.stdout.strip() == ""


def test_the_import_report_has_no_empty_protection(tmp_path: Path) -> None:
    from desktop_crm.domain.import_mapping import RowProblem
    from desktop_crm.services.importing.service import save_report

    out = tmp_path / "report.xlsx"
    save_report([RowProblem(row=2, column="Name", severity="error", message="empty",
                            value="")], out)
    workbook = _parts(out, "xl/workbook.xml")["xl/workbook.xml"]
    assert "workbookProtection" not in _in_schema_order(workbook, WORKBOOK_ORDER)
