"""The client-cards tab driven like a user: type, click, check the screen and
the database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QStyle, QStyleOptionComboBox
from sqlalchemy import func, select

from desktop_crm.domain.enums import Channel
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.storage.models import Client, InteractionRow
from desktop_crm.ui.clients.fields import PhoneRow
from desktop_crm.ui.clients.list_model import ClientListModel
from tests.gui.conftest import type_text

# on a server database too, showing everyone's clients (Mine is the default there)
pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]


def _names(tab) -> list[str]:  # type: ignore[no-untyped-def]
    model = tab.model
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


def _client_count(db) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return int(s.scalar(select(func.count(Client.id))))


def test_create_client_through_editor_and_find_by_initials(qtbot, window, db):  # type: ignore[no-untyped-def]
    tab = window.clients
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = tab.editor
    assert editor.client_id is None
    type_text(editor.basics.name, "曾国方")
    type_text(editor.basics.company, "北京华为科技有限公司")
    qtbot.mouseClick(editor.basics.phones.add_button, Qt.MouseButton.LeftButton)
    phone = editor.basics.phones.rows[0]
    assert isinstance(phone, PhoneRow)
    qtbot.keyClicks(phone.number, "138-0013-8000")
    qtbot.keyClicks(editor.basics.email, "zeng@example.com")
    assert editor.save_button.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert editor.client_id is not None
    card = ClientService(db).get(editor.client_id)
    assert (card.name, card.company, card.email) == ("曾国方", "北京华为科技有限公司",
                                                     "zeng@example.com")
    assert [p.number for p in card.phones] == ["138-0013-8000"]
    assert not editor.save_button.isEnabled()
    assert _names(tab) == ["曾国方"]

    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert tab.search.hasFocus()
    qtbot.keyClicks(tab.search, "zgf")
    assert _names(tab) == ["曾国方"]
    tab.search.clear()
    qtbot.keyClicks(tab.search, "wangfang")
    assert _names(tab) == []
    assert tab.count_label.text() == "0 clients"
    assert tab.empty_label.isVisible()
    assert "No client matches" in tab.empty_label.text()


def test_search_filters_as_you_type_in_chinese_and_digits(qtbot, seeded, window):  # type: ignore[no-untyped-def]
    tab = window.clients
    tab.apply_filter()
    assert sorted(_names(tab)) == sorted(seeded)
    type_text(tab.search, "李")
    assert _names(tab) == ["李娜"]
    tab.search.clear()
    qtbot.keyClicks(tab.search, "5678")
    assert _names(tab) == ["李娜"]
    tab.search.clear()
    qtbot.keyClicks(tab.search, "js")
    assert _names(tab) == ["John Smith"]


def test_invalid_input_is_shown_at_the_field_and_blocks_saving(qtbot, window, db):  # type: ignore[no-untyped-def]
    editor = window.clients.editor
    window.clients.new_client()
    qtbot.keyClicks(editor.basics.email, "not-an-email")
    qtbot.mouseClick(editor.basics.phones.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor.basics.phones.rows[0].number, "12345")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    assert _client_count(db) == 0
    assert editor.errors.isVisible()
    assert "Name is required" in editor.errors.text()
    assert editor.basics.name.property("invalid") is True
    assert editor.basics.email.property("invalid") is True
    assert "e-mail" in editor.basics.email.toolTip()
    assert editor.basics.phones.rows[0].number.property("invalid") is True
    assert editor.is_dirty()  # nothing typed is lost

    type_text(editor.basics.name, "王芳")
    editor.basics.email.clear()
    editor.basics.phones.rows[0].number.clear()
    qtbot.keyClicks(editor.basics.phones.rows[0].number, "010-6552 9988")
    assert editor.save()
    assert _client_count(db) == 1
    assert not editor.errors.isVisible()
    assert editor.basics.email.property("invalid") is False


def test_lunar_birthday_family_and_profile_are_saved(qtbot, window, db):  # type: ignore[no-untyped-def]
    editor = window.clients.editor
    window.clients.new_client()
    type_text(editor.basics.name, "赵敏")
    birthday = editor.dates.birthday
    birthday.enabled_box.setChecked(True)
    birthday.calendar.setCurrentIndex(1)  # lunar
    birthday.month.setValue(8)
    birthday.day.setValue(15)
    member = editor.dates.family.add_row()
    type_text(member.relation, "女儿")
    type_text(member.name, "小敏")
    type_text(editor.profile.answers[45], "清蒸鱼")
    editor.profile.private[45].setChecked(True)
    assert "1/66" in editor.profile.gauge.text()
    assert editor.save()

    card = ClientService(db).get(editor.client_id)
    assert card.birthday is not None and card.birthday.is_lunar
    assert (card.birthday.month, card.birthday.day) == (8, 15)
    assert [(m.relation, m.name) for m in card.family] == [("女儿", "小敏")]
    assert card.profile == {45: "清蒸鱼"}
    assert card.profile_private == {45}


def test_impossible_birthday_is_refused(qtbot, window, db):  # type: ignore[no-untyped-def]
    editor = window.clients.editor
    window.clients.new_client()
    type_text(editor.basics.name, "钱多多")
    birthday = editor.dates.birthday
    birthday.enabled_box.setChecked(True)
    birthday.month.setValue(2)
    birthday.day.setValue(30)
    assert not editor.save()
    assert _client_count(db) == 0
    assert birthday.property("invalid") is True
    assert editor.pages.currentIndex() == 3


def test_log_interaction_with_ctrl_l(qtbot, db, seeded, window):  # type: ignore[no-untyped-def]
    tab = window.clients
    tab._select(seeded["李娜"])
    assert tab.editor.client_id == seeded["李娜"]
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    timeline = tab.editor.timeline
    assert tab.editor.pages.currentWidget() is timeline
    assert timeline.summary.hasFocus()
    timeline.channel.setCurrentIndex(timeline.channel.findData(Channel.CALL.value))
    type_text(timeline.summary, "电话回访，客户满意")
    type_text(timeline.next_step, "下周送样品")
    qtbot.keyClick(timeline.summary, Qt.Key.Key_Return)

    assert timeline.list.count() == 1
    assert "电话回访" in timeline.list.item(0).text()
    assert "下周送样品" in timeline.list.item(0).text()
    with db.read() as s:
        row = s.execute(select(InteractionRow.client_id, InteractionRow.channel,
                               InteractionRow.summary, InteractionRow.occurred_at)).one()
    assert (row.client_id, row.channel, row.summary) == (seeded["李娜"], "call",
                                                         "电话回访，客户满意")
    assert timeline.summary.text() == ""
    # the list shows the new last-contact date
    list_row = tab.model.row_of(seeded["李娜"])
    column = [key for key, _title in tab.model.columns].index("last_contact")
    assert tab.model.data(tab.model.index(list_row, column)) == row.occurred_at.strftime(
        "%Y-%m-%d")


def test_empty_interaction_is_refused(qtbot, db, seeded, window):  # type: ignore[no-untyped-def]
    tab = window.clients
    tab._select(seeded["李娜"])
    tab.log_interaction()
    qtbot.mouseClick(tab.editor.timeline.log_button, Qt.MouseButton.LeftButton)
    assert tab.editor.timeline.error.isVisible()
    with db.read() as s:
        assert s.scalar(select(func.count(InteractionRow.id))) == 0


def test_delete_restore_and_undo(qtbot, db, seeded, window):  # type: ignore[no-untyped-def]
    tab = window.clients
    service = ClientService(db)
    tab._select(seeded["曾国方"])
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert "曾国方" not in _names(tab)
    assert service.list_ids(ClientFilter(trash=True)) == [seeded["曾国方"]]
    assert tab.undo_button.isVisible()

    qtbot.mouseClick(tab.undo_button, Qt.MouseButton.LeftButton)
    assert "曾国方" in _names(tab)
    assert service.list_ids(ClientFilter(trash=True)) == []

    tab._select(seeded["曾国方"])
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert "曾国方" not in _names(tab)
    qtbot.mouseClick(tab.trash_button, Qt.MouseButton.LeftButton)
    assert _names(tab) == ["曾国方"]
    tab._select(seeded["曾国方"])
    assert tab.editor.read_only
    assert not tab.editor.basics.isEnabled()
    qtbot.mouseClick(tab.restore_button, Qt.MouseButton.LeftButton)
    assert not tab.trash_button.isChecked()
    assert "曾国方" in _names(tab)
    card = service.get(seeded["曾国方"])
    assert card.deleted_at is None and card.phones[0].number == "138 0013 8000"
    fields = [entry.field for entry in service.history(seeded["曾国方"])]
    assert fields[:2] == ["restored", "deleted"]


def test_escape_reverts_unsaved_edits(qtbot, db, seeded, window):  # type: ignore[no-untyped-def]
    editor = window.clients.editor
    window.clients._select(seeded["李娜"])
    type_text(editor.basics.title, "经理")
    assert editor.is_dirty()
    qtbot.keyClick(editor.basics.title, Qt.Key.Key_Escape)
    assert editor.basics.title.text() == ""
    assert not editor.is_dirty()


def test_switching_client_with_unsaved_edits_asks(qtbot, db, seeded, window, answer_dialogs):  # type: ignore[no-untyped-def]
    answers, asked = answer_dialogs
    tab = window.clients
    tab._select(seeded["李娜"])
    type_text(tab.editor.basics.title, "总监")
    answers.append(QMessageBox.StandardButton.Save)
    tab._select(seeded["曾国方"])
    assert len(asked) == 1
    assert ClientService(db).get(seeded["李娜"]).title == "总监"
    assert tab.editor.client_id == seeded["曾国方"]


def test_history_shows_field_changes(qtbot, db, seeded, window):  # type: ignore[no-untyped-def]
    editor = window.clients.editor
    window.clients._select(seeded["李娜"])
    type_text(editor.basics.title, "采购主管")
    assert editor.save()
    history = editor.history
    rows = [[history.item(r, c).text() for c in range(history.columnCount())]
            for r in range(history.rowCount())]
    assert [r[2:] for r in rows] == [["Title", "", "采购主管"], ["Created", "", "李娜"]]


def test_filters_by_kind_tag_and_owner(qtbot, window, db):  # type: ignore[no-untyped-def]
    from desktop_crm.domain.client import ClientCard
    from desktop_crm.domain.enums import ClientKind, Loyalty

    service = ClientService(db)
    service.save(ClientCard(name="华信科技", kind=ClientKind.ORGANISATION, owner="王磊",
                            tags=["大客户"], loyalty=Loyalty.CORE))
    service.save(ClientCard(name="周杰", owner="李静", tags=["VIP"]))
    tab = window.clients
    tab.reload_filters()
    tab.apply_filter()
    assert len(_names(tab)) == 2
    tab.kind.setCurrentIndex(tab.kind.findData("organisation"))
    assert _names(tab) == ["华信科技"]
    tab.kind.setCurrentIndex(0)
    tab.tag.setCurrentIndex(tab.tag.findData("VIP"))
    assert _names(tab) == ["周杰"]
    tab.tag.setCurrentIndex(0)
    tab.owner.setCurrentIndex(tab.owner.findData("王磊"))
    assert _names(tab) == ["华信科技"]
    tab.owner.setCurrentIndex(0)
    tab.classification.setCurrentIndex(tab.classification.findData("loyalty=core"))
    assert _names(tab) == ["华信科技"]


def test_sorting_by_header_is_done_in_sql(qtbot, seeded, window):  # type: ignore[no-untyped-def]
    tab = window.clients
    tab.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert _names(tab) == ["John Smith", "李娜", "曾国方"]  # j, l, z by pinyin
    tab.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert _names(tab) == ["曾国方", "李娜", "John Smith"]


def test_list_model_passes_the_model_tester(qtmodeltester, db, seeded):  # type: ignore[no-untyped-def]
    model = ClientListModel(ClientService(db))
    model.refresh()
    qtmodeltester.check(model)
    assert model.rowCount() == 3


def test_card_shows_grade_and_strategy_and_asks_for_evaluation(qtbot, db, seeded, window):  # type: ignore[no-untyped-def]
    from desktop_crm.services.evaluations import EvaluationService

    tab = window.clients
    tab._select(seeded["李娜"])
    assert tab.editor.grade.text() == "Not evaluated yet."
    EvaluationService(db).evaluate_client(
        seeded["李娜"], {"sales_attainment": 80, "cooperation": "good", "late_payments": 3,
                         "information": "valuable"})
    tab.editor.load_id(seeded["李娜"])
    assert tab.editor.grade.text().startswith("Grade B: Promising client (B).")
    assert "visit often" in tab.editor.grade.text()
    with qtbot.waitSignal(tab.evaluate_requested) as blocker:
        qtbot.mouseClick(tab.editor.evaluate_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [seeded["李娜"]]
    tab.new_client()
    assert not tab.editor.evaluate_button.isVisible()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_filter_bar_shows_each_filter_whole_at_1280(qtbot, db, language):  # type: ignore[no-untyped-def]
    """With the list's pane at its width in a 1280-pixel window, each filter
    reads its "All ..." entry whole (it read "All classifica" in English); a
    pane the user narrows still shrinks; a long chosen entry is the tooltip."""
    from desktop_crm import i18n
    from desktop_crm.ui.main_window import TABS
    from tests.gui.conftest import clients_tab

    i18n.set_language(language)
    try:
        tab = clients_tab(qtbot, ClientService(db))
        tab.resize(1280, 740)
        sizes = next(sizes for key, _title, sizes in TABS if key == "clients")
        assert sizes is not None
        tab.splitter.setSizes(sizes)
        qtbot.waitUntil(lambda: abs(tab.splitter.sizes()[0] - sizes[0]) < 30)  # less margins
        for combo in (tab.kind, tab.classification, tab.tag, tab.owner, tab.grade_filter):
            text = combo.itemText(0)
            room = combo.style().subControlRect(
                QStyle.ComplexControl.CC_ComboBox, _combo_option(combo),
                QStyle.SubControl.SC_ComboBoxEditField, combo).width()
            assert combo.fontMetrics().horizontalAdvance(text) <= room, (text, room)
        tab.splitter.setSizes([300, 980])  # the user wants more room for the card
        qtbot.waitUntil(lambda: tab.splitter.sizes()[0] < 480)  # not held at the hints
        tab.classification.setCurrentIndex(tab.classification.count() - 1)
        assert tab.classification.toolTip() == tab.classification.currentText() != ""
        tab.classification.setCurrentIndex(0)
        assert tab.classification.toolTip() == ""
    finally:
        i18n.set_language("en")


def _combo_option(combo):  # type: ignore[no-untyped-def]
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    return option
