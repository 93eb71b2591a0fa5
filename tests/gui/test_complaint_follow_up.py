"""Complaint workflow gaps (issue 17, item 7) through the real widgets: a
follow-up needs the client's satisfaction, marked at its field in both
languages, on the complaints tab and in the care calendar's "mark done"
dialog; a new complaint is received when its form is started, not when the
tab was first shown."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import QSettings, Qt

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.complaint import Complaint, ComplaintStatus
from desktop_crm.domain.enums import AgendaKind
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.storage.database import Database
from desktop_crm.ui.care.done_dialog import MarkDoneDialog
from desktop_crm.ui.main_window import MainWindow
from tests.conftest import Clock
from tests.gui.conftest import shown, type_text

pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]

S = ComplaintStatus
MESSAGES = {"en": "Ask the client how satisfied they are: a follow-up records it",
            "zh": "请先询问客户的满意度：回访要记录满意度"}


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 9, 20, 9, 0))


@pytest.fixture
def client_id(db: Database, clock: Clock) -> int:
    return ClientService(db, clock, user="test").save(ClientCard(name="王芳"))


@pytest.fixture
def resolved(db: Database, clock: Clock, client_id: int) -> Complaint:
    service = ComplaintService(db, clock, user="test")
    c = service.register(Complaint(client_id, clock(), "收到的货有破损"))
    service.transition(c.id or 0, S.IN_PROGRESS)
    return service.transition(c.id or 0, S.RESOLVED)


@pytest.fixture
def win(qtbot, db: Database, settings: QSettings, client_id: int,  # type: ignore[no-untyped-def]
        clock: Clock) -> Iterator[MainWindow]:
    yield from shown(qtbot, MainWindow(db, settings, clock))


def click_move(qtbot, win: MainWindow, text: str) -> None:  # type: ignore[no-untyped-def]
    button = next(b for b in win.complaints.transitions.buttons if b.text() == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize("lang, followed_up", [("en", "Followed up"), ("zh", "已回访")])
def test_a_follow_up_needs_the_clients_satisfaction(
        qtbot, win: MainWindow, db: Database, clock: Clock, resolved: Complaint,  # type: ignore[no-untyped-def]
        lang: str, followed_up: str) -> None:
    win.switch_language(lang)
    tab = win.complaints
    win.tabs.setCurrentWidget(tab)
    assert tab.show_complaint(resolved.id or 0)
    form = tab.form
    assert form.satisfaction.currentData() is None  # "Not asked yet" / 尚未回访
    click_move(qtbot, win, followed_up)

    message = MESSAGES[lang]
    assert ComplaintService(db, clock).get(resolved.id or 0).status == S.RESOLVED
    assert form.satisfaction.property("invalid") is True
    assert form.satisfaction.toolTip() == message
    assert message in form.errors.text() and form.errors.isVisible()
    assert win.statusBar().currentMessage() == message

    form.satisfaction.setCurrentIndex(form.satisfaction.findData(4))
    click_move(qtbot, win, followed_up)  # saves the satisfaction, then moves
    stored = ComplaintService(db, clock).get(resolved.id or 0)
    assert (stored.status, stored.satisfaction) == (S.FOLLOWED_UP, 4)
    assert not form.errors.isVisible()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_marking_the_follow_up_done_asks_the_satisfaction(
        qtbot, db: Database, clock: Clock, resolved: Complaint, lang: str) -> None:  # type: ignore[no-untyped-def]
    from desktop_crm import i18n
    i18n.set_language(lang)
    [item] = [i for i in AgendaService(db, clock).agenda(30)
              if i.kind == AgendaKind.COMPLAINT_FOLLOW_UP]
    dialog = MarkDoneDialog(item)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.satisfaction is not None
    dialog._accept()
    assert dialog.result() != MarkDoneDialog.DialogCode.Accepted
    assert dialog.error.text() == MESSAGES[lang]
    assert dialog.satisfaction.property("invalid") is True
    dialog.set_satisfaction(5)
    dialog._accept()
    assert dialog.result() == MarkDoneDialog.DialogCode.Accepted
    assert dialog.chosen_satisfaction() == 5


def test_a_new_complaint_is_received_when_its_form_is_started(
        qtbot, win: MainWindow, db: Database, clock: Clock, client_id: int) -> None:  # type: ignore[no-untyped-def]
    tab = win.complaints
    win.tabs.setCurrentWidget(tab)  # the blank form is shown at 09:00
    form = tab.form
    assert form.received.line.text() == "2026-09-20 09:00"
    win.tabs.setCurrentWidget(win.clients)
    clock.advance(hours=2, minutes=15)
    win.tabs.setCurrentWidget(tab)  # back later: the blank form says now
    assert form.received.line.text() == "2026-09-20 11:15"
    clock.advance(minutes=20)  # the call comes in while the tab is open
    type_text(form.client.search, "王芳")
    form.client.find_now()
    type_text(form.words, "发票抬头开错了")
    assert form.received.line.text() == "2026-09-20 11:35"
    clock.advance(minutes=10)
    assert form.save() is not None
    [stored] = ComplaintService(db, clock).find()
    assert stored.received_at == datetime(2026, 9, 20, 11, 35)


def test_a_received_time_typed_first_is_kept(
        qtbot, win: MainWindow, db: Database, clock: Clock, client_id: int) -> None:  # type: ignore[no-untyped-def]
    tab = win.complaints
    win.tabs.setCurrentWidget(tab)
    form = tab.form
    clock.advance(hours=1)
    form.received.setFocus()
    qtbot.keyClick(form.received.line, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(form.received.line, "2026-09-19 17:40")  # yesterday's call, noted today
    type_text(form.client.search, "王芳")
    form.client.find_now()
    type_text(form.words, "发票抬头开错了")
    assert form.save() is not None
    [stored] = ComplaintService(db, clock).find()
    assert stored.received_at == datetime(2026, 9, 19, 17, 40)
