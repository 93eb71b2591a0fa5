"""Search results are ranked, on both engines the same way: exact name, name
prefix in the surname's reading, in another reading, an organisation's name,
a person's company, then matches elsewhere (mid-name initials last); within
a tier the most recent personal contact first."""

from __future__ import annotations

import pytest

from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.storage.database import Database
from tests.unit import search_book


@pytest.fixture
def book(db: Database) -> dict[str, int]:
    return search_book.fill(db)


@pytest.mark.parametrize("typed", list(search_book.RANKED))
def test_hits_come_best_first(db: Database, book: dict[str, int], typed: str) -> None:
    service = ClientService(db)
    name_of = {i: name for name, i in book.items()}
    assert [name_of[i] for i in service.list_ids(ClientFilter(text=typed))] == \
        search_book.RANKED[typed]
    # the service's search (the CLI's) in the same order, rows and all
    assert [r.name for r in service.search(typed)] == search_book.RANKED[typed]


def test_a_chosen_column_still_sorts_the_hits(db: Database, book: dict[str, int]) -> None:
    service = ClientService(db)
    name_of = {i: name for name, i in book.items()}

    def names(flt: ClientFilter) -> list[str]:
        return [name_of[i] for i in service.list_ids(flt)]

    assert names(ClientFilter(text="zhang", sort="name")) == [
        "长江", "长沙宏达", "张三丰", "张伟", "张伟明", "章子怡"]
    assert names(ClientFilter(text="zhang", sort="last_contact", descending=True))[:2] == [
        "长沙宏达", "长江"]
    # ranked without text: by name, as before
    assert names(ClientFilter()) == names(ClientFilter(sort="name"))


def test_a_later_contact_reorders_a_tier_but_not_the_tiers(db: Database,
                                                            book: dict[str, int]) -> None:
    from datetime import datetime

    from desktop_crm.domain.client import Interaction
    from desktop_crm.domain.enums import Channel

    service = ClientService(db, clock=lambda: search_book.NOW)
    service.log_interaction(Interaction(client_id=book["章子怡"],
                                        occurred_at=datetime(2026, 11, 24, 9),
                                        channel=Channel.VISIT, summary="visit"))
    service.log_interaction(Interaction(client_id=book["长江"],
                                        occurred_at=datetime(2026, 11, 24, 9, 10),
                                        channel=Channel.VISIT, summary="visit"))
    name_of = {i: name for name, i in book.items()}
    assert [name_of[i] for i in service.list_ids(ClientFilter(text="zhang"))] == [
        "章子怡", "张伟", "张伟明", "张三丰", "长江", "长沙宏达"]
