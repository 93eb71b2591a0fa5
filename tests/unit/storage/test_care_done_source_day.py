"""Migration 20261219_30 indexes the done marks by (source, day, item), and
its downgrade takes the index away again; on both engines. The agenda's
yearly dates read their done marks through it on SQLite (the items marked
done are left out, each by its own source, item and day:
tests/unit/storage/test_care_reads.py and tests/unit/services/test_agenda.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from desktop_crm.storage.database import HEAD_REVISION, Database
from tests.conftest import database_at, downgrade

BEFORE = "20261218_29"
INDEX = "ix_care_done_source_day"


@pytest.fixture
def before_30(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a database built at revision 20261218_29, the one before."""
    yield from database_at(BEFORE, engine, tmp_path, request)


def _columns(url: str) -> list[str] | None:
    """The columns of the index, in order (None when there is none)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if url.startswith("sqlite"):
                if conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = :n"),
                                {"n": INDEX}).first() is None:
                    return None
                return [str(r[2]) for r in conn.execute(text(f"PRAGMA index_info({INDEX})"))]
            found = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"),
                                 {"n": INDEX}).scalar()
            if found is None:
                return None
            return [c.strip() for c in str(found).split("(", 1)[1].rstrip(")").split(",")]
    finally:
        engine.dispose()


def test_the_upgrade_makes_the_index_and_the_downgrade_takes_it_away(before_30: str) -> None:
    assert _columns(before_30) is None
    db = Database.open(before_30.removeprefix("sqlite:///"))
    try:
        assert db.current_revision() == HEAD_REVISION
    finally:
        db.close()
    assert _columns(before_30) == ["source", "occurs_on", "ref_id"]
    engine = create_engine(before_30)
    try:
        downgrade(engine, BEFORE)
    finally:
        engine.dispose()
    assert _columns(before_30) is None

