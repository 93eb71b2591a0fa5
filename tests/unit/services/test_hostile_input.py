"""Hostile and absurd import files: zip and entity bombs, sheets whose cells
span a million rows, a 50 MB CSV, vCards with 10,000 properties, broken
quoted-printable, impossible dates, NUL bytes. Each ends in one clear line
naming the file (and the row and column where there is one), in bounded
memory and time, with the database exactly as it was (a full ``iterdump``
compared); or, where the content is harmless, imports with the damage cleaned.

Memory is measured in a child process that runs ``desktop-crm import``: the
growth of VmHWM (peak resident memory) over its value after a warm-up import
of a tiny file, so that interpreter and library imports do not count. The
child also keeps pytest alive should a guard regress: python-calamine aborts
the whole process when it cannot allocate a sheet's grid.

Every file is generated in tmp_path; the big ones are built without holding
them in memory (the 4 GB zip bomb repeats one deflate block).
"""

from __future__ import annotations

import json
import os
import sqlite3
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.dates import DateSpec
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.services.importing import (
    ImportFileError,
    ImportRowError,
    ImportService,
    guards,
    open_source,
)
from desktop_crm.storage.database import Database
from tests.conftest import FIXED_NOW, all_rows, write_ods

ROOT = Path(__file__).resolve().parents[3]
GIB = 1 << 30
# Refusing a bomb reads the zip directory only: the growth is about the file.
BOMB_MB = 100
# Refusing the 50 MB CSV holds the file and at most MAX_ROWS rows (about 150 MB);
# the same file imported without the limit peaked at 3.2 GB and took 114 s.
CSV_MB = 300

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(),
                                reason="peak memory is read from /proc (Linux)")


# -- helpers ------------------------------------------------------------------------------

def full_dump(path: Path) -> list[str]:
    """Every table's schema and rows of a SQLite file, as SQL (the database the
    command line imported into, compared whole)."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    """A database with one client, as a user's would be before the import."""
    path = tmp_path / "clients.db"
    db = Database.open(path, create=True)
    try:
        ClientService(db, clock=lambda: FIXED_NOW, user="tester").save(ClientCard(
            name="张伟", company="华为", phones=[Phone("13800138000")], notes="原有"))
    finally:
        db.close()
    return path


_CHILD = r"""
import contextlib, io, json, sys, time
from desktop_crm.cli import main

def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024

quiet = io.StringIO()
with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
    main(["import", sys.argv[1], "--db", sys.argv[2], "--dry-run"])  # warm-up: every import
base = peak()
err = io.StringIO()
start = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
    code = main(["import", *sys.argv[3:]])
print(json.dumps({"code": code, "stderr": err.getvalue(), "growth_mb": peak() - base,
                  "seconds": time.perf_counter() - start}))
"""


def _limit_address_space(gib: int) -> Any:
    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (gib * GIB, gib * GIB))
    return limit


def run_import(tmp_path: Path, *args: str, timeout: float = 120,
               address_space_gib: int | None = None) -> dict[str, Any]:
    """``desktop-crm import ARGS`` in a child process: exit code, stderr, peak
    memory growth (MB) and seconds. ``address_space_gib`` caps the child's
    address space, as on a laptop with that much memory: an allocation beyond
    it fails at once (and calamine then aborts) instead of eating this
    machine's memory."""
    warm = tmp_path / "warm-up.csv"
    warm.write_text("姓名,手机\n王芳,13700137000\n", encoding="utf-8")
    env = {**os.environ, "LANG": "en_US.UTF-8", "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT)}
    env.pop("LC_ALL", None)
    done = subprocess.run([sys.executable, "-c", _CHILD, str(warm), str(tmp_path / "none.db"),
                           *args], capture_output=True, text=True, timeout=timeout, env=env,
                          check=False, preexec_fn=None if address_space_gib is None else
                          _limit_address_space(address_space_gib))
    assert done.returncode == 0, f"the child died ({done.returncode}): {done.stderr[-2000:]}"
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def assert_refused(result: dict[str, Any], path: Path, *words: str,
                   memory_mb: float = BOMB_MB) -> None:
    """Exit 2 with one line on stderr that names the file and says why."""
    err = result["stderr"]
    assert result["code"] == 2, err
    assert err.count("\n") == 1 and err.startswith("desktop-crm: "), err
    assert path.name in err, err
    for word in words:
        assert word in err, err
    assert result["growth_mb"] < memory_mb, result


def _service(db: Database) -> ImportService:
    return ImportService(db, clock=lambda: FIXED_NOW, user="tester", backup_first=False)


def _cards(db: Database) -> dict[str, ClientCard]:
    clients = ClientService(db)
    return {c.name: c for c in (clients.get(i) for i in clients.list_ids(ClientFilter()))}


# -- building zips -----------------------------------------------------------------------

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_BOOK_PARTS = {
    "[Content_Types].xml":
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
        'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.'
        'xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'sharedStrings+xml"/></Types>',
    "_rels/.rels":
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml":
        f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} xmlns:r="{_REL}"><sheets>'
        '<sheet name="客户" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels":
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/'
        'worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="'
        f'{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
}
STRINGS = ["姓名", "手机", "张伟", "13800138000", "李娜", "13900139000"]
# 姓名 | 手机 / 张伟 | 13800138000 / 李娜 | 13900139000
ROWS = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'
        '<row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3" t="s"><v>5</v></c></row>')


def sheet_xml(rows: str = ROWS, prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet {_NS}><sheetData>'
            f"{rows}</sheetData></worksheet>")


def strings_xml(items: Iterable[str] = STRINGS, prolog: str = "") -> str:
    items = list(items)
    body = "".join(f"<si><t>{s}</t></si>" for s in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<sst {_NS} count="{len(items)}" '
            f'uniqueCount="{len(items)}">{body}</sst>')


def make_xlsx(path: Path, sheet: str | None = None, strings: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in _BOOK_PARTS.items():
            z.writestr(name, text)
        z.writestr("xl/worksheets/sheet1.xml", sheet or sheet_xml())
        z.writestr("xl/sharedStrings.xml", strings or strings_xml())
    return path


def write_raw_zip(path: Path, parts: list[tuple[str, list[tuple[bytes, int]]]],
                  declared: dict[str, tuple[int, int]] | None = None) -> Path:
    """A zip (zip64 sizes) whose parts are given as (bytes, times repeated).
    Each piece is deflated once, ending in a full flush (so its output does not
    depend on what came before) and its output written ``times`` times: a 4 GB
    part costs a 16 KB deflate and a CRC pass. ``declared`` overrides a
    part's (size, crc) in both headers: a directory that lies."""
    central: list[bytes] = []
    with path.open("wb") as out:
        for name, pieces in parts:
            packer = zlib.compressobj(9, zlib.DEFLATED, -15)
            blocks, crc, size = [], 0, 0
            for data, times in pieces:
                blocks.append((packer.compress(data) + packer.flush(zlib.Z_FULL_FLUSH), times))
                for _ in range(times):
                    crc = zlib.crc32(data, crc)
                size += len(data) * times
            blocks.append((packer.flush(), 1))
            packed = sum(len(b) * t for b, t in blocks)
            size, crc = (declared or {}).get(name, (size, crc))
            raw = name.encode()
            extra = struct.pack("<HHQQ", 1, 16, size, packed)
            offset = out.tell()
            out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 45, 0, 8, 0, 0x21, crc,
                                  0xFFFFFFFF, 0xFFFFFFFF, len(raw), len(extra)) + raw + extra)
            for block, times in blocks:
                for _ in range(times):
                    out.write(block)
            central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 45, 45, 0, 8, 0,
                                       0x21, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(raw), len(extra),
                                       0, 0, 0, 0, offset) + raw + extra)
        start = out.tell()
        for entry in central:
            out.write(entry)
        out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central),
                              out.tell() - start, start, 0))
    return path


def bomb_xlsx(path: Path, unpacked: int, lie: bool = False) -> Path:
    """An .xlsx whose sheet is ``unpacked`` bytes, nearly all spaces; with
    ``lie`` its directory says 16 MB (and gives that part's CRC)."""
    chunk = b" " * (16 << 20)
    head = sheet_xml(ROWS).split("</sheetData>")[0].encode()
    tail = b"</sheetData></worksheet>"
    pieces = [(head, 1), (chunk, max(unpacked // len(chunk), 1)), (tail, 1)]
    small = [(name, [(text.encode(), 1)]) for name, text in _BOOK_PARTS.items()]
    small.append(("xl/sharedStrings.xml", [(strings_xml().encode(), 1)]))
    declared = {"xl/worksheets/sheet1.xml": (len(head) + len(chunk),
                                             zlib.crc32(head + chunk))} if lie else None
    return write_raw_zip(path, [*small, ("xl/worksheets/sheet1.xml", pieces)], declared)


# -- openpyxl and defusedxml -------------------------------------------------------------

LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;'
          '&lol;&lol;&lol;&lol;">'
          + "".join(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(2, 10))
          + "]>")  # &lol9; is 10**9 "lol": 3 GB


def test_openpyxl_parses_with_defusedxml(tmp_path: Path) -> None:
    """openpyxl uses defusedxml only when it is installed: the app declares it,
    and the import reads workbook.xml with it. A billion laughs in an .xlsx is
    then refused by openpyxl too (the tests and the export read with it)."""
    assert openpyxl.DEFUSEDXML
    import defusedxml

    lol = make_xlsx(tmp_path / "lol.xlsx",
                    strings=strings_xml(["姓名", "手机", "&lol9;", "1"], LAUGHS))
    with pytest.raises(ValueError) as info:  # openpyxl wraps what the parser raised
        openpyxl.load_workbook(lol)
    causes = [info.value, info.value.__cause__, info.value.__context__]
    assert any(isinstance(c, defusedxml.DefusedXmlException) for c in causes)


def test_a_workbook_is_not_read_without_defusedxml(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guards, "_defused", lambda: None)
    with pytest.raises(ImportFileError, match=r"Cannot read book\.xlsx: the defusedxml"):
        open_source(make_xlsx(tmp_path / "book.xlsx"))


# -- zip bombs ----------------------------------------------------------------------------

def test_zip_bomb_is_refused_from_the_zip_directory(tmp_path: Path, seeded: Path) -> None:
    """A 4 MB .xlsx whose sheet unpacks to 4 GB (calamine would ask for 8.5 GB
    and abort the process): refused from the sizes in the zip directory."""
    bomb = bomb_xlsx(tmp_path / "bomb.xlsx", 4 * GIB)
    assert bomb.stat().st_size < 5 << 20
    before = full_dump(seeded)
    result = run_import(tmp_path, str(bomb), "--db", str(seeded))
    assert_refused(result, bomb, "zip bomb", "4,096 MB")
    assert result["seconds"] < 5
    assert full_dump(seeded) == before


@pytest.mark.parametrize("part", ["[Content_Types].xml", "xl/worksheets/sheet1.xml"])
def test_a_broken_deflate_stream_is_one_line(tmp_path: Path, seeded: Path, part: str) -> None:
    """Bytes changed inside a part's compressed data (a bad disk or download):
    zlib fails before the CRC is reached. One line and exit 2, on the first
    part read (the prolog check) as on a sheet, and nothing written."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "电话"])
    for n in range(2000):
        sheet.append([f"客户{n}", f"139{n:08d}"])
    good = tmp_path / "good.xlsx"
    book.save(good)
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo(part)
    data = bytearray(good.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(16):  # inside the stream, past its first block header
        data[start + min(40, info.compress_size // 2) + k] ^= 0xFF
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(bytes(data))
    before = full_dump(seeded)
    result = run_import(tmp_path, str(broken), "--db", str(seeded))
    assert_refused(result, broken, "damaged or incomplete")
    assert full_dump(seeded) == before


def test_a_part_packed_too_tightly_is_refused(tmp_path: Path) -> None:
    """Under the size limits but packed 1,000 times: no sheet packs like that."""
    bomb = bomb_xlsx(tmp_path / "dense.xlsx", 256 << 20)
    with pytest.raises(ImportFileError, match=r"dense\.xlsx: .*sheet1\.xml is packed [0-9,]+ "
                                              r"times.*zip bomb"):
        open_source(bomb)


def test_a_binary_workbook_is_refused_unread(tmp_path: Path) -> None:
    """An .xlsb keeps its cells in binary records that the guards cannot scan,
    and calamine aborts the process on an absurd grid: it is not read at all."""
    path = tmp_path / "客户.xlsb"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
        z.writestr("xl/worksheets/sheet1.bin", b"\x81\x01\x00")
    with pytest.raises(ImportFileError, match=r"客户\.xlsb is a binary Excel workbook.*\.xlsx"):
        open_source(path)


def test_a_zip_directory_that_lies_about_sizes(tmp_path: Path, seeded: Path) -> None:
    """The directory says 16 MB (and gives the CRC of the first 16 MB, so that
    Python's testzip passes) but the part inflates to 2 GB: calamine stops at
    the declared size."""
    bomb = bomb_xlsx(tmp_path / "liar.xlsx", 2 * GIB, lie=True)
    before = full_dump(seeded)
    result = run_import(tmp_path, str(bomb), "--db", str(seeded))
    assert_refused(result, bomb, "damaged")
    assert result["seconds"] < 5
    assert full_dump(seeded) == before


def test_a_huge_zip_directory_is_refused(tmp_path: Path) -> None:
    """Python reads a zip's whole directory into objects: one of over 4 MB (here
    70 entries with 64 KB names) is refused before."""
    path = make_xlsx(tmp_path / "many.xlsx")
    with zipfile.ZipFile(path, "a") as z:
        for i in range(70):
            z.writestr(f"{i:04d}" + "x" * 65_000, b"")
    with pytest.raises(ImportFileError, match=r"many\.xlsx lists more files"):
        open_source(path)


def test_compression_no_spreadsheet_program_writes(tmp_path: Path) -> None:
    path = tmp_path / "bz.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as z:
        for name, text in _BOOK_PARTS.items():
            z.writestr(name, text)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml())
        z.writestr("xl/sharedStrings.xml", strings_xml())
    with pytest.raises(ImportFileError, match=r"bz\.xlsx is damaged .*compression 12"):
        open_source(path)


# -- entity bombs --------------------------------------------------------------------------

LAUGH_FILES = {
    "laughs-strings.xlsx": {"strings": strings_xml(["姓名", "手机", "&lol9;", "1"], LAUGHS)},
    "laughs-sheet.xlsx": {"sheet": sheet_xml(
        ROWS.replace('<c r="B3" t="s"><v>5</v></c>',
                     '<c r="B3" t="inlineStr"><is><t>&lol9;</t></is></c>'), LAUGHS)},
    "external-entity.xlsx": {"strings": strings_xml(
        ["姓名", "手机", "&xxe;", "1"], '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')},
    # the declaration hidden behind 100 KB of comment, past the prolog check:
    # calamine itself must refuse the entity, never expand it
    "laughs-late.xlsx": {"strings": strings_xml(["姓名", "手机", "&lol9;", "1"],
                                                "<!--" + "x" * 100_000 + "-->" + LAUGHS)},
}


@pytest.mark.parametrize("name", sorted(LAUGH_FILES))
def test_entity_bombs_are_never_expanded(tmp_path: Path, seeded: Path, name: str) -> None:
    path = make_xlsx(tmp_path / name, **LAUGH_FILES[name])
    before = full_dump(seeded)
    result = run_import(tmp_path, str(path), "--db", str(seeded))
    words = ("damaged",) if name == "laughs-late.xlsx" else ("declares XML entities",)
    assert_refused(result, path, *words)
    assert result["seconds"] < 5
    assert full_dump(seeded) == before
    assert "root:" not in result["stderr"]


# -- cells far apart -----------------------------------------------------------------------

FAR = {
    # one cell at the sheet's last cell: calamine would allocate a 17-billion-cell grid
    "far-cell.xlsx": ROWS + '<row r="1048576"><c r="XFD1048576" t="s"><v>0</v></c></row>',
    # the same written the ways other programs do
    "far-cell-attribute-order.xlsx":
        ROWS + '<row r="1048576"><c t="s" r="XFD1048576"><v>0</v></c></row>',
    "far-cell-prefixed.xlsx":
        ROWS + '<x:row r="1048576"><x:c r="XFD1048576" t="s"><x:v>0</x:v></x:c></x:row>',
    "far-cell-quotes.xlsx": ROWS + "<row r='900000'><c r='ZZ900000' t='s'><v>0</v></c></row>",
    # a row far down with cells without references, a cell far right in another
    "far-row.xlsx": ROWS + '<row r="1048576"><c><v>1</v></c><c r="XFD5"><v>1</v></c></row>',
    "far-rows-unnumbered.xlsx": ROWS + "".join(f"<row><c><v>{i}</v></c></row>"
                                               for i in range(150_001)),
    # 200,000 rows: over the row limit with a real cell in each
    "too-many-rows.xlsx": ROWS + "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>'
                                         for r in range(4, 200_001)),
    # 60,000 rows of 200 columns: under the row limit, over the cell limit
    "too-many-cells.xlsx": ROWS + '<row r="60000"><c r="GR60000"><v>1</v></c></row>',
}


@pytest.mark.parametrize("name", sorted(FAR))
def test_cells_far_apart_are_refused_before_the_grid_is_allocated(
        tmp_path: Path, seeded: Path, name: str) -> None:
    path = make_xlsx(tmp_path / name, sheet=sheet_xml(FAR[name]))
    assert path.stat().st_size < 4 << 20
    before = full_dump(seeded)
    result = run_import(tmp_path, str(path), "--db", str(seeded))
    assert_refused(result, path, "at most", "split" if "cells" not in name else "cells")
    assert result["seconds"] < 10
    assert full_dump(seeded) == before


def test_sparse_but_harmless_sheets_still_import(tmp_path: Path, db: Database) -> None:
    """Styled empty cells at the sheet's edge (calamine skips them) and a cell
    in column XFD of a two-row sheet are real files' quirks, not bombs."""
    edge = make_xlsx(tmp_path / "edge.xlsx", sheet=sheet_xml(
        ROWS + '<row r="1048576"><c r="XFD1048576" s="1"/></row>'))
    wide = make_xlsx(tmp_path / "wide.xlsx", sheet=sheet_xml(
        ROWS.replace("</row>", '<c r="XFD1"><v>1</v></c></row>', 1)))
    for path in (edge, wide):
        source = open_source(path)
        assert [r.name for r in _service(db).plan(source).rows] == ["张伟", "李娜"]


def _ods(path: Path, rows: int, columns: int) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:'
        'oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:'
        'opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
        'text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table '
        'table:name="客户"><table:table-row><table:table-cell office:value-type="string">'
        "<text:p>姓名</text:p></table:table-cell></table:table-row>"
        f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell '
        f'table:number-columns-repeated="{columns}" office:value-type="string"><text:p>张伟'
        "</text:p></table:table-cell></table:table-row>"
        # LibreOffice repeats empty rows and cells to the sheet's edge: not data
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>")
    return write_ods(path, content)


@pytest.mark.parametrize(("rows", "columns", "words"), [
    (1_048_575, 16_384, ("1,048,576 rows", "at most 150,000 rows")),
    (100_000, 100, ("100,001 rows by 100 columns", "8,000,000 cells")),
])
def test_ods_repeated_cells_are_counted_before_reading(
        tmp_path: Path, seeded: Path, rows: int, columns: int, words: tuple[str, ...]) -> None:
    """A 1 KB .ods whose repeated rows and cells spell out 10 million cells (calamine
    took 1.35 GB and 4 s for them) or 17 billion."""
    path = _ods(tmp_path / f"repeated-{rows}.ods", rows, columns)
    before = full_dump(seeded)
    result = run_import(tmp_path, str(path), "--db", str(seeded))
    assert_refused(result, path, *words)
    assert full_dump(seeded) == before


def test_ods_with_libreoffice_padding_imports(tmp_path: Path, db: Database) -> None:
    source = open_source(_ods(tmp_path / "padded.ods", 3, 1))
    assert [r.action for r in _service(db).plan(source, policy="keep").rows] == ["create"] * 3


# -- big text files -------------------------------------------------------------------------

def write_big_csv(path: Path, size: int) -> int:
    """A realistic client list of ``size`` bytes (UTF-8, Chinese names, unique
    phones and e-mails); returns the number of data rows."""
    surnames = "王李张刘陈杨黄赵周吴郑孙朱马胡郭林何高罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
    written, rows = 0, 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("客户名称,手机,邮箱,公司,地址,生日,备注\n")
        while written < size:
            batch = []
            for i in range(rows, rows + 10_000):
                name = surnames[i % 20] + given[i * 7 % 20] + given[i * 3 % 20]
                batch.append(f"{name},1{3 + i % 7}{i:09d},c{i}@example.com,"
                             f"{name[0]}氏贸易有限公司{i % 5000},深圳市南山区科技园{i % 999}号,"
                             f"{1950 + i % 50}-{1 + i % 12}-{1 + i % 28},老客户，喜欢喝茶 {i}\n")
            text = "".join(batch)
            out.write(text)
            written += len(text.encode())
            rows += len(batch)
    return rows


@pytest.mark.slow
def test_a_50_mb_csv_is_refused_by_its_row_count(tmp_path: Path, seeded: Path) -> None:
    """50 MB of plausible clients is 370,000 rows: more than the 150,000 an
    import takes (without the limit the import ran 114 s and peaked at 3.2 GB:
    about 9 KB a row until it commits). Refused after reading at most the
    limit's worth of rows."""
    path = tmp_path / "clients-50mb.csv"
    rows = write_big_csv(path, 50_000_000)
    assert rows > guards.MAX_ROWS
    before = full_dump(seeded)
    result = run_import(tmp_path, str(path), "--db", str(seeded))
    print(f"\n50 MB CSV ({rows:,} rows): refused in {result['seconds']:.2f} s, "
          f"peak memory +{result['growth_mb']:.0f} MB")
    assert_refused(result, path, "more than 150,000 rows", "split it", memory_mb=CSV_MB)
    assert result["seconds"] < 15
    assert full_dump(seeded) == before


def test_a_text_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as out:
        out.write("客户名称,手机\n张伟,13800138000\n".encode() * 3000)
        out.truncate(guards.MAX_TEXT_BYTES + 1)  # the rest is a hole: no disk used
    with pytest.raises(ImportFileError, match=r"huge\.csv is 64 MB: files over 64 MB"):
        open_source(path)


def test_the_row_and_cell_limits_are_exact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           db: Database) -> None:
    monkeypatch.setattr(guards, "MAX_ROWS", 4)
    path = tmp_path / "four.csv"
    path.write_text("姓名,手机\n张伟,13800138000\n\n李娜,13900139000\n", encoding="utf-8")
    assert len(open_source(path).table.rows) == 4  # blank lines count: they are rows
    path.write_text("姓名\n" + "张伟\n" * 4, encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"four\.csv has more than 4 rows"):
        open_source(path)
    monkeypatch.setattr(guards, "MAX_ROWS", 150_000)
    monkeypatch.setattr(guards, "MAX_CELLS", 6)
    path.write_text("姓名,手机\n张伟,13800138000\n李娜,13900139000\n", encoding="utf-8")
    assert len(open_source(path).table.rows) == 3
    path.write_text("姓名,手机,备注\n张伟,13800138000,\n李娜,13900139000,\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"four\.csv spans 3 rows by 3 columns"):
        open_source(path)
    xlsx = make_xlsx(tmp_path / "six.xlsx")  # 3 rows x 2 columns
    assert open_source(xlsx).data_count == 2
    monkeypatch.setattr(guards, "MAX_CELLS", 5)
    with pytest.raises(ImportFileError, match=r"sheet 客户 spans 3 rows by 2 columns"):
        open_source(xlsx)


def test_a_csv_line_with_more_columns_than_excel(tmp_path: Path) -> None:
    path = tmp_path / "commas.csv"
    path.write_text("姓名,手机\n张伟" + "," * 5_000_000 + "\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"commas\.csv: line 2 has more than 16,384"):
        open_source(path)


# -- vCards --------------------------------------------------------------------------------

def _vcard(*lines: str, version: str = "3.0") -> str:
    return "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD", ""])


@pytest.mark.parametrize(("prop", "words"), [
    ("TEL;TYPE=CELL:138{i:08d}", ("row 1, column Mobile", "At most 20 phone numbers")),
    ("NOTE:第{i}条备注", ("row 1, column Notes", "Notes are longer than 20000")),
])
@pytest.mark.slow
def test_one_vcard_with_10000_properties(tmp_path: Path, seeded: Path, prop: str,
                                         words: tuple[str, ...]) -> None:
    path = tmp_path / "crowded.vcf"
    path.write_text(_vcard("FN:张伟", *(prop.format(i=i) for i in range(10_000))),
                    encoding="utf-8")
    before = full_dump(seeded)
    result = run_import(tmp_path, str(path), "--db", str(seeded))
    assert_refused(result, path, *words)
    assert result["seconds"] < 10
    assert full_dump(seeded) == before


def test_many_vcards(tmp_path: Path, db: Database) -> None:
    path = tmp_path / "phone.vcf"
    path.write_text("".join(_vcard(f"FN:客户{i}", f"TEL;TYPE=CELL:139{i:08d}")
                            for i in range(3000)), encoding="utf-8")
    result = _service(db).commit(open_source(path))
    assert result.counts["created"] == 3000


def test_too_many_vcards_are_refused_before_parsing(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guards, "MAX_ROWS", 100)
    path = tmp_path / "phone.vcf"
    path.write_text("".join(_vcard(f"FN:客户{i}") for i in range(101)), encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"phone\.vcf has more than 100 rows"):
        open_source(path)


def _qp(text: str, charset: str = "UTF-8") -> str:
    return "".join(f"={b:02X}" for b in text.encode(charset))


def test_malformed_quoted_printable(tmp_path: Path, db: Database) -> None:
    """vCard 2.1 from old phones: a UTF-8 character cut off with a dangling
    soft line break, an escape that is not hex, soft line breaks before
    END:VCARD. Nothing may be swallowed (the next property, END:VCARD)."""
    path = tmp_path / "old-phone.vcf"
    path.write_bytes("".join([
        # =E5=BC= : 张 cut after two of its three bytes, then a soft line break
        _vcard("N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=BC=",
               "TEL;CELL:13800138000", version="2.1"),
        _vcard(f"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=ZZ{_qp('李娜')}",
               "TEL;CELL:13900139000", version="2.1"),
        _vcard("FN:王芳", "NOTE;ENCODING=QUOTED-PRINTABLE:abc=", version="2.1"),
        _vcard("FN:赵磊", f"NOTE;CHARSET=GBK;ENCODING=QUOTED-PRINTABLE:{_qp('喜欢', 'gbk')}=",
               "=", version="2.1"),
    ]).encode("utf-8"))
    source = open_source(path)
    _service(db).commit(source)
    cards = _cards(db)
    # the cut name is dropped: the phone becomes the name (with a warning)
    assert [p.number for p in cards["13800138000"].phones] == ["13800138000"]
    assert [p.number for p in cards["=ZZ李娜"].phones] == ["13900139000"]
    assert cards["王芳"].notes == "abc"
    assert cards["赵磊"].notes == "喜欢"


def test_a_soft_line_break_at_the_end_of_the_file(tmp_path: Path, seeded: Path) -> None:
    path = tmp_path / "cut.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:A\r\nNOTE;ENCODING=QUOTED-PRINTABLE:"
                     b"abc=\r\n=\r\n=")
    before = full_dump(seeded)
    result = run_import(tmp_path, str(path), "--db", str(seeded))
    assert_refused(result, path, "not a valid vCard file", "never closed")
    assert "At line" not in result["stderr"]  # vobject's count is of a rewritten text
    assert full_dump(seeded) == before


# -- impossible dates ----------------------------------------------------------------------

BAD_DATES = ["2026-02-30", "2026-13-01", "0000-01-01", "农历十三月初一", "20260230"]


def _dates_rows() -> list[list[Any]]:
    return [["客户名称", "手机", "生日"],
            ["张伟", "13800138000", "1980-01-01"],
            *[[f"客户{i}", f"1390013900{i}", text] for i, text in enumerate(BAD_DATES)],
            ["王芳", "13700137000", "不详"]]


def _dates_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in _dates_rows():
        sheet.append(row)
    sheet.append(["赵磊", "13600136000", 20260230])  # a number that would be a date
    book.save(path)
    return path


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_impossible_dates_are_errors_per_row_and_column(tmp_path: Path, db: Database,
                                                        kind: str) -> None:
    """A date that cannot exist is a typo worth fixing: an error for its row and
    column, nothing written unless invalid rows are skipped. Text that is no
    date at all (不详) stays a warning, kept in the notes."""
    if kind == "csv":
        path = tmp_path / "dates.csv"
        path.write_text("\n".join(",".join(map(str, r)) for r in _dates_rows()),
                        encoding="utf-8")
    else:
        path = _dates_xlsx(tmp_path / "dates.xlsx")
    source = open_source(path)
    plan = _service(db).plan(source)
    bad_rows = list(range(3, 3 + len(BAD_DATES))) + ([9] if kind == "xlsx" else [])
    assert [(p.row, p.column) for p in plan.errors] == [(r, "生日") for r in bad_rows]
    assert [p.value for p in plan.errors][:len(BAD_DATES)] == BAD_DATES
    assert [(p.row, p.column) for p in plan.warnings] == [(8, "生日")]
    assert plan.first_error().startswith(f"{path.name}: row 3, column 生日: ")
    before = all_rows(db)
    with pytest.raises(ImportRowError):
        _service(db).commit(source)
    assert all_rows(db) == before
    result = _service(db).commit(source, skip_invalid=True)
    assert result.counts["created"] == 2 and result.counts["invalid"] == len(bad_rows)
    cards = _cards(db)
    assert set(cards) == {"张伟", "王芳"}
    assert cards["张伟"].birthday == DateSpec.solar(1, 1, 1980)
    assert cards["王芳"].birthday is None and "生日: 不详" in cards["王芳"].notes


def test_impossible_dates_on_the_command_line(tmp_path: Path, seeded: Path) -> None:
    path = tmp_path / "dates.csv"
    path.write_text("\n".join(",".join(map(str, r)) for r in _dates_rows()), encoding="utf-8")
    before = full_dump(seeded)
    result = run_import(tmp_path, str(path), "--db", str(seeded))
    assert result["stderr"] == ("desktop-crm: dates.csv: row 3, column 生日: Not a valid date: "
                                "2026-02-30 (use e.g. 2026-09-25) (4 more problems)\n")
    assert result["code"] == 2
    assert full_dump(seeded) == before


# -- NUL and other control characters -------------------------------------------------------

def _no_control_characters(db: Database) -> None:
    """No text column of any table holds a NUL or another C0 control."""
    controls = "".join(chr(c) for c in range(32) if c not in (9, 10, 13))
    for table, rows in all_rows(db).items():
        for row in rows:
            for value in row:
                if isinstance(value, str):
                    assert not any(c in value for c in controls), (table, value)


def test_nul_bytes_are_dropped_from_every_format(tmp_path: Path, db: Database) -> None:
    csv_early = tmp_path / "early.csv"  # in the first bytes, where the format is decided
    csv_early.write_bytes("姓名,手机,备注\n张\x00伟,13800138000,a\x00b\n".encode())
    csv_late = tmp_path / "late.csv"
    csv_late.write_bytes(("姓名,手机,备注\n" + "".join(
        f"客户{i},1370013{i:04d},x\n" for i in range(500))
        + "李\x00娜,139\x0000139000,c\x01d\x0be\n").encode("gb18030"))
    xlsx = make_xlsx(tmp_path / "cells.xlsx", strings=strings_xml(
        ["姓名", "手机", "王_x0000_芳", "13600136000", "赵\x00磊", "1350013\x005000"]))
    vcf = tmp_path / "nul.vcf"
    vcf.write_bytes(_vcard("FN:孙\x00丽", "TEL:134\x0000134000", "NOTE:a\x00b").encode())
    for path in (csv_early, csv_late, xlsx, vcf):
        _service(db).commit(open_source(path), policy="keep")
    cards = _cards(db)
    assert {"张伟", "李娜", "王芳", "赵磊", "孙丽"} <= set(cards)
    assert cards["张伟"].notes == "ab" and cards["孙丽"].notes == "ab"
    assert cards["李娜"].notes == "cd\ne" and cards["李娜"].phones[0].number == "13900139000"
    assert cards["赵磊"].phones[0].number == "13500135000"
    _no_control_characters(db)


def test_the_limits_hold_what_real_files_need() -> None:
    """The app's own Clients sheet (38 columns) of 100,000 clients, with room;
    and the fast scan of .xlsx cells, which lets through cells in A1:AZ149999
    unchecked, stays within the limits."""
    assert guards.MAX_ROWS >= 100_001 * 1.4
    assert guards.MAX_CELLS >= 100_001 * 38 * 2
    assert guards.MAX_ROWS >= 149_999 and guards.MAX_CELLS >= 149_999 * 52


# -- vCard lines ---------------------------------------------------------------------------

VCARD_MB = 60
# Reading a 60 MB vCard holds its bytes, its text and a line or two of it at a
# time: a few hundred MB. Before, vobject held about 150 times the longest line.
VCARD_PEAK_MB = 600


def _huge_vcard(path: Path, lines: Iterable[str]) -> Path:
    """Two ordinary cards around one carrying ``lines``, about VCARD_MB in all."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(_vcard("FN:王芳", "TEL;TYPE=CELL:13700137000"))
        out.write("\r\n".join(["BEGIN:VCARD", "VERSION:3.0", "FN:张伟", *lines,
                               "TEL;TYPE=CELL:13800138000", "END:VCARD", ""]))
        out.write(_vcard("FN:李娜", "TEL;TYPE=CELL:13900139000"))
    assert path.stat().st_size > (VCARD_MB - 1) << 20
    return path


_BIG = VCARD_MB << 20


@pytest.mark.parametrize(("name", "lines"), [
    # vCard 4: a photo as a data: URI on one line
    pytest.param("data-uri.vcf", ["PHOTO:data:image/jpeg;base64," + "A" * _BIG],
                 marks=pytest.mark.slow),
    # vCard 3: folded base64, the iPhone's way
    pytest.param("folded.vcf", ["PHOTO;ENCODING=b;TYPE=JPEG:" + "A" * 72,
                                *[" " + "A" * 74] * (_BIG // 76)], marks=pytest.mark.slow),
    # a photo given by URI, folded: its folded lines must not join the line before
    ("uri.vcf", ["PHOTO;VALUE=uri:https://example.com/", *[" a/b"] * 3]),
])
def test_huge_photos_are_dropped_before_vobject(tmp_path: Path, name: str,
                                                lines: list[str]) -> None:
    """A photo larger than an import keeps (vcard_21.MAX_VCARD_PHOTO) is
    dropped as it is read, whatever its encoding, so a 60 MB one costs no
    more than reading the file; a link is never followed."""
    database = tmp_path / "fresh.db"
    Database.open(database, create=True).close()
    if name == "uri.vcf":
        path = tmp_path / name
        path.write_text(_vcard("FN:张伟", "TEL;TYPE=CELL:13800138000", *lines), encoding="utf-8")
        result = run_import(tmp_path, str(path), "--db", str(database))
    else:
        path = _huge_vcard(tmp_path / name, lines)
        result = run_import(tmp_path, str(path), "--db", str(database), timeout=300)
        assert result["growth_mb"] < VCARD_PEAK_MB, result
    assert result["code"] == 0, result
    db = Database.open(database)
    try:
        cards = _cards(db)
    finally:
        db.close()
    assert sorted(cards) == (["张伟"] if name == "uri.vcf" else ["张伟", "李娜", "王芳"])
    assert [p.number for p in cards["张伟"].phones] == ["13800138000"]


@pytest.mark.parametrize(("name", "lines", "line"), [
    ("one-line.vcf", ["NOTE:" + "备" * (_BIG // 3)], 9),
    ("folded-note.vcf", ["NOTE:" + "a" * 70, *[" " + "a" * 74] * (_BIG // 76)], 9),
    ("soft-breaks.vcf", ["NOTE;ENCODING=QUOTED-PRINTABLE:" + "=41" * 24 + "=",
                         *["=41" * 24 + "="] * (_BIG // 74), "=41"], 9),
])
@pytest.mark.slow
def test_a_huge_vcard_line_is_refused_with_its_number(tmp_path: Path, seeded: Path, name: str,
                                                      lines: list[str], line: int) -> None:
    """vobject held 150 times the longest line: a 10 MB line took 1.5 GB, the
    64 MB file limit allowed 9.6 GB. A line longer than any contact field is
    refused, naming the line where it starts."""
    path = _huge_vcard(tmp_path / name, lines)
    before = full_dump(seeded)
    result = run_import(tmp_path, str(path), "--db", str(seeded), timeout=300)
    assert_refused(result, path, f"line {line} is longer than 262,144 characters",
                   memory_mb=VCARD_PEAK_MB)
    assert full_dump(seeded) == before
