"""Workbooks whose claims would make calamine allocate without bound: it
aborts the whole process (exit 134, a Rust backtrace; from the window, the
window goes) when an allocation fails, so each claim is checked before it
sees the file. Each file here is a few KB, generated; each import runs in a
child process (``run_import``) whose address space is capped as on an 8 GB
laptop, so that on code without the guard the child dies at once instead
of eating this machine's memory; with the guard it exits 2 with one line
naming the file, in bounded memory, and the database is exactly as it was.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from desktop_crm.services.importing import ImportFileError, open_source
from tests.unit.services.test_hostile_input import (
    _BOOK_PARTS,
    ROWS,
    assert_refused,
    full_dump,
    run_import,
    seeded,
    sheet_xml,
    strings_xml,
)

__all__ = ["seeded"]  # the fixture, used by name

LAPTOP_GIB = 8


def refused(tmp_path: Path, database: Path, path: Path, *words: str) -> None:
    before = full_dump(database)
    result = run_import(tmp_path, str(path), "--db", str(database),
                        address_space_gib=LAPTOP_GIB)
    assert_refused(result, path, *words)
    assert "Traceback" not in result["stderr"]
    assert full_dump(database) == before


def write_zip(path: Path, parts: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return path


def book_parts(strings_part: str = "xl/sharedStrings.xml", strings: str | None = None,
               sheet: str | None = None) -> dict[str, str]:
    return {**_BOOK_PARTS, "xl/worksheets/sheet1.xml": sheet or sheet_xml(),
            strings_part: strings or strings_xml()}


# -- .xlsx -------------------------------------------------------------------------------

def _claiming(count: str) -> str:
    return strings_xml().replace('uniqueCount="6"', f'uniqueCount="{count}"')


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "XL/SharedStrings.XML"])
def test_shared_strings_that_claim_two_billion(tmp_path: Path, seeded: Path,
                                               part: str) -> None:
    """A 5 KB .xlsx whose sharedStrings.xml says uniqueCount="2000000000":
    calamine reserves 48 GB before reading a string (tafia/calamine#684). It
    finds the part whatever its case, so the check does too."""
    path = write_zip(tmp_path / "claims.xlsx", book_parts(part, _claiming("2000000000")))
    assert path.stat().st_size < 5000
    refused(tmp_path, seeded, path, "xl/sharedStrings.xml" if part.islower() else part,
            "2,000,000,000 shared strings")


def test_shared_string_counts_real_files_write_still_import(tmp_path: Path) -> None:
    """An exact uniqueCount, none at all, or a count (references, not strings)
    far above the strings: what Excel, WPS and other writers put there."""
    for claim in ("6", ""):
        path = write_zip(tmp_path / f"ok{claim}.xlsx", book_parts(strings=strings_xml().replace(
            'uniqueCount="6"', f'uniqueCount="{claim}"' if claim else "")))
        assert open_source(path).table.rows[1:] == [["张伟", "13800138000"],
                                                    ["李娜", "13900139000"]]
    path = write_zip(tmp_path / "count.xlsx", book_parts(
        strings=strings_xml().replace('count="6"', 'count="900000"')))
    assert len(open_source(path).table.rows) == 3


def test_a_decoy_workbook_does_not_hide_the_sheet_calamine_reads(tmp_path: Path,
                                                                 seeded: Path) -> None:
    """``_rels/.rels`` sends calamine to book/workbook.xml, whose sheet has cells
    at A1 and XFD1048576 (a 550 GB grid), while a harmless xl/workbook.xml
    sits where the checks used to look."""
    far = sheet_xml(ROWS + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    parts = book_parts()
    for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml"):
        parts[name.replace("xl/", "book/")] = parts[name]
    parts["book/worksheets/sheet1.xml"] = far
    parts["_rels/.rels"] = parts["_rels/.rels"].replace("xl/workbook.xml", "book/workbook.xml")
    path = write_zip(tmp_path / "decoy.xlsx", parts)
    refused(tmp_path, seeded, path, "1,048,576 rows")


# -- .xls ---------------------------------------------------------------------------------

_FREE, _END, _FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def compound_file(stream: bytes, difat_start: int = _END) -> bytearray:
    """An OLE2 file holding ``stream`` as "Workbook": sector 0 is the FAT,
    sector 1 the directory, then the stream (padded to 4,096 bytes so that it
    is not in the mini stream)."""
    stream = stream.ljust(max(4096, -(-len(stream) // 512) * 512), b"\0")
    count = len(stream) // 512
    fat = [_FATSECT, _END] + [2 + i + 1 if i < count - 1 else _END for i in range(count)]
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                         bytes(16), 0x3E, 3, 0xFFFE, 9, 6, bytes(6), 0, 1, 1, 0, 4096, _END, 0,
                         difat_start, 0 if difat_start == _END else 1)
    header += struct.pack("<109I", 0, *[_FREE] * 108)

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = (name + "\0").encode("utf-16-le") if name else b""
        return struct.pack("<64sHBBIII16sIQQIQ", raw, len(raw), kind, 1, _FREE, _FREE, child,
                           bytes(16), 0, 0, 0, start, size)

    directory = (entry("Root Entry", 5, 1, _END, 0) + entry("Workbook", 2, _FREE, 2, len(stream))
                 + entry("", 0, _FREE, _FREE, 0) * 2)
    return bytearray(header + struct.pack("<128I", *fat, *[_FREE] * (128 - len(fat)))
                     + directory + stream)


def record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def biff8(rows: list[list[str]], dimensions: tuple[int, int, int, int] | None = None,
          extra: bytes = b"") -> bytes:
    """A BIFF8 Workbook stream: one sheet 客户 of shared strings, ``extra``
    records before its end."""
    strings = sorted({s for row in rows for s in row})
    sst = struct.pack("<II", len(strings), len(strings)) + b"".join(
        struct.pack("<HB", len(s), 1) + s.encode("utf-16-le") for s in strings)
    dims = dimensions or (0, len(rows), 0, max(len(r) for r in rows))
    sheet = (record(0x0809, struct.pack("<HHHHII", 0x0600, 0x10, 0x0DBB, 0x07CC, 0, 6))
             + record(0x0200, struct.pack("<IIHHH", *dims, 0))
             + b"".join(record(0x00FD, struct.pack("<HHHI", r, c, 0, strings.index(s)))
                        for r, row in enumerate(rows) for c, s in enumerate(row))
             + extra + record(0x000A))

    def book(pos: int) -> bytes:
        name = "客户".encode("utf-16-le")
        return (record(0x0809, struct.pack("<HHHHII", 0x0600, 0x05, 0x0DBB, 0x07CC, 0, 6))
                + record(0x0042, struct.pack("<H", 1200))
                + record(0x0085, struct.pack("<IBBBB", pos, 0, 0, 2, 1) + name)
                + record(0x00FC, sst) + record(0x000A))

    return book(len(book(0))) + sheet


XLS_ROWS = [["姓名", "手机"], ["张伟", "13800138000"], ["李娜", "13900139000"]]


def test_a_generated_xls_imports(tmp_path: Path) -> None:
    """The builder below writes what calamine reads: the hostile files differ
    from this one in a single claim each."""
    path = tmp_path / "ok.xls"
    path.write_bytes(compound_file(biff8(XLS_ROWS)))
    source = open_source(path)
    assert source.format == "xls" and source.table.rows == XLS_ROWS


def _looping_directory() -> bytearray:
    data = compound_file(biff8(XLS_ROWS))
    struct.pack_into("<I", data, 512 + 4 * 1, 1)  # the directory's sector is followed by itself
    return data


def _looping_difat() -> bytearray:
    data = compound_file(biff8(XLS_ROWS), difat_start=2)
    struct.pack_into("<I", data, 512 * 3 + 508, 2)  # the DIFAT sector's next is itself
    return data


XLS_BOMBS = {
    # DIMENSIONS claims 4 billion rows: calamine reserves 43 TB for the cells
    "dimensions.xls": (lambda: compound_file(biff8(XLS_ROWS, (0, 0xFFFFFFF0, 0, 255))),
                       "claims more cells than an .xls sheet can hold"),
    # a cell at column 65,536 (cell records have 16 bits; the format 256 columns): 137 GB
    "far-cell.xls": (lambda: compound_file(biff8(XLS_ROWS, extra=record(
        0x00FD, struct.pack("<HHHI", 65535, 65535, 0, 0)))), "65,536 rows by 65,536 columns"),
    # the same through a formula, which gets a grid of its own
    "far-formula.xls": (lambda: compound_file(biff8(XLS_ROWS, extra=record(
        0x0006, struct.pack("<HHH8sHI", 65535, 65535, 0, struct.pack("<d", 1.0), 0, 0)
        + b"\x03\x00\x1e\x01\x00"))), "65,536 rows by 65,536 columns"),
    "directory-loop.xls": (_looping_directory, "a sector chain loops"),
    "difat-loop.xls": (_looping_difat, "a sector chain loops"),
}


@pytest.mark.parametrize("name", sorted(XLS_BOMBS))
def test_xls_claims_are_checked_before_calamine(tmp_path: Path, seeded: Path,
                                                name: str) -> None:
    build, words = XLS_BOMBS[name]
    path = tmp_path / name
    path.write_bytes(build())
    assert path.stat().st_size < 10_000
    refused(tmp_path, seeded, path, words)


def test_a_sheet_past_the_end_of_the_workbook_stream(tmp_path: Path) -> None:
    stream = bytearray(biff8(XLS_ROWS))
    struct.pack_into("<I", stream, 4 + 16 + 6 + 4, 1 << 30)  # BoundSheet8's offset
    path = tmp_path / "past.xls"
    path.write_bytes(compound_file(bytes(stream)))
    with pytest.raises(ImportFileError, match=r"past\.xls is damaged .*starts past the end"):
        open_source(path)


def test_a_panic_in_calamine_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pyo3 raises a Rust panic as PanicException, which is no Exception: it
    must still end as "damaged", not as a traceback (KeyboardInterrupt still
    goes through)."""
    import python_calamine

    class PanicException(BaseException):  # pyo3_runtime's is not importable by name
        pass

    def panic(*_args: object) -> None:
        raise PanicException("range start index 1073741824 out of range")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", panic)
    path = tmp_path / "panic.xls"
    path.write_bytes(compound_file(biff8(XLS_ROWS)))
    with pytest.raises(ImportFileError, match=r"panic\.xls is damaged .*range start index"):
        open_source(path)

    def interrupt(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", interrupt)
    with pytest.raises(KeyboardInterrupt):
        open_source(path)
