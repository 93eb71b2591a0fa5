"""Headline figures for `desktop-crm stats --json` and the Summary sheet."""

from __future__ import annotations

from typing import Any

from desktop_crm.storage import client_repo, complaint_repo, evaluation_repo
from desktop_crm.storage.database import Database


def stats(db: Database) -> dict[str, Any]:
    """The figures in the ``stats --json`` shape (README.md, "Command line").

    """
    with db.read() as s:
        counts = client_repo.counts(s)
        grades = evaluation_repo.grade_counts(s)
        evaluations = evaluation_repo.count(s)
        complaints = complaint_repo.counts(s)
    return {
        "clients": counts["clients"],
        "grades": grades,
        "evaluations": evaluations,
        "complaints": complaints,
        "interactions": counts["interactions"],
        "trash": counts["trash"],
    }
