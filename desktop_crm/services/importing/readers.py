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

import base64
import binascii
import codecs
import csv
import io
import logging
import os
import quopri
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_crm.domain import import_mapping as im
from desktop_crm.domain.identity import parse_uuid
from desktop_crm.i18n import _
from desktop_crm.services.importing import biff, guards, origin
from desktop_crm.services.importing.errors import ImportFileError
from desktop_crm.storage import held_files

XLSX, XLS, ODS, CSV, VCF = "xlsx", "xls", "ods", "csv", "vcf"
SheetOrder = Callable[[Sequence[str]], list[str]]  # the order a workbook's sheets are tried
FORMATS = (XLSX, XLS, ODS, CSV, VCF)

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass
class SourceTable:
    """The cells of one sheet (or the contacts of a vCard file) as rows.

    Attributes:
        path: the file read.
        format: one of FORMATS.
        rows: cell values (str, float, int, bool, date, datetime or None).
        first_row: the file's row number of ``rows[0]`` (1-based).
        sheet: the sheet read ("" for csv and vcf).
        sheet_names: every sheet of a workbook, for a sheet chooser.
        encoding: the text encoding of a csv or vcf file.
        fixed_headers: header row index and mapping when the reader knows
            them (vCards), instead of detecting them.
        database_uuid: the UUID of the database a Desktop CRM workbook was
            exported from (its custom document property), else None.
        photos: a vCard's photo (the image file's bytes, not checked yet)
            by the index in ``rows`` of its contact.
    """

    path: Path
    format: str
    rows: list[list[Any]]
    first_row: int = 1
    sheet: str = ""
    sheet_names: list[str] = field(default_factory=list)
    encoding: str = ""
    fixed_mapping: dict[int, str] | None = None
    database_uuid: str | None = None
    photos: dict[int, bytes] = field(default_factory=dict)


def detect_format(data: bytes) -> str | None:
    """The import format of a file's first bytes (a few KB), or None."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(_OLE2):
        return XLS
    if head.startswith(_ZIP):
        return XLSX  # or ods: told apart by the zip's members
    if head[:11].upper() == b"BEGIN:VCARD":
        return VCF
    if _looks_like_text(data):
        text = data.lstrip(b"\xef\xbb\xbf")
        if text.startswith((b"\xff\xfe", b"\xfe\xff")):
            return CSV
        if re.match(rb"\s*BEGIN:VCARD", text, re.IGNORECASE):
            return VCF
        return CSV
    return None


def _looks_like_text(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = data[:8192]
    # a stray NUL or two from a broken export is text (they are dropped);
    # UTF-16 without a BOM or a binary file has far more
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return controls <= max(len(sample) // 100, 4)


def detect_encoding(data: bytes, path: Path) -> str:
    """UTF-8 with or without BOM, UTF-16 with BOM, else GB18030 (a superset of
    GBK and GB2312, which Chinese Excel and WPS write). Checked in chunks,
    without holding the decoded text."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    view = memoryview(data)
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), 1 << 20):
                decoder.decode(view[start:start + (1 << 20)])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportFileError(_("{path}: the text is neither UTF-8 nor GBK/GB18030", path=path.name))


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """(text, encoding), see detect_encoding."""
    encoding = detect_encoding(data, path)
    return data.decode(encoding), encoding


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
            blank = size <= len(head) and not head.strip(b"\xef\xbb\xbf \t\r\n\x00")
            kind = "" if blank else detect_format(head)
            limit = guards.MAX_TEXT_BYTES if kind in (CSV, VCF) else \
                guards.MAX_SPREADSHEET_BYTES
            if kind and size > limit:
                raise guards.too_large(path, size, limit)
            data = head
            if kind and size > len(head):
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
            return _read_zip(path, data, sheet, sheet_order)
        encoding = detect_encoding(data, path)
        if kind == VCF:
            return read_vcards(path, data.decode(encoding), encoding)
        return _read_csv(path, data, encoding)
    except MemoryError:
        raise ImportFileError(_("{path} is too large to import: split it into smaller files",
                                path=path.name)) from None


def _encrypted(path: Path) -> ImportFileError:
    return ImportFileError(_("{path} is protected by a password: open it in Excel or WPS, "
                             "remove the password and save it again", path=path.name))


def _read_zip(path: Path, data: bytes, sheet: str | None,
              sheet_order: SheetOrder = im.client_sheets_first) -> SourceTable:
    guards.check_directory(path, data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
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
            bad = archive.testzip()
            if bad is not None:
                raise _damaged(path, bad)
            guards.check_xml_prologs(path, archive)
            if kind == ODS:
                guards.check_ods(path, archive)
                return _read_workbook(path, data, kind, sheet, sheet_order=sheet_order)
            guards.check_shared_strings(path, archive)
            parts = guards.xlsx_sheet_parts(path, archive)

            def check_sheet(name: str) -> None:
                # not found the way calamine finds it: check every XML part
                for part in parts.get(name) or [n for n in names if n.lower().endswith(".xml")]:
                    guards.check_xlsx_sheet(path, archive, part, name)

            table = _read_workbook(path, data, kind, sheet, check_sheet, sheet_order)
            table.database_uuid = origin.workbook_database_uuid(archive)
            return table
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, NotImplementedError) as exc:
        raise _damaged(path, str(exc)) from exc


def _damaged(path: Path, reason: str) -> ImportFileError:
    return ImportFileError(_("{path} is damaged or incomplete and cannot be read ({reason})",
                             path=path.name, reason=reason))


def _calamine_error(exc: BaseException) -> bool:
    """An error calamine raised for a bad file: an Exception, or a Rust panic,
    which pyo3 raises as PanicException, a BaseException (a sheet offset past
    the end of an .xls stream was one, before ``biff.py``)."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _read_workbook(path: Path, data: bytes, kind: str, sheet: str | None,
                   check_sheet: Any = None,
                   sheet_order: SheetOrder = im.client_sheets_first) -> SourceTable:
    """Read with calamine; ``check_sheet(name)`` runs before a sheet is loaded
    (the load itself aborts the process on an absurd grid)."""
    import python_calamine as calamine

    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
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
            # isprintable() first: a C check, ten times cheaper than the regex,
            # and true for all but text with line breaks, tabs or control characters
            rows = [[None if v is None or v == "" else
                     v if v.__class__ is not str or v.isprintable() or not has_control(v)
                     else guards.strip_controls(v) or None
                     for v in r] for r in ws.iter_rows()]
            start = ws.start
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
    dirty = encoding == "utf-16" or guards.CONTROL_BYTES.search(data) is not None
    rows: list[list[Any]] = []
    widest = 0
    try:
        for record in csv.reader(_lines(path, data, encoding, dialect.delimiter), dialect):
            if dirty:
                record = [guards.strip_controls(v) for v in record]
            rows.append([v if v.strip() else None for v in record])
            widest = max(widest, len(record))
            if len(rows) > guards.MAX_ROWS:
                raise guards.too_many_rows(path)
            if len(rows) * widest > guards.MAX_CELLS:
                guards.check_dimensions(path, "", len(rows), widest)
    except csv.Error as exc:
        raise ImportFileError(_("{path} is not a valid CSV file ({reason})", path=path.name,
                                reason=exc)) from exc
    return SourceTable(path, CSV, rows, encoding=encoding)


# -- vCards ---------------------------------------------------------------------

_VCARD_FIELDS = (im.NAME, "company", "title", im.MOBILE, im.PHONE, "email", "wechat",
                 "website", "address", "home_address", "birthday", "notes", "tags", im.UUID)
# written by services/vcard_export.py: a lunar birthday as [YYYY]-MM-DD, LEAP=TRUE
_LUNAR_BIRTHDAY = "x-desktop-crm-lunar-birthday"
# what vobject never sees; a PHOTO within MAX_VCARD_PHOTO is kept aside and
# stands in the text as _PHOTO_REF (which a file's own lines cannot forge)
_PHOTO_REF = "X-DESKTOP-CRM-PHOTO-REF"
_BINARY_PROPS = ("PHOTO", "LOGO", "SOUND", "KEY", _PHOTO_REF)
MAX_VCARD_PHOTO = 2 * 1024 * 1024  # bytes, decoded: a phone's contact photo is far smaller
_MAX_PHOTO_BASE64 = (MAX_VCARD_PHOTO + 2) // 3 * 4


# A line that starts a property: a QUOTED-PRINTABLE value's soft line break
# ("=" at the end of a line) never joins one, so a truncated value cannot
# swallow the next property or END:VCARD. Upper case: how every program writes them.
_PROPERTY_START = re.compile(
    r"(?:[A-Za-z0-9-]+\.)?(?:BEGIN|END|VERSION|N|FN|TEL|EMAIL|ADR|LABEL|ORG|TITLE|ROLE|"
    r"NOTE|BDAY|ANNIVERSARY|URL|UID|REV|PHOTO|LOGO|SOUND|KEY|CATEGORIES|NICKNAME|GEO|TZ|"
    r"AGENT|MAILER|PRODID|SORT-STRING|CLASS|IMPP|GENDER|LANG|RELATED|MEMBER|KIND|SOURCE|"
    r"X-[A-Za-z0-9-]+)[;:]")


def _lines_of(text: str) -> Iterator[str]:
    """The lines of ``text`` one by one (CR LF, CR CR LF from iOS, CR or LF)."""
    for match in re.finditer(r"[^\r\n]*(?:\r\r\n|\r\n|\r|\n|$)", text):
        line = match.group().rstrip("\r\n")
        if line or match.group():
            yield line


def _decode_qp(value: str, params: str) -> str:
    """A QUOTED-PRINTABLE value in its CHARSET (UTF-8 when none is given, GBK
    when that fails: Chinese phones leave CHARSET out). A multi-byte character
    cut off at the end is dropped; broken escapes (``=ZZ``) stay as written."""
    charset = re.search(r"CHARSET=([\w-]+)", params)
    raw = quopri.decodestring(value.encode("ascii", "replace"))
    encoding = charset.group(1) if charset else "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":  # only the last character is cut off
            return raw.decode(encoding, "ignore")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode(encoding, "replace")


def _too_long(path: Path, number: int) -> ImportFileError:
    return ImportFileError(_(
        "{path}: line {row} is longer than {limit} characters, far longer than any "
        "contact field; the file is not read", path=path.name, row=number,
        limit=f"{guards.MAX_VCARD_LINE:,}"))


def _photo_data(params: str, pieces: list[str]) -> bytes | None:
    """The image of an inline PHOTO (base64, or a vCard 4 ``data:`` URI
    in base64); None for a link or what does not decode."""
    value = "".join(pieces)
    if value[:5].lower() == "data:":
        head, comma, value = value.partition(",")
        if not comma or ";base64" not in head.lower():
            return None
    elif "BASE64" not in params and "ENCODING=B" not in params:
        return None  # a URL: nothing is fetched
    try:
        return base64.b64decode(value) or None
    except (binascii.Error, ValueError):
        return None


def _normalise_vcard_21(path: Path, text: str,
                        photos: list[bytes] | None = None) -> str:
    """Rewrite what vobject cannot parse in vCard 2.1 files from phones and
    Outlook: QUOTED-PRINTABLE values with soft line breaks (decoded with their
    CHARSET). Blank lines are dropped too.

    vobject holds about 150 times the longest (unfolded) line while it parses
    it, so what it would only throw away is dropped here: logos, sounds and
    keys (not imported) with their folded or 2.1-style base64 lines and
    vCard 4 ``data:`` URIs, whatever their size. A photo goes the same way;
    with ``photos``, one of at most MAX_VCARD_PHOTO bytes is decoded into it
    and replaced by a ``_PHOTO_REF`` line holding its index (a larger one is
    dropped as it is read, never held). Any other line longer than
    guards.MAX_VCARD_LINE once unfolded refuses the file (naming the line):
    no contact field is near that long."""
    limit = guards.MAX_VCARD_LINE
    out: list[str] = []
    lines = enumerate(_lines_of(text), 1)
    item = next(lines, None)
    start, length = 0, 0  # the unfolded line being written out: its first line and size
    while item is not None:
        (number, current), item = item, next(lines, None)
        name_part, sep, value = current.partition(":")
        prop = name_part.split(";", 1)[0].split(".")[-1].upper()
        params = name_part.upper()
        if sep and prop in _BINARY_PROPS:
            # skip the folded (indented) or 2.1-style (until a blank line) data
            encoded = "BASE64" in params or "ENCODING=B" in params
            keep = photos is not None and prop == "PHOTO"
            size = len(value)
            pieces = [value.strip()] if keep and size <= _MAX_PHOTO_BASE64 else []
            while item is not None and (item[1][:1] in (" ", "\t") or (
                    encoded and item[1].strip() and ":" not in item[1])):
                if keep and size <= _MAX_PHOTO_BASE64:
                    piece = item[1].strip()
                    pieces.append(piece)
                    size += len(piece)
                item = next(lines, None)
            data = _photo_data(params, pieces) if keep and size <= _MAX_PHOTO_BASE64 else None
            if data is not None and photos is not None:
                out.append(f"{_PHOTO_REF}:{len(photos)}")
                photos.append(data)
            start = length = 0
            continue
        if sep and ("QUOTED-PRINTABLE" in params):
            pieces, size = [value], len(value)
            while pieces[-1].endswith("=") and item is not None \
                    and not _PROPERTY_START.match(item[1]):
                pieces[-1] = pieces[-1][:-1]
                pieces.append(item[1])
                size += len(item[1])
                if size > 3 * limit:  # "=E5" per byte: three characters for one
                    raise _too_long(path, number)
                item = next(lines, None)
            decoded = _decode_qp("".join(pieces), params)
            decoded = decoded.replace("\r\n", "\n").replace("\\", "\\\\").replace("\n", "\\n")
            name_part = ";".join(p for p in name_part.split(";")
                                 if not p.upper().startswith(("ENCODING", "CHARSET"))
                                 and p.upper() not in ("QUOTED-PRINTABLE",))
            current = f"{name_part}:{decoded}"
            start, length = number, 0
        elif current[:1] in (" ", "\t") and start:
            pass  # a folded line: part of the line before
        else:
            start, length = number, 0
        length += len(current)
        if length > limit:
            raise _too_long(path, start)
        if current.strip():
            out.append(current)
    return "\r\n".join(out)


_CARD_START = re.compile(r"^[ \t]*BEGIN[ \t]*:[ \t]*VCARD", re.IGNORECASE | re.MULTILINE)


def read_vcards(path: Path, text: str, encoding: str = "utf-8") -> SourceTable:
    """One row per contact, columns as in _VCARD_FIELDS (mapped in advance)."""
    import vobject

    for count, _match in enumerate(_CARD_START.finditer(text), 1):
        if count > guards.MAX_ROWS:
            raise guards.too_many_rows(path)
    if guards.CONTROL.search(text):
        text = guards.CONTROL.sub("", text)
    log = logging.getLogger("vobject")
    was_disabled, log.disabled = log.disabled, True  # it logs each line it skips
    found: list[bytes] = []
    try:
        cards = list(vobject.readComponents(_normalise_vcard_21(path, text, found),
                                            ignoreUnreadable=True))
    except ImportFileError:
        raise
    except Exception as exc:  # vobject raises ParseError and others
        # its "At line N" counts the text rewritten above, not the file's lines
        reason = re.sub(r"^At line \d+: ", "", str(exc).splitlines()[0] if str(exc) else "")
        raise ImportFileError(_("{path} is not a valid vCard file ({reason})", path=path.name,
                                reason=reason or type(exc).__name__)) from exc
    finally:
        log.disabled = was_disabled
    headers: list[Any] = [im.field_label(k) for k in _VCARD_FIELDS]
    rows: list[list[Any]] = [headers]
    photos: dict[int, bytes] = {}
    for card in cards:
        if getattr(card, "name", "").upper() != "VCARD":
            continue
        for ref in card.contents.get(_PHOTO_REF.lower(), [])[:1]:  # the first photo
            photos[len(rows)] = found[int(ref.value)]
        rows.append(_vcard_row(card))
    return SourceTable(path, VCF, rows, first_row=0, encoding=encoding,
                       fixed_mapping=dict(enumerate(_VCARD_FIELDS)), photos=photos)


def _types(prop: Any) -> set[str]:
    found = {str(t).upper() for t in prop.params.get("TYPE", [])}
    found |= {str(t).upper() for t in getattr(prop, "singletonparams", [])}
    return found


def _text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(_text(v) for v in value if _text(v))
    return str(value).strip() if value is not None else ""


def _vcard_row(card: Any) -> list[Any]:
    values: dict[str, list[str]] = {k: [] for k in _VCARD_FIELDS}
    contents: dict[str, list[Any]] = card.contents
    for prop in contents.get("fn", [])[:1]:
        values[im.NAME].append(_text(prop.value))
    if not values[im.NAME] and "n" in contents:
        n = contents["n"][0].value
        family, given = _text(getattr(n, "family", "")), _text(getattr(n, "given", ""))
        if re.search(r"[\u3400-\u9fff]", family + given):
            values[im.NAME].append(family + given)
        else:
            values[im.NAME].append(" ".join(p for p in (given, family) if p))
    for prop in contents.get("org", [])[:1]:
        values["company"].append(_text(prop.value))
    for prop in contents.get("title", [])[:1]:
        values["title"].append(_text(prop.value))
    for prop in contents.get("tel", []):
        number = _text(prop.value).removeprefix("tel:")
        values[im.MOBILE if "CELL" in _types(prop) else im.PHONE].append(number)
    for prop in contents.get("email", [])[:1]:
        values["email"].append(_text(prop.value))
    for prop in contents.get("adr", []):
        adr = prop.value
        text = " ".join(p for p in (_text(getattr(adr, attr, "")) for attr in
                                    ("street", "extended", "box", "city", "region", "code",
                                     "country")) if p)
        values["home_address" if "HOME" in _types(prop) else "address"].append(
            " ".join(text.split()))
    for prop in contents.get("bday", [])[:1]:
        bday = _text(prop.value)
        m = re.fullmatch(r"--(\d{2})-?(\d{2})", bday)
        values["birthday"].append(f"{m.group(1)}-{m.group(2)}" if m else bday[:10])
    for prop in contents.get(_LUNAR_BIRTHDAY, [])[:1]:
        m = re.fullmatch(r"(?:(\d{4})-|--)(\d{2})-(\d{2})", _text(prop.value))
        if m and not values["birthday"]:
            leap = "leap " if [str(v).upper() for v in prop.params.get("LEAP", [])] == [
                "TRUE"] else ""
            year = f" ({m.group(1)})" if m.group(1) else ""
            values["birthday"].append(f"Lunar {leap}{int(m.group(2))}/{int(m.group(3))}{year}")
    for prop in contents.get("x-wechat", [])[:1]:
        values["wechat"].append(_text(prop.value))
    for prop in contents.get("url", [])[:1]:
        values["website"].append(_text(prop.value))
    for prop in contents.get("note", []):
        values["notes"].append(_text(prop.value))
    for prop in contents.get("categories", []):
        value = prop.value
        values["tags"].extend(_text(v) for v in (value if isinstance(value, list) else [value]))
    for prop in contents.get("uid", [])[:1]:
        # another program's UID need not be a UUID: only a UUID is an identity
        values[im.UUID].append(parse_uuid(_text(prop.value)) or "")
    row: list[Any] = []
    for key in _VCARD_FIELDS:
        sep = "; " if key in (im.MOBILE, im.PHONE, "tags") else "\n" if key == "notes" else " "
        joined = sep.join(v for v in values[key] if v)
        row.append(joined or None)
    return row
