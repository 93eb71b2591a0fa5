"""Marking a festival done (issue 17, item 3): the dialog lists every one of
its recipients in a list that scrolls, under their count, and fits the screen."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QRect

from desktop_crm.domain.enums import AgendaKind
from desktop_crm.i18n import set_language
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.demo import generate
from desktop_crm.storage.database import Database
from desktop_crm.ui.care.done_dialog import RECIPIENT_ROWS_SHOWN, MarkDoneDialog

NOW = datetime(2026, 12, 6, 10, 0)
NOTE = {"en": "Logs a greeting on the timeline of each of these 302 clients:",
        "zh": "将在以下 302 位客户各自的时间线上记录一条问候："}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_festival_dialog_lists_all_302_recipients_and_fits_the_screen(
        qtbot, db: Database, lang: str) -> None:  # type: ignore[no-untyped-def]
    generate(db, 302, seed=1, now=NOW)
    agenda = AgendaService(db, clock=lambda: NOW)
    festival = next(i for i in agenda.agenda(60, include_overdue=False)
                    if i.kind == AgendaKind.FESTIVAL)  # 元旦
    greeted = agenda.greeting_list(festival)
    assert len(greeted) == 302
    set_language(lang)
    dialog = MarkDoneDialog(festival, greeted)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    listed = dialog.recipients
    assert listed is not None and listed.isVisible()
    assert listed.count() == 302
    names = [listed.item(row).text().split(" · ")[0] for row in range(listed.count())]
    assert names == [r.name for r in greeted]
    assert any(NOTE[lang] == label.text() for label in dialog.findChildren(type(dialog.error)))
    # the dialog is on the screen whole, the list shows ten rows and scrolls
    room: QRect = dialog.screen().availableGeometry()
    assert room.contains(dialog.frameGeometry())
    assert listed.viewport().height() >= RECIPIENT_ROWS_SHOWN * listed.sizeHintForRow(0)
    assert listed.verticalScrollBar().maximum() > 0
    listed.scrollToBottom()
    last = listed.visualItemRect(listed.item(301))
    assert listed.viewport().rect().contains(last)
    # nothing wider than the dialog: the heading and the note wrap
    for label in dialog.findChildren(type(dialog.error)):
        if label.isVisible():
            assert label.geometry().right() <= dialog.width()
    dialog.close()
