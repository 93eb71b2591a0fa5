"""The client list's cell texts are worked out once a row and kept with the
row read: they still follow an edit of the card, a change to many clients,
another search and a switch of language, and a list whose texts move with
the day (the evaluation list's "Due") asks for them every time."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QModelIndex, Qt
from sqlalchemy import event

from desktop_crm import i18n
from desktop_crm.domain.client import ClientCard, Interaction
from desktop_crm.domain.enums import Channel, Loyalty
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.ui.clients.list_model import ClientListModel
from desktop_crm.ui.clients.tab import ClientsTab
from desktop_crm.ui.evaluation.list_model import EvaluationListModel
from tests.gui.conftest import clients_tab, type_text

pytestmark = pytest.mark.both_engines


def _row(model: ClientListModel, row: int = 0) -> dict[str, str]:
    return {key: model.data(model.index(row, column))
            for column, (key, _title) in enumerate(model.columns)}


@pytest.fixture
def tab(qtbot, db) -> ClientsTab:  # type: ignore[no-untyped-def]
    service = ClientService(db, user="me")
    cid = service.save(ClientCard(name="王芳", company="远航贸易", owner="me",
                                  loyalty=Loyalty.CORE, tags=["大客户", "VIP"]))
    service.log_interaction(Interaction(client_id=cid, occurred_at=datetime(2026, 3, 4, 15, 6),
                                        channel=Channel.CALL, summary="电话"))
    return clients_tab(qtbot, service)


def test_a_rows_texts_are_its_fields(tab: ClientsTab) -> None:
    type_text(tab.search, "王芳")
    row = _row(tab.model)
    assert row == {"name": "王芳", "company": "远航贸易", "phone": "", "grade": "",
                   "loyalty": Loyalty.CORE.label, "owner": "me", "tags": "VIP, 大客户",
                   "last_contact": "2026-03-04"}
    assert tab.model.data(tab.model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == "王芳"
    assert tab.model.data(tab.model.index(0, 0), Qt.ItemDataRole.UserRole) \
        == tab.model.id_at(0)


def test_a_rows_texts_follow_an_edit_and_a_change_to_many(tab: ClientsTab) -> None:
    model = tab.model
    type_text(tab.search, "王")
    cid = model.id_at(0)
    assert cid is not None
    assert _row(model)["company"] == "远航贸易"
    card = tab.service.get(cid)
    card.company = "远大贸易"
    tab.service.save(card)
    model.invalidate(cid)  # what the tab does after a save
    assert _row(model)["company"] == "远大贸易"
    card = tab.service.get(cid)
    card.owner = "you"
    tab.service.save(card)
    model.invalidate_all()  # after a bulk action
    assert _row(model)["owner"] == "you"


def test_a_rows_texts_follow_another_search(tab: ClientsTab) -> None:
    tab.service.save(ClientCard(name="王刚", company="远大", owner="me"))
    type_text(tab.search, "王芳")
    assert _row(tab.model)["name"] == "王芳"
    tab.search.clear()
    type_text(tab.search, "王刚")
    assert [_row(tab.model, r)["name"] for r in range(tab.model.rowCount())] == ["王刚"]


def test_a_rows_texts_follow_the_language(tab: ClientsTab) -> None:
    type_text(tab.search, "王芳")
    assert _row(tab.model)["loyalty"] == Loyalty.CORE.label_in("en")
    i18n.set_language("zh")
    tab.retranslate()
    assert _row(tab.model)["loyalty"] == Loyalty.CORE.label_in("zh")
    assert Loyalty.CORE.label_in("zh") != Loyalty.CORE.label_in("en")


def test_the_evaluation_lists_texts_are_asked_for_every_time(tab: ClientsTab,
                                                           monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert not EvaluationListModel.keeps_texts
    asked: list[str] = []
    cell = ClientListModel.cell

    def counted(model: ClientListModel, item, key: str) -> str:  # type: ignore[no-untyped-def]
        asked.append(key)
        return cell(model, item, key)

    monkeypatch.setattr(ClientListModel, "cell", counted)
    model = tab.model
    model.invalidate_all()
    _row(model)
    _row(model)
    assert len(asked) == len(model.columns)  # the Clients list keeps them
    monkeypatch.setattr(ClientListModel, "keeps_texts", False)
    asked.clear()
    model.invalidate_all()
    _row(model)
    _row(model)
    assert len(asked) == 2 * len(model.columns)


def test_a_keystrokes_page_and_its_rows_are_one_read(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    """The ids of a search's first page, its count and the first page's rows
    come in one transaction (on a server: one BEGIN, not one a read), and the
    view's cells after it read nothing more."""
    service = ClientService(db, user="me")
    for n in range(ClientListModel.PAGE + 6):
        service.save(ClientCard(name=f"测试{n:03d}", owner="me"))
    model = ClientListModel(service)
    begun: list[object] = []

    def begin(conn: object) -> None:
        begun.append(conn)

    event.listen(db.engine, "begin", begin)
    try:
        model.set_filter(ClientFilter(text="测试"))
        assert len(begun) == 1
        assert model.total == ClientListModel.PAGE + 6
        names = [model.data(model.index(r, 0)) for r in range(60)]
        assert len(begun) == 1
    finally:
        event.remove(db.engine, "begin", begin)
    assert names == [f"测试{n:03d}" for n in range(60)]
    # the rows further down come as the view reaches them, in rank order
    assert model.data(model.index(ClientListModel.PAGE + 5, 0)) == "测试069"


def test_the_indexes_kept_follow_the_rows_listed(tab: ClientsTab) -> None:
    """``index`` makes each index of the first rows once and gives it again:
    the same index shows whatever row is listed there now, none is given past
    the last row, and an invalid index shows nothing."""
    model = tab.model
    tab.service.save(ClientCard(name="王刚", company="远大", owner="me"))
    type_text(tab.search, "王")
    assert model.rowCount() == 2
    first, second = model.index(0, 1), model.index(1, 1)
    assert model.index(0, 1) is first  # kept
    assert {model.data(first), model.data(second)} == {"远航贸易", "远大"}
    tab.search.clear()
    type_text(tab.search, "王刚")
    assert model.rowCount() == 1
    assert model.index(0, 1) is first
    assert model.data(first) == "远大"
    assert not model.index(1, 1).isValid()  # past the last row now
    assert model.data(second) is None
    assert not model.index(0, len(model.columns)).isValid()
    assert model.data(QModelIndex()) is None
    assert model.data(first, Qt.ItemDataRole.UserRole) == model.id_at(0)


def test_a_rows_texts_at_once_are_its_cells(tab: ClientsTab) -> None:
    """``texts`` works the Clients list's cells out at once: the same texts
    as each column's ``cell``, for rows with and without a loyalty, a grade
    and a last contact, and an organisation found through its people."""
    from desktop_crm.domain.contact import ContactPerson
    from desktop_crm.domain.enums import ClientKind
    from desktop_crm.services.contacts import ContactService

    service = tab.service
    org = service.save(ClientCard(name="远航物流", kind=ClientKind.ORGANISATION))
    ContactService(service.db, service.clock, "me").save(ContactPerson(org, "王刚", "经理"))
    service.save(ClientCard(name="王五"))
    model = tab.model
    type_text(tab.search, "王")
    assert model.rowCount() == 3
    shown = set()
    for row in range(model.rowCount()):
        item = model._row(row)
        assert item is not None
        cells = [model.cell(item, key) for key, _title in model.columns]
        assert model.texts(item) == cells
        assert [model.data(model.index(row, c)) for c in range(len(cells))] == cells
        shown.add(cells[0])
    assert "王五" in shown and any(name.endswith("远航物流") and name != "远航物流"
                                   for name in shown)
