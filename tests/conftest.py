"""Shared fixtures: offscreen Qt, a real database per test (a SQLite file, and
the same test again on a PostgreSQL server the tests start themselves), a
fixed clock, and the language reset to English after every test."""

from __future__ import annotations

import os
import shutil
import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_crm import i18n
from desktop_crm.storage.database import Database
from tests import pg_server
from tests.pg_server import PgCluster

FIXED_NOW = datetime(2026, 11, 24, 9, 30)
# real files written by other programs, with their origin and licence (SOURCES.md)
TESTDATA = Path(__file__).resolve().parent / "data" / "real"


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """English messages, also for code that follows the system locale (the
    CLI without --lang), whatever the machine's locale is."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture(autouse=True)
def _each_start_its_own() -> Iterator[None]:
    """A window's start pauses the cycle collector until its Today is filled,
    or 30 s, and then freezes what it made (app.py): once per process, for
    the app's one start. A test that builds a window (``create_window``) and
    ends before its Today is filled left the collector paused into the
    tests after it in the same process (and, when the pause ended, their
    objects frozen): here each test's start is its own, as in a process of
    its own."""
    yield
    import gc
    import sys

    app = sys.modules.get("desktop_crm.app")
    start = getattr(app, "_start_pause", None)
    if app is None or start is None:
        return
    pause, start._pause = start._pause, None
    if pause is not None:  # Today never filled: the pause ends with the test
        pause.__exit__(None, None, None)
    app._start_pause = None
    gc.unfreeze()


def one_line(text: str) -> str:
    """The only line of ``text`` (a command's error output); fails otherwise."""
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "clients.db"


@pytest.fixture(scope="session")
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new, empty database made once per run: migrating one takes about 0.12 s,
    copying this file 0.006 s. Every ``db`` starts as a copy, so they all have the
    same database identity (tests needing two identities open a second file)."""
    path = tmp_path_factory.mktemp("empty") / "empty.db"
    Database.open(path, create=True).close()
    assert not path.with_name(path.name + "-wal").exists()
    return path


ENGINES = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): a test of what only a SQLite file has (its bytes, "
        "locks, backups); the ``db`` fixture gives it no PostgreSQL run")
    config.addinivalue_line(
        "markers", "both_engines: a GUI test that runs on PostgreSQL too (GUI tests run on "
        "SQLite only otherwise)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test below the UI that takes ``engine`` (the ``db`` fixture does)
    runs once on SQLite and once on PostgreSQL, unless marked ``sqlite_only``.
    GUI tests run on SQLite, but for those marked ``both_engines`` (the window
    on a server database)."""
    if "engine" in metafunc.fixturenames:
        definition = metafunc.definition
        gui = "gui" in definition.path.parts
        only = definition.get_closest_marker("sqlite_only") or (
            gui and not definition.get_closest_marker("both_engines"))
        metafunc.parametrize("engine", ["sqlite"] if only else list(ENGINES), indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """The database engine of this run of the test: "sqlite" or "postgresql"."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A PostgreSQL cluster for this test process (each xdist worker has its
    own) with a migrated template database; skipped with the reason where no
    server can be started (``CRM_REQUIRE_POSTGRES=1`` makes that a failure)."""
    reason = pg_server.unavailable()
    if reason:
        if os.environ.get("CRM_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL tests cannot run: {reason}")
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    cluster = pg_server.start_cluster()
    try:
        cluster.admin(f'CREATE DATABASE "{pg_server.TEMPLATE}"')
        Database.open(cluster.url(pg_server.TEMPLATE)).close()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """A new database with the current schema on the test server."""
    url = pg_cluster.new_database()
    yield url
    pg_cluster.drop(url)


@pytest.fixture
def db_target(engine: str, request: pytest.FixtureRequest, db_path: Path,
              empty_database: Path) -> str:
    """Where this run's database is, as the command line takes it: a SQLite
    file's path, or a PostgreSQL URL."""
    if engine == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    shutil.copyfile(empty_database, db_path)
    return str(db_path)


@pytest.fixture
def db(db_target: str) -> Iterator[Database]:
    database = Database.open(db_target)
    yield database
    database.close()


def fail_on_call(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, failing: int,
                 error: Exception) -> list[int]:
    """Make ``owner.name`` raise ``error`` on its ``failing``-th call, the calls
    before it going through (a disk that fills midway); returns the list its
    calls are counted in."""
    real = getattr(owner, name)
    calls: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == failing:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


class ModuleBooks:
    """Databases made once per engine for a module's read-only tests (a
    module-scoped fixture holds one): the first test on an engine fills its
    book, the module's end closes them and drops the server's."""

    def __init__(self) -> None:
        self.books: dict[str, tuple[Database, PgCluster | None]] = {}

    def get(self, request: pytest.FixtureRequest, fill: Callable[[Database], object]) -> Database:
        """The book of this test's engine, made and filled by ``fill`` the first time."""
        engine: str = request.getfixturevalue("engine")
        if engine not in self.books:
            cluster: PgCluster | None = None
            if engine == "postgresql":
                cluster = request.getfixturevalue("pg_cluster")
                target = cluster.new_database()
            else:
                folder = request.getfixturevalue("tmp_path_factory").mktemp("book")
                target = str(folder / "book.db")
                Database.open(target, create=True).close()
            db = Database.open(target)
            self.books[engine] = (db, cluster)
            fill(db)
        return self.books[engine][0]

    def close(self) -> None:
        for db, cluster in self.books.values():
            db.close()
            if cluster is not None:
                cluster.drop(str(db.url))


class NewDatabases:
    """Further databases on the engine of this run of the test, each opened
    by name: new ones get their own identity (as a new file or server
    database does), a copy keeps its source's (as a copied file does)."""

    def __init__(self, engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
        self.engine, self.tmp_path, self.request = engine, tmp_path, request
        self.targets: dict[str, str] = {}
        self.opened: list[Database] = []
        self.dropped: list[tuple[PgCluster, str]] = []

    def target(self, name: str, copy_of: str | None = None) -> str:
        """Where database ``name`` is (made the first time it is named)."""
        if name in self.targets:
            return self.targets[name]
        if self.engine == "postgresql":
            cluster: PgCluster = self.request.getfixturevalue("pg_cluster")
            source = (pg_server.database_name(self.targets[copy_of]) if copy_of
                      else pg_server.TEMPLATE)
            url = cluster.new_database(source)
            self.dropped.append((cluster, url))
            if copy_of is None:  # the template's identity is every copy's: a new one
                from sqlalchemy import delete

                from desktop_crm.storage.identity_repo import DATABASE_UUID_KEY, database_uuid
                from desktop_crm.storage.models import SettingRow

                db = Database.open(url)
                with db.session() as s:
                    s.execute(delete(SettingRow).where(SettingRow.key == DATABASE_UUID_KEY))
                    database_uuid(s)
                db.close()
            self.targets[name] = url
        else:
            path = self.tmp_path / name
            if copy_of:
                shutil.copyfile(self.targets[copy_of], path)
            else:
                Database.open(path, create=True).close()
            self.targets[name] = str(path)
        return self.targets[name]

    def open(self, name: str, copy_of: str | None = None) -> Database:
        db = Database.open(self.target(name, copy_of))
        self.opened.append(db)
        return db


@pytest.fixture
def new_db(engine: str, tmp_path: Path, request: pytest.FixtureRequest
           ) -> Iterator[NewDatabases]:
    """``new_db.open("name")``: another database on this run's engine (closed
    at the end of the test)."""
    found = NewDatabases(engine, tmp_path, request)
    yield found
    for db in found.opened:
        db.close()
    for cluster, url in found.dropped:
        cluster.drop(url)


def all_rows(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, sorted, the search index by its entries'
    text: to compare a database whole, before and after, on either engine."""
    from sqlalchemy import inspect, text

    with db.engine.connect() as conn:
        found: dict[str, list[tuple[object, ...]]] = {}
        for table in inspect(conn).get_table_names():
            if table.startswith(("sqlite_", "client_fts")):
                continue
            found[table] = sorted((tuple(r) for r in conn.execute(
                text(f'SELECT * FROM "{table}"'))), key=repr)
        key = "rowid" if db.engine.dialect.name == "sqlite" else "id"
        found["client_fts"] = sorted(tuple(r) for r in conn.execute(
            text(f"SELECT {key}, CAST(body AS TEXT) FROM client_fts")))
    return found


def corrupt_clients_table(path: Path) -> None:
    """Overwrite the second half of the clients table's root page, where SQLite
    keeps the cells (as a failing disk or an interrupted copy would)."""
    conn = sqlite3.connect(path)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'clients'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert not path.with_name(path.name + "-wal").exists()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * page_size + page_size // 2)
        fh.write(b"\xa5" * (page_size // 2 - 8))


@pytest.fixture
def collector_on() -> None:
    """For tests that count the cycle collector's pauses from none: an
    earlier test's background work (a tab's agenda or an export in a worker
    thread, in the same process under xdist) may still be inside its pause
    for a moment, so wait for it to end. A pause that never ends still fails."""
    import gc
    import time

    deadline = time.monotonic() + 10
    while not gc.isenabled() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert gc.isenabled(), "the collector stayed paused for 10 s: a pause was never ended"


def migrations_config() -> Any:
    """An Alembic ``Config`` of the app's migrations (give it a connection in
    ``attributes["connection"]``)."""
    from alembic.config import Config

    from desktop_crm.storage.database import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def downgrade(engine: Any, revision: str) -> None:
    """Run the app's migrations down to ``revision`` on ``engine`` (a
    SQLAlchemy Engine), in one transaction."""
    from alembic import command

    with engine.begin() as conn:
        config = migrations_config()
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def build_at(path: Path | str, revision: str) -> None:
    """A database with the schema of an earlier ``revision`` (Alembic): a
    SQLite file at ``path``, or the PostgreSQL database a URL names."""
    from alembic import command
    from sqlalchemy import create_engine

    config = migrations_config()
    engine = create_engine(path if isinstance(path, str) else f"sqlite:///{path}")
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    engine.dispose()


def database_at(revision: str, engine: str, tmp_path: Path, request: pytest.FixtureRequest
                ) -> Iterator[str]:
    """For a fixture (``yield from``): the URL of a database built at
    ``revision`` on ``engine``, a server's dropped afterwards."""
    if engine == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        url = cluster.empty_database()
        build_at(url, revision)
        yield url
        cluster.drop(url)
    else:
        path = tmp_path / "old.db"
        build_at(path, revision)
        yield f"sqlite:///{path}"


class Clock:
    """A "now" the test sets and moves on by hand (services take any callable
    that returns the time)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def set_day(self, day: date) -> None:
        self.now = datetime.combine(day, self.now.time())


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    """An .xlsx at ``path`` whose first sheet holds ``rows``, written by openpyxl."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_ods(path: Path, content: str) -> Path:
    """An OpenDocument spreadsheet at ``path`` whose content.xml is ``content``."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?>'
                   '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
                   'xmlns:manifest:1.0"/>')
    return path


PROC_LOCKS = Path("/proc/locks")


def posix_locks(db_path: Path) -> set[str]:
    """The names of ``db_path``'s files (the database, -wal, -shm) on which
    this process holds a POSIX lock, read from /proc/locks by inode. Skips
    the test, with the reason, where /proc/locks does not exist."""
    if not PROC_LOCKS.exists():
        pytest.skip("/proc/locks does not exist here: the process's locks cannot be read")
    inodes = {}
    for suffix in ("", "-wal", "-shm"):
        file = db_path.with_name(db_path.name + suffix)
        try:
            inodes[os.stat(file).st_ino] = file.name
        except FileNotFoundError:
            continue
    held = set()
    for line in PROC_LOCKS.read_text().splitlines():
        # "1: POSIX  ADVISORY  READ 4242 08:01:131 128 128"; waiters have "->"
        fields = line.split()
        if len(fields) < 6 or fields[1] == "->" or fields[1] not in ("POSIX", "OFDLCK"):
            continue
        pid, device_inode = fields[4], fields[5]
        inode = int(device_inode.rsplit(":", 1)[1])
        if pid == str(os.getpid()) and inode in inodes:
            held.add(inodes[inode])
    return held


def sqlite_book(path: Path, names: list[str],
                now: datetime = datetime(2026, 11, 24, 10)) -> Path:
    """A new SQLite database at ``path`` holding one client for each name."""
    from desktop_crm.domain.client import ClientCard
    from desktop_crm.services.clients import ClientService

    book = Database.open(path, create=True)
    try:
        service = ClientService(book, clock=lambda: now)
        for name in names:
            service.save(ClientCard(name=name))
    finally:
        book.close()
    return path


def names_in_file(path: Path, *, live_only: bool = False) -> list[str]:
    """The client names in a SQLite file, read without the app (read-only)."""
    where = " WHERE deleted_at IS NULL" if live_only else ""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute(f"SELECT name FROM clients{where} ORDER BY id")]
    finally:
        conn.close()
