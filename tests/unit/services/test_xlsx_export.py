"""The manager's workbook (desktop_crm.services.exporting): written from a real
SQLite file with a fixed clock, read back with openpyxl, and (when LibreOffice
is installed) converted to CSV by LibreOffice to prove it opens and shows text
as text."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from desktop_crm.domain.client import ClientCard, Interaction, Phone
from desktop_crm.domain.complaint import Complaint, ComplaintCategory
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import Channel, Loyalty, PhoneKind
from desktop_crm.domain.profile import questions
from desktop_crm.i18n import language, set_language, translate
from desktop_crm.services.clients import ClientService
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.services.evaluations import EvaluationService
from desktop_crm.services.exporting import export_xlsx, summary, texts
from desktop_crm.services.exporting.cells import Column, is_risky
from desktop_crm.services.exporting.sheet import Book, SheetWriter
from desktop_crm.services.files import STALE_SECONDS, ExportError
from desktop_crm.services.stats import stats
from desktop_crm.storage.database import Database

NOW = datetime(2026, 11, 24, 9, 30)
RISKY = ["=1+1", "+86 138 0013 8000", "-x", "@SUM(A1)", "=HYPERLINK(\"http://x\")"]
SHEETS_EN = ["Summary", "Clients", "Contacts", "Sales", "Loyalty KPIs", "Mackay 66", "Evaluations",
             "Care calendar", "Complaints", "Interactions"]
GOOD = {"sales_attainment": 95, "cooperation": "good", "late_payments": 0,
        "information": "valuable"}
POOR = {"sales_attainment": 30, "cooperation": "poor", "late_payments": 6,
        "information": "none"}
CONFIDENTIAL = next(q.number for q in questions() if q.confidential)
OPEN_QUESTION = next(q.number for q in questions() if not q.confidential)


def clock() -> datetime:
    return NOW


@pytest.fixture
def book(db: Database) -> dict[str, int]:
    """A small book: risky names, grades, profile answers, interactions, a
    complaint and a birthday in the next days. Returns name -> id."""
    clients = ClientService(db, clock, user="test")
    ids: dict[str, int] = {}
    for i, name in enumerate([*RISKY, "张伟", "李娜"]):
        card = ClientCard(name=name, company=f"公司{i}", loyalty=Loyalty.CORE,
                          phones=[Phone(f"1380013800{i}", PhoneKind.MOBILE)],
                          tags=["VIP", "=tag"], notes="-note", founded_on=date(2001, 2, 3))
        ids[name] = clients.save(card)
    zhang = clients.get(ids["张伟"])
    zhang.birthday = DateSpec.solar(11, 30, 1980)
    zhang.profile = {OPEN_QUESTION: "喜欢钓鱼", CONFIDENTIAL: "机密答案",
                     OPEN_QUESTION + 1: "私下的"}
    zhang.profile_private = {OPEN_QUESTION + 1}
    clients.save(zhang)
    evaluations = EvaluationService(db, clock, user="test")
    evaluations.evaluate_client(ids["张伟"], GOOD, evaluated_on=date(2026, 11, 1))
    evaluations.evaluate_client(ids["李娜"], POOR, evaluated_on=date(2026, 10, 1))
    clients.log_interaction(Interaction(ids["张伟"], datetime(2026, 11, 3, 10), Channel.VISIT,
                                        "=cmd|' /C calc'!A0", follow_up_on=date(2026, 12, 1)))
    clients.log_interaction(Interaction(ids["李娜"], datetime(2026, 9, 3, 10), Channel.CALL,
                                        "电话"))
    ComplaintService(db, clock, user="test").register(Complaint(
        client_id=ids["李娜"], received_at=datetime(2026, 11, 20, 9), words="@投诉内容",
        category=ComplaintCategory.DELIVERY))
    return ids


def export(db: Database, path: Path, **options: Any) -> Any:
    return export_xlsx(db, path, clock=clock, **options)


def rows(ws: Worksheet) -> list[tuple[Any, ...]]:
    return list(ws.iter_rows(values_only=True))


def column(ws: Worksheet, header: str) -> list[Any]:
    headers = [c.value for c in ws[1]]
    index = headers.index(header)
    return [r[index] for r in rows(ws)[1:]]


def figures(ws: Worksheet) -> dict[str, Any]:
    """The Summary's headline block: label -> value."""
    found = {}
    for label, value, *_ in rows(ws)[1:]:
        if label is None:
            break
        found[label] = value
    return found


def test_sheet_names_and_headers_in_english(db: Database, book: dict[str, int],
                                            tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    result = export(db, out, lang="en")
    wb = load_workbook(out)
    assert wb.sheetnames == SHEETS_EN
    assert [c.value for c in wb["Clients"][1]][:3] == ["ID", "Name", "Kind"]
    assert result.clients == len(book)
    assert result.rows["Clients"] == len(book)


def test_sheet_names_and_headers_in_chinese(db: Database, book: dict[str, int],
                                            tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    export(db, out, lang="zh")
    wb = load_workbook(out)
    assert wb.sheetnames == [translate(name, "zh") for name in SHEETS_EN]
    clients = wb[translate("Clients", "zh")]
    assert [c.value for c in clients[1]][:2] == [translate("ID", "zh"), translate("Name", "zh")]
    assert "核心客户" in column(clients, translate("Loyalty", "zh"))
    assert language() == "en"  # the export did not switch the window's language


def test_an_export_in_chinese_never_switches_other_threads_language(
        db: Database, book: dict[str, int], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The export runs on a worker thread while the window keeps translating:
    the language it writes in is its own thread's only."""
    seen: list[str] = []
    original = texts.Texts.domain

    def spy(self: texts.Texts, make: Any) -> Any:
        def look_from_another_thread() -> Any:
            other = threading.Thread(target=lambda: seen.append(language()))
            other.start()
            other.join()
            return make()
        return original(self, look_from_another_thread)

    monkeypatch.setattr(texts.Texts, "domain", spy)
    export(db, tmp_path / "book.xlsx", lang="zh")
    assert seen and set(seen) == {"en"}


def test_every_sheet_has_a_frozen_bold_filtered_header(db: Database, book: dict[str, int],
                                                       tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    export(db, out, lang="en")
    for ws in load_workbook(out).worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws[1][0].font.bold, ws.title
        assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws.column_dimensions["A"].width > 5, ws.title
    clients = load_workbook(out)["Clients"]
    assert clients.auto_filter.ref == f"A1:AO{len(book) + 1}"  # 41 columns, Website included


def test_dates_are_date_cells_with_a_format(db: Database, book: dict[str, int],
                                            tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    export(db, out, lang="en")
    wb = load_workbook(out)
    clients = wb["Clients"]
    col = [c.value for c in clients[1]].index("Founded on") + 1
    cell = clients.cell(row=2, column=col)
    assert cell.is_date and cell.value == datetime(2001, 2, 3)
    assert cell.number_format == "yyyy-mm-dd"
    when = wb["Interactions"].cell(row=2, column=3)
    assert when.is_date and when.number_format == "yyyy-mm-dd hh:mm"
    total = wb["Evaluations"].cell(row=2, column=6)
    assert total.data_type == "n" and total.number_format == "0.0"


def test_text_that_looks_like_a_formula_stays_text(db: Database, book: dict[str, int],
                                                   tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    export(db, out, lang="en")
    wb = load_workbook(out)
    names = {c.value: c for c in wb["Clients"]["B"][1:]}
    for name in RISKY:
        cell = names[name]
        assert cell.data_type == "s" and cell.value == name
        assert cell.quotePrefix
    for ws, text in ((wb["Interactions"], "=cmd|' /C calc'!A0"),
                     (wb["Complaints"], "@投诉内容"), (wb["Clients"], "-note")):
        found = [c for row in ws.iter_rows(min_row=2) for c in row if c.value == text]
        assert found and all(c.data_type == "s" for c in found), ws.title


@pytest.mark.parametrize("text", [*RISKY, "\tx", "\t", "\rx", "a\x00b\x1fc"])
def test_one_cell_is_written_as_text(tmp_path: Path, text: str) -> None:
    out = tmp_path / "one.xlsx"
    with out.open("wb") as fh:
        book = Book.create(fh, str(tmp_path))
        SheetWriter.create(book, "s", ["h"], [Column("h")]).append([text])
        book.wb.close()
    cell = load_workbook(out)["s"]["A2"]
    assert cell.data_type == "s"
    expected = text.replace("\r", "\n").replace("\x00", "").replace("\x1f", "")
    assert cell.value == expected
    assert bool(cell.quotePrefix) == is_risky(text)


def test_confidential_answers_are_left_out_by_default(db: Database, book: dict[str, int],
                                                      tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    export(db, out, lang="en")
    wb = load_workbook(out)
    ws = wb["Mackay 66"]
    values = [v for row in rows(ws) for v in row if v is not None]
    assert "喜欢钓鱼" in values
    assert "机密答案" not in values and "私下的" not in values
    headers = [c.value for c in ws[1]]
    assert not any(str(h).startswith(f"{CONFIDENTIAL}. ") for h in headers)
    assert figures(wb["Summary"])["Confidential profile answers included"] == "No"


def test_confidential_answers_when_asked(db: Database, book: dict[str, int],
                                         tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    export(db, out, lang="en", include_confidential=True)
    wb = load_workbook(out)
    values = [v for row in rows(wb["Mackay 66"]) for v in row if v is not None]
    assert {"喜欢钓鱼", "机密答案", "私下的"} <= set(values)
    assert len(wb["Mackay 66"][1]) == 4 + 66 + 1
    assert wb["Mackay 66"][1][-1].value == "Client UUID"
    assert figures(wb["Summary"])["Confidential profile answers included"] == "Yes"


def test_summary_figures_match_stats(db: Database, book: dict[str, int],
                                     tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    export(db, out, lang="en")
    ws = load_workbook(out)["Summary"]
    found = figures(ws)
    expected = stats(db)
    assert found["Clients"] == expected["clients"] == len(book)
    assert found["Interactions"] == expected["interactions"] == 2
    assert found["Interactions this month"] == 1
    assert found["Complaints"] == expected["complaints"]["total"] == 1
    assert found["Open complaints"] == expected["complaints"]["open"] == 1
    assert found["Overdue complaints"] == 1  # no first reply since 20 November
    assert found["Evaluations"] == expected["evaluations"] == 2
    assert found["Care items in the next 30 days"] >= 1  # 张伟's birthday on 30 November
    assert found["Clients in this workbook"] == "All clients"
    table = {r[0]: r[1] for r in rows(ws) if r[0] in ("A", "B", "C", "Unrated")}
    assert table == {"A": expected["grades"]["A"], "B": expected["grades"]["B"],
                     "C": expected["grades"]["C"], "Unrated": expected["grades"]["unrated"]}
    categories = {r[0]: r[1] for r in rows(ws) if r[0] == "Delivery"}
    assert categories == {"Delivery": 1}


def test_summary_has_the_five_charts(db: Database, book: dict[str, int],
                                     tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    export(db, out, lang="en")
    charts = load_workbook(out)["Summary"]._charts
    assert len(charts) == 5
    assert {c.type for c in charts} == {"bar", "col"}


def test_the_filtered_list_only(db: Database, book: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    wanted = [book["李娜"], book["=1+1"]]
    result = export(db, out, lang="en", client_ids=wanted)
    wb = load_workbook(out)
    assert column(wb["Clients"], "ID") == wanted  # in the order given
    assert set(column(wb["Interactions"], "Client ID")) == {book["李娜"]}
    assert set(column(wb["Evaluations"], "Client ID")) == {book["李娜"]}
    assert set(column(wb["Complaints"], "Client ID")) == {book["李娜"]}
    assert column(wb["Mackay 66"], "ID") == []
    assert set(column(wb["Care calendar"], "Client ID")) <= set(wanted)
    found = figures(wb["Summary"])
    assert found["Clients"] == 2 and found["Clients in this workbook"] == "Filtered list"
    assert result.clients == 2


def test_many_clients_are_written_page_by_page(db: Database, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_crm.services.exporting import pages

    monkeypatch.setattr(pages, "PAGE_SIZE", 3)
    clients = ClientService(db, clock, user="test")
    ids = [clients.save(ClientCard(name=f"客户{i:02d}")) for i in range(10)]
    seen: list[tuple[int, int]] = []
    out = tmp_path / "book.xlsx"
    export_xlsx(db, out, clock=clock, lang="en", progress=lambda d, n: seen.append((d, n)))
    assert sorted(column(load_workbook(out)["Clients"], "ID")) == ids
    assert seen[-1] == (10, 10)


def test_an_empty_book(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "empty.xlsx"
    result = export(db, out, lang="zh")
    wb = load_workbook(out)
    assert result.clients == 0 and len(wb.sheetnames) == len(SHEETS_EN)
    assert figures(wb.worksheets[0])[translate(summary.CLIENTS, "zh")] == 0


@pytest.mark.parametrize("target", ["no/such/folder/book.xlsx", "."])
def test_a_bad_path_raises_export_error(db: Database, tmp_path: Path, target: str) -> None:
    before = sorted(tmp_path.iterdir())
    with pytest.raises(ExportError, match=r"Cannot write|is a folder"):
        export(db, tmp_path / target, lang="en")
    assert sorted(tmp_path.iterdir()) == before


def test_an_unknown_language(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        export(db, tmp_path / "x.xlsx", lang="fr")


def test_default_language_is_the_current_one(db: Database, book: dict[str, int],
                                             tmp_path: Path) -> None:
    set_language("zh")
    out = tmp_path / "book.xlsx"
    export(db, out)
    assert load_workbook(out).sheetnames[1] == translate("Clients", "zh")


# -- LibreOffice -------------------------------------------------------------------

def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed; `make test` installs "
                    "libreoffice-calc-nogui where it can")
    return found


def _convert(soffice: str, book: Path, outdir: Path, home: Path) -> dict[str, list[list[str]]]:
    """Every sheet as CSV rows (UTF-8), by the file name LibreOffice gives it."""
    # 44,34,76: comma, quote, UTF-8; "true" (9th): values as shown; -1: every sheet.
    csv_filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
    env = {**os.environ, "HOME": str(home)}
    done = subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation="
                           f"file://{home}/lo-profile", "--convert-to", csv_filter,
                           "--outdir", str(outdir), str(book)],
                          capture_output=True, text=True, timeout=180, env=env, check=False)
    sheets = {p.stem: list(csv.reader(p.open(encoding="utf-8"))) for p in outdir.glob("*.csv")}
    assert sheets, f"LibreOffice wrote nothing: {done.stdout} {done.stderr}"
    return sheets


def test_libreoffice_opens_it_and_shows_the_figures(db: Database, book: dict[str, int],
                                                    tmp_path: Path) -> None:
    soffice = _soffice()
    out = tmp_path / "book.xlsx"
    export(db, out, lang="en")
    sheets = _convert(soffice, out, tmp_path / "csv", tmp_path)
    summary_rows = next(rows for name, rows in sheets.items() if name.endswith("Summary"))
    found = {r[0]: r[1] for r in summary_rows if len(r) > 1}
    assert found["Clients"] == str(len(book))
    assert found["Complaints"] == "1"
    clients = next(rows for name, rows in sheets.items() if name.endswith("Clients"))
    names = [r[1] for r in clients[1:]]
    for name in RISKY:
        assert name in names  # shown as typed, never evaluated (=1+1 would show 2)
    assert "2" not in names
    interactions = next(rows for name, rows in sheets.items()
                        if name.endswith("Interactions"))
    assert any(r[2] == "2026-11-03 10:00" for r in interactions[1:])


def test_grade_chart_data_counts(db: Database, book: dict[str, int], tmp_path: Path) -> None:
    """The cells the grade chart points at hold the counts."""
    out = tmp_path / "book.xlsx"
    export(db, out, lang="en")
    ws = load_workbook(out)["Summary"]
    chart = next(c for c in ws._charts if c.type == "col")
    ref = chart.series[0].val.numRef.f
    assert ref.startswith("'Summary'!$B$") or ref.startswith("Summary!$B$")


def test_the_care_calendar_holds_90_days(db: Database, tmp_path: Path) -> None:
    """Care items beyond 90 days are not on the Care calendar."""
    clients = ClientService(db, clock, user="test")
    far = NOW.date() + timedelta(days=120)
    clients.save(ClientCard(name="远", birthday=DateSpec.solar(far.month, far.day)))
    out = tmp_path / "book.xlsx"
    export(db, out, lang="en")
    kinds = column(load_workbook(out)["Care calendar"], "Client")
    assert "远" not in kinds


def test_page_cards_equal_the_card_the_window_opens(db: Database, book: dict[str, int]) -> None:
    """The export's bulk loader maps every field as client_repo.load_card does."""
    from desktop_crm.domain.client import FamilyMember, ImportantDate
    from desktop_crm.domain.enums import DateKind
    from desktop_crm.services.exporting import pages

    clients = ClientService(db, clock, user="test")
    zhang = clients.get(book["张伟"])
    zhang.family = [FamilyMember("妻子", "李梅", DateSpec.lunar(8, 15, year=1982), "爱茶", 3)]
    zhang.dates = [ImportantDate(DateKind.WEDDING_ANNIVERSARY, DateSpec.solar(5, 20, 2010))]
    zhang.phones.append(Phone("010-6552 9988", PhoneKind.FAX))
    clients.save(zhang)
    ids = list(book.values())
    loaded = [c.card for page in pages.client_pages(db, ids, size=3) for c in page]
    assert loaded == [clients.get(i) for i in ids]


def test_an_export_removes_what_a_killed_export_left_in_the_temporary_folder(
        db: Database, book: dict[str, int], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    killed = temp / "desktop-crm-export-k1ll3d_x"  # as TemporaryDirectory names it
    killed.mkdir()
    (killed / "package.xlsx").write_bytes(b"PK half a workbook")
    old = time.time() - STALE_SECONDS - 60
    for path in (killed / "package.xlsx", killed):
        os.utime(path, (old, old))
    running = temp / "desktop-crm-export-runn1ng_"  # another export, still writing
    running.mkdir()
    (running / "sheet1.xml").write_bytes(b"<row/>")
    os.utime(running, (old, old))

    export(db, tmp_path / "out.xlsx")

    assert load_workbook(tmp_path / "out.xlsx", read_only=True).sheetnames
    assert not killed.exists()
    assert sorted(p.name for p in temp.iterdir()) == [running.name]  # its own is gone too
