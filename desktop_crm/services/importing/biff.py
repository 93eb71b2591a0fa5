"""The claims a legacy .xls workbook makes, checked before calamine reads it.

An .xls is an OLE2 compound file (a little FAT file system in one file) whose
``Workbook`` stream holds BIFF records. calamine reads the whole container and
every sheet when it opens the file, and aborts the process (no exception to
catch) when an allocation fails, so a few hundred bytes can take the app down:

- a sector chain that loops (the directory's, the mini stream's, a DIFAT
  chain) is followed until memory runs out (calamine 0.37 ``cfb.rs``
  ``get_chain`` reads the directory chain without a length);
- a DIMENSIONS record is believed: ``cells.reserve(rows * cols)`` in
  ``xls.rs`` asks for 43 TB when it claims 4 billion rows by 255 columns
  (the record's rows are 32-bit; the format has 65,536 rows by 256 columns);
- cells are placed in a dense grid spanning them all (``Range::from_sparse``):
  one cell at A1 and one at row 65,536, column 65,536 (cell records hold a
  16-bit column, the format only 256) ask for 137 GB; the formulas get a
  second grid the same way.

Python has no OLE2 reader of its own and none is installed with the app
(olefile would be a new dependency for a few dozen lines), so the container
is walked here the way calamine walks it, with every chain bounded by the
number of sectors the file has, and anything calamine would misread (a loop,
a sector past the end, a chain leaving the FAT) refused as damaged. Memory
stays within a copy of the file.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

from desktop_crm.i18n import _
from desktop_crm.services.importing import guards
from desktop_crm.services.importing.errors import ImportFileError

_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END = 0xFFFFFFFE
_DIFSECT = 0xFFFFFFFC
_RESERVED = 0xFFFFFFFA
_MINI = 64
_MINI_CUTOFF = 4096
# the names calamine looks for, in its order
_STREAMS = ("Workbook", "Book", "WORKBOOK", "BOOK")
# the .xls format's sheet: 65,536 rows by 256 columns
XLS_CELLS = 65_536 * 256

_BOF, _EOF, _DIMENSIONS, _BOUNDSHEET = 0x0809, 0x000A, 0x0200, 0x0085
_FORMULA, _MULRK = 0x0006, 0x00BD
# Number, Label, RString, BoolErr, Rk, LabelSst: row and column first
_CELLS = frozenset({0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD})
_U32 = struct.Struct("<I")


class _DamagedError(Exception):
    """The container or a record is not what calamine can read safely."""


def _u16(data: bytes, at: int) -> int:
    return int.from_bytes(data[at:at + 2], "little")


def _u32(data: bytes, at: int) -> int:
    return int.from_bytes(data[at:at + 4], "little")


class _Container:
    """The sectors of an OLE2 file, read the way calamine's ``cfb.rs`` does."""

    def __init__(self, data: bytes) -> None:
        if len(data) < 512 or data[:8] != _SIGNATURE:
            raise _DamagedError("not an OLE2 file")
        shift = _u16(data, 30)
        if shift not in (9, 12):
            raise _DamagedError(f"sector shift {shift}")
        self.data, self.size = data, 1 << shift
        self.large = shift == 12
        self.maxid = len(data) // self.size  # calamine's bound on a sector id
        difat = [_u32(data, at) for at in range(76, 512, 4)]
        sector_id, steps = _u32(data, 68), 0
        while sector_id < _RESERVED:
            steps = self._step(steps)
            difat.extend(self._ids(self.sector(sector_id)))
            sector_id = difat.pop()
        fat_sectors = [i for i in difat if i < _DIFSECT]
        if len(fat_sectors) > self.maxid + 1:  # a sector listed again and again
            raise _DamagedError("the FAT lists more sectors than the file has")
        self.fat = b"".join(self.sector(i) for i in fat_sectors)

    def _step(self, steps: int, limit: int | None = None) -> int:
        if steps > (self.maxid + 1 if limit is None else limit):
            raise _DamagedError("a sector chain loops")
        return steps + 1

    @staticmethod
    def _ids(sector: bytes) -> Iterator[int]:
        return (v for (v,) in _U32.iter_unpack(sector[:len(sector) // 4 * 4]))

    def sector(self, sector_id: int) -> bytes:
        if sector_id > self.maxid:
            raise _DamagedError(f"sector {sector_id} points past the end of the file")
        start = self.size * (sector_id + 1)  # the header takes the first sector
        return self.data[start:start + self.size]

    def chain(self, start: int, length: int | None = None) -> bytes:
        """The bytes of a chain of sectors; a chain longer than the file is a loop."""
        out = bytearray()
        sector_id, steps = start, 0
        while sector_id != _END:
            steps = self._step(steps)
            sector = self.sector(sector_id)
            out += sector if length is None else sector[:length - len(out)]
            if length is not None and len(out) >= length:
                break
            if 4 * sector_id + 4 > len(self.fat):
                raise _DamagedError(f"sector {sector_id} is not in the FAT")
            sector_id = _u32(self.fat, 4 * sector_id)
        return bytes(out)

    def _length(self, entry: bytes) -> int:
        return _u32(entry, 120) if not self.large else int.from_bytes(entry[120:128], "little")

    def workbook(self) -> bytes | None:
        """The Workbook stream, or None when there is none (calamine says so)."""
        header = self.data
        entries = self.chain(_u32(header, 48))
        directory = [entries[at:at + 128] for at in range(0, len(entries) - 127, 128)]
        if not directory:
            raise _DamagedError("no directory")
        # calamine reads the mini stream and mini FAT whenever the header has one
        mini_fat_sectors = _u32(header, 64)
        stream = mini_fat = b""
        if mini_fat_sectors:
            root = directory[0]
            stream = self.chain(_u32(root, 116), self._length(root))
            mini_fat = self.chain(_u32(header, 60), mini_fat_sectors * self.size)
        names = [e[:64].decode("utf-16-le", "replace").split("\0", 1)[0] for e in directory]
        found = next((directory[names.index(n)] for n in _STREAMS if n in names), None)
        if found is None:
            return None
        start, length = _u32(found, 116), self._length(found)
        if length >= _MINI_CUTOFF:
            return self.chain(start, length)
        if not mini_fat_sectors:
            raise _DamagedError("a small stream without a mini FAT")
        out = bytearray()
        sector_id, steps = start, 0
        while sector_id != _END and len(out) < length:
            steps = self._step(steps, self.maxid * 8)
            if sector_id > self.maxid * 8 or _MINI * (sector_id + 1) > len(stream):
                raise _DamagedError(f"mini sector {sector_id} is not in the mini stream")
            out += stream[_MINI * sector_id:_MINI * (sector_id + 1)][:length - len(out)]
            if 4 * sector_id + 4 > len(mini_fat):
                raise _DamagedError(f"mini sector {sector_id} is not in the mini FAT")
            sector_id = _u32(mini_fat, 4 * sector_id)
        return bytes(out)


def _records(stream: bytes, pos: int) -> Iterator[tuple[int, bytes]]:
    """(type, body) of the BIFF records from ``pos``; stops where calamine
    would report a truncated record."""
    view = memoryview(stream)
    while pos + 4 <= len(stream):
        kind, size = _u16(stream, pos), _u16(stream, pos + 2)
        if pos + 4 + size > len(stream):
            return
        yield kind, bytes(view[pos + 4:pos + 4 + size])
        pos += 4 + size


def _sheet_name(body: bytes) -> str:
    """A BoundSheet8 record's name (BIFF8; older files read as Latin-1)."""
    count = body[6] if len(body) > 6 else 0
    if len(body) > 7 and body[7] & 1:
        return body[8:8 + 2 * count].decode("utf-16-le", "replace")
    return body[8:8 + count].decode("latin-1")


def _dimensions_claim(body: bytes) -> int:
    """The cells calamine reserves for a DIMENSIONS record (its arithmetic,
    32-bit wrap-around included)."""
    first_row: int
    last_row: int
    first_col: int
    last_col: int
    if len(body) == 10:
        first_row, last_row, first_col, last_col = struct.unpack_from("<4H", body)
    elif len(body) == 14:
        first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", body)
    else:
        return 0  # calamine refuses the record
    if first_col > 0xFF or last_col < first_col:
        first_col = 0
    if last_row < 1 or last_col < 1:
        return 1
    rows = (last_row - 1 - first_row + 1) % (1 << 32)
    cols = (last_col - 1 - first_col + 1) % (1 << 32)
    return rows * cols


def _check_sheet(path: Path, stream: bytes, pos: int, name: str) -> None:
    """Refuse a sheet whose DIMENSIONS claim more than an .xls sheet holds,
    or whose cells span more than guards.MAX_CELLS."""
    box = guards.Box(path, name)
    seen_bof, depth = False, 0
    for kind, body in _records(stream, pos):
        if depth:  # an embedded chart's substream, which calamine skips
            depth += 1 if kind == _BOF else -1 if kind == _EOF else 0
            continue
        if kind == _BOF:
            depth, seen_bof = (1 if seen_bof else 0), True
        elif kind == _EOF:
            break
        elif kind == _DIMENSIONS and _dimensions_claim(body) > XLS_CELLS:
            raise ImportFileError(_(
                "{path}: sheet {sheet} claims more cells than an .xls sheet can hold; the "
                "file is damaged and is not read", path=path.name, sheet=name))
        elif (kind in _CELLS and len(body) >= 4) or (kind == _FORMULA and len(body) >= 20):
            row, col = struct.unpack_from("<HH", body)
            box.add(row, col)
        elif kind == _MULRK and len(body) >= 6:
            row, first = struct.unpack_from("<HH", body)
            last = _u16(body, len(body) - 2)
            if last >= first and len(body) == 6 + 6 * (last - first + 1):
                box.add(row, first, 1, last - first + 1)
    box.check()


def check_xls(path: Path, data: bytes) -> None:
    """Refuse an .xls whose container or sheets would make calamine allocate
    beyond the limits (see the module docstring)."""
    try:
        stream = _Container(data).workbook()
    except _DamagedError as exc:
        raise ImportFileError(_(
            "{path} is damaged or incomplete and cannot be read ({reason})",
            path=path.name, reason=str(exc))) from None
    if stream is None:
        return
    sheets: list[tuple[int, str]] = []
    for kind, body in _records(stream, 0):
        if kind == _BOUNDSHEET and len(body) >= 4:
            sheets.append((_u32(body, 0), _sheet_name(body)))
        elif kind == _EOF:
            break
    for pos, name in sheets:
        if pos > len(stream):
            raise ImportFileError(_(
                "{path} is damaged or incomplete and cannot be read ({reason})",
                path=path.name, reason=f"sheet {name} starts past the end of the workbook"))
        _check_sheet(path, stream, pos, name)
