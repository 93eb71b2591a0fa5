"""Care calendar and Today tabs driven through the real widgets, over a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from icalendar import Calendar
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QDialog, QWidget

from desktop_crm.domain.care import AgendaItem
from desktop_crm.domain.client import ClientCard, FamilyMember, Interaction
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import AgendaKind, Channel, Milestone
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database
from desktop_crm.ui import file_dialogs
from desktop_crm.ui.care.agenda_model import AgendaModel
from desktop_crm.ui.care.done_dialog import MarkDoneDialog
from desktop_crm.ui.main_window import MainWindow
from tests.gui.conftest import finished, shown, today_filled, type_text

# on a server database too, showing everyone's clients (Mine is the default there)
pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]

NOW = datetime(2026, 9, 20, 9, 0)


def clock() -> datetime:
    return NOW


class AnsweringDialog(MarkDoneDialog):
    """The real dialog; exec() types the given summary and presses OK."""

    summary_text: str | None = None

    def exec(self) -> int:
        if self.summary_text is not None:
            self.summary.clear()
            type_text(self.summary, self.summary_text)
        self._accept()
        return int(self.result())


def answer_with(summary: str | None = None):  # type: ignore[no-untyped-def]
    def make(item: AgendaItem, parent: QWidget) -> MarkDoneDialog:
        dialog = AnsweringDialog(item, None, parent)
        dialog.summary_text = summary
        return dialog
    return make


@pytest.fixture
def book(db: Database) -> dict[str, int]:
    service = ClientService(db, clock, user="test")
    ids = {
        "王芳": service.save(ClientCard(name="王芳", birthday=DateSpec.lunar(8, 15, year=1980))),
        "李明": service.save(ClientCard(
            name="李明", family=[FamilyMember("女儿", "李小雨", DateSpec.solar(9, 20, 2012))])),
        "赵磊": service.save(ClientCard(name="赵磊")),
    }
    service.log_interaction(Interaction(ids["赵磊"], datetime(2026, 9, 15, 9), Channel.VISIT,
                                        "拜访", "发送报价", follow_up_on=date(2026, 9, 18)))
    return ids


@pytest.fixture
def win(qtbot, db: Database, settings: QSettings, book: dict[str, int]  # type: ignore[no-untyped-def]
        ) -> Iterator[MainWindow]:
    yield from shown(qtbot, MainWindow(db, settings, clock))


def rows(panel) -> list[str]:  # type: ignore[no-untyped-def]
    model = panel.model
    return [model.data(model.index(r, 3)) for r in range(model.rowCount())]


def select(panel, text: str) -> None:  # type: ignore[no-untyped-def]
    row = next(i for i, title in enumerate(rows(panel)) if text in title)
    panel.view.selectRow(row)


def test_today_comes_first_with_counts_in_its_title(win: MainWindow) -> None:
    assert win.tabs.currentWidget() is win.today
    # the family birthday is today, the follow-up is two days overdue, the lunar
    # birthday (25 September) is within its three-day reminder from the 22nd only
    # and Mid-Autumn on the 25th is within its seven-day reminder
    assert win.tabs.tabText(0) == "Today (3, 1 overdue)"
    titles = rows(win.today.panel)
    assert titles == ["赵磊: follow up - 发送报价", "李明: birthday of 女儿 李小雨, turns 14",
                      "Mid-Autumn Festival: greetings to 3 clients"]
    assert win.today.summary.text() == "1 overdue · 1 today · 1 coming up"
    when = win.today.panel.model.data(win.today.panel.model.index(0, 0))
    assert when == "2026-09-18 Fri · 2 days overdue"
    assert win.today.panel.model.data(win.today.panel.model.index(0, 0),
                                      Qt.ItemDataRole.ForegroundRole) is not None


def test_mark_birthday_done_shows_the_greeting_on_the_card(
        qtbot, win: MainWindow, book: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    win.tabs.setCurrentWidget(win.calendar)
    panel = win.calendar.panel
    assert any("王芳: birthday, turns 46" in t for t in rows(panel))
    select(panel, "王芳")
    panel.dialog_factory = answer_with("寄了月饼和贺卡")
    qtbot.mouseClick(panel.done_button, Qt.MouseButton.LeftButton)
    assert not any("王芳" in t for t in rows(panel))
    assert "Ctrl+Z" in win.statusBar().currentMessage()
    # double-click a remaining row opens that card; then open 王芳 from the list
    win.open_client(book["王芳"])
    assert win.tabs.currentWidget() is win.clients
    assert win.clients.editor.client_id == book["王芳"]
    timeline = win.clients.editor.timeline.list
    assert "寄了月饼和贺卡" in timeline.item(0).text()
    assert "Greeting" in timeline.item(0).text()
    # undo from the calendar puts it back and takes the entry off the timeline
    win.tabs.setCurrentWidget(win.calendar)
    qtbot.mouseClick(panel.undo_button, Qt.MouseButton.LeftButton)
    assert any("王芳" in t for t in rows(panel))
    assert win.clients.editor.timeline.list.count() == 0


def test_mark_done_on_today_updates_the_title_and_the_open_card(
        qtbot, win: MainWindow, book: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    win.open_client(book["赵磊"])
    win.tabs.setCurrentWidget(win.today)
    panel = win.today.panel
    select(panel, "赵磊")
    panel.dialog_factory = answer_with()  # the prefilled text
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert win.tabs.tabText(0) == "Today (2)"
    assert win.clients.editor.timeline.list.item(0).text().endswith("Followed up: 发送报价")
    assert [i.follow_up_done for i in ClientService(win.db).interactions(book["赵磊"])
            if i.follow_up_on] == [True]
    qtbot.keyClick(panel.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.tabs.tabText(0) == "Today (3, 1 overdue)"


def test_an_empty_summary_is_refused(win: MainWindow) -> None:
    panel = win.today.panel
    select(panel, "李明")
    panel.dialog_factory = answer_with("   ")
    panel.mark_done()
    assert len(rows(panel)) == 3  # nothing was marked
    dialog = answer_with("")(panel.selected(), panel)  # type: ignore[arg-type]
    dialog.exec()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error.text() == "Write what happened"


def test_double_click_opens_the_card_even_when_the_search_hides_it(
        qtbot, win: MainWindow, book: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    win.tabs.setCurrentWidget(win.clients)
    type_text(win.clients.search, "赵磊")
    win.clients.apply_filter()
    win.tabs.setCurrentWidget(win.today)
    panel = win.today.panel
    row = next(i for i, t in enumerate(rows(panel)) if "李明" in t)
    rect = panel.view.visualRect(panel.model.index(row, 2))
    # a double click is a press, a release, then the double-click event
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert win.tabs.currentWidget() is win.clients
    assert win.clients.editor.client_id == book["李明"]
    assert win.clients.search.text() == ""


def test_month_view_marks_days_and_lists_the_chosen_day(win: MainWindow) -> None:
    win.tabs.setCurrentWidget(win.calendar)
    tab = win.calendar
    assert tab.month.counts[date(2026, 9, 25)] == 2  # 王芳 and Mid-Autumn
    assert tab.month.festivals[date(2026, 9, 25)] == "Mid-Autumn Festival"
    tab.go_to(date(2026, 9, 25))
    assert tab.day_list.count() == 2
    assert "Mid-Autumn Festival" in tab.day_list.item(1).text()
    tab.go_to(date(2027, 2, 6))  # another month: read when shown
    assert tab.month.monthShown() == 2
    assert tab.month.festivals[date(2027, 2, 6)] == "Spring Festival"
    assert [tab.day_list.item(i).text() for i in range(tab.day_list.count())] == [
        "Festival · Spring Festival: greetings to 3 clients"]


def test_range_kind_and_overdue_filters(win: MainWindow) -> None:
    win.tabs.setCurrentWidget(win.calendar)
    tab = win.calendar
    everything = rows(tab.panel)
    assert "赵磊: follow up - 发送报价" in everything
    tab.overdue.setChecked(False)
    assert "赵磊: follow up - 发送报价" not in rows(tab.panel)
    tab.kind.setCurrentIndex(tab.kind.findData(AgendaKind.FESTIVAL.value))
    assert rows(tab.panel) == ["Mid-Autumn Festival: greetings to 3 clients",
                               "National Day: greetings to 3 clients",
                               "Double Ninth Festival: greetings to 3 clients"]
    tab.range.setCurrentIndex(tab.range.findData(7))
    assert rows(tab.panel) == ["Mid-Autumn Festival: greetings to 3 clients"]
    assert tab.count_label.text() == "1 item"


def test_delivery_on_the_timeline_puts_a_thank_you_on_the_agenda(
        qtbot, win: MainWindow, book: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    win.open_client(book["赵磊"])
    page = win.clients.editor.timeline
    page.when.setDateTime(NOW)
    page.milestone.set_value(Milestone.DELIVERY)
    type_text(page.summary, "设备交付安装")
    qtbot.mouseClick(page.log_button, Qt.MouseButton.LeftButton)
    assert "Delivery" in page.list.item(0).text()
    win.tabs.setCurrentWidget(win.calendar)
    model = win.calendar.panel.model
    thanks = [model.data(model.index(r, 0)) for r, t in enumerate(rows(win.calendar.panel))
              if t == "赵磊: thank them after the delivery"]
    assert thanks == ["2026-09-23 Wed · in 3 days"]
    # not on Today yet: its reminder starts two days after the delivery
    assert not any("thank them" in t for t in rows(win.today.panel))


def test_settings_dialog_changes_the_agenda(qtbot, win: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop_crm.ui.care import settings_dialog

    def run(self) -> int:  # type: ignore[no-untyped-def]
        self.remind[AgendaKind.BIRTHDAY].setValue(5)
        self.save()
        return int(self.result())

    monkeypatch.setattr(settings_dialog.CareSettingsDialog, "exec", run)
    win.calendar.edit_settings()
    assert AgendaService(win.db, clock).settings().remind(AgendaKind.BIRTHDAY) == 5
    # 王芳's birthday on the 25th is now five days ahead: a reminder today
    assert any("王芳" in t for t in rows(win.today.panel))


def test_settings_dialog_refuses_an_empty_greeting_list(win: MainWindow) -> None:
    from desktop_crm.ui.care.settings_dialog import CareSettingsDialog

    dialog = CareSettingsDialog(AgendaService(win.db, clock), win)
    for box in dialog.festival.values():
        box.setChecked(False)
    dialog.save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error.isVisibleTo(dialog)


def test_reminder_of_a_date_is_edited_on_the_card(
        qtbot, win: MainWindow, book: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    win.open_client(book["王芳"])
    page = win.clients.editor.dates
    assert page.birthday_remind.text() == "Default reminder"
    page.birthday_remind.setValue(7)
    win.act_save.trigger()
    assert ClientService(win.db).get(book["王芳"]).birthday_remind_days == 7
    assert any("王芳" in t for t in rows(win.today.panel))  # 25th minus 7 days <= 20th


def test_export_ics_from_the_menu(qtbot, win: MainWindow, tmp_path: Path,
                                  monkeypatch) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "care"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: target)
    assert finished(qtbot, win.export_calendar()) > 0
    written = tmp_path / "care.ics"
    calendar = Calendar.from_ical(written.read_bytes())
    summaries = [str(e.get("SUMMARY")) for e in calendar.walk("VEVENT")]
    assert any("王芳" in s for s in summaries)
    assert "care.ics" in win.statusBar().currentMessage()


def test_chinese_texts(win: MainWindow) -> None:
    win.switch_language("zh")
    assert win.tabs.tabText(0) == "今日（3，逾期 1）"
    assert win.tabs.tabText(3) == "关怀日历"
    titles = rows(win.today.panel)
    assert "李明：女儿 李小雨 14 岁生日" in titles
    assert win.today.panel.done_button.text().startswith("标记完成")


def test_backlog_row_opens_the_filtered_client_list(qtbot, db: Database, settings: QSettings,  # type: ignore[no-untyped-def]
                                                    book: dict[str, int]) -> None:
    service = ClientService(db, clock, user="test")
    old = service.save(ClientCard(name="老客户"))
    with db.session() as s:
        from sqlalchemy import update

        from desktop_crm.storage.models import Client
        s.execute(update(Client).where(Client.id == old)
                  .values(created_at=datetime(2025, 1, 1, 9)))
    window = MainWindow(db, settings, clock)
    qtbot.addWidget(window)
    window.show()
    today_filled(qtbot, window)
    panel = window.today.panel
    last = panel.model.rowCount() - 1
    assert rows(panel)[last] == "1 client not contacted for longer than their grade allows"
    assert panel.model.data(panel.model.index(last, 0)) == "before 2026-09-13"
    panel.view.selectRow(last)
    assert not panel.done_button.isEnabled()
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.clients
    assert window.clients.model.rowCount() == 1
    assert window.clients.model.id_at(0) == old
    assert window.clients.special_label.isVisible()
    qtbot.mouseClick(window.clients.special_clear, Qt.MouseButton.LeftButton)
    assert window.clients.model.rowCount() == 4
    assert not window.clients.special_label.isVisible()
    window.clients.editor.revert()


def _make_backlog(db: Database) -> None:
    """A client not contacted for longer than the grade allows: the backlog row."""
    from sqlalchemy import update

    from desktop_crm.storage.models import Client

    old = ClientService(db, clock, user="test").save(ClientCard(name="老客户"))
    with db.session() as s:
        s.execute(update(Client).where(Client.id == old).values(created_at=datetime(2025, 1, 1, 9)))


def test_agenda_model_passes_the_model_tester(qtmodeltester, db: Database,  # type: ignore[no-untyped-def]
                                              book: dict[str, int]) -> None:
    _make_backlog(db)
    service = AgendaService(db, clock)
    items = service.agenda(365)
    # the year holds every shape of row: overdue, today, coming up, a group, the backlog
    today = service.today()
    assert {AgendaKind.BIRTHDAY, AgendaKind.FAMILY_BIRTHDAY, AgendaKind.FOLLOW_UP,
            AgendaKind.FESTIVAL} <= {item.kind for item in items}
    assert any(item.is_overdue(today) for item in items)
    assert any(item.day == today for item in items)
    assert any(not item.client for item in items)
    assert any(not item.can_be_done for item in items)
    model = AgendaModel()
    model.set_items(items, today)
    qtmodeltester.check(model)
    assert model.rowCount() == len(items)
    assert model.columnCount() == 4
    # the tester samples the first cell; every row gives texts and styles of the right type
    for row in range(model.rowCount()):
        for column in range(4):
            assert isinstance(model.data(model.index(row, column)), str)
        index = model.index(row, 0)
        assert isinstance(model.data(index, Qt.ItemDataRole.ForegroundRole), QColor | None)
        font = model.data(index, Qt.ItemDataRole.FontRole)
        assert isinstance(font, QFont | None)
        # today's rows are bold (one font, made once), the others in the view's own
        assert (font is not None and font.bold()) == (items[row].day == today)
        # only a churn warning's Kind has an icon (test_churn_warnings)
        assert model.data(model.index(row, 1), Qt.ItemDataRole.DecorationRole) is None
        assert model.data(index, Qt.ItemDataRole.TextAlignmentRole) is None
    # resets stay consistent while the tester watches, down to an empty agenda
    model.set_items(items[:2], today)
    model.set_items([], today)
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_the_agenda_panels_model_stays_valid_through_filters_and_language(
        qtmodeltester, win: MainWindow) -> None:  # type: ignore[no-untyped-def]
    win.tabs.setCurrentWidget(win.calendar)
    tab = win.calendar
    qtmodeltester.check(tab.panel.model)  # watches the model until the test ends
    tab.kind.setCurrentIndex(tab.kind.findData(AgendaKind.FESTIVAL.value))
    tab.range.setCurrentIndex(tab.range.findData(7))
    tab.overdue.setChecked(False)
    win.switch_language("zh")
    assert rows(tab.panel) == ["中秋节：向 3 位客户致以节日问候"]
    win.switch_language("en")


def test_when_text_says_one_day_overdue_in_the_singular() -> None:
    from desktop_crm.domain.care import AgendaItem, Source
    from desktop_crm.domain.enums import AgendaKind
    from desktop_crm.ui.care.agenda_model import when_text

    def when(day: date) -> str:
        return when_text(AgendaItem(day, AgendaKind.FOLLOW_UP, Source.INTERACTION, 1, 1, "王芳"),
                         date(2026, 9, 20))

    assert when(date(2026, 9, 19)) == "2026-09-19 Sat · 1 day overdue"
    assert when(date(2026, 9, 18)) == "2026-09-18 Fri · 2 days overdue"
