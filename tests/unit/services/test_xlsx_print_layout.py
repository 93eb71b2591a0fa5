"""How the manager's workbook prints: every sheet one page wide with its
header row on every page, landscape where wide, A4 or Letter by the locale,
the Summary's charts placed whole on its first page; and (when LibreOffice
and poppler are installed) the printed PDF itself, page by page."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from desktop_crm.domain.client import ClientCard
from desktop_crm.services.clients import ClientService
from desktop_crm.services.exporting import export_xlsx, print_layout
from desktop_crm.storage.database import Database

NOW = datetime(2026, 11, 24, 9, 30)
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
EMU_PER_CM = 360000
ROW_EMU = 190500  # a default row: 15 points, 20 pixels
COLUMN_EMU = 609600  # a default column: 64 pixels
LAST_CHART_ROW = 48
CLIENTS = 400  # two pages of the Clients sheet on A4
PAGES = 8  # printed: the Summary's, the Clients', the next sheet's first


def clock() -> datetime:
    return NOW


@pytest.fixture
def saved(db: Database, tmp_path: Path) -> Path:
    clients = ClientService(db, clock, user="test")
    for i in range(3):
        clients.save(ClientCard(name=f"客户{i}", company="公司", notes="x" * 50))
    out = tmp_path / "book.xlsx"
    export_xlsx(db, out, lang="en", clock=clock)
    return out


def _sheets(path: Path) -> dict[str, ElementTree.Element]:
    """Sheet name -> its worksheet XML, in the workbook's order."""
    wb = load_workbook(path, read_only=True)
    names = wb.sheetnames
    wb.close()
    with zipfile.ZipFile(path) as package:
        return {name: ElementTree.fromstring(package.read(f"xl/worksheets/sheet{i}.xml"))
                for i, name in enumerate(names, start=1)}


def test_every_sheet_prints_one_page_wide(saved: Path) -> None:
    sheets = _sheets(saved)
    assert len(sheets) == 10
    for name, sheet in sheets.items():
        fit = sheet.find(f"{MAIN}sheetPr/{MAIN}pageSetUpPr")
        assert fit is not None and fit.get("fitToPage") == "1", name
        setup = sheet.find(f"{MAIN}pageSetup")
        assert setup is not None, name
        tall = "2" if name == "Summary" else "0"  # 0: as many pages down as needed
        # 1 is the schema's default for both (xlsxwriter leaves a default out)
        assert (setup.get("fitToWidth", "1"), setup.get("fitToHeight", "1")) == ("1", tall), name
        footer = sheet.findtext(f"{MAIN}headerFooter/{MAIN}oddFooter", "")
        assert "&A" in footer and "&P" in footer and "&N" in footer, name
    for wide in ("Summary", "Clients", "Sales", "Mackay 66", "Interactions"):
        assert sheets[wide].find(f"{MAIN}pageSetup").get("orientation") == "landscape"


def test_narrow_columns_print_portrait() -> None:
    assert not _landscape([10, 20, 30])
    assert _landscape([10, 20, 30, 40])
    assert print_layout.width_cm([14]) == pytest.approx(2.72, abs=0.01)  # 103 pixels


def _landscape(widths: list[float]) -> bool:
    return print_layout.is_landscape(widths, print_layout.A4)


def test_the_header_row_prints_on_every_page(saved: Path) -> None:
    wb = load_workbook(saved)
    for ws in wb.worksheets[1:]:
        assert ws.print_title_rows == "$1:$1", ws.title
    # the Summary is a page of figures and charts, not a list
    assert wb["Summary"].print_title_rows is None


@pytest.mark.parametrize(("name", "paper"), [
    ("en_US.UTF-8", print_layout.LETTER), ("es_MX", print_layout.LETTER),
    ("fr_CA.UTF-8", print_layout.LETTER), ("en_GB.UTF-8", print_layout.A4),
    ("zh_CN.UTF-8", print_layout.A4), ("zh_TW.Big5", print_layout.A4),
    ("English_United States.1252", print_layout.LETTER),
    ("Chinese (Simplified)_China.936", print_layout.A4), ("C", print_layout.A4),
    ("C.UTF-8", print_layout.A4), ("POSIX", print_layout.A4),
])
def test_paper_follows_the_locale(name: str, paper: int) -> None:
    assert print_layout.paper_size({"LANG": name}) == paper


def test_lc_all_and_lc_paper_come_before_lang() -> None:
    letter, a4 = "en_US.UTF-8", "zh_CN.UTF-8"
    assert print_layout.paper_size({"LANG": letter, "LC_PAPER": a4}) == print_layout.A4
    assert print_layout.paper_size({"LC_ALL": letter, "LC_PAPER": a4}) == print_layout.LETTER


def test_without_a_locale_in_the_environment_the_process_locale_decides(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import locale

    monkeypatch.setattr(locale, "getlocale", lambda *a: ("English_United States", "1252"))
    assert print_layout.paper_size({}) == print_layout.LETTER
    monkeypatch.setattr(locale, "getlocale", lambda *a: (None, None))
    assert print_layout.paper_size({}) == print_layout.A4

    def unknown(*args: object) -> tuple[str, str]:
        raise ValueError("unknown locale: UTF-8")

    monkeypatch.setattr(locale, "getlocale", unknown)
    assert print_layout.paper_size({}) == print_layout.A4


@pytest.mark.parametrize(("lang", "paper"), [("zh_CN.UTF-8", "9"), ("en_US.UTF-8", "1")])
def test_the_workbook_takes_the_paper_of_the_locale(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str,
        paper: str) -> None:
    monkeypatch.setenv("LC_PAPER", lang)
    out = tmp_path / "book.xlsx"
    export_xlsx(db, out, lang="en", clock=clock)
    papers = {s.find(f"{MAIN}pageSetup").get("paperSize") for s in _sheets(out).values()}
    assert papers == {paper}


def test_the_kpi_definitions_wrap_within_the_table(saved: Path) -> None:
    """Long definitions running to the right would make the Loyalty sheet,
    printed one page wide, shrink to a third."""
    ws = load_workbook(saved)["Loyalty KPIs"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    definitions = [r for r in range(1, ws.max_row + 1) if f"B{r}:K{r}" in merged]
    assert len(definitions) == 10
    assert any("previous period" in str(ws.cell(r, 2).value) for r in definitions)
    for r in definitions:
        assert ws.cell(r, 2).alignment.wrap_text
        # no height: the default 15 points (xlsxwriter leaves a default out)
        assert (ws.row_dimensions[r].height or 15) >= 15


def _chart_boxes(path: Path) -> list[tuple[float, float, float, float]]:
    """The Summary's charts as (left, top, right, bottom) in default columns
    and rows from column D, row 1."""
    with zipfile.ZipFile(path) as package:
        drawing = ElementTree.fromstring(package.read("xl/drawings/drawing1.xml"))
    boxes = []
    for anchor in drawing.iter(f"{XDR}twoCellAnchor"):
        start, end = anchor.find(f"{XDR}from"), anchor.find(f"{XDR}to")
        assert start is not None and end is not None
        left, top = _cell(start)
        assert left >= 3  # right of the tables (A and B) and the gap (C)
        boxes.append((left, top, *_cell(end)))
    return boxes


def _cell(marker: ElementTree.Element) -> tuple[float, float]:
    """A drawing's corner as (column, row), with its offsets in default
    columns and rows (columns C and on have the default width)."""
    col = int(marker.findtext(f"{XDR}col", "0"))
    row = int(marker.findtext(f"{XDR}row", "0"))
    return (col + int(marker.findtext(f"{XDR}colOff", "0")) / COLUMN_EMU,
            row + int(marker.findtext(f"{XDR}rowOff", "0")) / ROW_EMU)


def test_the_summary_charts_sit_beside_each_other_above_the_first_page_break(
        saved: Path) -> None:
    boxes = _chart_boxes(saved)
    assert len(boxes) == 5
    for box in boxes:
        assert box[3] <= LAST_CHART_ROW
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (a, b)


# -- LibreOffice ---------------------------------------------------------------------

def _tools() -> tuple[str, str]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftotext = shutil.which("pdftotext")
    if soffice is None or pdftotext is None:
        pytest.skip("LibreOffice (soffice) or poppler (pdftotext) is not installed; `make "
                    "test` installs libreoffice-calc-nogui and poppler-utils where it can")
    return soffice, pdftotext


def _pdf_pages(soffice: str, pdftotext: str, book: Path, home: Path) -> list[str]:
    """The text of the first pages LibreOffice prints of ``book`` (the Summary,
    the Clients and the start of the next sheet: printing them all takes
    three times as long)."""
    env = {**os.environ, "HOME": str(home)}
    pages = json.dumps({"PageRange": {"type": "string", "value": f"1-{PAGES}"}})
    pdf_filter = f"pdf:calc_pdf_Export:{pages}"
    done = subprocess.run([soffice, "--headless", "--norestore",
                           f"-env:UserInstallation=file://{home}/lo-profile",
                           "--convert-to", pdf_filter, "--outdir", str(home), str(book)],
                          capture_output=True, text=True, timeout=180, env=env, check=False)
    pdf = home / (book.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice wrote no PDF: {done.stdout} {done.stderr}"
    text = subprocess.run([pdftotext, "-layout", "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, text=True, timeout=60, check=True).stdout
    return text.split("\f")[:-1]  # a form feed ends every page


def _pdf_fonts(pdftotext: str, pdf: Path) -> list[str]:
    """The fonts in ``pdf``, by ``pdffonts`` (poppler, beside pdftotext)."""
    listing = subprocess.run([str(Path(pdftotext).with_name("pdffonts")), str(pdf)],
                             capture_output=True, text=True, timeout=60, check=True).stdout
    return [line.split()[0] for line in listing.splitlines()[2:]]


@pytest.mark.sqlite_only("prints what LibreOffice makes of the saved file, whatever "
                         "the engine: once is enough")
def test_libreoffice_prints_the_summary_on_two_pages_and_every_clients_page_with_its_header(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_crm.services.demo import generate

    soffice, pdftotext = _tools()
    monkeypatch.setenv("LC_PAPER", "zh_CN.UTF-8")  # A4: shorter than Letter in landscape
    generate(db, CLIENTS, seed=3, now=NOW)
    out = tmp_path / "book.xlsx"
    export_xlsx(db, out, lang="en", clock=clock)
    pages = _pdf_pages(soffice, pdftotext, out, tmp_path)
    footers = [_footer(page) for page in pages]
    summary = [p for p, sheet in zip(pages, footers, strict=True) if sheet == "Summary"]
    assert 1 <= len(summary) <= 2
    assert footers[:len(summary)] == ["Summary"] * len(summary)  # the first pages
    # every chart's title on the first page (the last one wraps in its chart)
    for title in ("Grade distribution", "Clients by classification", "Complaints by month",
                  "Complaints by category", "Top clients by sales, last 12"):
        assert title in summary[0]
    clients = [p for p, sheet in zip(pages, footers, strict=True) if sheet == "Clients"]
    assert len(clients) >= 2
    assert footers[-1] not in ("Summary", "Clients")  # every Clients page seen
    fonts = _pdf_fonts(pdftotext, tmp_path / "book.pdf")
    serif = [f for f in fonts if re.search(r"(?<!sans)serif", re.sub(r"[\W_]", "", f.lower()))]
    assert fonts and not serif, fonts  # the headers too: sans-serif like the data
    for page in clients:
        first = page.strip().splitlines()[0].split()
        assert first[:3] == ["ID", "Name", "Kind"], first


def _footer(page: str) -> str:
    """The sheet's name from a page's footer ("Clients    3 / 9")."""
    last = page.strip().splitlines()[-1]
    found = re.match(r"\s*(.+?)\s{2,}\d+ / \d+\s*$", last)
    assert found, last
    return found.group(1)
