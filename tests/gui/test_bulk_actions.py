"""Bulk actions through the real widgets: several rows selected (Ctrl+A,
Shift+click), the action from its shortcut or menu, the list and the
database checked, then Undo and both checked again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from desktop_crm.domain.client import ClientCard, Interaction
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import Channel, Loyalty
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.storage.database import Database
from desktop_crm.ui.bulk_dialogs import DoneDialog, PostponeDialog, ValueDialog
from desktop_crm.ui.main_window import MainWindow
from desktop_crm.ui.widgets import to_qdate
from tests.gui.conftest import shown, type_text

pytestmark = pytest.mark.usefixtures("everyone")

NOW = datetime(2026, 9, 20, 9, 0)  # a Sunday


def clock() -> datetime:
    return NOW


@pytest.fixture
def book(db: Database) -> dict[str, int]:
    service = ClientService(db, clock, user="seed")
    ids = {}
    for k, name in enumerate(("赵一", "钱二", "孙三", "李四")):
        ids[name] = service.save(ClientCard(name=name, owner="seed"))
        service.log_interaction(Interaction(ids[name], datetime(2026, 9, 1, 9), Channel.CALL,
                                            "报价", f"回电{k}", follow_up_on=date(2026, 9, 15)))
    ids["寿星"] = service.save(ClientCard(name="寿星", birthday=DateSpec.solar(9, 21, 1980)))
    return ids


@pytest.fixture
def win(qtbot, db: Database, settings: QSettings, book: dict[str, int]  # type: ignore[no-untyped-def]
        ) -> Iterator[MainWindow]:
    yield from shown(qtbot, MainWindow(db, settings, clock))


def titles(panel) -> list[str]:  # type: ignore[no-untyped-def]
    model = panel.model
    return [model.data(model.index(r, 3)) for r in range(model.rowCount())]


def follow_ups(db: Database, client_id: int) -> list[tuple[date | None, bool]]:
    return [(i.follow_up_on, i.follow_up_done)
            for i in ClientService(db).interactions(client_id) if i.next_step]


def test_today_postpone_done_and_undo_for_many_items(qtbot, win: MainWindow,  # type: ignore[no-untyped-def]
                                                     db: Database,
                                                     book: dict[str, int]) -> None:
    win.tabs.setCurrentWidget(win.today)
    panel, bulk = win.today.panel, win.today.panel.bulk
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(bulk.selected()) == 6  # 4 follow-ups, the birthday, the Mid-Autumn festival
    assert bulk.selection.text() == "6 selected"
    # postpone: only the follow-ups; the tooltip says why the others stay
    assert bulk.postpone_button.isEnabled()
    assert "this item falls on its own date (2)" in bulk.postpone_button.toolTip()
    shown: list[str] = []

    def postpone(dialog: QDialog) -> bool:
        assert isinstance(dialog, PostponeDialog)
        shown.append(dialog.heading.text())
        assert dialog.chosen_day() == date(2026, 9, 21)  # the next working day
        qtbot.mouseClick(dialog.week, Qt.MouseButton.LeftButton)
        return True

    bulk.run = postpone
    qtbot.keyClick(panel.view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert shown[0].startswith("Postpone 4 follow-ups to:")
    assert not any("回电" in t for t in titles(panel))
    assert follow_ups(db, book["钱二"]) == [(date(2026, 9, 27), False)]
    qtbot.keyClick(panel.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert sum("回电" in t for t in titles(panel)) == 4
    assert follow_ups(db, book["钱二"]) == [(date(2026, 9, 15), False)]

    # select the first follow-up, Shift+click the last: mark the four done at once
    rows = [r for r, t in enumerate(titles(panel)) if "回电" in t]
    first = panel.view.visualRect(panel.model.index(rows[0], 2))
    last = panel.view.visualRect(panel.model.index(rows[-1], 2))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, first.center())
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ShiftModifier, last.center())
    assert len(bulk.selected()) == 4

    def done(dialog: QDialog) -> bool:
        assert isinstance(dialog, DoneDialog)
        dialog.day.setDate(to_qdate(date(2026, 9, 19)))
        type_text(dialog.note, "电话已回")
        return True

    bulk.run = done
    qtbot.mouseClick(panel.done_button, Qt.MouseButton.LeftButton)
    assert not any("回电" in t for t in titles(panel))
    assert win.tabs.tabText(0) == "Today (2)"
    entry = ClientService(db).interactions(book["赵一"])[0]
    assert (entry.summary, entry.occurred_at.date()) == ("电话已回", date(2026, 9, 19))
    assert follow_ups(db, book["赵一"]) == [(date(2026, 9, 15), True)]
    qtbot.mouseClick(panel.undo_button, Qt.MouseButton.LeftButton)
    assert sum("回电" in t for t in titles(panel)) == 4
    assert [i.summary for i in ClientService(db).interactions(book["赵一"])] == ["报价"]


def test_dismiss_leaves_the_timeline_alone(qtbot, win: MainWindow, db: Database,  # type: ignore[no-untyped-def]
                                           book: dict[str, int]) -> None:
    panel, bulk = win.today.panel, win.today.panel.bulk
    panel.view.selectAll()
    bulk.run = lambda dialog: True
    qtbot.mouseClick(bulk.dismiss_button, Qt.MouseButton.LeftButton)
    assert titles(panel) == []
    assert [len(ClientService(db).interactions(i)) for i in book.values()] == [1, 1, 1, 1, 0]
    qtbot.mouseClick(panel.undo_button, Qt.MouseButton.LeftButton)  # the list is empty
    assert len(titles(panel)) == 6


def test_client_list_trash_tag_owner_classification_and_undo(
        qtbot, win: MainWindow, db: Database, book: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    tab, bulk = win.clients, win.clients.bulk
    service = ClientService(db)
    win.tabs.setCurrentWidget(tab)
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(bulk.selected_ids()) == 5 and bulk.menu_button.isEnabled()

    def answer(text: str):  # type: ignore[no-untyped-def]
        def fill(dialog: QDialog) -> bool:
            assert isinstance(dialog, ValueDialog)
            ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
            assert not ok.isEnabled()  # nothing typed yet
            dialog.value.setEditText(text)
            assert ok.isEnabled()
            return True
        return fill

    bulk.run = answer("展会")
    bulk.add_tag_action.trigger()
    assert sorted(service.list_ids(ClientFilter(tag="展会"))) == sorted(book.values())
    assert tab.undo_label.text() == "Tagged 5 clients “展会”."
    assert tab.tag.findData("展会") >= 0  # the filter offers the new tag
    qtbot.mouseClick(tab.undo_button, Qt.MouseButton.LeftButton)
    assert service.list_ids(ClientFilter(tag="展会")) == []
    assert service.tags() == []

    tab.view.selectAll()
    bulk.run = answer("王经理")
    qtbot.keyClick(tab.view, Qt.Key.Key_O,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert {service.get(i).owner for i in book.values()} == {"王经理"}
    assert service.history(book["赵一"])[0].user == win.services.clients.user
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert service.get(book["赵一"]).owner == "seed"
    assert service.get(book["寿星"]).owner == ""

    tab.view.selectAll()

    def classify(dialog: QDialog) -> bool:
        assert isinstance(dialog, ValueDialog) and dialog.field is not None
        dialog.field.setCurrentIndex(dialog.field.findData("loyalty"))
        dialog.value.setCurrentIndex(dialog.value.findData(Loyalty.CORE))
        return True

    bulk.run = classify
    bulk.class_action.trigger()
    assert {service.get(i).loyalty for i in book.values()} == {Loyalty.CORE}
    qtbot.mouseClick(tab.undo_button, Qt.MouseButton.LeftButton)
    assert {service.get(i).loyalty for i in book.values()} == {None}

    # Del moves every selected client to the trash; Undo brings them all back
    tab.view.selectAll()
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert tab.model.rowCount() == 0
    assert len(service.list_ids(ClientFilter(trash=True))) == 5
    assert tab.undo_label.text() == "Moved 5 clients to the trash."
    qtbot.mouseClick(tab.undo_button, Qt.MouseButton.LeftButton)
    assert tab.model.rowCount() == 5
    assert service.list_ids(ClientFilter(trash=True)) == []
    assert tab.undo_button.isHidden()


def test_undo_refused_when_a_card_changed_since(qtbot, win: MainWindow, db: Database,  # type: ignore[no-untyped-def]
                                                book: dict[str, int], monkeypatch) -> None:
    tab, bulk = win.clients, win.clients.bulk
    tab.view.selectAll()
    bulk.run = lambda dialog: (dialog.value.setEditText("王经理"), True)[1]  # type: ignore[attr-defined]
    bulk.owner_action.trigger()
    other = ClientService(db, user="李销售")
    card = other.get(book["钱二"])
    card.notes = "改过"
    other.save(card)
    said: list[str] = []
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.information",
                        lambda parent, title, text: said.append(text))
    qtbot.mouseClick(tab.undo_button, Qt.MouseButton.LeftButton)
    assert said == ["Cannot undo: 钱二 changed since, by 李销售"]
    assert {ClientService(db).get(i).owner for i in book.values()} == {"王经理"}


def test_labels_in_chinese(win: MainWindow) -> None:
    win.switch_language("zh")
    bulk = win.today.panel.bulk
    assert bulk.postpone_button.text() == "推迟…（Ctrl+P）"
    assert bulk.dismiss_button.text() == "不再需要…（Ctrl+Shift+D）"
    clients = win.clients.bulk
    assert clients.menu_button.text() == "所选客户"
    assert clients.owner_action.text() == "设置负责人…"
    assert clients.class_action.text() == "设置客户分类…"
    win.clients.view.selectAll()
    assert clients.selection.text() == "已选 5 个"


def test_care_calendar_list_postpones_several_follow_ups(qtbot, win: MainWindow,  # type: ignore[no-untyped-def]
                                                         db: Database,
                                                         book: dict[str, int]) -> None:
    win.tabs.setCurrentWidget(win.calendar)
    panel, bulk = win.calendar.panel, win.calendar.panel.bulk
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    follow = [i for i in bulk.selected() if i.client_id in (book["赵一"], book["钱二"])]
    assert len(follow) == 2
    bulk.run = lambda dialog: True  # the next working day
    qtbot.keyClick(panel.view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert follow_ups(db, book["赵一"]) == [(date(2026, 9, 21), False)]
    qtbot.keyClick(panel.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert follow_ups(db, book["赵一"]) == [(date(2026, 9, 15), False)]
