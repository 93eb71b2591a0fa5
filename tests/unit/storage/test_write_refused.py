"""A write SQLite refuses for the machine's reasons is one message for the
user, and the book is left as it was: another program holding the write lock
past the busy timeout, or a full disk.

Before, the window showed such a refusal as an unexpected error, with the
SQL statement and a traceback ("Something went wrong ... database is
locked"), though nothing was wrong with the app or the book.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_crm.cli import EXIT_BUSY
from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.errors import CrmError
from desktop_crm.services.clients import ClientService
from desktop_crm.storage import database
from desktop_crm.storage.database import Database, DatabaseBusyError, DatabaseError

pytestmark = pytest.mark.sqlite_only("SQLite's write lock and its busy timeout")


def _book(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    db = Database.open(path, create=True)
    ClientService(db).save(ClientCard(name="王芳"))
    db.close()
    return path


def _names(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT name FROM clients ORDER BY id")]
    finally:
        conn.close()


def _digest(path: Path) -> str:
    """The book's content as SQLite reads it (the WAL checkpointed first)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return hashlib.sha1(path.read_bytes()).hexdigest()


def test_a_write_while_another_program_holds_the_lock_says_busy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _book(tmp_path)
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    db = Database.open(path)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE clients SET name = '另一个程序'")
        with pytest.raises(DatabaseBusyError) as info:
            ClientService(db).save(ClientCard(name="李娜"))
        message = str(info.value)
        assert "busy in another window or program" in message
        assert "nothing was changed" in message
        assert "INSERT" not in message and "locked" not in message
        assert isinstance(info.value, CrmError)  # the window shows it as it is
        other.execute("ROLLBACK")
        assert _names(path) == ["王芳"]
        # once the other program let go, the same write goes through
        ClientService(db).save(ClientCard(name="李娜"))
        assert _names(path) == ["王芳", "李娜"]
    finally:
        other.close()
        db.close()


def test_a_write_on_a_full_disk_says_so_and_changes_nothing(tmp_path: Path) -> None:
    path = _book(tmp_path)
    db = Database.open(path)
    before = _digest(path)
    try:
        with pytest.raises(DatabaseError) as info, db.session() as session:
            conn = session.connection()
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
            # the file may not grow: SQLite answers SQLITE_FULL as on a full disk
            conn.exec_driver_sql(f"PRAGMA max_page_count = {pages}")
            for n in range(200):
                conn.exec_driver_sql("INSERT INTO tags (name) VALUES (?)",
                                     (f"{n}-" + "标签" * 2000,))
        assert "is full; nothing was changed" in str(info.value)
        assert not isinstance(info.value, DatabaseBusyError)
    finally:
        db.close()
    assert _digest(path) == before


def test_the_command_line_exits_busy_for_a_write_refused_by_the_lock(tmp_path: Path) -> None:
    """A real second program; the command's own busy timeout (10 s) passes."""
    path = _book(tmp_path)
    sheet = tmp_path / "new.csv"
    sheet.write_text("姓名,手机\n李娜,13700137000\n", encoding="utf-8")
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        done = subprocess.run(
            [sys.executable, "-m", "desktop_crm", "--lang", "en", "import", str(sheet),
             "--db", str(path)],
            capture_output=True, text=True, timeout=120, check=False)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert done.returncode == EXIT_BUSY, done.stderr
    assert done.stderr.count("\n") == 1 and "busy" in done.stderr
    assert "Traceback" not in done.stderr
    assert _names(path) == ["王芳"]
