"""Headline figures for `desktop-crm stats --json` and the Summary sheet."""

from __future__ import annotations

from typing import Any

from desktop_crm.storage import client_repo
from desktop_crm.storage.database import Database


def stats(db: Database) -> dict[str, Any]:
    """The figures in DESIGN.md's ``stats --json`` shape.

    Grades and complaints are filled in by their tabs' issues; until then every
    client counts as unrated and there are no complaints.
    """
    with db.read() as s:
        counts = client_repo.counts(s)
    return {
        "clients": counts["clients"],
        "grades": {"A": 0, "B": 0, "C": 0, "unrated": counts["clients"]},
        "complaints": {"open": 0, "total": 0, "by_category": {}},
        "interactions": counts["interactions"],
        "trash": counts["trash"],
    }
