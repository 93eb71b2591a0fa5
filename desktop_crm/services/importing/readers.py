"""Reading an import file into rows of cell values.

The format is decided from the file's bytes, never from its name: a zip with
``xl/workbook.xml`` is .xlsx, an OLE2 compound file is legacy .xls (or an
encrypted Office file), a zip with the OpenDocument mimetype is .ods,
``BEGIN:VCARD`` is a vCard file, other text is CSV. Spreadsheets are read
with python-calamine (about ten times faster than openpyxl in read-only mode
and the only one of the two that reads .xls and .ods), vCards with vobject.

Hostile and absurd files (zip bombs, entity bombs, sheets whose cells span a
million rows, 50 MB CSVs) are refused with one clear line before a parser
sees them; the limits and why they are where they are: ``guards.py``.
Control characters (a NUL from a broken export) are dropped from every value.
"""

from __future__ import annotations

import codecs
import csv
import io
import mmap
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from desktop_crm.domain import import_mapping as im
from desktop_crm.i18n import _
from desktop_crm.services.importing import biff, guards, origin, utf16, vcard_charsets
from desktop_crm.services.importing.errors import ImportFileError
from desktop_crm.services.importing.table import (
    CSV,
    ODS,
    VCF,
    XLS,
    XLSX,
    SheetOrder,
    SourceTable,
)
from desktop_crm.services.importing.vcards import read_vcards
from desktop_crm.storage import held_files

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"




def detect_format(data: bytes) -> str | None:
    """The import format of a file's first bytes (a few KB), or None."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(_OLE2):
        return XLS
    if head.startswith(_ZIP):
        return XLSX  # or ods: told apart by the zip's members
    wide = utf16.encoding_of(data)
    if wide is not None:
        text = utf16.trim(data[:utf16.SAMPLE], wide).decode(wide, "replace")
        return VCF if _VCARD_START.match(text) else CSV
    if head[:11].upper() == b"BEGIN:VCARD":
        return VCF
    if _looks_like_text(data):
        if re.match(rb"\s*BEGIN:VCARD", data.lstrip(b"\xef\xbb\xbf"), re.IGNORECASE):
            return VCF
        return CSV
    return None


_VCARD_START = re.compile(r"[\s\ufeff]*BEGIN:VCARD", re.IGNORECASE)


def _looks_like_text(data: bytes) -> bool:
    sample = data[:utf16.SAMPLE]
    # a stray NUL or two from a broken export is text (they are dropped);
    # a binary file has far more (UTF-16 is told apart before: utf16.py)
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return controls <= max(len(sample) // 100, 4)


def detect_encoding(data: bytes, path: Path) -> str:
    """UTF-16 (LE or BE, with or without BOM: ``utf16.py``), UTF-8 with or
    without BOM, else GB18030 (a superset of GBK and GB2312, which Chinese
    Excel and WPS write). Checked in chunks, without holding the decoded
    text; a UTF-16 character cut off at the end of the file is left out
    (``utf16.trim``: read_file and decode_text drop it)."""
    wide = utf16.encoding_of(data)
    if wide is not None:
        candidates = [wide]
        data = utf16.trim(data, wide)
    elif data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    else:
        candidates = ["utf-8", "gb18030"]
    view = memoryview(data)
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), 1 << 20):
                decoder.decode(view[start:start + (1 << 20)])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            if wide is not None:
                raise _damaged_utf16(path, data, wide) from exc
            continue
        return encoding
    raise ImportFileError(_("{path}: the text is neither UTF-8 nor GBK/GB18030", path=path.name))


def _damaged_utf16(path: Path, data: bytes, encoding: str) -> ImportFileError:
    """The line (1-based) of the first thing that is not UTF-16, such as a
    lone surrogate: found again over the whole text (only when it fails)."""
    try:
        data.decode(encoding)
        offset = len(data)
    except UnicodeDecodeError as exc:
        offset = exc.start
    line = data[:offset].decode(encoding, "replace").count("\n") + 1
    return ImportFileError(_("{path} is UTF-16 text, but line {row} is damaged and "
                             "cannot be read", path=path.name, row=line))


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """(text, encoding), see detect_encoding."""
    encoding = detect_encoding(data, path)
    return utf16.trim(data, encoding).decode(encoding), encoding


def _vcard_text(data: bytes, path: Path) -> tuple[str, str]:
    """(text, encoding) of a vCard file: decoded property by property when
    its properties name charsets (``vcard_charsets``), else as a whole."""
    if utf16.encoding_of(data) is None and vcard_charsets.declares_charsets(data):
        return vcard_charsets.decode_by_property(data)
    return decode_text(data, path)


def read_file(path: Path, sheet: str | None = None,
              sheet_order: SheetOrder = im.client_sheets_first) -> SourceTable:
    """Read ``path`` into a SourceTable. Raises ImportFileError with one clear
    line (not a spreadsheet, encrypted, damaged, empty, too large) when it cannot.
    Without ``sheet``, a workbook's first non-empty sheet in ``sheet_order``
    is read (sheets named like a client list first, by default).

    The database this process has open (or its -wal or -shm) is refused
    before a byte is read: opening it here would drop SQLite's locks on it."""
    try:
        held_files.refuse_held(path)
    except held_files.HeldFileError as exc:
        raise ImportFileError(str(exc)) from None
    try:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            head = fh.read(65536)
            # a byte-order mark (UTF-8 or UTF-16) and white space: blank
            blank = size <= len(head) and not head.strip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00")
            kind = "" if blank else detect_format(head)
            limit = guards.MAX_TEXT_BYTES if kind in (CSV, VCF) else \
                guards.MAX_SPREADSHEET_BYTES
            if kind in (CSV, VCF) and utf16.encoding_of(head):
                limit *= 2  # as many characters: UTF-16 takes two bytes for ASCII
            if kind and size > limit:
                raise guards.too_large(path, size, limit)
            data = head
            # a zip (.xlsx, .ods) is read part by part from the file, never held
            # whole: 190 MB for a 100,000-client workbook, and calamine would copy it
            if kind and kind != XLSX and size > len(head):
                fh.seek(0)
                data = fh.read()
    except FileNotFoundError:
        raise ImportFileError(_("{path}: no such file", path=path)) from None
    except IsADirectoryError:
        raise ImportFileError(_("{path} is a folder, not a file", path=path)) from None
    except OSError as exc:
        raise ImportFileError(_("Cannot read {path}: {reason}", path=path,
                                reason=exc.strerror or exc)) from exc
    if kind == "":
        raise ImportFileError(_("{path} is empty", path=path.name))
    if kind is None:
        raise ImportFileError(_("{path} is not a spreadsheet, CSV or vCard file",
                                path=path.name))
    try:
        if kind == XLS:
            if _ENCRYPTED_STREAM in data:
                raise _encrypted(path)
            biff.check_xls(path, data)
            return _read_workbook(path, data, XLS, sheet, sheet_order=sheet_order)
        if kind == XLSX:
            return _read_zip(path, sheet, sheet_order)
        if kind == VCF:
            return read_vcards(path, *_vcard_text(data, path))
        encoding = detect_encoding(data, path)
        return _read_csv(path, utf16.trim(data, encoding), encoding)
    except MemoryError:
        raise ImportFileError(_("{path} is too large to import: split it into smaller files",
                                path=path.name)) from None


def _encrypted(path: Path) -> ImportFileError:
    return ImportFileError(_("{path} is protected by a password: open it in Excel or WPS, "
                             "remove the password and save it again", path=path.name))


def _read_zip(path: Path, sheet: str | None,
              sheet_order: SheetOrder = im.client_sheets_first) -> SourceTable:
    try:
        with path.open("rb") as fh:
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
                guards.check_directory(path, view)  # reads the end record only
            with zipfile.ZipFile(fh) as archive:
                return _read_archive(path, archive, sheet, sheet_order)
    # zlib.error: a part's deflate stream is broken (bytes changed in it)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError,
            NotImplementedError) as exc:
        raise _damaged(path, str(exc)) from exc


def _read_archive(path: Path, archive: zipfile.ZipFile, sheet: str | None,
                  sheet_order: SheetOrder) -> SourceTable:
    names = set(archive.namelist())
    if "EncryptedPackage" in names or any(i.flag_bits & 1 for i in archive.infolist()):
        raise _encrypted(path)
    if "xl/workbook.bin" in names:
        # Binary workbooks get none of the checks below (their cells are
        # binary records), and calamine aborts the process on an absurd
        # one: Excel and WPS save the same workbook as .xlsx.
        raise ImportFileError(_(
            "{path} is a binary Excel workbook (.xlsb), which is not read: save "
            "it as .xlsx in Excel or WPS and import that", path=path.name))
    if "xl/workbook.xml" in names:
        kind = XLSX
    elif "content.xml" in names or (
            "mimetype" in names and archive.getinfo("mimetype").file_size < 100
            and archive.read("mimetype").strip() == _ODS_MIME):
        kind = ODS
    else:
        raise ImportFileError(_("{path} is a zip file but not a spreadsheet",
                                path=path.name))
    guards.check_parts(path, archive)
    if kind == ODS:
        _check_crcs(path, archive, set())
        guards.check_xml_prologs(path, archive)
        guards.check_ods(path, archive)
        return _read_workbook(path, None, kind, sheet, sheet_order=sheet_order)
    parts = guards.xlsx_sheet_parts(path, archive)
    # The worksheets' parts are checked when they are read (below, and a
    # part read to its end has its CRC checked): the other sheets of a
    # 100,000-client workbook are most of its bytes and are never read.
    _check_crcs(path, archive, {p for found in parts.values() for p in found})
    guards.check_xml_prologs(path, archive)
    guards.check_shared_strings(path, archive)

    def check_sheet(name: str) -> None:
        # not found the way calamine finds it: check every XML part
        for part in parts.get(name) or [n for n in names if n.lower().endswith(".xml")]:
            guards.check_xlsx_sheet(path, archive, part, name)  # reads it to the end

    table = _read_workbook(path, None, kind, sheet, check_sheet, sheet_order)
    table.database_uuid = origin.workbook_database_uuid(archive)
    return table


def _check_crcs(path: Path, archive: zipfile.ZipFile, skipped: set[str]) -> None:
    """``ZipFile.testzip`` of the parts but the ``skipped`` ones: each is
    inflated and its CRC compared; a damaged one is refused."""
    for info in archive.infolist():
        if info.filename in skipped:
            continue
        try:
            with archive.open(info) as part:
                while part.read(1 << 20):
                    pass
        except (zipfile.BadZipFile, zlib.error):
            raise _damaged(path, info.filename) from None


# Cell classes kept once per value: none of them equals a value of another
# (unlike 1, 1.0 and True, which are kept as they are)
_SHARED = frozenset({str, datetime, date, time})


class _Shared:
    """Each distinct cell value of a file once: ``keep(v)`` is the first
    value equal to ``v`` seen (``v`` itself the first time)."""

    def __init__(self) -> None:
        self._seen: dict[Any, Any] = {}
        self.setdefault = self._seen.setdefault  # keep(v) is setdefault(v, v)

    def keep(self, value: Any) -> Any:
        return self._seen.setdefault(value, value)


def _damaged(path: Path, reason: str) -> ImportFileError:
    return ImportFileError(_("{path} is damaged or incomplete and cannot be read ({reason})",
                             path=path.name, reason=reason))


def _calamine_error(exc: BaseException) -> bool:
    """An error calamine raised for a bad file: an Exception, or a Rust panic,
    which pyo3 raises as PanicException, a BaseException (a sheet offset past
    the end of an .xls stream was one, before ``biff.py``)."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _read_workbook(path: Path, data: bytes | None, kind: str, sheet: str | None,
                   check_sheet: Any = None,
                   sheet_order: SheetOrder = im.client_sheets_first) -> SourceTable:
    """Read with calamine; ``check_sheet(name)`` runs before a sheet is loaded
    (the load itself aborts the process on an absurd grid)."""
    import python_calamine as calamine

    try:
        book = (calamine.CalamineWorkbook.from_path(str(path)) if data is None
                else calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)))
    except calamine.PasswordError:
        raise _encrypted(path) from None
    except BaseException as exc:  # calamine raises several error types for bad files
        if not _calamine_error(exc):
            raise
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise _encrypted(path) from exc
        raise _damaged(path, str(exc).splitlines()[0] if str(exc) else type(exc).__name__) \
            from exc
    has_control = guards.CONTROL.search
    try:
        visible = [m.name for m in book.sheets_metadata
                   if str(m.visible).lower().endswith("visible") and
                   str(m.typ).lower().endswith("worksheet")] or list(book.sheet_names)
        if sheet is not None and sheet not in book.sheet_names:
            raise ImportFileError(_("{path} has no sheet named {sheet}", path=path.name,
                                    sheet=sheet))
        chosen = sheet
        rows: list[list[Any]] = []
        first_row = 1
        for name in [sheet] if sheet is not None else sheet_order(visible):
            assert name is not None
            if check_sheet is not None:
                check_sheet(name)
            ws = book.get_sheet_by_name(name)
            guards.check_dimensions(path, name, ws.height, ws.width)
            # calamine makes a new object of every cell; a sheet repeats its
            # text and dates (an owner, a city, a category, a day) on many
            # rows: each value is kept once (100,000 exported clients: 168 MB
            # of text became 47 MB). isprintable() first: a C check, ten times
            # cheaper than the regex, and true for all but text with line
            # breaks, tabs or control characters
            # Each row is copied to a list of its exact length: one built by
            # appending has room for 52 cells when it holds 41 (9 MB).
            # _Shared's dictionary, its setdefault called straight (one C call a cell)
            keep = _Shared().setdefault
            rows = [list([None if v is None or v == "" else
                          v if v.__class__ not in _SHARED else
                          keep(v, v) if v.__class__ is not str or v.isprintable()
                          or not has_control(v)
                          else guards.strip_controls(v) or None
                          for v in r]) for r in ws.iter_rows()]
            start = ws.start
            del ws, keep  # the sheet's own copy of the cells: let go before the next step
            first_row = (start[0] + 1) if start else 1
            chosen = name
            if any(any(v is not None for v in r) for r in rows):
                break
    except ImportFileError:
        raise
    except BaseException as exc:
        if not _calamine_error(exc):
            raise
        raise _damaged(path, str(exc).splitlines()[0] if str(exc) else type(exc).__name__) \
            from exc
    finally:
        book.close()
    return SourceTable(path, kind, rows, first_row=first_row, sheet=chosen or "",
                       sheet_names=list(book.sheet_names))


def _lines(path: Path, data: bytes, encoding: str, delimiter: str) -> Iterator[str]:
    """The text's lines as csv.reader wants them (newline=""), decoded as they
    are read (the whole text is never held). A line with more separators than
    Excel has columns (16,384) is refused before csv splits it."""
    for number, line in enumerate(io.TextIOWrapper(io.BytesIO(data), encoding=encoding,
                                                   newline=""), 1):
        if len(line) > guards.MAX_COLUMNS and line.count(delimiter) >= guards.MAX_COLUMNS:
            raise ImportFileError(_(
                "{path}: line {row} has more than {limit} columns, more than any "
                "spreadsheet allows", path=path.name, row=number,
                limit=f"{guards.MAX_COLUMNS:,}"))
        yield line


def _read_csv(path: Path, data: bytes, encoding: str) -> SourceTable:
    sample = data[:65536].decode(encoding, "ignore")
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    dirty = utf16.is_utf16(encoding) or guards.CONTROL_BYTES.search(data) is not None
    rows: list[list[Any]] = []
    widest = 0
    keep = _Shared().keep  # each distinct text once, as in a workbook
    try:
        for record in csv.reader(_lines(path, data, encoding, dialect.delimiter), dialect):
            if dirty:
                record = [guards.strip_controls(v) for v in record]
            rows.append([keep(v) if v.strip() else None for v in record])
            widest = max(widest, len(record))
            if len(rows) > guards.MAX_ROWS:
                raise guards.too_many_rows(path)
            if len(rows) * widest > guards.MAX_CELLS:
                guards.check_dimensions(path, "", len(rows), widest)
    except csv.Error as exc:
        raise ImportFileError(_("{path} is not a valid CSV file ({reason})", path=path.name,
                                reason=exc)) from exc
    return SourceTable(path, CSV, rows, encoding=encoding)
