"""Reading a whole client book through the app on either engine, for CLI
tests that check what a command wrote, or that it wrote nothing: ``target``
is what ``--db`` takes (a SQLite file's path or a PostgreSQL URL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text

from desktop_crm.storage import copy_repo
from desktop_crm.storage.database import Database


def book_rows(target: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table in primary-key order, and the search index."""
    db = Database.open(target)
    try:
        with db.read() as s:
            rows = {t.name: [tuple(r) for r in s.execute(
                select(t).order_by(*t.primary_key.columns))] for t in copy_repo.tables()}
            index = ("SELECT id, CAST(body AS text) FROM client_fts ORDER BY id"
                     if db.shared else "SELECT rowid, body FROM client_fts ORDER BY rowid")
            rows["client_fts"] = [tuple(r) for r in s.execute(text(index))]
        return rows
    finally:
        db.close()


def client_names(target: str, *, with_trash: bool = False) -> list[str]:
    """The clients' names in id order (those in the trash left out)."""
    db = Database.open(target)
    try:
        with db.read() as s:
            where = "" if with_trash else " WHERE deleted_at IS NULL"
            return [r[0] for r in s.execute(text(f"SELECT name FROM clients{where} ORDER BY id"))]
    finally:
        db.close()


def client_field(target: str, client_id: int, column: str) -> Any:
    db = Database.open(target)
    try:
        with db.read() as s:
            return s.execute(text(f"SELECT {column} FROM clients WHERE id = :id"),
                             {"id": client_id}).scalar_one()
    finally:
        db.close()
