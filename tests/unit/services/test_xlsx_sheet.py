"""One sheet as the workbook's writer (xlsxwriter) writes it: the cells read
back by openpyxl and by calamine (the app's import reader) as what was
written, with the safety rules of services/exporting/cells.py; the export is
saved all or nothing."""

from __future__ import annotations

import errno
import os
import zipfile
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel, to_excel
from python_calamine import CalamineWorkbook

from desktop_crm.domain.client import ClientCard
from desktop_crm.services.clients import ClientService
from desktop_crm.services.exporting import export_xlsx
from desktop_crm.services.exporting.cells import MAX_TEXT, Column, clean_text, is_risky
from desktop_crm.services.exporting.sheet import Book, SheetWriter
from desktop_crm.services.files import ExportError
from desktop_crm.storage.database import Database

COLUMNS = (Column("Text", 20), Column("Number", 10, "0.0"), Column("Plain"),
           Column("When", 16, "yyyy-mm-dd hh:mm"), Column("Day"))


def write(tmp_path: Path, rows: list[list[Any]], columns: tuple[Column, ...] = COLUMNS,
          name: str = "out.xlsx") -> Path:
    out = tmp_path / name
    with out.open("wb") as fh:
        book = Book.create(fh, str(tmp_path))
        sheet = SheetWriter.create(book, "数据", [c.header for c in columns], columns)
        for row in rows:
            sheet.append(row)
        sheet.finish()
        book.wb.close()
    return out


@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-x", "@SUM(A1)", "\tx", "\t", "\rx",
                                  "a\x00b\x1fc", "<b>&amp;</b>", " 两端空格 ", "行一\r\n行二",
                                  "😀 emoji", "\ufffe", "_x0041_", "http://x.cn", "007",
                                  "1e5"])
def test_text_reads_back_as_text_and_risky_text_is_quoted(tmp_path: Path, text: str) -> None:
    out = write(tmp_path, [[text, None, None, None, None]])
    cell = load_workbook(out)["数据"]["A2"]
    expected = (text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
                .replace("\x1f", "").replace("\ufffe", ""))
    if "_x" not in text:  # openpyxl does not undo the escape of "_x0041_" (Excel does)
        assert (cell.value or "") == expected
    if expected:
        assert cell.data_type == "s"
        assert bool(cell.quotePrefix) == is_risky(text)
    calamine = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("数据").to_python()
    assert (calamine[1][0] if len(calamine) > 1 else "") == expected
    with zipfile.ZipFile(out) as package:
        sheet = package.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"hyperlink" not in sheet  # never a formula or a link


def test_values_keep_their_types_and_formats(tmp_path: Path) -> None:
    when = datetime(2026, 11, 24, 9, 30, 15)
    out = write(tmp_path, [
        ["张伟", 87.5, 42, when, date(2026, 9, 25)],
        ["old", 3, True, datetime(1900, 1, 5, 12, 0), date(1900, 2, 28)],
        ["tz", 0.0, -7, when.replace(tzinfo=timezone(timedelta(hours=8))), date(2100, 12, 31)],
        ["odd", float("nan"), Decimal("2.50"), None, date(1900, 3, 1)],
    ])
    ws = load_workbook(out)["数据"]
    assert [c.value for c in ws[1]] == ["Text", "Number", "Plain", "When", "Day"]
    assert [c.value for c in ws[2]] == ["张伟", 87.5, 42, when, datetime(2026, 9, 25)]
    assert ws["B2"].number_format == "0.0" and ws["C2"].number_format == "General"
    assert ws["D2"].is_date and ws["D2"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["E2"].is_date and ws["E2"].number_format == "yyyy-mm-dd"
    assert ws["C3"].value is True and ws["C3"].data_type == "b"
    assert ws["D3"].value == datetime(1900, 1, 5, 12, 0)
    assert ws["E3"].value == datetime(1900, 2, 28)
    assert ws["D4"].value == when  # the wall-clock time of an aware value
    assert ws["E4"].value == datetime(2100, 12, 31)
    assert ws["B5"].value == "nan" and ws["C5"].value == 2.5 and ws["D5"].value is None
    assert ws["E5"].value == datetime(1900, 3, 1)
    assert ws.auto_filter.ref == "A1:E5" and ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == pytest.approx(20, abs=0.72)


def test_dates_before_1900_keep_the_serial_numbers_openpyxl_reads_back(tmp_path: Path) -> None:
    out = write(tmp_path, [["x", None, None, datetime(1850, 1, 1, 12), date(1850, 1, 1)],
                           ["y", None, None, datetime(1899, 12, 30, 6), date(1899, 12, 31)]])
    ws = load_workbook(out)["数据"]
    assert [ws["D2"].value, ws["E2"].value] == [datetime(1850, 1, 1, 12), datetime(1850, 1, 1)]
    assert ws["E2"].number_format == "yyyy-mm-dd" and ws["D2"].number_format == "yyyy-mm-dd hh:mm"
    for cell, value in ((ws["D3"], datetime(1899, 12, 30, 6)), (ws["E3"], date(1899, 12, 31))):
        assert cell.value == from_excel(to_excel(value))  # as openpyxl writes them


def _sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as package:
        return package.read("xl/worksheets/sheet1.xml")


def test_cells_are_the_xml_xlsxwriters_own_cell_methods_write(tmp_path: Path) -> None:
    """The writer's shortcuts (dates as serial numbers computed here, text
    checked with isprintable) give the very bytes of xlsxwriter's
    write_datetime and write_string."""
    days = [date(1900, 3, 1), date(1900, 12, 31), date(2000, 2, 29), date(2026, 11, 24),
            date(9999, 12, 31), *(date(1970, 1, 1) + timedelta(days=i * 97) for i in range(300))]
    times = [datetime(1900, 3, 1, 0, 0, 1), datetime(2026, 11, 24, 9, 30, 15, 123456),
             datetime(2024, 2, 29, 23, 59, 59, 999999), datetime(9999, 12, 31, 23, 59, 59),
             *(datetime(1990, 1, 1) + timedelta(seconds=i * 86_413.7) for i in range(300))]
    texts = ["张伟", "a\nb", "行一\r\n行二", "x\x01y", "\u3000全角空格", "=1+1", "\ufffe",
             " 空格 ", "_x0041_", "<&>", "a\tb", "长" * (MAX_TEXT + 3)]
    rows = [[texts[i % len(texts)], None, None, when, day]
            for i, (when, day) in enumerate(zip(times, days, strict=False))]
    ours = write(tmp_path, rows, name="ours.xlsx")

    ref = tmp_path / "ref.xlsx"
    with ref.open("wb") as fh:  # the same sheet, cell by cell through the public methods
        book = Book.create(fh, str(tmp_path))
        sheet = SheetWriter.create(book, "数据", [c.header for c in COLUMNS], COLUMNS)
        ws, styles = sheet.ws, book.styles
        for r, (text, _, _, when, day) in enumerate(rows, start=1):
            clean = clean_text(text)
            ws.write_string(r, 0, clean, styles.quoted if is_risky(text) else None)
            ws.write_datetime(r, 3, when, styles.datetime("yyyy-mm-dd hh:mm"))
            ws.write_datetime(r, 4, day, styles.date())
        sheet.rows = len(rows)
        sheet.finish()
        book.wb.close()
    assert _sheet_xml(ours) == _sheet_xml(ref)


@pytest.mark.usefixtures("collector_on")
def test_the_export_leaves_the_cycle_collector_as_it_found_it(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from desktop_crm.services.exporting import workbook

    seen: list[bool] = []
    real_close = workbook._close

    def close(wb: Any) -> None:
        seen.append(gc.isenabled())
        real_close(wb)

    monkeypatch.setattr(workbook, "_close", close)
    assert gc.isenabled()
    export_xlsx(db, tmp_path / "a.xlsx", lang="en")
    assert seen == [False] and gc.isenabled()

    def fail(wb: Any) -> None:
        raise OSError(errno.ENOSPC, "full")

    monkeypatch.setattr(workbook, "_close", fail)
    with pytest.raises(OSError):
        export_xlsx(db, tmp_path / "b.xlsx", lang="en")
    assert gc.isenabled()
    gc.disable()
    try:  # off before: still off after
        monkeypatch.setattr(workbook, "_close", real_close)
        export_xlsx(db, tmp_path / "c.xlsx", lang="en")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_long_text_is_cut_at_excels_limit(tmp_path: Path) -> None:
    out = write(tmp_path, [["长" * (MAX_TEXT + 10), None, None, None, None]])
    assert load_workbook(out)["数据"]["A2"].value == "长" * MAX_TEXT


def test_a_row_of_the_wrong_length_is_refused(tmp_path: Path) -> None:
    with (tmp_path / "s.xlsx").open("wb") as fh:
        book = Book.create(fh, str(tmp_path))
        sheet = SheetWriter.create(book, "s", ["a"], [Column("a")])
        with pytest.raises(ValueError, match="2 values for 1 columns"):
            sheet.append(["x", "y"])
        book.wb.close()


def test_many_rows_arrive_in_order(tmp_path: Path) -> None:
    rows = [[f"客户{i}", i / 2, i, None, None] for i in range(5007)]
    out = write(tmp_path, rows)
    ws = load_workbook(out, read_only=True)["数据"]
    back = [list(r[:3]) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert back == [r[:3] for r in rows]


def test_a_failed_save_leaves_neither_the_file_nor_a_temporary_one(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xlsxwriter import workbook

    ClientService(db, user="test").save(ClientCard(name="张伟"))
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "book.xlsx"
    out.write_bytes(b"the previous export")

    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    # the disk fills up while the package is put together
    monkeypatch.setattr(workbook.Workbook, "_store_workbook", full)
    with pytest.raises(OSError, match="No space left on device"):
        export_xlsx(db, out, lang="en")
    assert out.read_bytes() == b"the previous export"
    assert sorted(p.name for p in folder.iterdir()) == ["book.xlsx"]


def test_a_file_that_cannot_be_replaced_is_an_export_error(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_crm.services import files

    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "book.xlsx"
    out.write_bytes(b"the previous export")

    def refused(*args: Any, **kwargs: Any) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(files, "replace", refused)
    with pytest.raises(ExportError, match="Permission denied"):
        export_xlsx(db, out, lang="en")
    assert out.read_bytes() == b"the previous export"
    assert sorted(p.name for p in folder.iterdir()) == ["book.xlsx"]


def test_the_export_leaves_no_temporary_files(db: Database, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    ClientService(db, user="test").save(ClientCard(name="张伟"))
    export_xlsx(db, tmp_path / "book.xlsx", lang="en")
    assert list(scratch.iterdir()) == []
