"""Headline figures for `desktop-crm stats --json` and the Summary sheet."""

from __future__ import annotations

from typing import Any

from desktop_crm.storage import client_repo, evaluation_repo
from desktop_crm.storage.database import Database


def stats(db: Database) -> dict[str, Any]:
    """The figures in DESIGN.md's ``stats --json`` shape.

    Complaints are filled in by the complaint log's issue; until then there are none.
    """
    with db.read() as s:
        counts = client_repo.counts(s)
        grades = evaluation_repo.grade_counts(s)
        evaluations = evaluation_repo.count(s)
    return {
        "clients": counts["clients"],
        "grades": grades,
        "evaluations": evaluations,
        "complaints": {"open": 0, "total": 0, "by_category": {}},
        "interactions": counts["interactions"],
        "trash": counts["trash"],
    }
