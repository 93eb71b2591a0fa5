"""Migration 20261216_27 drops the indexes that looked the yearly dates up in
their own tables (``agenda_dates`` holds those days since migration 25), and
its downgrade makes them again as they were; on both engines. The agenda
reads the same items without them (tests/unit/storage/test_agenda_dates.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from desktop_crm.storage.database import HEAD_REVISION, Database
from tests.conftest import database_at, downgrade

DROPPED = {"ix_important_dates_month_day", "ix_family_members_birth",
           "ix_contact_people_birth", "ix_clients_founded_md", "ix_clients_since_md"}
TABLES = ("important_dates", "family_members", "contact_people", "clients")
BEFORE = "20261216_26"


@pytest.fixture
def before_27(engine: str, tmp_path: Path, request: pytest.FixtureRequest
                ) -> Iterator[str]:
    """The URL of a database built at revision 20261216_26, the one before."""
    yield from database_at(BEFORE, engine, tmp_path, request)


def _indexes(url: str) -> dict[str, str]:
    """Index name -> definition, of the four tables."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if url.startswith("sqlite"):
                rows = conn.execute(text(
                    "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'index' "
                    f"AND tbl_name IN {TABLES}"))
            else:
                rows = conn.execute(text(
                    f"SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN {TABLES}"))
            return {str(name): str(sql) for name, sql in rows}
    finally:
        engine.dispose()


def _normal(sql: str) -> str:
    return " ".join(sql.replace("(", " ( ").replace(")", " ) ").replace(",", " , ").split())


def test_the_upgrade_drops_the_indexes_and_the_downgrade_makes_them_again(
        before_27: str) -> None:
    before = _indexes(before_27)
    assert set(before) >= DROPPED
    db = Database.open(before_27.removeprefix("sqlite:///"))
    try:
        assert db.current_revision() == HEAD_REVISION
    finally:
        db.close()
    after = _indexes(before_27)
    assert set(after) == set(before) - DROPPED  # the others stay, as they were
    # (but for those a later migration changes: 28 widens PostgreSQL's
    # ix_clients_contact, tests/unit/storage/test_client_sales.py)
    later = {"ix_clients_contact"} if not before_27.startswith("sqlite") else set()
    assert all(after[name] == before[name] for name in set(after) - later)

    engine = create_engine(before_27)
    try:
        downgrade(engine, BEFORE)
    finally:
        engine.dispose()
    again = _indexes(before_27)
    assert set(again) == set(before)
    # the same definitions (SQLite keeps the text it was given: spacing aside)
    assert {n: _normal(again[n]) for n in DROPPED} == {n: _normal(before[n]) for n in DROPPED}
