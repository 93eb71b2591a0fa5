"""Opening the database: URL resolution, SQLite pragmas, migrations, sessions.

No module-level engine: the composition root (``app.py`` or the CLI) creates
one ``Database`` and passes it to the services.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.exc import DatabaseError as SADatabaseError

from desktop_crm.domain.errors import CrmError
from desktop_crm.i18n import _
from desktop_crm.storage import dialect, held_files
from desktop_crm.storage.integrity import (
    BackgroundCheck,
    FileReport,
    check_file,
    has_sqlite_header,
    in_wal_mode,
    is_busy,
    is_damage,
    is_full,
)
from desktop_crm.storage.places import default_db_path as default_db_path  # its old home
from desktop_crm.storage.portable_files import create_new
from desktop_crm.storage.snapshot import BackupReason, copy_database, new_backup_path

if TYPE_CHECKING:  # sqlalchemy.orm loads with the first session (not before Today is filled)
    from sqlalchemy.orm import Session, sessionmaker

# The newest Alembic revision this release knows; a test keeps it equal to
# the head of migrations/versions.
HEAD_REVISION = "20261219_30"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseError(CrmError):
    """A database that cannot be opened or used; the message is for the user.

    Attributes:
        path: the SQLite file concerned, when there is one.
    """

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class DatabaseBusyError(DatabaseError):
    """Another window or program held SQLite's write lock past the busy
    timeout; the unit of work was rolled back, nothing was changed."""


class NotADatabaseError(DatabaseError):
    """The file is not a SQLite database at all (a text file, a spreadsheet ...)."""


class ForeignDatabaseError(DatabaseError):
    """A SQLite database of another program: tables, but no Desktop CRM schema."""


class NewerDatabaseError(DatabaseError):
    """A Desktop CRM database written by a newer release (a schema revision
    this release does not know).

    Attributes:
        revision: the revision found in the file.
    """

    def __init__(self, message: str, path: Path | None, revision: str) -> None:
        super().__init__(message, path)
        self.revision = revision


class DatabaseDamagedError(DatabaseError):
    """The file fails SQLite's integrity check or its foreign-key check. It was
    opened read-only and is left exactly as it was; the remedy is to restore
    a backup (``desktop_crm.services.backup.newest_good_backup`` / ``restore``).

    Attributes:
        problems: the lines SQLite reported (English, for a bug report).
    """

    def __init__(self, message: str, path: Path, problems: tuple[str, ...]) -> None:
        super().__init__(message, path)
        self.problems = problems


def damaged_error(path: Path, problems: tuple[str, ...]) -> DatabaseDamagedError:
    first = problems[0] if problems else ""
    if len(problems) > 1:
        message = _("{path} is damaged and was left unchanged: {problem} "
                    "(and {n} more problems)", path=path, problem=first,
                    n=len(problems) - 1)
    else:
        message = _("{path} is damaged and was left unchanged: {problem}",
                    path=path, problem=first)
    return DatabaseDamagedError(message, path, problems)


def disk_full_message(where: object) -> str:
    """For SQLITE_FULL: the transaction was rolled back, so nothing changed."""
    return _("The disk holding {path} is full; nothing was changed. Free some space "
             "and try again.", path=where)


def busy_message() -> str:
    """For SQLITE_BUSY past the busy timeout: the transaction was rolled
    back, so nothing changed."""
    return _("The database is busy in another window or program; nothing was "
             "changed. Try again in a moment.")


def shown_url(url: str) -> str:
    """A database URL for messages: the password left out."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@", 1)[-1] if "@" in url else url


class ConnectionLostError(DatabaseError):
    """The server could not be reached in the middle of the work (network,
    restart, the connection ended by an administrator). The transaction was
    rolled back, so nothing of it was written; the next operation connects
    again (``pool_pre_ping``)."""


# SQLSTATEs of a connection that ended or could not be made: class 08, and the
# server shutting down or ending this session (57P01-57P03)
_LOST_STATES = ("08", "57P01", "57P02", "57P03")


def connection_lost(exc: BaseException) -> bool:
    """``exc`` (a SQLAlchemy error) says the server connection was lost or could
    not be made: not a mistake in what was asked."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    if isinstance(orig, sqlite3.Error) or not isinstance(exc, OperationalError):
        return False
    state = getattr(orig, "sqlstate", None)  # psycopg: None when there was no server reply
    return state is None or str(state).startswith(_LOST_STATES)


def lost_error(url: str, exc: BaseException) -> ConnectionLostError:
    reason = (str(getattr(exc, "orig", exc)).strip().splitlines() or [""])[0]
    return ConnectionLostError(_(
        "The connection to the database {url} was lost: the last action was not saved or "
        "finished, and nothing of it was written. Check the network or the server and try "
        "again ({reason})", url=shown_url(url), reason=reason))


def unusable_url_error(url: str, exc: Exception) -> DatabaseError:
    """The error for a URL whose driver is not installed or that SQLAlchemy
    does not understand."""
    shown = shown_url(url)
    if isinstance(exc, ImportError) and url.startswith("postgresql"):
        return DatabaseError(_(
            "The PostgreSQL driver is not installed, so {url} cannot be opened; install "
            "Desktop CRM with the [postgres] extra: pip install \"desktop-crm[postgres]\"",
            url=shown))
    if isinstance(exc, ImportError):
        return DatabaseError(_("The database driver for {url} is not installed ({module})",
                               url=shown, module=exc.name or exc))
    return DatabaseError(_("{url} is not a database URL this program can use: {reason}",
                           url=shown, reason=exc))


def foreign_error(path: Path | None, where: object = None) -> ForeignDatabaseError:
    return ForeignDatabaseError(
        _("{path} belongs to another program: it has tables but no Desktop CRM schema",
          path=where or path), path)


def newer_error(path: Path | None, where: object, revision: str) -> NewerDatabaseError:
    return NewerDatabaseError(
        _("{path} was written by a newer version of Desktop CRM; please update the app",
          path=where), path, revision)


@cache
def known_revisions() -> frozenset[str]:
    """Every Alembic revision this release has a script for."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return frozenset(rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions())


def inspect_file(path: Path, *, full: bool | None = None, integrity: bool = True) -> FileReport:
    """Check an existing SQLite file without writing to it and say whether this
    release can use it.

    Returns the report of a sound file that is empty or has a Desktop CRM
    schema of this or an earlier release. Raises NotADatabaseError,
    DatabaseDamagedError, ForeignDatabaseError or NewerDatabaseError (in that
    order of precedence), or DatabaseError when the file cannot be read.
    ``full`` as in ``check_file``: None runs integrity_check on files up to
    FULL_CHECK_MAX_BYTES and quick_check on larger ones. Without ``integrity``
    the integrity and foreign-key checks are left out (``Database.open``
    with ``check_later`` runs them in the background).
    """
    try:
        sqlite_header = has_sqlite_header(path)
        report = check_file(path, full=full, integrity=integrity) if sqlite_header else None
    except held_files.HeldFileError as exc:  # a -wal or -shm of the open database
        raise DatabaseError(str(exc), path) from exc
    except (OSError, sqlite3.Error) as exc:
        raise DatabaseError(
            _("Cannot read {path}: {reason}", path=path,
              reason=getattr(exc, "strerror", None) or exc), path) from exc
    if report is None:
        raise NotADatabaseError(_("{path} is not a database file", path=path), path)
    # a missing table first: rows that refer to it fail the foreign-key check
    # too, and the table is what to tell
    missing = sorted(head_tables() - report.tables) if report.revision == HEAD_REVISION else []
    if missing:
        problems = tuple(_("table {name} is missing", name=name) for name in missing)
        raise DatabaseDamagedError(
            _("{path} is damaged or incomplete and was left unchanged: {problem}",
              path=path, problem=", ".join(problems)), path, problems)
    if not report.ok:
        raise damaged_error(path, report.problems)
    if report.revision is None and report.tables:
        raise foreign_error(path)
    if (report.revision is not None and report.revision != HEAD_REVISION
            and report.revision not in known_revisions()):
        raise newer_error(path, path, report.revision)
    return report


@cache
def head_tables() -> frozenset[str]:
    """The tables a database of HEAD_REVISION has (the models, the full-text
    index, Alembic's own); one missing means the file is damaged or was
    changed by hand, and every command would fail on it."""
    from desktop_crm.storage.tables import FTS_TABLE, metadata

    return frozenset({*metadata.tables, FTS_TABLE, "alembic_version"})


# the driver of a PostgreSQL URL that names none: psycopg 3, which the [postgres]
# extra installs (SQLAlchemy's own default would be psycopg2)
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def to_url(path_or_url: str | os.PathLike[str]) -> str:
    value = os.fspath(path_or_url)
    for scheme in _POSTGRES_SCHEMES:
        if value.startswith(scheme):
            return "postgresql+psycopg://" + value[len(scheme):]
    if "://" in value:
        return value
    # os.path.expanduser leaves "~nobody/x" as it is where Path.expanduser raises
    return "sqlite:///" + str(Path(os.path.expanduser(value)).resolve())


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (any driver: ``sqlite+pysqlite:///`` too, so
    the checks on files apply to it); None for memory or another server."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite":
        return None
    rest = parsed.database
    return Path(rest) if rest and rest != ":memory:" else None


# how long a SQLite write waits for another window's or program's write lock
BUSY_TIMEOUT_MS = 10_000


def _on_connect(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.close()


class Database:
    """One database: an engine, a session factory and the unit-of-work helper.

    Attributes:
        url: the SQLAlchemy URL.
        path: the SQLite file, or None for another server.
    """

    def __init__(self, url: str, pending: BackgroundCheck | None = None) -> None:
        self.url = url
        self.path = sqlite_path(url)
        # the read that ``reading()`` shares with this thread's ``read()`` blocks
        self._shared = threading.local()
        # a server connection can drop (network, restart): test it before use
        self.engine: Engine = create_engine(url, pool_pre_ping=self.path is None)
        self._pending = pending
        self._check_lock = threading.Lock()  # one thread waits for the check, others after it
        self._holding = self.path is not None
        if self.path is not None:
            held_files.hold(self.path)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", self._connected)
        elif self.engine.dialect.driver == "psycopg":
            event.listen(self.engine, "connect", dialect.drop_nul_on_postgresql)
        if self.engine.dialect.name == "postgresql":
            from desktop_crm.storage.tables import use_postgresql_options

            use_postgresql_options()
        # made with the first session: sqlalchemy.orm and the mapped classes
        # load then, not before (``connect`` reads through the tables alone)
        self._session_maker: sessionmaker[Session] | None = None
        self._autocommit_sessions: sessionmaker[Session] | None = None  # reading(snapshot=False)

    def _sessions(self) -> Session:
        """A new session; the first loads sqlalchemy.orm and the mapped classes."""
        return self._session_factory()()

    def _session_factory(self) -> sessionmaker[Session]:
        if self._session_maker is None:
            from sqlalchemy.orm import sessionmaker

            import desktop_crm.storage.models  # noqa: F401  (every mapped class, for the ORM)

            self._session_maker = sessionmaker(self.engine, expire_on_commit=False)
        return self._session_maker

    def prepare_sessions(self) -> None:
        """Load sqlalchemy.orm and the mapped classes and configure every
        mapper now (about 0.15 s of CPU at a start) rather than with the
        first session or mapped statement: the window asks once Today is on
        screen and the user reads it, so that a card's first opening does
        not wait for them."""
        self._session_factory()
        from sqlalchemy.orm import configure_mappers

        configure_mappers()

    def _connected(self, dbapi_conn: Any, record: Any) -> None:
        _on_connect(dbapi_conn, record)
        if self._pending is not None:
            # Until the integrity check has passed, nothing may be written.
            dbapi_conn.execute("PRAGMA query_only = ON")

    @property
    def checking(self) -> bool:
        """True while the integrity check of ``check_later`` runs (or failed):
        the database can be read; a write waits for the check (``session``)."""
        return self._pending is not None

    @property
    def check_finished(self) -> bool:
        """The check of ``check_later`` has ended (or there was none): its
        verdict is ready, ``finish_check`` does not wait."""
        pending = self._pending
        return pending is None or pending.done

    def finish_check(self) -> None:
        """Wait for the integrity check started by ``open(check_later=True)``.
        When it passes, writing is allowed; when it fails, the database is
        closed (nothing was written to it) and DatabaseDamagedError raised,
        again at every later call (every later write)."""
        if self._pending is None:
            return
        with self._check_lock:
            self._finish_check()

    def _finish_check(self) -> None:
        pending = self._pending
        if pending is None:
            return
        try:
            report = pending.wait()
        except (OSError, sqlite3.Error) as exc:
            self.close()
            raise DatabaseError(
                _("Cannot read {path}: {reason}", path=pending.path,
                  reason=getattr(exc, "strerror", None) or exc), pending.path) from exc
        if not report.ok:
            self.close()
            raise damaged_error(pending.path, report.problems)
        self._pending = None
        self.engine.dispose()  # the read-only connections go; new ones may write

    @classmethod
    def open(cls, path_or_url: str | os.PathLike[str], *, create: bool = False,
             full_check: bool | None = None, check_later: bool = False) -> Database:
        """Check, back up if needed, migrate and open a database; ``create``
        allows a missing file.

        A SQLite file is first checked read-only (``inspect_file``; ``full_check``
        chooses integrity_check or quick_check, None by size), so nothing is
        written to a file that fails. A file with the schema of an earlier
        release is copied into the backups folder (reason before-migration)
        before Alembic upgrades it; a new or empty file is not.

        Raises DatabaseError with a message for the user: NotADatabaseError,
        DatabaseDamagedError, ForeignDatabaseError, NewerDatabaseError, or the
        base class when the path cannot be used, the file is missing and
        ``create`` is false, or the backup before migrating fails.

        With ``check_later`` a file that needs no migration is opened after
        the quick part of the check (not a database, another program's, a
        newer release's) and the integrity and foreign-key checks run in the
        background: the database can be read meanwhile, and a write (a
        ``session``) waits for the check and raises DatabaseDamagedError when
        it failed (the window is built and shown in the meantime, and watches
        ``check_finished``). A file that needs migrating is checked in full
        first, since migrating writes.
        """
        url = to_url(path_or_url)
        path = sqlite_path(url)
        pending = None
        if path is not None:
            _check_path(path, create)
            # a file in WAL mode already: connecting writes nothing to it
            later = check_later and path.stat().st_size > 0 and in_wal_mode(path)
            report = inspect_file(path, full=full_check, integrity=not later)
            if report.revision is not None and report.revision != HEAD_REVISION:
                if later:
                    later = False
                    inspect_file(path, full=full_check)
                backup_before_migration(path)
            if later and report.revision is not None:
                pending = BackgroundCheck(path, full_check)
            elif later:
                inspect_file(path, full=full_check)  # an empty schema: migrating writes
        try:
            db = cls(url, pending)
        except (ImportError, ArgumentError) as exc:  # no driver, not a URL SQLAlchemy knows
            raise unusable_url_error(url, exc) from exc
        try:
            db.migrate()
        except DatabaseError:
            db.close()
            raise
        except (SADatabaseError, sqlite3.DatabaseError) as exc:
            db.close()
            reason = getattr(exc, "orig", exc)
            if path is not None and isinstance(reason, sqlite3.Error) and is_damage(reason):
                raise damaged_error(path, (str(reason),)) from exc
            if isinstance(reason, sqlite3.Error) and is_full(reason):
                raise DatabaseError(disk_full_message(path or url), path) from exc
            if path is not None and isinstance(reason, sqlite3.Error) and is_busy(reason):
                # another program holds the write lock past the busy timeout:
                # an app upgrading the same file, or one writing a long import
                raise DatabaseError(_(
                    "{path} is busy in another window or program (which may be "
                    "upgrading it); it was not opened and nothing was changed. Try "
                    "again in a moment.", path=path), path) from exc
            if path is None:  # a server: it could not be reached or refused us
                raise DatabaseError(
                    _("Cannot use the database {url}: {reason}", url=shown_url(url),
                      reason=(str(reason).strip().splitlines() or [""])[0]), path) from exc
            raise DatabaseError(
                _("{path} is not a Desktop CRM database or is damaged ({reason})",
                  path=path or url, reason=str(reason)), path
            ) from exc
        return db

    def close(self) -> None:
        self.engine.dispose()
        if self._holding and self.path is not None:
            self._holding = False
            held_files.release(self.path)

    @contextmanager
    def session(self, *, lock: bool = False) -> Iterator[Session]:
        """One unit of work: commits when the block ends, rolls back on error.

        With ``lock`` the write lock is taken first (SQLite ``BEGIN
        IMMEDIATE``, waiting up to the busy timeout; on PostgreSQL a
        transaction-scoped advisory lock that every such block takes), so what the block reads
        before it writes cannot change under it: without it, SQLite's
        transaction starts at the first write and earlier reads see whatever
        other writers committed in between.

        While the integrity check of ``open(check_later=True)`` runs, the block
        waits for it first: nothing is written to a file before it passed
        (DatabaseDamagedError when it failed; the connections are read-only
        until then as well).
        """
        self.finish_check()
        session = self._sessions()
        try:
            if lock and self.path is not None:
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            elif lock:
                # PostgreSQL: writers that read first take turns, as on SQLite
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
            yield session
            session.commit()
        except BaseException as exc:
            self._rollback(session, exc)
            for_user = self._write_refused(exc)
            if for_user is not None:
                raise for_user from exc
            raise
        finally:
            session.close()

    def _write_refused(self, exc: BaseException) -> DatabaseError | None:
        """SQLite refusing a unit of work for the machine's reasons, as one
        message for the user (the window shows it as it is, the command line
        prints it): another program held the write lock past the busy
        timeout, or the disk is full. The transaction was rolled back, so
        nothing was changed. None for anything else (a bug: its details are
        shown)."""
        reason = getattr(exc, "orig", None)
        if self.path is None or not isinstance(reason, sqlite3.Error):
            return None
        if is_busy(reason):
            return DatabaseBusyError(busy_message(), self.path)
        if is_full(reason):
            return DatabaseError(disk_full_message(self.path), self.path)
        return None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only; nothing it does is committed. Inside
        ``reading()`` (in the same thread) it is that block's session."""
        shared: Session | None = getattr(self._shared, "session", None)
        if shared is not None:
            try:
                yield shared
            except BaseException as exc:
                # a failed statement ends the shared transaction (a server
                # refuses every later one in it); the next read begins anew
                self._rollback(shared, exc)
                raise
            return
        with self._own_read(self._sessions) as session:
            yield session

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reading through the tables alone (SQLAlchemy Core,
        storage/tables.py); nothing it does is committed. Inside ``reading()``
        (in the same thread) it is that block's session's connection, in its
        transaction. No session is made: what the window reads before Today
        is filled loads neither sqlalchemy.orm nor the mapped classes."""
        if getattr(self._shared, "session", None) is not None:
            with self.read() as session:
                yield session.connection()
            return
        # (closing it ends its transaction: the pool rolls it back)
        with self.engine.connect() as conn:
            try:
                yield conn
            except BaseException as exc:
                self._rollback(conn, exc)
                raise

    @contextmanager
    def _own_read(self, sessions: Callable[[], Session]) -> Iterator[Session]:
        session = sessions()
        try:
            yield session
        except BaseException as exc:
            self._rollback(session, exc)
            raise
        finally:
            session.rollback()
            session.close()

    @contextmanager
    def reading(self, snapshot: bool = True) -> Iterator[None]:
        """Every ``read()`` of this thread inside the block is one read, one
        transaction: what several readers show together (a client card's
        sections, timeline and history) costs a server one connection
        checkout, BEGIN and ROLLBACK instead of one each, and they all see
        the same state. Only for reads: writes (``session()``) inside the
        block are not seen by its later reads on SQLite.

        ``snapshot=False``: on a server, one connection still, but each
        statement is a transaction of its own (autocommit), for reads that
        need no common state (a card read in one statement, and the settings
        shown beside it): no BEGIN and ROLLBACK, two of the four round trips
        a card's opening took. SQLite reads as with a snapshot."""
        if getattr(self._shared, "session", None) is not None:
            yield  # within an outer block: its read goes on
            return
        if snapshot or not self.shared:
            reader = self.read()
        else:
            if self._autocommit_sessions is None:
                from sqlalchemy.orm import sessionmaker

                import desktop_crm.storage.models  # noqa: F401

                self._autocommit_sessions = sessionmaker(
                    self.engine.execution_options(isolation_level="AUTOCOMMIT"),
                    expire_on_commit=False)
            reader = self._own_read(self._autocommit_sessions)
        with reader as session:
            self._shared.session = session
            try:
                yield
            finally:
                self._shared.session = None

    def _rollback(self, session: Session | Connection, exc: BaseException) -> None:
        """Roll back after ``exc``; a lost server connection becomes one
        message for the user (the server rolled the transaction back itself)."""
        try:
            session.rollback()
        except DBAPIError as again:  # the connection is gone: nothing to roll back
            if not (self.shared and connection_lost(again)):
                raise
        if self.shared and connection_lost(exc):
            raise lost_error(self.url, exc) from exc

    @property
    def shared(self) -> bool:
        """True for a server database (PostgreSQL) that several people use at
        once; False for SQLite (a file on this computer, or one in memory)."""
        return self.engine.dialect.name != "sqlite"

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            try:
                row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
            except OperationalError:
                return None
            return str(row[0]) if row else None

    def migrate(self) -> None:
        """Bring the schema to HEAD_REVISION with Alembic (imported only when needed)."""
        current = self.current_revision()
        if current == HEAD_REVISION:
            return
        if current is None and self._has_foreign_tables():
            raise foreign_error(self.path, self.path or shown_url(self.url))
        from alembic import command
        from alembic.config import Config

        if current is not None and current not in known_revisions():
            raise newer_error(self.path, self.path or shown_url(self.url), current)
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with _all_or_nothing(self.engine) as conn:
            if self.engine.dialect.name == "postgresql":
                # two people opening a new server database at once: one migrates,
                # the other waits and then finds the schema at HEAD
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATE_LOCK})
                if _revision_on(conn) == HEAD_REVISION:
                    return
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def _has_foreign_tables(self) -> bool:
        with self.engine.connect() as conn:
            names = inspect(conn).get_table_names()
        return any(not name.startswith("sqlite_") for name in names)


# pg_advisory_xact_lock keys: any two fixed numbers, the same in every process
_MIGRATE_LOCK = 0x43524D01  # "CRM" 1
WRITE_LOCK = 0x43524D02  # Database.session(lock=True) on PostgreSQL


@contextmanager
def _all_or_nothing(engine: Engine) -> Iterator[Connection]:
    """A connection on which every statement until the block ends is one
    transaction, DDL included, on SQLite as on PostgreSQL: committed when
    the block ends, rolled back when it raises.

    Python's sqlite3 (its legacy transaction control) opens a transaction
    only before INSERT, UPDATE and DELETE: a CREATE TABLE or CREATE INDEX
    outside one is committed at once. An upgrade that failed midway (a full
    disk, a killed process) then left a migration's first tables in a file
    still at the earlier revision, which the next start could not migrate
    ("table ... already exists"). Here the driver opens no transaction of
    its own and the block begins one itself (``BEGIN IMMEDIATE``: the write
    lock first, waiting up to the busy timeout); SQLAlchemy's commit or
    rollback at the block's end ends it."""
    with engine.connect() as conn:
        if engine.dialect.name != "sqlite":
            with conn.begin():
                yield conn
            return
        raw = conn.connection.dbapi_connection
        assert raw is not None
        level = raw.isolation_level
        raw.isolation_level = None
        try:
            with conn.begin():
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                yield conn
        finally:
            raw.isolation_level = level


def _revision_on(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return str(row[0]) if row else None


def backup_before_migration(path: Path, now: datetime | None = None) -> Path:
    """Copy ``path`` into its backups folder (reason before-migration) with the
    online backup API; raises DatabaseError, and nothing is migrated, when
    the copy cannot be made."""
    try:
        target = new_backup_path(path, now or datetime.now(), BackupReason.BEFORE_MIGRATION)
        return copy_database(path, target)
    except (OSError, sqlite3.Error) as exc:
        raise DatabaseError(
            _("Cannot back up {path} before upgrading it, so it was not upgraded: {reason}",
              path=path, reason=getattr(exc, "strerror", None) or exc), path) from exc


def _check_path(path: Path, create: bool) -> None:
    if path.is_dir():
        raise DatabaseError(_("{path} is a folder, not a database file", path=path), path)
    if path.exists() and not path.is_file():  # reading a pipe would wait for ever
        raise DatabaseError(_("{path} is not a regular file (a device, pipe or socket), "
                              "not a database file", path=path), path)
    if path.exists():
        if not os.access(path, os.R_OK | os.W_OK):
            raise DatabaseError(_("Cannot read and write {path}: permission denied", path=path),
                                path)
        return
    if not create:
        raise DatabaseError(_("No database at {path}", path=path), path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Owner-only from the first byte: the client book is confidential.
        os.close(create_new(path, 0o600))
    except OSError as exc:
        raise DatabaseError(
            _("Cannot create the database {path}: {reason}", path=path, reason=exc.strerror),
            path) from exc
