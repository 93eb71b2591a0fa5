"""What the client list reads, and what a card shows when it opens: the list
is read once at start, a search with more hits than one page of rows lists
them all (the later ids and rows read as the view reaches them), the selection
stays across a refresh, and an opened card's sections, timeline and history
are its own."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import update

from desktop_crm.domain.client import ClientCard, FamilyMember, ImportantDate, Interaction, Phone
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import Channel, DateKind, Loyalty
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.services.loyalty_plan import LoyaltyPlanService
from desktop_crm.storage import client_repo
from desktop_crm.storage.models import Client
from desktop_crm.ui.clients.fields import PhoneRow
from desktop_crm.ui.clients.list_model import ClientListModel
from desktop_crm.ui.clients.tab import ClientsTab
from tests.gui.conftest import clients_tab, type_text

pytestmark = pytest.mark.both_engines

MANY = 2 * ClientListModel.PAGE + 22  # three pages of rows


def _names(tab: ClientsTab) -> list[str]:
    model = tab.model
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


@pytest.fixture
def many(db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """MANY clients named 测试000, 测试001, ... (all found by 测试), by name."""
    service = ClientService(db, user="me")
    return {name: service.save(ClientCard(name=name, owner="me"))
            for name in (f"测试{n:03d}" for n in range(MANY))}


def test_the_list_is_read_once_at_start_in_name_order(qtbot, db, many,  # type: ignore[no-untyped-def]
                                                      monkeypatch):
    service = ClientService(db, user="me")
    reads: list[ClientFilter] = []
    read = service.list_ids

    def counted(flt: ClientFilter) -> list[int]:
        reads.append(flt)
        return read(flt)

    monkeypatch.setattr(service, "list_ids", counted)
    tab = clients_tab(qtbot, service)
    assert len(reads) == 1
    assert _names(tab) == sorted(many)
    header = tab.view.horizontalHeader()
    assert header.isSortIndicatorShown()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        0, Qt.SortOrder.AscendingOrder)


@pytest.mark.parametrize("rank_whole", [10, 1000])
def test_a_search_with_more_hits_than_a_page_lists_them_all(  # type: ignore[no-untyped-def]
        qtbot, db, many, monkeypatch, rank_whole):
    """With more hits than are ranked whole (``client_repo._RANK_WHOLE``,
    and ``_FIRST_WHOLE`` for a keystroke's first page), the first page's
    ids are read, the rest as the view scrolls; with fewer, all the ids at
    once (the rows still a page at a time)."""
    monkeypatch.setattr(client_repo, "_RANK_WHOLE", rank_whole)
    monkeypatch.setattr(client_repo, "_FIRST_WHOLE", rank_whole)
    service = ClientService(db, user="me")
    tab = clients_tab(qtbot, service)
    type_text(tab.search, "测试")
    model = tab.model
    # the first page's ids read, or all of them
    assert model.rowCount() == (ClientListModel.PAGE if rank_whole < MANY else MANY)
    assert model.total == MANY  # every hit counted
    assert tab.count_label.text() == f"{MANY} clients"
    # the ids and rows of the later pages, read when the view scrolls to them
    while model.rowCount() < MANY:
        tab.view.scrollToBottom()
        qtbot.wait(10)
    assert tab.count_label.text() == f"{MANY} clients"
    last = model.rowCount() - 1
    assert model.data(model.index(last, 0)) == service.rows([model.id_at(last) or 0])[0].name
    # every row is the client of its id, in the service's order
    expected = service.list_ids(ClientFilter(text="测试"))
    assert model.ids() == expected
    assert _names(tab) == [row.name for row in service.rows(expected)]


def test_the_selection_stays_across_a_refresh(qtbot, db, many):  # type: ignore[no-untyped-def]
    service = ClientService(db, user="me")
    tab = clients_tab(qtbot, service)
    type_text(tab.search, "测试")
    chosen = many["测试120"]
    tab.view.selectRow(tab.model.locate(chosen) or 0)  # further down than read at first
    assert tab.editor.client_id == chosen
    type_text(tab.search, "12")  # 测试12: 测试120 ... 测试129
    assert sorted(_names(tab)) == [f"测试{n}" for n in range(120, 130)]
    assert tab.model.id_at(tab.view.currentIndex().row()) == chosen
    assert tab.editor.client_id == chosen
    assert tab.editor.basics.name.text() == "测试120"


def test_an_opened_card_shows_its_own_sections_timeline_and_history(qtbot, db):  # type: ignore[no-untyped-def]
    service = ClientService(db, user="me")
    first = service.save(ClientCard(
        name="王芳", owner="me", email="wang@example.com",
        phones=[Phone("138 0013 8000"), Phone("010 8888 6666")],
        dates=[ImportantDate(DateKind.WEDDING_ANNIVERSARY, DateSpec("lunar", 8, 15), "结婚")],
        family=[FamilyMember("丈夫", "张强", DateSpec("solar", 5, 4, 1980)),
                FamilyMember("女儿", "张小雨")]))
    second = service.save(ClientCard(name="李娜", owner="me", phones=[Phone("139 1234 5678")],
                                     family=[FamilyMember("儿子", "陈乐")]))
    third = service.save(ClientCard(name="赵文", owner="me"))
    start = datetime(2026, 3, 1, 9)
    for day, summary in enumerate(("初次拜访", "电话回访", "寄送样品")):
        service.log_interaction(Interaction(client_id=first, channel=Channel.VISIT,
                                            occurred_at=start + timedelta(days=day),
                                            summary=summary))
    service.log_interaction(Interaction(client_id=second, channel=Channel.CALL,
                                        occurred_at=start, summary="李娜的电话"))
    tab = clients_tab(qtbot, service)
    editor = tab.editor

    def open_card(client_id: int) -> list[str]:
        tab.view.selectRow(tab.model.row_of(client_id) or 0)
        assert editor.client_id == client_id
        rows = [r for r in editor.basics.phones.rows if isinstance(r, PhoneRow)]
        return [r.number.text() for r in rows]

    assert open_card(first) == ["138 0013 8000", "010 8888 6666"]
    assert editor.to_card().family == service.get(first).family
    assert not editor.is_dirty()
    assert editor.basics.email.text() == "wang@example.com"
    timeline = [editor.timeline.list.item(r).text().split("\n")[1]
                for r in range(editor.timeline.list.count())]
    assert timeline == ["寄送样品", "电话回访", "初次拜访"]  # newest first
    assert editor.history.rowCount() == 1  # "created"

    assert editor.to_card().dates == service.get(first).dates
    assert editor.to_card().family == service.get(first).family

    assert open_card(second) == ["139 1234 5678"]  # the phone rows of this card only
    assert editor.basics.email.text() == ""
    assert editor.to_card().dates == []
    assert editor.to_card().family == [FamilyMember("儿子", "陈乐")]  # no birthday kept
    assert not editor.is_dirty()
    assert [editor.timeline.list.item(r).text().split("\n")[1]
            for r in range(editor.timeline.list.count())] == ["李娜的电话"]

    assert open_card(third) == []
    assert editor.timeline.list.count() == 0
    assert editor.timeline.empty.isVisibleTo(editor.timeline)
    assert open_card(first) == ["138 0013 8000", "010 8888 6666"]
    assert editor.to_card().family == service.get(first).family
    assert not editor.is_dirty()


def test_a_field_marked_invalid_is_cleared_when_the_card_is_loaded_again(qtbot, db):  # type: ignore[no-untyped-def]
    service = ClientService(db, user="me")
    first = service.save(ClientCard(name="王芳", owner="me", phones=[Phone("138 0013 8000")]))
    other = service.save(ClientCard(name="李娜", owner="me"))
    tab = clients_tab(qtbot, service)
    editor = tab.editor
    tab.view.selectRow(tab.model.row_of(first) or 0)
    editor.basics.email.setText("not an e-mail")
    phone = editor.basics.phones.rows[0]
    assert isinstance(phone, PhoneRow)
    phone.number.setText("12")
    assert not editor.save()
    assert editor.basics.email.property("invalid")
    assert phone.number.property("invalid")
    editor.revert()  # Esc
    assert not editor.basics.email.property("invalid")
    assert not phone.number.property("invalid")
    assert editor.errors.isHidden()
    # marked again, then another card opened (its edits thrown away first)
    editor.basics.email.setText("still not")
    assert not editor.save()
    assert editor.basics.email.property("invalid")
    editor.revert()
    tab.view.selectRow(tab.model.row_of(other) or 0)
    assert editor.client_id == other
    assert not editor.basics.email.property("invalid")


def test_a_card_opens_in_one_read(qtbot, db):  # type: ignore[no-untyped-def]
    """The card, its records (orders, contact people, complaints, photo), its
    timeline and its history are read in one transaction: on a server each
    transaction costs round trips of its own (taking the connection, BEGIN,
    ROLLBACK), and in one statement there (storage/card_read.py). What the
    card shows is what each reader gives alone."""
    from sqlalchemy import event

    service = ClientService(db, user="me")
    ids = [service.save(ClientCard(name=name, owner="me", phones=[Phone(phone)]))
           for name, phone in (("王芳", "138 0013 8000"), ("李娜", "139 1234 5678"))]
    service.log_interaction(Interaction(client_id=ids[1], channel=Channel.CALL,
                                        occurred_at=datetime(2026, 3, 1, 9), summary="回访"))
    tab = clients_tab(qtbot, service)
    editor = tab.editor
    tab._select(ids[0])
    checkouts: list[object] = []

    statements: list[object] = []

    def checkout(*args: object) -> None:
        checkouts.append(args)

    def statement(*args: object) -> None:
        statements.append(args)

    event.listen(db.engine.pool, "checkout", checkout)
    event.listen(db.engine, "before_cursor_execute", statement)
    try:
        tab._select(ids[1])
        qtbot.waitUntil(lambda: editor.client_id == ids[1])
    finally:
        event.remove(db.engine.pool, "checkout", checkout)
        event.remove(db.engine, "before_cursor_execute", statement)
    assert len(checkouts) == 1
    assert len(statements) == (1 if db.shared else 12)
    assert editor.title.text() == "李娜" and not editor.is_dirty()
    assert [editor.timeline.list.item(r).text().split("\n")[1]
            for r in range(editor.timeline.list.count())] == ["回访"]
    assert editor.history.rowCount() == len(service.history(ids[1])) == 1
    assert editor.to_card().phones == service.get(ids[1]).phones


def test_date_and_family_rows_are_taken_again_in_their_order(qtbot, db):  # type: ignore[no-untyped-def]
    """The rows one card does not need are put away and the next card that
    needs more fills them again, shown in the card's order, also after the
    user added a row below the ones put away."""
    from desktop_crm.ui.clients.dates_page import DateRow, FamilyRow

    service = ClientService(db, user="me")

    def dated(name: str, labels: list[str], family: list[str]) -> int:
        return service.save(ClientCard(
            name=name, owner="me",
            dates=[ImportantDate(DateKind.CUSTOM, DateSpec("solar", 1 + i, 2, None), label)
                   for i, label in enumerate(labels)],
            family=[FamilyMember("朋友", who) for who in family]))

    full = dated("甲", ["开业", "签约", "周年"], ["张强", "李娜"])
    bare = dated("乙", [], [])
    one = dated("丙", ["入职"], ["陈乐"])
    tab = clients_tab(qtbot, service)
    editor = tab.editor
    page = editor.dates

    def open_card(client_id: int) -> tuple[list[str], list[str]]:
        tab.view.selectRow(tab.model.row_of(client_id) or 0)
        assert editor.client_id == client_id and not editor.is_dirty()
        shown = page.dates.rows + page.family.rows
        assert all(r.parentWidget().isVisibleTo(page) for r in shown)
        holders = [r.parentWidget() for r in page.dates.rows]
        layout = page.dates.layout()
        assert [layout.indexOf(h) for h in holders] == sorted(
            layout.indexOf(h) for h in holders)  # shown top to bottom in list order
        assert editor.to_card().dates == service.get(client_id).dates
        assert editor.to_card().family == service.get(client_id).family
        return ([cast(DateRow, r).label.text() for r in page.dates.rows],
                [cast(FamilyRow, r).name.text() for r in page.family.rows])

    assert open_card(full) == (["开业", "签约", "周年"], ["张强", "李娜"])
    made = list(page.dates.rows), list(page.family.rows)
    assert open_card(bare) == ([], [])
    assert not any(r.parentWidget().isVisibleTo(page) for r in made[0] + made[1])
    assert open_card(one) == (["入职"], ["陈乐"])
    added = page.dates.add_row()  # the user adds a date: a row below the spare ones
    assert added not in made[0]
    cast(DateRow, added).label.setText("新的")
    assert editor.is_dirty()
    editor.revert()
    assert open_card(full) == (["开业", "签约", "周年"], ["张强", "李娜"])
    # the rows made for the first card were filled again, none built anew
    assert set(page.dates.rows) <= set(made[0]) | {added}
    assert page.family.rows == made[1] or set(page.family.rows) == set(made[1])


def test_the_profile_gauge_is_counted_once_a_card(qtbot, db, monkeypatch):  # type: ignore[no-untyped-def]
    """Loading a card's answers does not count the gauge for each line it
    fills; the gauge shows the card's count."""
    from desktop_crm.ui.clients.profile_page import ProfilePage

    service = ClientService(db, user="me")
    first = service.save(ClientCard(name="甲", owner="me", profile={
        n: f"答{n}" for n in (5, 9, 20, 30, 31, 40)}))
    second = service.save(ClientCard(name="乙", owner="me", profile={7: "喜欢茶"}))
    tab = clients_tab(qtbot, service)
    counted: list[int] = []
    update = ProfilePage._update_gauge

    def counting(page: ProfilePage) -> None:
        counted.append(1)
        update(page)

    monkeypatch.setattr(ProfilePage, "_update_gauge", counting)
    gauge = tab.editor.profile.gauge
    for client_id, answers in ((first, 6), (second, 1), (first, 6)):
        counted.clear()
        tab.view.selectRow(tab.model.row_of(client_id) or 0)
        assert tab.editor.client_id == client_id
        assert len(counted) == 1
        # the card's own answers and what the card answers (its name)
        assert gauge.value() == answers + 1
    # typing an answer still counts it at once
    type_text(tab.editor.profile.answers[12], "高尔夫")
    assert gauge.value() == 8 and tab.editor.is_dirty()


def test_the_loyalty_plan_is_read_once_a_card(qtbot, db, monkeypatch):  # type: ignore[no-untyped-def]
    """The card's loyalty advice is shown once, with the card's own grade:
    not first with the previous card's grade while the state is loaded
    (each showing reads the plan)."""
    service = ClientService(db, user="me")
    ids = {}
    for name, loyalty, grade in (("甲", Loyalty.CORE, "A"), ("乙", Loyalty.NEW, "B"),
                                 ("丙", Loyalty.CORE, None)):
        ids[name] = service.save(ClientCard(name=name, owner="me", loyalty=loyalty))
        if grade:  # as an evaluation sets it
            with db.session() as s:
                s.execute(update(Client).where(Client.id == ids[name]).values(grade=grade))
    tab = clients_tab(qtbot, service)
    panel = tab.editor.loyalty_advice
    reads: list[int] = []
    plan = LoyaltyPlanService.plan

    def counted(self: LoyaltyPlanService):  # type: ignore[no-untyped-def]
        reads.append(1)
        return plan(self)

    monkeypatch.setattr(LoyaltyPlanService, "plan", counted)
    for name, expected, read in (("甲", "A-class service (grade A)", 1),
                                 ("乙", "B-class service (grade B)", 1),
                                 ("丙", "Not evaluated yet", 0),
                                 ("甲", "A-class service (grade A)", 1)):
        reads.clear()
        tab.view.selectRow(tab.model.row_of(ids[name]) or 0)
        assert tab.editor.client_id == ids[name]
        assert expected in panel.plan_actions.text()
        assert len(reads) == read, name
    # a state chosen by the user is shown at once
    tab.editor.classification.loyalty.set_value(Loyalty.ADVOCATE)
    assert "refer clients" in panel.advice.text()
