"""Limits that keep a hostile or absurd import file from exhausting memory,
hanging or crashing the app, checked on the bytes before a parser sees them.

python-calamine (Rust) holds a sheet in memory as a dense grid and, when the
grid cannot be allocated, aborts the whole process (no Python exception to
catch): a 2 KB .xlsx with cells at A1 and XFD1048576 asks for 550 GB, and a
4 MB zip whose sheet unpacks to 4 GB asks for 8.5 GB. So the zip directory,
the XML prologs and the sheets' cell references are checked here first,
and the counts calamine reserves room for before reading (a shared-strings
part's uniqueCount; the claims of an .xls, in ``biff.py``).

The limits sit well above real files (the app is built for 100,000-row
sheets, and its own export of 100,000 clients must import again) and well
below what exhausts a laptop (an import holds about 9 KB per row until it
commits: 150,000 rows peak near 1.4 GB):

- MAX_ROWS: 150,000 rows (or vCard contacts) per file;
- MAX_CELLS: 8,000,000 cells in the grid of a sheet (150,000 rows of 52
  columns; the app's Clients sheet has 38);
- MAX_TEXT_BYTES: 64 MB of CSV or vCard (150,000 rows of 38 columns take
  about 45 MB as CSV; phones' vCards carry photos, which are skipped);
- MAX_VCARD_LINE: 256 K characters in one (unfolded) vCard line once
  photos, logos, sounds and keys are dropped: vobject holds about 150 times
  a line while it parses it (a 10 MB line took 1.5 GB), and the longest
  field the app keeps is 20,000 characters;
- MAX_SPREADSHEET_BYTES: 256 MB of .xlsx, .xls or .ods;
- MAX_PART_BYTES: 512 MB unpacked for one part of a zip (a 150,000-row sheet
  of 38 columns with inline strings is about 370 MB; calamine holds twice a
  part's size while it reads it); MAX_UNPACKED_BYTES: 2 GB for all parts
  (the app's own seven-sheet workbook of 100,000 clients is far below);
- MAX_RATIO: a part over 1 MB packed more than 100 times is a bomb, not a
  sheet (Apache POI's ZipSecureFile default; real sheets pack 10-20 times);
- MAX_DIRECTORY_BYTES: 4 MB of zip directory (Python reads it whole; an
  Excel file's is a few KB).
"""

from __future__ import annotations

import mmap
import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any

from desktop_crm.i18n import _
from desktop_crm.services.importing.errors import ImportFileError

MB = 1 << 20
MAX_ROWS = 150_000
MAX_CELLS = 8_000_000
MAX_COLUMNS = 16_384  # Excel's
MAX_TEXT_BYTES = 64 * MB
MAX_VCARD_LINE = 256 * 1024
MAX_SPREADSHEET_BYTES = 256 * MB
MAX_PART_BYTES = 512 * MB
MAX_UNPACKED_BYTES = 2048 * MB
MAX_RATIO = 100
RATIO_FREE_BYTES = 1 * MB
MAX_DIRECTORY_BYTES = 4 * MB
# workbook.xml and its relationships are parsed in Python: a few KB in real files
_MAX_BOOK_PART_BYTES = 16 * MB
_CHUNK = 4 * MB


def _mb(size: int) -> str:
    return f"{size / MB:,.0f}" if size >= 10 * MB else f"{size / MB:,.1f}"


def too_large(path: Path, size: int, limit: int) -> ImportFileError:
    return ImportFileError(_(
        "{path} is {size} MB: files over {limit} MB cannot be imported; "
        "split it into smaller files", path=path.name, size=_mb(size), limit=_mb(limit)))


def too_many_rows(path: Path, rows: int | None = None) -> ImportFileError:
    if rows is None:
        return ImportFileError(_(
            "{path} has more than {limit} rows: at most {limit} rows can be imported at "
            "once; split it into smaller files", path=path.name, limit=f"{MAX_ROWS:,}"))
    return ImportFileError(_(
        "{path} has {rows} rows: at most {limit} rows can be imported at once; "
        "split it into smaller files", path=path.name, rows=f"{rows:,}",
        limit=f"{MAX_ROWS:,}"))


def check_dimensions(path: Path, sheet: str, rows: int, columns: int) -> None:
    """Refuse a sheet of more than MAX_ROWS rows or MAX_CELLS cells."""
    if rows > MAX_ROWS:
        raise too_many_rows(path, rows)
    if rows * columns > MAX_CELLS and not sheet:
        raise ImportFileError(_(
            "{path} spans {rows} rows by {columns} columns; at most {limit} cells can be "
            "imported at once", path=path.name, rows=f"{rows:,}", columns=f"{columns:,}",
            limit=f"{MAX_CELLS:,}"))
    if rows * columns > MAX_CELLS:
        raise ImportFileError(_(
            "{path}: sheet {sheet} spans {rows} rows by {columns} columns; at most "
            "{limit} cells can be imported at once", path=path.name, sheet=sheet,
            rows=f"{rows:,}", columns=f"{columns:,}", limit=f"{MAX_CELLS:,}"))


# -- control characters ---------------------------------------------------------------

# C0 controls except tab, line feed and carriage return: never meant as text (a NUL
# from a broken export), and XML, hence .xlsx and .ods exports, cannot hold them.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def strip_controls(text: str) -> str:
    """``text`` without control characters; vertical tab and form feed, which
    FileMaker and old Mac programs write for a line break in a cell, become one."""
    return CONTROL.sub("", text.replace("\x0b", "\n").replace("\x0c", "\n"))


# -- zip containers (.xlsx, .ods) -----------------------------------------------------

def directory_size(data: bytes | mmap.mmap) -> int:
    """The size of a zip's central directory from its end record (0 when not
    found: zipfile then reports the damage)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return 0
    size = int.from_bytes(data[end + 12:end + 16], "little")
    locator = end - 20
    if size == 0xFFFFFFFF and locator >= 0 and data[locator:locator + 4] == b"PK\x06\x07":
        offset = int.from_bytes(data[locator + 8:locator + 16], "little")
        if data[offset:offset + 4] == b"PK\x06\x06":
            size = int.from_bytes(data[offset + 40:offset + 48], "little")
    return size


def check_directory(path: Path, data: bytes | mmap.mmap) -> None:
    if directory_size(data) > MAX_DIRECTORY_BYTES:
        raise ImportFileError(_(
            "{path} lists more files inside it than any spreadsheet; it is not read",
            path=path.name))


def check_parts(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse a zip whose directory announces a bomb (a part or the whole
    unpacking beyond the limits, or packed beyond MAX_RATIO), or compression
    no spreadsheet program writes. Reads nothing but the directory."""
    total = 0
    for info in archive.infolist():
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ImportFileError(_(
                "{path} is damaged or incomplete and cannot be read ({reason})",
                path=path.name, reason=f"{info.filename}: compression {info.compress_type}"))
        size = info.file_size
        total += size
        if size > MAX_PART_BYTES or total > MAX_UNPACKED_BYTES:
            raise ImportFileError(_(
                "{path} would unpack to more than {limit} MB ({part}: {size} MB); it may be "
                "a zip bomb and is not read", path=path.name,
                limit=_mb(MAX_PART_BYTES if size > MAX_PART_BYTES else MAX_UNPACKED_BYTES),
                part=info.filename, size=_mb(size if size > MAX_PART_BYTES else total)))
        if size > RATIO_FREE_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
            raise ImportFileError(_(
                "{path}: {part} is packed {ratio} times, far more than any spreadsheet; it "
                "may be a zip bomb and is not read", path=path.name, part=info.filename,
                ratio=f"{size // max(info.compress_size, 1):,}"))


_ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")


def check_xml_prologs(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse XML parts that declare a document type: spreadsheet programs never
    write one, and it is how entity bombs (billion laughs) and external
    entities come in. (calamine also refuses entities it does not know; this
    check gives the clear message and does not depend on the parser.)"""
    for info in archive.infolist():
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        with archive.open(info) as fh:
            head = fh.read(65_536)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            head = head.decode("utf-16", "ignore").encode("utf-8")
        root = _ROOT_ELEMENT.search(head)
        prolog = head if root is None else head[:root.start()]
        if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
            raise ImportFileError(_(
                "{path}: {part} declares XML entities, which spreadsheets never do; the "
                "file is not read", path=path.name, part=info.filename))


def _defused() -> Any:
    """defusedxml's ElementTree; reading a workbook without it is refused."""
    try:
        from defusedxml import ElementTree
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    return ElementTree


def _parse(path: Path, archive: zipfile.ZipFile, name: str) -> Any:
    """A small XML part parsed with defusedxml (which forbids DTDs and entities)."""
    tree = _defused()
    if tree is None:
        raise ImportFileError(_(
            "Cannot read {path}: the defusedxml package is missing; reinstall Desktop CRM",
            path=path.name))
    info = archive.getinfo(name)
    if info.file_size > _MAX_BOOK_PART_BYTES:
        raise ImportFileError(_("{path} is damaged or incomplete and cannot be read ({reason})",
                                path=path.name, reason=name))
    try:
        return tree.fromstring(archive.read(info), forbid_dtd=True)
    except Exception as exc:  # ParseError, defusedxml's DTDForbidden and the like
        raise ImportFileError(_(
            "{path} is damaged or incomplete and cannot be read ({reason})", path=path.name,
            reason=f"{name}: {type(exc).__name__}")) from exc


def _lookup(archive: zipfile.ZipFile) -> dict[str, list[str]]:
    """Lower-cased part name (``\\`` read as ``/``) -> the parts so named: calamine
    finds parts that way."""
    found: dict[str, list[str]] = {}
    for name in archive.namelist():
        found.setdefault(name.replace("\\", "/").lower(), []).append(name)
    return found


def _office_dir(path: Path, archive: zipfile.ZipFile, lookup: dict[str, list[str]]) -> str:
    """The folder calamine reads the workbook from: that of the last
    officeDocument relationship in ``_rels/.rels`` ("xl/" in every real file)."""
    folder = "xl/"
    for name in lookup.get("_rels/.rels", [])[-1:]:
        for rel in _parse(path, archive, name):
            kind = rel.get("Type") or ""
            if str(rel.tag).endswith("Relationship") and \
                    kind.endswith("/relationships/officeDocument") and rel.get("Target"):
                target = rel.get("Target") or ""
                folder = target[:target.rfind("/") + 1].removeprefix("/")
    return folder


def xlsx_sheet_parts(path: Path, archive: zipfile.ZipFile) -> dict[str, list[str]]:
    """Sheet name -> the zip parts calamine may read its cells from, found the
    way calamine finds them (the workbook's folder from ``_rels/.rels``, names
    compared without case), so that a decoy ``xl/workbook.xml`` cannot send the
    checks to other parts than calamine reads. Empty when the workbook is not
    laid out that way (calamine then reports)."""
    if _defused() is None:
        raise ImportFileError(_(
            "Cannot read {path}: the defusedxml package is missing; reinstall Desktop CRM",
            path=path.name))
    lookup = _lookup(archive)
    folder = _office_dir(path, archive, lookup)
    books = lookup.get(f"{folder}workbook.xml".lower(), [])
    rels = lookup.get(f"{folder}_rels/workbook.xml.rels".lower(), [])
    if not books or not rels:
        return {}
    targets: dict[str | None, str] = {}
    for name in rels:
        targets |= {r.get("Id"): r.get("Target") or "" for r in _parse(path, archive, name)
                    if str(r.tag).endswith("Relationship")}
    parts: dict[str, list[str]] = {}
    for name in books:
        for element in _parse(path, archive, name).iter():
            if not str(element.tag).endswith("}sheet") and element.tag != "sheet":
                continue
            rid = next((v for k, v in element.attrib.items() if str(k).endswith("}id")), None)
            target = targets.get(rid, "")
            if not target:
                continue
            literal = target[1:] if target.startswith("/") else folder + target
            candidates = {literal.lower(), posixpath.normpath(literal).lower()}
            parts.setdefault(element.get("name") or "", []).extend(
                p for c in sorted(candidates) for p in lookup.get(c, []))
    return parts


# Every <si> takes at least five bytes ("<si/>").
_MIN_SI_BYTES = 5
_SST_TAG = re.compile(rb"<(?:[\w.-]+:)?sst(?=[\s/>])([^>]*)>")
_UNIQUE_COUNT = re.compile(rb"""uniqueCount\s*=\s*["']\s*\+?([0-9]+)""")


def check_shared_strings(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse shared strings whose ``uniqueCount`` claims more strings than the
    part can hold: calamine reserves room for that many before it reads one
    (``strings.reserve(n)``, 24 bytes each), and aborts the process when it
    cannot (uniqueCount="2000000000" in a 5 KB file asks for 48 GB:
    tafia/calamine#684). Every part named like shared strings is checked,
    wherever it sits and however its name is cased: calamine's lookup ignores case."""
    for info in archive.infolist():
        if not info.filename.replace("\\", "/").lower().endswith("sharedstrings.xml"):
            continue
        for chunk in _chunks(archive, info.filename):
            tag = _SST_TAG.search(chunk)
            if tag is None:
                continue
            claim = _UNIQUE_COUNT.search(tag.group(1))
            most = info.file_size // _MIN_SI_BYTES
            if claim and int(claim.group(1)) > most:
                raise ImportFileError(_(
                    "{path}: {part} claims {count} shared strings but has room for at most "
                    "{most}; the file is damaged and is not read", path=path.name,
                    part=info.filename, count=f"{int(claim.group(1)):,}",
                    most=f"{most:,}"))
            break


# -- the cells of a sheet ------------------------------------------------------------------

class Box:
    """The bounding box of the cells seen so far; refuses as soon as the grid
    calamine would allocate for it passes the limits."""

    def __init__(self, path: Path, sheet: str) -> None:
        self.path, self.sheet = path, sheet
        self.top = self.left = 1 << 62
        self.bottom = self.right = -1

    def add(self, row: int, col: int, rows: int = 1, cols: int = 1) -> None:
        self.top, self.left = min(self.top, row), min(self.left, col)
        self.bottom, self.right = max(self.bottom, row + rows - 1), max(self.right,
                                                                       col + cols - 1)

    def check(self) -> None:
        if self.bottom >= 0:
            check_dimensions(self.path, self.sheet, self.bottom - self.top + 1,
                             self.right - self.left + 1)


def _chunks(archive: zipfile.ZipFile, part: str) -> Any:
    """The part's bytes in chunks that end just before a ``<``, so that no tag
    is cut in two."""
    with archive.open(part) as fh:
        tail = b""
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                if tail:
                    yield tail
                return
            buffer = tail + chunk
            cut = buffer.rfind(b"<")
            if cut <= 0:
                tail = buffer
                continue
            yield buffer[:cut]
            tail = buffer[cut:]


# A cell in A1..AZ149999: with only such cells the grid is at most 149,999 x 52.
_SAFE_REF = rb"(?:[A-Z]|A[A-Z])(?:[1-9][0-9]{0,4}|1[0-4][0-9]{4})"
# Any cell that is not written <c r="SAFE"..., or a cell with a namespace prefix:
# two patterns, each starting with its literal, which re finds three times
# faster than their alternation (0.4 s, not 1.4 s, for a 156 MB sheet)
_UNUSUAL_CELLS = (re.compile(rb'<c(?: r="(?!' + _SAFE_REF + rb'")|(?! r=")[\s/>])'),
                  re.compile(rb":c[\s/>]"))
_XLSX_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb"""\br\s*=\s*["']\$?([A-Za-z]{0,3})\$?([0-9]{0,7})["']""")


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number - 1


def check_xlsx_sheet(path: Path, archive: zipfile.ZipFile, part: str, sheet: str) -> None:
    """Refuse a worksheet whose cells span more than MAX_ROWS rows or MAX_CELLS
    cells, before calamine allocates the grid. Real sheets (cells written
    ``<c r="B7"`` inside A1:AZ149999) pass with a fast scan (about 1 s for
    100,000 rows of 38 columns); any other sheet is walked cell by cell the
    way calamine places cells (a ``r`` reference, else the next column; a
    row's ``r``, else the next row), ignoring empty self-closing cells, which
    calamine skips."""
    if part not in archive.namelist():
        return
    if not any(unusual.search(chunk) for chunk in _chunks(archive, part)
               for unusual in _UNUSUAL_CELLS):
        return
    box = Box(path, sheet)
    row, col = -1, -1
    for chunk in _chunks(archive, part):
        for closing, tag, attrs in _XLSX_TAG.findall(chunk):
            if closing:
                continue
            ref = _REF.search(attrs)
            if tag == b"row":
                row = int(ref.group(2)) - 1 if ref and ref.group(2) else row + 1
                col = -1
                continue
            cell_row = row
            if ref and ref.group(1):
                col = _column_number(ref.group(1))
                if ref.group(2):
                    cell_row = int(ref.group(2)) - 1
            else:
                col += 1
            if not attrs.rstrip().endswith(b"/"):
                box.add(max(cell_row, 0), max(col, 0))
        box.check()


_ODS_TAG = re.compile(
    rb"<(/?)(?:[\w.-]+:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*)>")
_ROWS_REPEATED = re.compile(rb"""number-rows-repeated\s*=\s*["']([0-9]+)""")
_COLUMNS_REPEATED = re.compile(rb"""number-columns-repeated\s*=\s*["']([0-9]+)""")
_TABLE_NAME = re.compile(rb"""[\s:]name\s*=\s*["']([^"']*)""")


def _repeated(pattern: re.Pattern[bytes], attrs: bytes) -> int:
    found = pattern.search(attrs)
    return max(int(found.group(1)), 1) if found else 1


def check_ods(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse an .ods whose sheets span more than the limits once repeated rows
    and cells are spelled out (``number-rows-repeated="1000000"`` turns a few
    bytes into a million rows; calamine reads every sheet when it opens the
    file). Empty cells, which LibreOffice repeats to the sheet's edge, do not
    count."""
    if "content.xml" not in archive.namelist():
        return
    box: Box | None = None
    row, rows, col, row_right = 0, 1, 0, -1
    for chunk in _chunks(archive, "content.xml"):
        for closing, tag, attrs in _ODS_TAG.findall(chunk):
            empty = attrs.rstrip().endswith(b"/")
            if tag == b"table":
                if box is not None:
                    box.check()
                name = _TABLE_NAME.search(attrs)
                box = None if closing else Box(
                    path, name.group(1).decode("utf-8", "replace") if name else "")
                row = 0
                continue
            if box is None:
                continue
            if tag == b"table-row":
                if not closing:
                    rows, col, row_right = _repeated(_ROWS_REPEATED, attrs), 0, -1
                if closing or empty:
                    if row_right >= 0:
                        box.add(row, 0, rows, row_right + 1)
                    row += rows
                continue
            if closing:
                continue
            count = _repeated(_COLUMNS_REPEATED, attrs)
            if tag == b"table-cell" and (not empty or b"value-type" in attrs):
                row_right = col + count - 1
            col += count
        if box is not None:
            box.check()
