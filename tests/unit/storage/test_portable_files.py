"""Files are written the same way on Windows as here: every descriptor of a
file written with bytes is binary (``O_BINARY`` where the platform has it),
a file is synced through a descriptor Windows can flush, and a rename over a
file another program holds open is retried and then refused with one clear
message, nothing changed. Windows' behaviour is injected
(tests/helpers/windows_like.py)."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from desktop_crm.i18n import language_in_this_thread
from desktop_crm.storage import portable_files
from desktop_crm.storage.database import Database
from desktop_crm.storage.portable_files import FileInUseError, create_new, replace
from desktop_crm.storage.snapshot import copy_database
from tests.helpers.windows_like import (
    WINDOWS_O_BINARY,
    OpenRecorder,
    hold_open,
    refuse_read_only_fsync,
    sharing_violation,
)


@pytest.mark.parametrize("o_binary", [WINDOWS_O_BINARY, None], ids=["windows", "posix"])
def test_new_files_are_opened_binary_where_the_platform_has_o_binary(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, o_binary: int | None) -> None:
    recorder = OpenRecorder()
    recorder.install(monkeypatch, o_binary)
    fd = create_new(tmp_path / "new.bin")
    with os.fdopen(fd, "wb") as fh:
        fh.write(b"a\nb")
    [(_, flags)] = recorder.calls
    assert bool(flags & WINDOWS_O_BINARY) == (o_binary is not None)
    assert flags & os.O_EXCL and flags & os.O_CREAT
    assert (tmp_path / "new.bin").read_bytes() == b"a\nb"


@pytest.mark.sqlite_only("the SQLite file, created and backed up")
def test_a_new_database_and_its_backup_open_every_file_binary_and_sync_writable(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "clients.db"
    recorder = OpenRecorder()
    recorder.install(monkeypatch, WINDOWS_O_BINARY)
    synced = refuse_read_only_fsync(monkeypatch, recorder)
    Database.open(path, create=True).close()
    copy_database(path, tmp_path / "copy.db")
    opened = recorder.files()
    assert {p.name for p, _ in opened} >= {"clients.db", "copy.db.part"}
    assert all(flags & WINDOWS_O_BINARY for _, flags in opened), opened
    assert synced  # the copy was flushed, through a descriptor Windows accepts
    with sqlite3.connect(tmp_path / "copy.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_read_only_fsync_failure_is_not_what_a_backup_meets(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    source = tmp_path / "a.db"
    with sqlite3.connect(source) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    recorder = OpenRecorder()
    recorder.install(monkeypatch, None)
    refuse_read_only_fsync(monkeypatch, recorder)
    assert copy_database(source, tmp_path / "b.db").is_file()


def test_a_transient_hold_is_waited_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    source, target = tmp_path / "new", tmp_path / "book.xlsx"
    source.write_bytes(b"new")
    target.write_bytes(b"old")
    holder = hold_open(monkeypatch, target, release_after=3)  # a virus scanner, say
    replace(source, target)
    assert holder.refused == 3
    assert target.read_bytes() == b"new" and not source.exists()


@pytest.mark.parametrize("lang, words", [("en", "close it in that program"),
                                         ("zh", "请在该程序中关闭它")])
def test_a_file_held_open_is_refused_with_one_message_and_nothing_changed(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, lang: str, words: str) -> None:
    source, target = tmp_path / "new", tmp_path / "book.xlsx"
    source.write_bytes(b"new")
    target.write_bytes(b"old")
    holder = hold_open(monkeypatch, target)
    with language_in_this_thread(lang), pytest.raises(FileInUseError) as caught:
        replace(source, target)
    assert words in caught.value.strerror
    assert caught.value.filename == os.fspath(target)
    assert holder.refused == len(portable_files.RETRY_DELAYS) + 1
    assert target.read_bytes() == b"old" and source.read_bytes() == b"new"


def test_other_permission_errors_are_not_retried_nor_blamed_on_another_program(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    source, target = tmp_path / "new", tmp_path / "old"
    source.write_bytes(b"new")
    target.write_bytes(b"old")
    calls = []

    def denied(src: object, dst: object) -> None:
        calls.append(dst)
        raise PermissionError(errno.EACCES, "Permission denied")  # POSIX: no winerror

    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(PermissionError) as caught:
        replace(source, target)
    assert not isinstance(caught.value, FileInUseError) and len(calls) == 1
    # Windows' access denied on a file marked read-only: not "open elsewhere"
    target.chmod(0o400)
    read_only = sharing_violation(target)
    read_only.winerror = 5  # type: ignore[attr-defined]
    assert not portable_files.held_by_another_program(read_only, target)
    assert portable_files.held_by_another_program(sharing_violation(target), target)


def test_a_database_on_a_windows_network_share_gets_a_uri_sqlite_opens(tmp_path: Path) -> None:
    """Backups and checks open the database through a read-only ``file:`` URI;
    a network path (``resolve`` turns a mapped drive S: into \\\\nas\\share)
    must not become a URI host, which SQLite refuses."""
    from pathlib import PureWindowsPath

    from desktop_crm.storage.snapshot import file_uri

    assert file_uri(PureWindowsPath(r"\\nas\crm\客户 #1.db")) == \
        "file:////nas/crm/%E5%AE%A2%E6%88%B7%20%231.db"
    assert file_uri(PureWindowsPath(r"C:\Users\王芳\clients.db")) == \
        "file:///C:/Users/%E7%8E%8B%E8%8A%B3/clients.db"
    # SQLite itself: a host is refused, four slashes and no host are a path
    path = tmp_path / "a.db"
    sqlite3.connect(path).close()
    with pytest.raises(sqlite3.OperationalError):
        sqlite3.connect(f"file://nas{path.as_posix()}?mode=ro", uri=True).execute("SELECT 1")
    four = "file:///" + file_uri(path)[len("file://"):]  # "//" + the absolute path
    sqlite3.connect(four + "?mode=ro", uri=True).close()
