"""Text sorts by code point on both engines, as SQLite's BINARY collation
sorts it, whatever collation the PostgreSQL server's databases default to
(the test server's is ICU en-US, under which "zhang" sorts before "Zhang"
and spaces are ignored at first)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from desktop_crm.domain.client import ClientCard
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.storage.database import Database

# in code-point order; en-US would give _a, b, zhang, Zhang, zhang san, zhangsan a
COMPANIES = ["Zhang", "_a", "b", "zhang", "zhang san", "zhangsan a"]


@pytest.mark.parametrize("column", ["company", "owner"])
def test_the_list_sorts_text_by_code_point(db: Database, column: str) -> None:
    service = ClientService(db, user="tester")
    for i, value in enumerate(reversed(COMPANIES)):
        service.save(ClientCard(name=f"客户{i}", **{column: value}))
    for descending in (False, True):
        rows = service.rows(service.list_ids(ClientFilter(sort=column, descending=descending)))
        got = [getattr(r, column) for r in rows]
        assert got == sorted(COMPANIES, reverse=descending)


def test_every_text_column_on_a_server_has_the_code_point_collation(pg_url: str) -> None:
    """Protects the order above for columns added later: a migration that adds
    a text column on PostgreSQL must give it the "C" collation too (SQLite
    compares text by code point unless told otherwise)."""
    db = Database.open(pg_url)
    try:
        with db.engine.connect() as conn:
            loose = conn.execute(text(
                "SELECT table_name || '.' || column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND data_type IN "
                "('character varying', 'text') AND table_name != 'alembic_version' "
                "AND (collation_name IS NULL OR collation_name != 'C')")).scalars().all()
    finally:
        db.close()
    assert loose == []
