"""Every failure of the command line is one line on stderr (exit 2, 3 when
busy), never a traceback, and writes nothing: a full disk, a database with a
table missing, an empty file given to a command that only reads, the demo's
limits, a backup the list calls good that restore would refuse, URLs without
their driver, pipes given as files, a reader that leaves early."""

from __future__ import annotations

import errno
import gc
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_crm.cli import main
from desktop_crm.services.backup import backup_dir
from desktop_crm.storage import database
from tests.conftest import one_line

ROOT = Path(__file__).resolve().parents[2]


def _clients(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM clients").fetchone()[0])
    finally:
        conn.close()


def _csv(path: Path, rows: int) -> Path:
    path.write_text("name,phone\n" + "".join(f"客户{i},137{i:08d}\n" for i in range(rows)),
                    encoding="utf-8")
    return path


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "crm.db"
    assert main(["demo", "--clients", "12", "--db", str(path)]) == 0
    return path


def _fails_with_one_line(argv: list[str], capsys: pytest.CaptureFixture[str],
                         code: int = 2) -> str:
    capsys.readouterr()
    assert main(argv) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return one_line(err)


# -- demo --clients ------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 5, 9, 10])
def test_a_demo_book_of_fewer_than_ten_clients(tmp_path: Path, n: int) -> None:
    path = tmp_path / "small.db"
    assert main(["demo", "--clients", str(n), "--db", str(path)]) == 0
    assert _clients(path) == n


@pytest.mark.parametrize("n", ["0", "-1", "1000001", "many"])
def test_demo_clients_outside_1_to_a_million_is_refused(tmp_path: Path, n: str,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    path = tmp_path / "none.db"
    with pytest.raises(SystemExit) as info:
        main(["demo", "--clients", n, "--db", str(path)])
    assert info.value.code == 2
    assert "--clients" in one_line(capsys.readouterr().err)
    assert not path.exists()


# -- a full disk ---------------------------------------------------------------------

@pytest.fixture
def no_room(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, every connection the app opens may not grow its database
    by one page: SQLite answers SQLITE_FULL, as on a full disk."""
    connect = database._on_connect

    def limited(dbapi_conn: Any, record: Any) -> None:
        connect(dbapi_conn, record)
        dbapi_conn.execute("PRAGMA max_page_count = 1")  # = its size now

    monkeypatch.setattr(database, "_on_connect", limited)


@pytest.mark.usefixtures("no_room")
@pytest.mark.parametrize("command", ["demo", "import"])
def test_a_full_disk_is_one_line_and_nothing_is_written(
        book: Path, tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = (["demo", "--clients", "500", "--add"] if command == "demo"
            else ["import", str(_csv(tmp_path / "many.csv", 2000))])
    line = _fails_with_one_line([*argv, "--db", str(book)], capsys)
    assert line == (f"desktop-crm: The disk holding {book} is full; nothing was changed. "
                    "Free some space and try again.")
    assert _clients(book) == 12


def test_a_copy_into_a_full_disk_is_one_line_and_leaves_no_file(
        book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The new file's schema is written, then its disk fills with the rows:
    the same words as any full disk (in the user's language, not SQLite's
    "database or disk is full"), and the half-made file is removed."""
    from desktop_crm.storage import search_index

    clear = search_index.clear

    def full_from_now(session: Any) -> None:
        clear(session)
        connection = session.connection()
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()
        connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(search_index, "clear", full_from_now)
    target = tmp_path / "laptop.db"
    line = _fails_with_one_line(["copy", "--from", str(book), "--to", str(target)], capsys)
    assert line == (f"desktop-crm: The disk holding {target} is full; nothing was changed. "
                    "Free some space and try again.")
    assert not target.exists()
    assert _clients(book) == 12


def test_no_space_for_a_temporary_file_is_one_line(book: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from xlsxwriter import worksheet

    def full(*args: Any, **kwargs: Any) -> tuple[int, str]:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/tmp/rows")

    # xlsxwriter's temporary file of a sheet's rows
    monkeypatch.setattr(worksheet.tempfile, "mkstemp", full)
    out = tmp_path / "book.xlsx"
    line = _fails_with_one_line(["export", "xlsx", str(out), "--db", str(book)], capsys)
    assert line.startswith("desktop-crm: The disk is full (/tmp/rows: ")
    assert not out.exists()


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1.5 MB tmpfs (root on Linux only)."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root on Linux")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1536k,mode=0700", "tmpfs",
                              str(disk)], capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_real_full_disk(tiny_disk: Path, tmp_path: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tiny_disk / "crm.db"
    assert main(["demo", "--clients", "3", "--db", str(path)]) == 0
    filler = tiny_disk / "filler"
    # fill the disk, then leave a little room only, whatever the schema's size
    with filler.open("wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    filler.write_bytes(b"\0" * (os.path.getsize(filler) - 48 * 1024))
    for argv in (["demo", "--clients", "2000", "--add"],
                 ["import", str(_csv(tmp_path / "many.csv", 5000))],
                 ["export", "xlsx", str(tiny_disk / "book.xlsx")]):
        line = _fails_with_one_line([*argv, "--db", str(path)], capsys)
        assert "full" in line or "No space left" in line, line
    assert _clients(path) == 3
    assert not (tiny_disk / "book.xlsx").exists()
    assert main(["stats", "--db", str(path)]) == 0
    gc.collect()


# -- a table missing -----------------------------------------------------------------

COMMANDS = [["stats"], ["search", "王"], ["agenda"], ["backup"], ["demo", "--clients", "2"],
            ["export", "xlsx", "OUT.xlsx"], ["export", "ics", "OUT.ics"],
            ["export", "vcf", "OUT.vcf"], ["import", "IN.csv"], ["import", "IN.csv", "--dry-run"]]


def _argv(command: list[str], tmp_path: Path, db: Path) -> list[str]:
    words = [str(_csv(tmp_path / "in.csv", 2)) if w == "IN.csv" else
             str(tmp_path / w) if w.startswith("OUT.") else w for w in command]
    return [*words, "--db", str(db)]


@pytest.mark.parametrize("table", ["interactions", "client_fts", "import_batches"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_table_missing_is_one_line_for_every_command(
        book: Path, tmp_path: Path, table: str, command: list[str],
        capsys: pytest.CaptureFixture[str]) -> None:
    conn = sqlite3.connect(book)
    conn.execute(f"DROP TABLE {table}")
    conn.commit()
    conn.close()
    before = book.read_bytes()
    line = _fails_with_one_line(_argv(command, tmp_path, book), capsys)
    assert line.startswith(f"desktop-crm: {book} is damaged or incomplete and was left "
                           f"unchanged: table {table} is missing; list the backups with: ")
    assert book.read_bytes() == before
    assert not any(p.name.startswith("OUT") for p in tmp_path.iterdir())


# -- an empty file -------------------------------------------------------------------

READ_ONLY = [c for c in COMMANDS if c[0] not in ("demo", "import")] + [["backup", "--list"]]


@pytest.mark.parametrize("command", READ_ONLY, ids=" ".join)
def test_a_command_that_reads_refuses_an_empty_file_and_leaves_it(
        tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    os.chmod(empty, 0o644)
    line = _fails_with_one_line(_argv(command, tmp_path, empty), capsys)
    assert line == (f"desktop-crm: {empty} is an empty file, not a Desktop CRM database yet; "
                    "this command only reads, so it was left unchanged")
    assert empty.stat().st_size == 0 and stat.S_IMODE(empty.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"] + (
        ["in.csv"] if "IN.csv" in command else [])


def test_an_empty_file_with_backups_lists_them(book: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """The way back when the file was emptied: list the backups, write nothing."""
    assert main(["backup", "--db", str(book)]) == 0
    book.write_bytes(b"")
    capsys.readouterr()
    assert main(["backup", "--list", "--db", str(book)]) == 0
    assert "12 clients" in one_line(capsys.readouterr().out)
    assert book.stat().st_size == 0


def test_a_dry_run_on_an_empty_file_writes_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    assert main(["import", str(_csv(tmp_path / "in.csv", 2)), "--dry-run",
                 "--db", str(empty)]) == 0
    assert empty.stat().st_size == 0


@pytest.mark.parametrize("command", [["demo", "--clients", "2"], ["import", "IN.csv"]])
def test_a_command_that_writes_makes_the_empty_file_a_database(
        tmp_path: Path, command: list[str]) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    assert main(_argv(command, tmp_path, empty)) == 0
    assert _clients(empty) == 2


# -- the backup list agrees with restore ---------------------------------------------

def _index_disagrees(path: Path) -> None:
    """An index that no longer matches its table: quick_check passes it,
    integrity_check (what restore runs) does not."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX ix_clients_sort_key ON "
                 "clients (name)' WHERE name = 'ix_clients_sort_key'")
    conn.commit()
    conn.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]
    conn.close()


def test_the_backup_list_never_calls_good_a_backup_restore_refuses(
        book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backup", "--db", str(book)]) == 0
    [made] = backup_dir(book).iterdir()
    _index_disagrees(made)
    capsys.readouterr()
    assert main(["backup", "--list", "--json", "--db", str(book)]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["ok"] is False and "missing from index" in listed["problem"]
    line = _fails_with_one_line(["restore", str(made), "--yes", "--db", str(book)], capsys)
    assert "cannot be restored" in line and "missing from index" in line


# -- URLs, pipes, readers --------------------------------------------------------------

def test_a_postgresql_url_without_its_driver(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("sqlalchemy")
    try:
        import psycopg  # noqa: F401
        pytest.skip("psycopg is installed")
    except ImportError:
        pass
    line = _fails_with_one_line(
        ["stats", "--db", "postgresql+psycopg://sales:secret@localhost/crm"], capsys)
    assert line == ("desktop-crm: The PostgreSQL driver is not installed, so "
                    "postgresql+psycopg://sales:***@localhost/crm cannot be opened; install "
                    'Desktop CRM with the [postgres] extra: pip install "desktop-crm[postgres]"')


def test_a_url_nothing_understands(capsys: pytest.CaptureFixture[str]) -> None:
    line = _fails_with_one_line(["stats", "--db", "nosuch://x/y"], capsys)
    assert "nosuch://x/y is not a database URL" in line


def test_a_sqlite_url_with_its_driver_named_is_a_file_too(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    missing = tmp_path / "none.db"
    line = _fails_with_one_line(["stats", "--db", f"sqlite+pysqlite:///{missing}"], capsys)
    assert line == f"desktop-crm: No database at {missing}"
    assert not missing.exists()


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "en_US.UTF-8"}
    return subprocess.run([sys.executable, "-m", "desktop_crm", *args], capture_output=True,
                          text=True, env=env, timeout=timeout, check=False)


@pytest.mark.parametrize("command", [["stats"], ["demo", "--clients", "2"], ["restore", "B"]])
def test_a_pipe_as_the_database_is_refused_without_waiting(
        book: Path, tmp_path: Path, command: list[str]) -> None:
    """Reading a pipe's first bytes would wait for a writer for ever (run in
    a child process so the old behaviour fails by its timeout)."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    if command[0] == "restore":
        assert main(["backup", "--db", str(book)]) == 0
        command = ["restore", str(next(backup_dir(book).iterdir())), "--yes"]
    done = _run(*command, "--db", str(pipe))
    assert done.returncode == 2
    assert one_line(done.stderr) == (f"desktop-crm: {pipe} is not a regular file (a device, "
                                     "pipe or socket), not a database file")
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)


def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path: Path) -> None:
    """``desktop-crm agenda | head -1``."""
    if shutil.which("head") is None:
        pytest.skip("no head command")
    path = tmp_path / "big.db"
    assert main(["demo", "--clients", "400", "--db", str(path)]) == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "en_US.UTF-8"}
    done = subprocess.run(
        f'"{sys.executable}" -m desktop_crm agenda --days 3660 --db "{path}" | head -1',
        shell=True, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert len(done.stdout.splitlines()) == 1
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_a_home_folder_of_nobody_known(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """``~nosuchuser/x.db``: Path.expanduser raises; the name is taken as it is."""
    monkeypatch.chdir(tmp_path)
    line = _fails_with_one_line(["stats", "--db", "~nosuchuser-crm/x.db"], capsys)
    assert line == f"desktop-crm: No database at {tmp_path / '~nosuchuser-crm' / 'x.db'}"
