"""The demo book: demo data lives in a file of its own, never in the user's book.

Public API::

    demo_book_path() -> Path        # demo.db beside the default database
    is_default_database(path_or_url) -> bool
    holds_clients(db) -> bool       # any client, live or in the trash
    is_demo_book(db) -> bool        # demo data was written into it
    make_demo_book(path, clients, seed, progress) -> int

A salesperson who tried the app with demo data must not start their real book
with invented clients, so ``desktop-crm demo`` without ``--db`` writes the demo
book, refuses the default database always and any book that already holds
clients unless told ``--add``; ``generate`` marks every book it writes into
(``MARK_KEY`` in app_settings), and the window's title says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_crm.storage import care_repo
from desktop_crm.storage.database import Database, default_db_path, sqlite_path, to_url

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MARK_KEY = "demo_book"
DEMO_FILE = "demo.db"
DEMO_CLIENTS = 300  # what `make run` and "Try it with demo data" make
DEMO_SEED = 1


def demo_book_path() -> Path:
    """The demo book's file: ``demo.db`` in the folder of the default database."""
    return default_db_path().with_name(DEMO_FILE)


def _resolved(path: Path) -> Path:
    try:
        return path.expanduser().resolve()
    except OSError:
        return path.expanduser().absolute()


def is_default_database(path_or_url: str) -> bool:
    """Whether ``path_or_url`` names the user's default database (their own book)."""
    path = sqlite_path(to_url(path_or_url))
    return path is not None and _resolved(path) == _resolved(default_db_path())


def holds_clients(db: Database) -> bool:
    """Whether the book holds any client, live or in the trash."""
    from desktop_crm.storage import client_repo

    with db.read() as s:
        counts = client_repo.counts(s)
    return bool(counts["clients"] or counts["trash"])


def is_demo_book(db: Database) -> bool:
    """Whether demo data was written into the book (``generate`` marks it)."""
    with db.connect() as c:  # (the window's title asks before Today is filled)
        return care_repo.get_setting(c, MARK_KEY) is not None


def mark(session: Session, seed: int, now: datetime) -> None:
    """Mark the book as holding demo data (inside the demo's own transaction)."""
    care_repo.set_setting(session, MARK_KEY, {"seed": seed, "made": now.isoformat()})


def make_demo_book(path: Path, clients: int = DEMO_CLIENTS, seed: int = DEMO_SEED,
                   progress: Callable[[int, int], None] | None = None) -> int:
    """Create the demo book at ``path`` (a new or empty file) with ``clients``
    demo clients; returns how many were written (0 when it held clients
    already: nothing is added then)."""
    from desktop_crm.services.demo import generate

    db = Database.open(path, create=True)
    try:
        if holds_clients(db):
            return 0
        return generate(db, clients, seed=seed, progress=progress)
    finally:
        db.close()
