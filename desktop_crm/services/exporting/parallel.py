"""A big workbook written by two processes (README.md, "Speed").

Most of an export's time is xlsxwriter's Python for each cell, which one
process runs on one core. From ``MIN_CLIENTS`` clients on, with two cores or
more, a helper process (started with ``spawn``, as on Windows and in the
frozen bundle, where ``__main__`` calls ``multiprocessing.freeze_support``)
writes the same workbook with the rows of the Sales, Evaluations and Care
calendar sheets only, reading them itself, while this process writes the
others. Both make every sheet, in the same order, with the same formats
numbered the same (styles.py): each sheet's part is the same in both, up to
the rows each wrote. The package is this process's, with the helper's parts
of its sheets copied in as they are in its package (xlsxwriter's bytes,
compressed by it: :func:`assemble` decompresses nothing); the helper's row
counts and Summary figures come back through a pipe.

A failure in either process fails the export with its error (the helper's
is raised here), a cancel stops the helper, and nothing is saved but through
``atomic_file``, as before.
"""

from __future__ import annotations

import contextlib
import copy
import multiprocessing
import os
import struct
import zipfile
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from desktop_crm.i18n import _
from desktop_crm.services.files import ExportError

if TYPE_CHECKING:
    from desktop_crm.services.exporting.workbook import Part, Written

Progress = Callable[[int, int], None]
MIN_CLIENTS = 5000  # below it a split saves less than starting a process costs
# another threshold (a number of clients; for tests and measuring)
MIN_CLIENTS_VARIABLE = "DESKTOP_CRM_EXPORT_SPLIT_FROM"
POLL_SECONDS = 0.2  # how often a wait for the helper lets a cancel through
COPY_CHUNK = 1 << 20
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # a zip entry's local header (zipfile's)
_LOCAL_SIGNATURE = b"PK\x03\x04"


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def worth_splitting(clients: int) -> bool:
    """Whether an export of ``clients`` clients is split over two processes."""
    least = MIN_CLIENTS
    with contextlib.suppress(ValueError):
        least = int(os.environ.get(MIN_CLIENTS_VARIABLE, least))
    return clients >= least and cores() >= 2


class Helper:
    """The helper process of one export and its pipe."""

    def __init__(self, process: SpawnProcess, conn: Connection, done: Any, package: Path) -> None:
        self.process, self.conn, self.done, self.package = process, conn, done, package
        self._reply: tuple[str, Any] | None = None

    @classmethod
    def start(cls, part: Part, tmpdir: str) -> Helper:
        ctx = multiprocessing.get_context("spawn")
        receiver, sender = ctx.Pipe(duplex=False)
        done = ctx.Value("q", 0, lock=False)  # its clients read so far
        package = Path(tmpdir) / "helper.xlsx"
        process = ctx.Process(target=run, args=(part, tmpdir, package, sender, done),
                              name="desktop-crm-export", daemon=True)
        process.start()
        sender.close()  # the helper's end: a helper that dies closes it
        return cls(process, receiver, done, package)

    def watching(self, progress: Progress | None) -> Progress:
        """``progress`` counting the clients both processes are done with; it
        raises the helper's error as soon as it fails."""
        def both(done: int, total: int) -> None:
            self._check()
            if progress is not None:
                progress(min(done, self.done.value), total)
        return both

    def result(self, progress: Progress, total: int) -> Written:
        """What the helper wrote, when it is done; ``progress`` (from
        :meth:`watching`) is called while waiting: a cancel raised there
        stops the wait."""
        while self._reply is None:
            self._check(wait=POLL_SECONDS)
            progress(total, total)
        self.process.join()
        self.conn.close()
        written: Written = self._reply[1]
        return written

    def _check(self, wait: float = 0) -> None:
        if self._reply is None and self.conn.poll(wait):
            try:
                self._reply = self.conn.recv()
            except EOFError:  # it ended without a word: killed, or out of memory
                self.process.join()
                raise ExportError(_("The export's helper process stopped (exit code "
                                    "{code}); nothing was written.",
                                    code=self.process.exitcode)) from None
        if self._reply is not None and self._reply[0] == "error":
            raise self._reply[1]

    def stop(self) -> None:
        """End the helper (a cancel or a failure here) and wait for it: its
        files are closed when this returns."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def run(part: Part, tmpdir: str, package: Path, conn: Connection, done: Any) -> None:
    """The helper process: write ``part`` to ``package`` and send back what
    was written, or the error."""
    from desktop_crm.services.exporting.workbook import write_part
    from desktop_crm.storage.database import Database

    def progress(clients: int, _total: int) -> None:
        done.value = clients

    try:
        db = Database(part.url)
        try:
            written = write_part(db, part, package, tmpdir, progress)
        finally:
            db.close()
        conn.send(("ok", written))
    except BaseException as exc:  # sent, raised in the exporting process
        with contextlib.suppress(Exception):
            conn.send(("error", _portable(exc)))
        raise SystemExit(1) from None
    finally:
        conn.close()


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else an ExportError with its text."""
    import pickle

    try:
        return pickle.loads(pickle.dumps(exc))  # type: ignore[no-any-return]
    except Exception:  # any exception may fail to pickle
        return ExportError(str(exc) or type(exc).__name__)


def assemble(package: IO[bytes], helper: Path, taken: set[str], out: IO[bytes]) -> None:
    """Write to ``out`` the zip ``package`` with the parts named in ``taken``
    replaced by the helper's package's parts of those names: each entry's
    bytes copied as they are (header, compressed data), the central directory
    written by zipfile from the entries' own records."""
    package.seek(0)
    with zipfile.ZipFile(package) as ours, zipfile.ZipFile(helper) as theirs, \
            helper.open("rb") as helper_file, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as merged:
        for info in ours.infolist():
            if info.filename in taken:
                _copy_entry(helper_file, theirs.getinfo(info.filename), merged)
            else:
                _copy_entry(package, info, merged)


def _copy_entry(source: IO[bytes], info: zipfile.ZipInfo, merged: zipfile.ZipFile) -> None:
    source.seek(info.header_offset)
    header = source.read(_LOCAL_HEADER.size)
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != _LOCAL_SIGNATURE or info.flag_bits & 0x08:
        raise zipfile.BadZipFile(f"unexpected entry {info.filename}")  # not xlsxwriter's
    name_and_extra = source.read(fields[-2] + fields[-1])
    entry = copy.copy(info)
    out = merged.fp
    assert out is not None
    entry.header_offset = out.tell()
    out.write(header + name_and_extra)
    _copy_bytes(source, out, info.compress_size)
    merged.filelist.append(entry)
    merged.NameToInfo[entry.filename] = entry
    merged.start_dir = out.tell()
    merged._didModify = True  # type: ignore[attr-defined]  # zipfile writes the directory on close


def _copy_bytes(source: IO[bytes], out: IO[bytes], size: int) -> None:
    while size > 0:
        chunk = source.read(min(size, COPY_CHUNK))
        if not chunk:
            raise zipfile.BadZipFile("truncated entry")
        out.write(chunk)
        size -= len(chunk)


