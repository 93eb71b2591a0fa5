"""The streamed rows of the big sheets: the cells read back by openpyxl and by
calamine (the app's import reader) as what was written, with the safety rules
of the openpyxl path; the package is saved all or nothing."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import to_excel
from python_calamine import CalamineWorkbook

from desktop_crm.services.exporting import package
from desktop_crm.services.exporting.cells import MAX_TEXT, Column, is_risky
from desktop_crm.services.exporting.row_xml import StreamedSheet, serial
from desktop_crm.services.files import ExportError

COLUMNS = (Column("Text", 20), Column("Number", 10, "0.0"), Column("Plain"),
           Column("When", 16, "yyyy-mm-dd hh:mm"), Column("Day"))


def write(tmp_path: Path, rows: list[list[Any]], columns: tuple[Column, ...] = COLUMNS,
          name: str = "out.xlsx") -> Path:
    wb = Workbook(write_only=True)
    wb.create_sheet("Summary").append(["openpyxl cell"])
    sheet = StreamedSheet.create(wb, "数据", [c.header for c in columns], columns)
    for row in rows:
        sheet.append(row)
    sheet.finish()
    out = tmp_path / name
    package.save(wb, [sheet], out)
    sheet.close()
    return out


@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-x", "@SUM(A1)", "\tx", "\t", "\rx",
                                  "a\x00b\x1fc", "<b>&amp;</b>", " 两端空格 ", "行一\r\n行二",
                                  "😀 emoji", "\ufffe"])
def test_text_reads_back_as_text_and_risky_text_is_quoted(tmp_path: Path, text: str) -> None:
    out = write(tmp_path, [[text, None, None, None, None]])
    cell = load_workbook(out)["数据"]["A2"]
    expected = (text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
                .replace("\x1f", "").replace("\ufffe", ""))
    assert (cell.value or "") == expected
    if expected:
        assert cell.data_type == "s"
        assert bool(cell.quotePrefix) == is_risky(text)
    calamine = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("数据").to_python()
    assert calamine[1][0] == expected


def test_values_keep_their_types_and_formats(tmp_path: Path) -> None:
    when = datetime(2026, 11, 24, 9, 30, 15)
    out = write(tmp_path, [
        ["张伟", 87.5, 42, when, date(2026, 9, 25)],
        ["old", 3, True, datetime(1900, 1, 5, 12, 0), date(1900, 2, 28)],
        ["tz", 0.0, -7, when.replace(tzinfo=timezone(timedelta(hours=8))), date(2100, 12, 31)],
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
    assert ws.auto_filter.ref == "A1:E4" and ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 20


def test_long_text_is_cut_at_excels_limit(tmp_path: Path) -> None:
    out = write(tmp_path, [["长" * (MAX_TEXT + 10), None, None, None, None]])
    assert load_workbook(out)["数据"]["A2"].value == "长" * MAX_TEXT


def test_a_row_of_the_wrong_length_is_refused(tmp_path: Path) -> None:
    wb = Workbook(write_only=True)
    sheet = StreamedSheet.create(wb, "s", ["a"], [Column("a")])
    with pytest.raises(ValueError, match="2 values for 1 columns"):
        sheet.append(["x", "y"])
    sheet.close()
    wb.save(tmp_path / "s.xlsx")  # ends openpyxl's sheet writer


def test_many_rows_arrive_in_order(tmp_path: Path) -> None:
    rows = [[f"客户{i}", i / 2, i, None, None] for i in range(StreamedSheet.FLUSH_ROWS * 2 + 7)]
    out = write(tmp_path, rows)
    ws = load_workbook(out, read_only=True)["数据"]
    back = [list(r[:3]) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert back == [r[:3] for r in rows]


def test_a_failed_save_leaves_neither_the_file_nor_a_temporary_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "book.xlsx"
    out.write_bytes(b"the previous export")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    # the disk fills up while the rows are copied into the package
    monkeypatch.setattr(package, "shutil", SimpleNamespace(copyfileobj=broken))
    with pytest.raises(ExportError, match="No space left on device"):
        write(tmp_path, [["x", 1, 2, None, None]], name="book.xlsx")
    assert out.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]


def test_the_package_is_a_valid_zip_with_the_openpyxl_parts(tmp_path: Path) -> None:
    out = write(tmp_path, [["x", 1, 2, None, None]])
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
        names = set(z.namelist())
    assert {"xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml",
            "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"} <= names
    assert load_workbook(out)["Summary"]["A1"].value == "openpyxl cell"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.dates(date(1899, 12, 31), date(9999, 12, 31)),
                 st.datetimes(datetime(1899, 12, 31), datetime(9999, 12, 31))))
def test_serial_numbers_equal_openpyxls(value: date) -> None:
    assert serial(value) == pytest.approx(to_excel(value), abs=1e-9)
