"""The complaints tab driven through the real widgets, over a clock the tests move."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.complaint import (
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    Temperament,
    advice,
)
from desktop_crm.i18n import _
from desktop_crm.services.clients import ClientService
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.storage.database import Database
from desktop_crm.ui.complaints.tab import ComplaintsTab
from desktop_crm.ui.main_window import MainWindow
from tests.conftest import Clock
from tests.gui.conftest import today_filled, type_text

# on a server database too, showing everyone's clients (Mine is the default there)
pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]

S = ComplaintStatus


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 9, 20, 9, 0))


@pytest.fixture
def book(db: Database, clock: Clock) -> dict[str, int]:
    service = ClientService(db, clock, user="test")
    clients = (("王芳", "上海云帆贸易有限公司"), ("李明", "北京华为科技有限公司"))
    return {name: service.save(ClientCard(name=name, company=company))
            for name, company in clients}


@pytest.fixture
def win(qtbot, db: Database, settings: QSettings, book: dict[str, int],  # type: ignore[no-untyped-def]
        clock: Clock) -> Iterator[MainWindow]:
    window = MainWindow(db, settings, clock)
    window.show()
    qtbot.waitExposed(window)
    today_filled(qtbot, window)
    yield window
    window.complaints.form.revert()  # no unsaved edits for closeEvent to ask about
    window.clients.editor.revert()
    window.close()
    window.deleteLater()


def add(db: Database, clock: Clock, client_id: int, **values: object) -> Complaint:
    fields: dict[str, object] = {"client_id": client_id, "received_at": clock(),
                                 "words": "收到的货有破损", "category": ComplaintCategory.PACKAGING}
    fields.update(values)
    return ComplaintService(db, clock, user="test").register(Complaint(**fields))  # type: ignore[arg-type]


def cells(tab: ComplaintsTab, column: int) -> list[str]:
    model = tab.model
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def agenda_titles(panel) -> list[str]:  # type: ignore[no-untyped-def]
    model = panel.model
    return [model.data(model.index(r, 3)) for r in range(model.rowCount())]


def buttons(tab: ComplaintsTab) -> list[str]:
    return [b.text() for b in tab.transitions.buttons]


def click_move(qtbot, tab: ComplaintsTab, text: str) -> None:  # type: ignore[no-untyped-def]
    button = next(b for b in tab.transitions.buttons if b.text() == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def register_through_form(qtbot, win: MainWindow, words: str) -> Complaint:  # type: ignore[no-untyped-def]
    tab = win.complaints
    win.tabs.setCurrentWidget(tab)
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    form = tab.form
    type_text(form.client.search, "wangfang")  # pinyin finds 王芳
    qtbot.waitUntil(lambda: form.client.matches.currentText().startswith("王芳"))
    form.category.setCurrentIndex(form.category.findData(ComplaintCategory.PACKAGING.value))
    form.department.setEditText("物流部")
    form.temperament.setCurrentIndex(form.temperament.findData(Temperament.ANGRY.value))
    type_text(form.words, words)
    qtbot.keyClick(form.words, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    stored = form.complaint
    assert stored is not None
    return stored


def test_register_resolve_and_see_the_follow_up_on_the_calendar(
        qtbot, win: MainWindow, book: dict[str, int], clock: Clock) -> None:  # type: ignore[no-untyped-def]
    tab = win.complaints
    win.tabs.setCurrentWidget(tab)
    assert tab.model.rowCount() == 0
    assert "Ctrl+Shift+K" in tab.empty_label.text() and tab.empty_label.isVisible()
    form = tab.form
    form.temperament.setCurrentIndex(form.temperament.findData(Temperament.ANGRY.value))
    assert advice(Temperament.ANGRY) in form.advice.text()
    assert "A bit more patience" in form.a_bit_more.text()
    assert form.steps[0].title() == "1. Listen fully and record the client's words"
    assert buttons(tab) == [] and not tab.transitions.isVisible()  # not registered yet
    assert form.is_dirty()
    form.words.setFocus()
    qtbot.keyClick(form.words, Qt.Key.Key_Escape)  # Esc throws the edits away
    assert not form.is_dirty() and form.temperament.value() is None

    complaint = register_through_form(qtbot, win, "快递送来的包装盒压坏了，里面的杯子碎了两个")
    assert complaint.number == "TS-2026-0001"
    assert complaint.client_id == book["王芳"] and complaint.department == "物流部"
    assert complaint.temperament == Temperament.ANGRY
    assert cells(tab, 0) == ["TS-2026-0001"]
    assert cells(tab, 2) == ["王芳"] and cells(tab, 3) == ["Packaging"]
    assert cells(tab, 5) == ["Registered"] and cells(tab, 6) == ["0 h"]
    assert cells(tab, 7) == ["23:59"]
    assert tab.model.data(tab.model.index(0, 7), Qt.ItemDataRole.ToolTipRole) == "Reply by 23:59"
    assert tab.title.text() == "TS-2026-0001 · 王芳"
    assert win.statusBar().currentMessage() == "Registered complaint TS-2026-0001"
    assert tab.view.selectionModel().selectedRows()[0].row() == 0
    assert form.department.findText("物流部") >= 0  # offered next time
    # only the legal moves, step by step
    assert buttons(tab) == ["Start handling"]
    click_move(qtbot, tab, "Start handling")
    assert buttons(tab) == ["Mark resolved"]
    type_text(form.resolution, "补发两个新杯子，并送一张优惠券")
    type_text(tab.transitions.note, "客户同意")
    click_move(qtbot, tab, "Mark resolved")  # saves the resolution first
    assert buttons(tab) == ["Followed up", "Reopen"]
    stored = ComplaintService(win.db, clock).get(complaint.id or 0)
    assert stored.status == S.RESOLVED and stored.resolution.startswith("补发两个新杯子")
    assert cells(tab, 5) == ["Resolved"] and cells(tab, 7) == ["09-27"]
    assert "Follow up by 2026-09-27" in tab.state.text()
    history = [tab.history.item(i).text() for i in range(tab.history.count())]
    who = win.services.user  # who moved it, as Settings names the user
    assert history == [f"2026-09-20 09:00 · Registered · {who}",
                       f"2026-09-20 09:00 · Registered → In progress · {who}",
                       f"2026-09-20 09:00 · In progress → Resolved · {who}\n客户同意"]
    assert tab.transitions.note.text() == ""

    # the follow-up call is on the care calendar, and on Today from two days later
    win.tabs.setCurrentWidget(win.calendar)
    assert "王芳: follow up complaint TS-2026-0001" in agenda_titles(win.calendar.panel)
    assert "王芳: follow up complaint TS-2026-0001" not in agenda_titles(win.today.panel)
    clock.now += timedelta(days=3)
    win.today.refresh()
    assert "王芳: follow up complaint TS-2026-0001" in agenda_titles(win.today.panel)

    # following it up takes it off the agenda
    win.tabs.setCurrentWidget(tab)
    form.satisfaction.setCurrentIndex(form.satisfaction.findData(5))  # asked on the call
    click_move(qtbot, tab, "Followed up")
    assert buttons(tab) == ["Close", "Reopen"]
    assert "王芳: follow up complaint TS-2026-0001" not in agenda_titles(win.today.panel)
    win.tabs.setCurrentWidget(win.calendar)
    assert "王芳: follow up complaint TS-2026-0001" not in agenda_titles(win.calendar.panel)
    win.tabs.setCurrentWidget(tab)
    click_move(qtbot, tab, "Close")
    assert buttons(tab) == ["Reopen"]
    click_move(qtbot, tab, "Reopen")
    assert buttons(tab) == ["Mark resolved"]


def test_missing_words_are_marked_and_nothing_is_stored(
        qtbot, win: MainWindow, db: Database, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    tab = win.complaints
    win.clients.view.setFocus()
    qtbot.keyClick(win.clients.view, Qt.Key.Key_K,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert win.tabs.currentWidget() is tab
    form = tab.form
    assert form.complaint is None and form.client.search.hasFocus()
    assert not tab.save()
    assert form.errors.isVisible()
    assert "Choose the client who complained" in form.errors.text()
    assert "Write down what the client said" in form.errors.text()
    assert form.words.property("invalid") and form.client.search.property("invalid")
    assert win.statusBar().currentMessage() == "Not saved: please correct the marked fields"
    type_text(form.client.search, "李明")
    form.client.find_now()
    assert form.client.value() is not None
    form.received.setDateTime(clock.now + timedelta(days=1))
    win.act_save.trigger()  # Ctrl+S on the complaints tab saves the complaint
    assert form.received.property("invalid") and form.words.property("invalid")
    assert not form.client.search.property("invalid")
    assert ComplaintService(db, clock).find() == []
    assert win.tabs.currentWidget() is tab
    assert tab.title.text() == "New complaint"


def test_edits_are_saved_and_unsaved_edits_are_asked_about(
        qtbot, win: MainWindow, db: Database, clock: Clock, book: dict[str, int],  # type: ignore[no-untyped-def]
        answer_dialogs) -> None:
    first = add(db, clock, book["王芳"])
    second = add(db, clock, book["李明"], category=ComplaintCategory.DELIVERY)
    tab = win.complaints
    win.tabs.setCurrentWidget(tab)
    assert cells(tab, 0) == ["TS-2026-0002", "TS-2026-0001"]
    tab.view.selectRow(1)
    assert tab.form.complaint is not None and tab.form.complaint.id == first.id
    assert not tab.save_button.isEnabled()
    type_text(tab.form.demand, "换一个新的")
    assert tab.save_button.isEnabled() and tab.cancel_button.isEnabled()
    answers, asked = answer_dialogs
    answers.append(QMessageBox.StandardButton.Cancel)
    tab.view.selectRow(0)
    assert asked == ["Save the changes to TS-2026-0001 · 王芳?"]
    assert tab.form.complaint.id == first.id and tab.form.is_dirty()
    qtbot.waitUntil(lambda: tab.view.selectionModel().selectedRows()[0].row() == 1)
    answers.append(QMessageBox.StandardButton.Save)
    tab.view.selectRow(0)
    assert tab.form.complaint.id == second.id
    assert ComplaintService(db, clock).get(first.id or 0).demand == "换一个新的"
    # the log keeps what was done, with the time and who did it
    tab.details.setCurrentWidget(tab.log)
    assert not tab.add_log("  ")
    assert tab.log.entry.property("invalid")
    type_text(tab.log.entry, "已电话联系客户")
    qtbot.mouseClick(tab.log.add_button, Qt.MouseButton.LeftButton)
    assert tab.log.list.count() == 1
    assert tab.log.list.item(0).text().startswith("2026-09-20 09:00")
    assert tab.log.list.item(0).text().endswith("已电话联系客户")
    assert tab.details.tabText(1) == "Handling log (1)"
    # a move first saves the edits; edits that cannot be saved stop it
    tab.form.words.clear()
    click_move(qtbot, tab, "Start handling")
    assert tab.form.words.property("invalid")
    assert ComplaintService(db, clock).get(second.id or 0).status == S.NEW
    assert buttons(tab) == ["Start handling"]


def test_filters_reduce_the_list(win: MainWindow, db: Database, clock: Clock,
                                 book: dict[str, int]) -> None:
    older = clock.now - timedelta(days=60)
    add(db, clock, book["王芳"], department="物流部")
    add(db, clock, book["李明"], category=ComplaintCategory.BILLING, department="财务部")
    closed = add(db, clock, book["李明"], received_at=older, department="物流部",
                 satisfaction=4)
    service = ComplaintService(db, clock)
    for target in (S.IN_PROGRESS, S.RESOLVED, S.FOLLOWED_UP, S.CLOSED):
        service.transition(closed.id or 0, target)
    tab = win.complaints
    win.tabs.setCurrentWidget(tab)
    assert tab.model.rowCount() == 3
    assert tab.count_label.text() == "3 complaints"
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("open"))
    assert cells(tab, 0) == ["TS-2026-0002", "TS-2026-0001"]
    tab.status_filter.setCurrentIndex(tab.status_filter.findData(S.CLOSED.value))
    assert cells(tab, 0) == ["TS-2026-0003"]
    tab.status_filter.setCurrentIndex(0)
    tab.category_filter.setCurrentIndex(tab.category_filter.findData("billing"))
    assert cells(tab, 0) == ["TS-2026-0002"]
    tab.category_filter.setCurrentIndex(0)
    tab.department_filter.setCurrentIndex(tab.department_filter.findData("物流部"))
    assert cells(tab, 0) == ["TS-2026-0001", "TS-2026-0003"]
    tab.period.setCurrentIndex(tab.period.findData("month"))
    assert cells(tab, 0) == ["TS-2026-0001"]
    tab.period.setCurrentIndex(tab.period.findData("custom"))
    assert tab.since.isVisible() and tab.until.isVisible()
    tab.since.setDate(older.date())
    tab.until.setDate(older.date())
    assert cells(tab, 0) == ["TS-2026-0003"]
    tab.category_filter.setCurrentIndex(tab.category_filter.findData("billing"))
    assert tab.model.rowCount() == 0
    assert tab.empty_label.text() == "No complaint matches the filters."
    # opening a complaint the filters hide clears them
    assert tab.show_complaint(2)
    assert tab.model.rowCount() == 3 and tab.period.currentData() == "all"
    assert tab.form.complaint is not None and tab.form.complaint.number == "TS-2026-0002"


def test_overdue_complaints_are_marked(qtbot, win: MainWindow, db: Database,  # type: ignore[no-untyped-def]
                                       clock: Clock, book: dict[str, int]) -> None:
    add(db, clock, book["王芳"], received_at=clock.now - timedelta(days=2))
    add(db, clock, book["李明"])
    tab = win.complaints
    win.tabs.setCurrentWidget(tab)
    assert cells(tab, 7) == ["23:59", "⚠ 09-18"]
    assert cells(tab, 6) == ["0 h", "2 d"]
    overdue = tab.model.index(1, 0)
    assert tab.model.data(overdue, Qt.ItemDataRole.ForegroundRole) is not None
    assert tab.model.data(tab.model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is None
    assert tab.count_label.text() == "2 complaints, 1 overdue"
    tab.view.selectRow(1)
    assert "Reply overdue" in tab.state.text()


def test_the_card_lists_the_clients_complaints(qtbot, win: MainWindow, db: Database,  # type: ignore[no-untyped-def]
                                               clock: Clock, book: dict[str, int]) -> None:
    complaint = add(db, clock, book["王芳"])
    win.open_client(book["王芳"])
    editor = win.clients.editor
    page = editor.complaints
    editor.pages.setCurrentWidget(page)
    assert editor.pages.tabText(editor.pages.currentIndex()) == "Complaints"
    assert page.table.rowCount() == 1
    assert [page.table.item(0, c).text() for c in range(4)] == [
        "TS-2026-0001", "2026-09-20", "Packaging", "Registered"]
    rect = page.table.visualRect(page.table.model().index(0, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert win.tabs.currentWidget() is win.complaints
    assert win.complaints.form.complaint is not None
    assert win.complaints.form.complaint.id == complaint.id
    # a move in the complaints tab shows on the open card
    click_move(qtbot, win.complaints, "Start handling")
    assert page.table.item(0, 3).text() == "In progress"
    # "Register a complaint…" on the card starts one for that client
    win.open_client(book["李明"])
    assert page.table.rowCount() == 0 and page.empty.text() == "No complaints from this client."
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert win.tabs.currentWidget() is win.complaints
    assert win.complaints.form.client.value() == book["李明"]
    assert win.complaints.form.complaint is None
    assert win.complaints.open_card_button.isEnabled()


def test_chinese_texts(win: MainWindow, db: Database, clock: Clock,
                       book: dict[str, int]) -> None:
    add(db, clock, book["王芳"], temperament=Temperament.ANGRY)
    tab = win.complaints
    win.tabs.setCurrentWidget(tab)
    tab.view.selectRow(0)
    win.switch_language("zh")
    assert win.tabs.tabText(win.tabs.indexOf(tab)) == "投诉记录"
    assert tab.form.steps[0].title() == "1. 耐心倾听，记录客户原话"
    assert buttons(tab) == ["开始处理"]
    assert tab.model.data(tab.model.index(0, 5)) == "新登记"
    assert tab.model.data(tab.model.index(0, 3)) == "包装"
    assert tab.model.headerData(2, Qt.Orientation.Horizontal) == "客户"
    assert advice(Temperament.ANGRY).startswith("表示同情")
    assert advice(Temperament.ANGRY) in tab.form.advice.text()
    assert "多一点耐心" in tab.form.a_bit_more.text()
    assert tab.new_button.text() == _("New complaint ({key})", key="Ctrl+Shift+K")
    assert tab.status_filter.itemText(2) == "新登记"
    assert tab.form.category.currentText() == "包装"
    win.switch_language("en")
    assert buttons(tab) == ["Start handling"]
    assert tab.new_button.text() == "New complaint (Ctrl+Shift+K)"


def test_the_analysis_page_is_the_real_pane(qtbot, win: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from desktop_crm.ui.complaints.analysis import AnalysisPane

    tab = win.complaints
    win.tabs.setCurrentWidget(tab)
    assert tab.pages.count() == 2 and tab.pages.tabText(1) == "Analysis"
    pane = tab.pages.widget(1)
    assert isinstance(pane, AnalysisPane)
    tab.pages.setCurrentWidget(pane)
    assert pane.analysis is not None  # read when shown
    win.switch_language("zh")
    assert tab.pages.tabText(1) == "投诉分析"
    win.switch_language("en")


def test_the_list_model_passes_the_model_tester(qtmodeltester, win: MainWindow,  # type: ignore[no-untyped-def]
                                                db: Database, clock: Clock,
                                                book: dict[str, int]) -> None:
    add(db, clock, book["王芳"])
    add(db, clock, book["李明"], received_at=clock.now - timedelta(days=3))
    win.tabs.setCurrentWidget(win.complaints)
    qtmodeltester.check(win.complaints.model)


def test_splitter_is_remembered(qtbot, db: Database, settings: QSettings,  # type: ignore[no-untyped-def]
                                clock: Clock) -> None:
    first = MainWindow(db, settings, clock)
    qtbot.addWidget(first)
    first.show()
    first.complaints.splitter.setSizes([200, 600])
    sizes = first.complaints.splitter.sizes()
    first.close()
    second = MainWindow(db, settings, clock)
    qtbot.addWidget(second)
    restored = second.complaints.splitter.sizes()
    assert abs(restored[0] / sum(restored) - sizes[0] / sum(sizes)) < 0.1
