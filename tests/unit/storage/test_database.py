"""Tests for opening, checking and migrating the database (desktop_crm.storage.database)."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.schema import CreateIndex

from desktop_crm.storage.database import (
    HEAD_REVISION,
    MIGRATIONS_DIR,
    Database,
    DatabaseError,
    sqlite_path,
    to_url,
)
from desktop_crm.storage.models import (
    EXPRESSION_INDEXES,
    FTS_TABLE,
    POSTGRESQL_INCLUDE,
    POSTGRESQL_WHERE,
    Base,
)


def _scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config)


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
    conn.close()
    return {r[0] for r in rows}


def test_open_creates_a_private_wal_database(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "clients.db"
    db = Database.open(path, create=True)
    try:
        assert path.is_file()
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.current_revision() == HEAD_REVISION
        assert db.path == path.resolve()
    finally:
        db.close()
    assert {"clients", "client_phones", "change_log", "alembic_version", FTS_TABLE} <= _tables(
        path)


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"), db.session() as s:
        s.execute(text("INSERT INTO client_phones(client_id, position, kind, number, digits)"
                       " VALUES (999, 0, 'mobile', '1', '1')"))


def test_missing_file_without_create_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(DatabaseError) as info:
        Database.open(path)
    assert str(path) in str(info.value)
    assert not path.exists()


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError) as info:
        Database.open(tmp_path, create=True)
    assert str(tmp_path) in str(info.value)
    assert "folder" in str(info.value)


def test_a_text_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("hello, this is not SQLite\n", encoding="utf-8")
    with pytest.raises(DatabaseError, match="not a database") as info:
        Database.open(path, create=True)
    assert str(path) in str(info.value)
    assert path.read_text(encoding="utf-8") == "hello, this is not SQLite\n"


def test_a_database_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE foo (x INTEGER)")
        conn.execute("INSERT INTO foo VALUES (1)")
    conn.close()
    with pytest.raises(DatabaseError) as info:
        Database.open(path, create=True)
    assert str(path) in str(info.value)
    assert _tables(path) == {"foo"}


def test_a_database_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    Database.open(path, create=True).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '29991231_99'")
    conn.close()
    with pytest.raises(DatabaseError, match="newer version") as info:
        Database.open(path)
    assert str(path) in str(info.value)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("29991231_99",)]
    conn.close()


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_reopening_is_idempotent(db: Database, db_target: str) -> None:
    with db.session() as s:
        s.execute(text("INSERT INTO tags(name) VALUES ('vip')"))
    db.close()
    before = _schema(db_target)
    for _ in range(2):
        db = Database.open(db_target)
        try:
            assert db.current_revision() == HEAD_REVISION
            with db.read() as s:
                assert s.execute(text("SELECT name FROM tags")).scalars().all() == ["vip"]
        finally:
            db.close()
    assert _schema(db_target) == before


def _schema(target: str) -> dict[str, list[str]]:
    """Table -> its index names."""
    engine = create_engine(to_url(target))
    try:
        found = inspect(engine)
        return {t: sorted(str(i["name"]) for i in found.get_indexes(t))
                for t in found.get_table_names()}
    finally:
        engine.dispose()


def test_session_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session() as s:
        s.execute(text("INSERT INTO tags(name) VALUES ('vip')"))
        raise RuntimeError("boom")
    with db.read() as s:
        s.execute(text("INSERT INTO tags(name) VALUES ('read-only')"))
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM tags")).scalar() == 0


def test_urls() -> None:
    assert to_url("sqlite:///x.db") == "sqlite:///x.db"
    # a PostgreSQL URL without a driver gets psycopg 3, the [postgres] extra's
    assert to_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert to_url("postgres://u:pw@h:5433/db") == "postgresql+psycopg://u:pw@h:5433/db"
    assert to_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    url = to_url("some.db")
    assert url.startswith("sqlite:///") and Path(url[len("sqlite:///"):]).is_absolute()
    assert sqlite_path("sqlite:///:memory:") is None
    assert sqlite_path("postgresql://u@h/db") is None
    assert sqlite_path("sqlite:////tmp/a.db") == Path("/tmp/a.db")


# -- migrations ------------------------------------------------------------------------

def test_head_revision_is_the_head_of_the_scripts() -> None:
    scripts = _scripts()
    assert scripts.get_heads() == [HEAD_REVISION]
    assert scripts.get_current_head() == HEAD_REVISION


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "a.db", create=True)
    try:
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    # the FTS5 table and its shadow tables are not ORM models, nor
                    # are the expression indexes (SQLAlchemy cannot reflect them)
                    "include_name": lambda name, kind, _parent: not (
                        (kind == "table" and name is not None and name.startswith(FTS_TABLE))
                        or (kind == "index" and name in EXPRESSION_INDEXES)
                    ),
                },
            )
            differences = compare_metadata(context, Base.metadata)
    finally:
        db.close()
    assert differences == []


def test_the_models_partial_indexes_have_the_engines_condition(db: Database, engine: str
                                                               ) -> None:
    """Each partial index of the models is partial on the open database's
    engine, with the condition the migrations gave it (PostgreSQL's are
    given when a PostgreSQL database opens: storage.models.POSTGRESQL_WHERE)."""
    indexes = {str(index.name): index for table in Base.metadata.tables.values()
               for index in table.indexes}
    assert set(POSTGRESQL_WHERE) <= set(indexes)
    made: dict[str, str]
    with db.engine.connect() as conn:
        if engine == "sqlite":
            made = dict(conn.exec_driver_sql("SELECT name, sql FROM sqlite_master "
                                             "WHERE type = 'index' AND sql IS NOT NULL").all())
        else:
            made = dict(conn.exec_driver_sql("SELECT indexname, indexdef FROM pg_indexes").all())
    for name in POSTGRESQL_WHERE:
        declared = str(CreateIndex(indexes[name]).compile(dialect=db.engine.dialect))
        assert " WHERE " in declared and " WHERE " in made[name], name
        # the same condition (PostgreSQL writes its own spelling back: compare words)
        words = set(re.findall(r"[a-z_]+", declared.split(" WHERE ", 1)[1].lower()))
        assert words <= set(re.findall(r"[a-z_]+", made[name].split(" WHERE ", 1)[1].lower()))
    for name, columns in POSTGRESQL_INCLUDE.items():  # PostgreSQL's also hold these
        declared = str(CreateIndex(indexes[name]).compile(dialect=db.engine.dialect))
        held = f"INCLUDE ({', '.join(columns)})"
        assert (held in declared) == (held in made[name]) == (engine == "postgresql"), name


def test_the_expression_indexes_exist(db: Database, engine: str) -> None:
    """The indexes the models cannot declare are made by the migrations; those
    on the month-day of founding and relationship dates are gone (migration
    20261216_27: the agenda reads those days from agenda_dates)."""
    with db.engine.connect() as conn:
        if engine == "sqlite":
            names = {r[0] for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index'")}
        else:
            names = {r[0] for r in conn.exec_driver_sql(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'clients'")}
    assert set(EXPRESSION_INDEXES) <= names
    assert not {"ix_clients_founded_md", "ix_clients_since_md"} & names


def test_only_a_server_database_is_shared(db: Database, engine: str) -> None:
    """Mine is the default and backups are the server's only where the
    database is shared: a PostgreSQL server, never SQLite (a file or memory)."""
    assert db.shared == (engine == "postgresql")
    memory = Database.open("sqlite://")
    try:
        assert not memory.shared
    finally:
        memory.close()
