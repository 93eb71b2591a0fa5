"""Reading the exported clients in pages, so memory stays bounded at any size.

A page is a list of ids (``PAGE_SIZE`` at most); for each page the cards, the
evaluations, the interactions and the orders come from ``storage.export_repo``:
one query per table for the whole page, never one per client, the objects built
from plain row tuples (the cards equal those ``client_repo.load_card`` reads).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from desktop_crm.storage import client_repo, export_repo
from desktop_crm.storage.client_repo import ClientFilter
from desktop_crm.storage.database import Database
from desktop_crm.storage.export_repo import (
    EvaluationLine,
    ExportedClient,
    InteractionLine,
    OrderLine,
)

__all__ = ["PAGE_SIZE", "EvaluationLine", "ExportedClient", "InteractionLine", "OrderLine",
           "Page",
           "client_ids", "client_pages", "pages"]

PAGE_SIZE = 1000


@dataclass(frozen=True)
class Page:
    """A page of clients and what was asked of their rows (the lists not
    asked for are empty). ``named``: (id, name, UUID) of each live client,
    from the cards or, when they are not read, from a query of its own."""

    clients: list[ExportedClient]
    evaluations: list[EvaluationLine]
    interactions: list[InteractionLine]
    orders: list[OrderLine]
    named: list[tuple[int, str, str]]


def client_ids(db: Database, ids: Sequence[int] | None) -> list[int]:
    """The ids to export in order: ``ids`` as given (without duplicates), or every
    client not in the trash, by name."""
    if ids is not None:
        return list(dict.fromkeys(ids))
    with db.read() as s:
        return client_repo.list_ids(s, ClientFilter())


def pages(db: Database, ids: Sequence[int], size: int = PAGE_SIZE, *, cards: bool = True,
          evaluations: bool = True, interactions: bool = True,
          orders: bool = True) -> Iterator[Page]:
    """The clients of ``ids`` (those that exist and are not in the trash), page
    by page, in the order of ``ids``; the flags say which rows to read."""
    for start in range(0, len(ids), size):
        chunk = list(ids[start:start + size])
        with db.read() as s:
            if cards:
                clients = export_repo.clients(s, chunk)
                named = [(c.card.id, c.card.name, c.card.uuid) for c in clients
                         if c.card.id is not None]
            else:
                clients, named = [], export_repo.names(s, chunk)
            live = [cid for cid, _name, _uuid in named]
            yield Page(clients,
                       export_repo.evaluations(s, chunk, live) if evaluations else [],
                       export_repo.interactions(s, chunk, live) if interactions else [],
                       export_repo.orders(s, chunk, live) if orders else [],
                       named)


def client_pages(db: Database, ids: Sequence[int],
                 size: int = PAGE_SIZE) -> Iterator[list[ExportedClient]]:
    """Like :func:`pages`, the clients only."""
    for start in range(0, len(ids), size):
        with db.read() as s:
            yield export_repo.clients(s, list(ids[start:start + size]))
