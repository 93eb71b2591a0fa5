"""Tests for the headline figures (desktop_crm.services.stats)."""

from __future__ import annotations

from datetime import datetime

from desktop_crm.domain.client import ClientCard, Interaction
from desktop_crm.domain.enums import Channel
from desktop_crm.services.clients import ClientService
from desktop_crm.services.stats import stats
from desktop_crm.storage.database import Database

NOW = datetime(2026, 11, 24, 9, 0)


def _visit(client_id: int, summary: str = "拜访") -> Interaction:
    return Interaction(client_id=client_id, occurred_at=datetime(2026, 11, 20, 10),
                       channel=Channel.VISIT, summary=summary)


def test_empty_database(db: Database) -> None:
    data = stats(db)
    assert data["clients"] == 0
    assert data["grades"] == {"A": 0, "B": 0, "C": 0, "unrated": 0}
    assert data["complaints"] == {"open": 0, "total": 0, "by_category": {}}
    assert data["interactions"] == 0


def test_counts_live_clients_and_their_interactions(db: Database) -> None:
    service = ClientService(db, clock=lambda: NOW, user="tester")
    ids = [service.save(ClientCard(name=name)) for name in ("张伟", "李娜", "王芳")]
    for client_id in ids:
        service.log_interaction(_visit(client_id))
    service.log_interaction(_visit(ids[0], "电话回访"))
    service.delete(ids[2])
    data = stats(db)
    assert data["clients"] == 2
    assert data["interactions"] == 3
    assert sum(data["grades"].values()) == data["clients"]
    assert set(data["grades"]) == {"A", "B", "C", "unrated"}
    assert set(data["complaints"]) >= {"open", "total", "by_category"}
    assert data["complaints"]["open"] <= data["complaints"]["total"]
