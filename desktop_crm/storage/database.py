"""Opening the database: URL resolution, SQLite pragmas, migrations, sessions.

No module-level engine: the composition root (``app.py`` or the CLI) creates
one ``Database`` and passes it to the services.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from desktop_crm.i18n import _

# The newest Alembic revision this release knows; a test keeps it equal to
# the head of migrations/versions.
HEAD_REVISION = "20261124_06"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseError(Exception):
    """A database that cannot be opened or used; the message is for the user."""


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("desktop-crm", appauthor=False)) / "clients.db"


def to_url(path_or_url: str | os.PathLike[str]) -> str:
    value = os.fspath(path_or_url)
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///"):
        rest = url[len("sqlite:///"):]
        return Path(rest) if rest and rest != ":memory:" else None
    return None


def _on_connect(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout = 10000")
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

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = sqlite_path(url)
        self.engine: Engine = create_engine(url)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _on_connect)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def open(cls, path_or_url: str | os.PathLike[str], *, create: bool = False) -> Database:
        """Open (and migrate) a database; ``create`` allows a missing file.

        Raises DatabaseError with a message for the user when the path cannot
        be used, the file is missing and ``create`` is false, or the file is
        not a database of this program.
        """
        url = to_url(path_or_url)
        path = sqlite_path(url)
        if path is not None:
            _check_path(path, create)
        db = cls(url)
        try:
            db.migrate()
        except DatabaseError:
            db.close()
            raise
        except (SADatabaseError, sqlite3.DatabaseError) as exc:
            db.close()
            raise DatabaseError(
                _("{path} is not a Desktop CRM database or is damaged ({reason})",
                  path=path or url, reason=str(getattr(exc, "orig", exc)))
            ) from exc
        return db

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: commits when the block ends, rolls back on error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only; nothing it does is committed."""
        session = self._sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            has = conn.execute(
                text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'")
            ).first() if self.path is not None else True
            if not has:
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
        if current is None and self.path is not None and self._has_foreign_tables():
            raise DatabaseError(
                _("{path} belongs to another program: it has tables but no Desktop CRM schema",
                  path=self.path)
            )
        from alembic import command
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        known = {rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions()}
        if current is not None and current not in known:
            raise DatabaseError(
                _("{path} was written by a newer version of Desktop CRM; please update the app",
                  path=self.path or self.url)
            )
        with self.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def _has_foreign_tables(self) -> bool:
        with self.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT name FROM sqlite_master WHERE type='table' "
                     "AND name NOT LIKE 'sqlite_%'")
            ).all()
        return bool(rows)


def _check_path(path: Path, create: bool) -> None:
    if path.is_dir():
        raise DatabaseError(_("{path} is a folder, not a database file", path=path))
    if path.exists():
        if not os.access(path, os.R_OK | os.W_OK):
            raise DatabaseError(_("Cannot read and write {path}: permission denied", path=path))
        with path.open("rb") as fh:
            head = fh.read(16)
        if head and head != b"SQLite format 3\x00":
            raise DatabaseError(_("{path} is not a database file", path=path))
        return
    if not create:
        raise DatabaseError(_("No database at {path}", path=path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Owner-only from the first byte: the client book is confidential.
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
    except OSError as exc:
        raise DatabaseError(
            _("Cannot create the database {path}: {reason}", path=path, reason=exc.strerror)
        ) from exc
