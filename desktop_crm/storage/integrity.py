"""Looking at a SQLite file without writing to it: integrity, foreign keys,
tables and schema revision.

Every check opens the file read-only (``mode=ro``), so a damaged file is never
changed by looking at it: no checkpoint of its ``-wal`` on close, no journal
recovery. ``Database.open`` turns the report into the error the user sees.

Cost, measured on a 325 MB database with 100,000 clients (SQLite 3.40.1):
``PRAGMA integrity_check`` 1.9-3.1 s, ``quick_check`` 0.4 s,
``foreign_key_check`` 0.15 s; at 10,000 clients (33 MB) integrity_check takes
0.13 s. The full check would more than use up the 1.5 s start-up budget at
100,000 clients, so files larger than ``FULL_CHECK_MAX_BYTES`` get
quick_check on open (every page, record and b-tree, but not index contents
against their tables); restore checks a backup with the full check whatever
its size.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from desktop_crm.storage import held_files
from desktop_crm.storage.snapshot import read_only_uri

SQLITE_HEADER = b"SQLite format 3\x00"
# Up to this size open runs integrity_check; above it, quick_check.
FULL_CHECK_MAX_BYTES = 64 * 1024 * 1024
# integrity_check stops after 100 problems by default; so do we for foreign keys.
MAX_PROBLEMS = 100

_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_NOTADB = 26


@dataclass(frozen=True)
class FileReport:
    """What a read-only look at a SQLite file found.

    Attributes:
        path: the file.
        problems: one line per integrity or foreign-key problem; empty when sound.
        tables: names of the tables in the schema (SQLite's own left out).
        revision: the Alembic revision in ``alembic_version``, or None.
        full: True when ``integrity_check`` ran, False for ``quick_check``.
    """

    path: Path
    problems: tuple[str, ...]
    tables: frozenset[str]
    revision: str | None
    full: bool

    @property
    def ok(self) -> bool:
        return not self.problems


def has_sqlite_header(path: Path) -> bool:
    """True when the file starts like a SQLite database or is empty (an empty
    file is a valid, empty database to SQLite).

    A database this process holds open through SQLite is one, and is not
    read: opening and closing it here would drop the process's locks on it
    (see ``held_files``). Its ``-wal`` or ``-shm`` raises HeldFileError.
    """
    if held_files.is_held_database(path):
        return True
    held_files.refuse_held(path)
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_HEADER))
    return head in (b"", SQLITE_HEADER)


def in_wal_mode(path: Path) -> bool:
    """True when the file's header says WAL (its read and write versions are
    2), so opening a connection with ``journal_mode = WAL`` writes nothing.

    A database this process holds open is asked through SQLite (a read-only
    connection, which keeps the locks) instead of being read; its ``-wal``
    or ``-shm`` raises HeldFileError.
    """
    if held_files.is_held_database(path):
        conn = read_only_connection(path)
        try:
            return str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"
        finally:
            conn.close()
    held_files.refuse_held(path)
    with path.open("rb") as fh:
        head = fh.read(20)
    return len(head) == 20 and head[18] == 2 and head[19] == 2


def is_damage(exc: sqlite3.Error) -> bool:
    """True when SQLite refused a file because its bytes are broken (not because
    it is locked, missing or unreadable)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(exc)
    return "malformed" in text or "not a database" in text


def _primary_code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_full(exc: sqlite3.Error) -> bool:
    """True when SQLite could not write because the disk (or the database's
    page limit) is full; the statement's transaction was rolled back."""
    code = _primary_code(exc)
    if code is not None:
        return code == _SQLITE_FULL
    return "database or disk is full" in str(exc)


def is_busy(exc: sqlite3.Error) -> bool:
    """True when SQLite gave up waiting for another connection's lock (after
    the busy timeout); the statement's transaction was rolled back."""
    code = _primary_code(exc)
    if code is not None:
        return code in (_SQLITE_BUSY, _SQLITE_LOCKED)
    return "locked" in str(exc) or "busy" in str(exc)


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection that cannot write to ``path``."""
    return sqlite3.connect(read_only_uri(path), uri=True, timeout=10)


def count_live_clients(path: Path) -> int:
    """The clients not in the trash of the database file at ``path``, read
    through a read-only connection (a backup, which the app does not open)."""
    conn = read_only_connection(path)
    try:
        return int(conn.execute(
            "SELECT count(*) FROM clients WHERE deleted_at IS NULL").fetchone()[0])
    finally:
        conn.close()


def check_file(path: Path, *, full: bool | None = None, integrity: bool = True) -> FileReport:
    """Check ``path`` read-only: integrity (``full``: integrity_check, else
    quick_check; None chooses by size), foreign keys, tables, revision.
    Without ``integrity`` only the tables and the revision are read (a few
    milliseconds); :class:`BackgroundCheck` then does the rest.

    Damage SQLite reports as an error instead of rows (a broken schema page,
    a header it rejects) becomes the report's one problem. Raises
    sqlite3.Error for anything else (locked, unreadable): that is not damage.
    """
    if full is None:
        full = path.stat().st_size <= FULL_CHECK_MAX_BYTES
    conn = read_only_connection(path)
    try:
        try:
            problems = _integrity(conn, full) if integrity else []
            if integrity and not problems:
                problems = _foreign_keys(conn)
            tables = frozenset(
                str(r[0]) for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"))
            revision = _revision(conn) if "alembic_version" in tables else None
        except sqlite3.Error as exc:
            if not is_damage(exc):
                raise
            return FileReport(path, (str(exc),), frozenset(), None, full)
    finally:
        conn.close()
    return FileReport(path, tuple(problems), tables, revision, full)


def _integrity(conn: sqlite3.Connection, full: bool) -> list[str]:
    pragma = "integrity_check" if full else "quick_check"
    rows = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}({MAX_PROBLEMS})")]
    if rows == ["ok"]:
        return []
    # SQLite 3.40 may put several problems in one row, under a heading line
    lines = [line.strip() for row in rows for line in row.splitlines()]
    problems = [line for line in lines if line and not line.startswith("*** in database")]
    return (problems or rows)[:MAX_PROBLEMS]


def _foreign_keys(conn: sqlite3.Connection) -> list[str]:
    cursor = conn.execute("PRAGMA foreign_key_check")
    return [f"{table} row {rowid}: no matching row in {parent} (foreign key {fkid})"
            for table, rowid, parent, fkid in cursor.fetchmany(MAX_PROBLEMS)]


def _revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:  # a table of that name with other columns
        return None
    return str(row[0]) if row else None


CHECK_NICENESS = 10  # added to the check thread's nice value (Linux: per thread)


def _lower_priority() -> None:
    """Make the calling thread yield the CPU to the others when they compete
    (Linux's nice value belongs to each thread, named by its native id;
    elsewhere that id is no process id, and nothing changes)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid,
                       os.getpriority(os.PRIO_PROCESS, tid) + CHECK_NICENESS)
    except OSError:  # not allowed here: the check runs as it is
        pass


class BackgroundCheck:
    """:func:`check_file` running in a thread, so the window can be built
    meanwhile and shown (SQLite runs the check without Python's global lock:
    at 100,000 clients its 0.5-0.8 s overlap the window's start instead of
    adding to it). ``wait`` returns the report or raises what the check
    raised.

    The check's thread runs at a lower CPU priority than the window's
    (``CHECK_NICENESS``, where the system allows one thread its own): on a
    busy machine the window is built, shown and filled first, and the check
    takes what CPU is left. Writes wait for it either way."""

    def __init__(self, path: Path, full: bool | None = None) -> None:
        self.path = path
        self._report: FileReport | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(full,), daemon=True,
                                        name="integrity-check")
        self._thread.start()

    def _run(self, full: bool | None) -> None:
        _lower_priority()
        try:
            self._report = check_file(self.path, full=full)
        except BaseException as exc:  # handed to the waiting thread
            self._error = exc

    @property
    def done(self) -> bool:
        """The check has ended: ``wait`` returns at once."""
        return not self._thread.is_alive()

    def wait(self) -> FileReport:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._report is not None
        return self._report
