"""Headline figures for `desktop-crm stats --json` and the Summary sheet."""

from __future__ import annotations

from typing import Any

from desktop_crm.domain.sales import from_cents
from desktop_crm.storage import (
    client_repo,
    complaint_repo,
    evaluation_repo,
    order_repo,
    photo_repo,
)
from desktop_crm.storage.database import Database


def stats(db: Database) -> dict[str, Any]:
    """The figures in the ``stats --json`` shape (README.md, "Command line").

    ``orders`` counts the orders of live clients in every status (quotes and
    lost deals too); ``sales`` is the won orders (won, delivered, paid) per
    currency: ``{"CNY": {"orders": 12, "amount": "34567.80"}}``, the amount
    a string with two decimals so that it stays exact.
    """
    with db.read() as s:
        counts = client_repo.counts(s)
        grades = evaluation_repo.grade_counts(s)
        evaluations = evaluation_repo.count(s)
        complaints = complaint_repo.counts(s)
        orders = order_repo.totals(s)
        photos = photo_repo.count(s)
    return {
        "clients": counts["clients"],
        "grades": grades,
        "evaluations": evaluations,
        "complaints": complaints,
        "interactions": counts["interactions"],
        "trash": counts["trash"],
        "photos": photos,
        "orders": orders["orders"],
        "sales": {currency: {"orders": n, "amount": str(from_cents(cents))}
                  for currency, (n, cents) in orders["won"].items()},
    }
