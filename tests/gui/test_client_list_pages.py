"""A broad search in the client list: the list counts the hits only up to
``ClientListModel.COUNT_MOST`` and says "more than" that (in English and
Chinese), reads the first page of them (``PAGE``) and more as the view
scrolls, and "select all" and the bulk actions still take every hit, in
rank order."""

from __future__ import annotations

import pytest

from desktop_crm import i18n
from desktop_crm.domain.client import ClientCard
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.storage import client_repo
from desktop_crm.ui.clients.list_model import ClientListModel
from desktop_crm.ui.clients.tab import ClientsTab
from tests.gui.conftest import clients_tab, type_text

MOST = 10
HITS = 2 * MOST + 5
PAGE = 4


@pytest.fixture
def tab(qtbot, db, monkeypatch) -> ClientsTab:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(ClientListModel, "COUNT_MOST", MOST)
    monkeypatch.setattr(ClientListModel, "PAGE", PAGE)
    monkeypatch.setattr(ClientListModel, "MORE", 3)
    service = ClientService(db, user="me")
    for n in range(HITS):
        service.save(ClientCard(name=f"测试{n:03d}", owner="me"))
    service.save(ClientCard(name="王芳", owner="me"))
    return clients_tab(qtbot, service)


@pytest.mark.parametrize(("lang", "more", "exact"), [
    ("en", "More than 10 clients", "25 clients"),
    ("zh", "超过 10 个客户", "共 25 个客户"),
])
def test_a_broad_search_is_counted_so_far_and_says_so(tab: ClientsTab, lang: str, more: str,
                                                      exact: str) -> None:
    i18n.set_language(lang)
    type_text(tab.search, "测试")
    model = tab.model
    assert model.rowCount() == PAGE  # the first page read, the hits counted up to MOST + 1
    assert model.total == MOST + 1
    assert tab.count_label.text() == more
    assert model.canFetchMore(model.index(-1, -1).parent())
    # the view reads the rest as it scrolls; the count becomes exact
    while model.canFetchMore(model.index(-1, -1).parent()):
        model.fetchMore(model.index(-1, -1).parent())
    assert model.rowCount() == HITS
    assert tab.count_label.text() == exact
    expected = tab.service.list_ids(ClientFilter(text="测试"))
    assert [model.id_at(r) for r in range(HITS)] == expected


def test_select_all_takes_every_hit_of_a_broad_search(tab: ClientsTab) -> None:
    type_text(tab.search, "测试")
    assert tab.model.rowCount() == PAGE
    tab.view.selectAll()
    expected = tab.service.list_ids(ClientFilter(text="测试"))
    assert len(expected) == HITS
    assert tab.bulk.selected_ids() == expected
    assert tab.model.ids() == expected


def test_a_client_further_down_a_broad_search_is_shown_in_it(tab: ClientsTab) -> None:
    type_text(tab.search, "测试")
    last = tab.service.list_ids(ClientFilter(text="测试"))[-1]
    assert tab.model.row_of(last) is None  # not read yet
    assert tab.show_client(last)
    assert tab.search.text() == "测试"  # found in the search, not by clearing it
    assert tab.model.id_at(tab.view.currentIndex().row()) == last


@pytest.mark.parametrize(("first_whole", "rank_whole"), [(3, 3), (3, 1000), (1000, 1000)])
def test_a_search_with_fewer_hits_than_counted_is_counted_exactly_before_it_is_read(
        tab: ClientsTab, monkeypatch: pytest.MonkeyPatch, first_whole: int,
        rank_whole: int) -> None:
    """With more hits than a keystroke ranks whole (``client_repo._FIRST_WHOLE``),
    one page is read from the tiers and the hits counted, the next pages
    read from the tiers too or ranked whole (more or fewer hits than
    ``_RANK_WHOLE``); with fewer, all of them are read at once (ranked in
    one statement, which counts them too)."""
    monkeypatch.setattr(client_repo, "_RANK_WHOLE", rank_whole)
    monkeypatch.setattr(client_repo, "_FIRST_WHOLE", first_whole)
    tiered: list[int] = []
    real = client_repo._tiered_page

    def counted(*args: object, **kwargs: object) -> list[int] | None:
        page = real(*args, **kwargs)  # type: ignore[arg-type]
        tiered.append(len(page or ()))
        return page

    monkeypatch.setattr(client_repo, "_tiered_page", counted)
    tab.service.save(ClientCard(name="王芳芳", owner="me"))
    tab.service.save(ClientCard(name="王芳华", owner="me"))
    tab.service.save(ClientCard(name="王芳菲", owner="me"))
    tab.service.save(ClientCard(name="王芳林", owner="me"))
    type_text(tab.search, "王芳")
    model = tab.model
    # one page read of the 5 hits (from the tiers), or all of them
    assert model.rowCount() == (PAGE if first_whole < 5 else 5)
    assert tiered == ([PAGE] if first_whole < 5 else [])
    assert model.total == 5 and not model.more
    assert tab.count_label.text() == "5 clients"
    while model.canFetchMore(model.index(-1, -1).parent()):
        model.fetchMore(model.index(-1, -1).parent())
    assert [model.id_at(r) for r in range(model.rowCount())] == \
        tab.service.list_ids(ClientFilter(text="王芳"))
    assert model.total == 5 and tab.count_label.text() == "5 clients"
    # the next page: from the tiers when there are more hits than are ranked whole
    assert len(tiered) == (2 if rank_whole < 5 else 1 if first_whole < 5 else 0)
