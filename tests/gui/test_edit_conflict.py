"""Two people on one card, in the real editor: the second save shows who
changed what, asks only about the fields both changed, and the database then
holds exactly the choices made; fields only one side changed are merged
without asking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from desktop_crm.domain.client import ClientCard, Interaction, Phone
from desktop_crm.domain.enums import Channel
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database
from desktop_crm.ui.clients.conflict_dialog import ConflictDialog
from tests.gui.conftest import type_text


@pytest.fixture
def shared(db: Database) -> int:
    """A card both people open."""
    return ClientService(db, user="张伟").save(ClientCard(
        name="曾国方", company="华为", email="z@example.com", title="经理",
        phones=[Phone("13800138000")]))


def _answer_conflict(qtbot, answer: Callable[[ConflictDialog], None],  # type: ignore[no-untyped-def]
                     seen: list[ConflictDialog]) -> None:
    """Answer the conflict dialog once it is up (it runs its own event loop)."""
    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ConflictDialog):
            QTimer.singleShot(10, look)
            return
        seen.append(dialog)
        answer(dialog)

    QTimer.singleShot(0, look)


def _someone_else_saves(db: Database, client_id: int, **values: str) -> None:
    other = ClientService(db, user="李娜")
    card = other.get(client_id)
    for name, value in values.items():
        setattr(card, name, value)
    other.save(card)


def _replace(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    widget.selectAll()
    type_text(widget, text)


@pytest.mark.both_engines
def test_second_save_asks_per_field_and_stores_exactly_the_choices(
        qtbot, window, db: Database, shared: int) -> None:  # type: ignore[no-untyped-def]
    assert window.clients.show_client(shared)
    editor = window.clients.editor
    assert editor.client_id == shared
    # I edit the company, the e-mail and the notes ...
    _replace(editor.basics.company, "华为技术")
    editor.basics.email.selectAll()
    qtbot.keyClicks(editor.basics.email, "mine@example.com")
    type_text(editor.basics.notes, "我的备注")
    # ... while 李娜 saves the same card: company, e-mail and title
    _someone_else_saves(db, shared, company="华为技术有限公司", email="theirs@example.com",
                        title="总经理")

    seen: list[ConflictDialog] = []

    def keep_company_take_email(dialog: ConflictDialog) -> None:
        assert sorted(dialog.mine) == ["company", "email"]  # not the notes, not the title
        assert dialog.mine["company"].isChecked()  # mine until I choose
        assert dialog.theirs["email"].text() == "theirs@example.com"
        assert "李娜 changed Company to “华为技术有限公司”" in dialog.changes.text()
        assert "李娜 changed Title to “总经理”" in dialog.changes.text()
        qtbot.mouseClick(dialog.theirs["email"], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    _answer_conflict(qtbot, keep_company_take_email, seen)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    stored = ClientService(db).get(shared)
    assert (stored.company, stored.email, stored.title, stored.notes) == (
        "华为技术", "theirs@example.com", "总经理", "我的备注")
    assert stored.version == 3
    # the editor shows what is stored, with nothing left unsaved
    assert not editor.is_dirty()
    assert editor.basics.title.text() == "总经理"
    assert editor.basics.email.text() == "theirs@example.com"
    # and the next save starts from that version: no dialog
    _replace(editor.basics.notes, "再改一次")
    assert editor.save()
    assert ClientService(db).get(shared).notes == "再改一次"


def test_reload_theirs_throws_my_edits_away(qtbot, window, db: Database,  # type: ignore[no-untyped-def]
                                            shared: int) -> None:
    assert window.clients.show_client(shared)
    editor = window.clients.editor
    _replace(editor.basics.company, "我的公司")
    _someone_else_saves(db, shared, company="他们的公司")
    seen: list[ConflictDialog] = []
    _answer_conflict(qtbot, lambda d: qtbot.mouseClick(d.reload_button,
                                                       Qt.MouseButton.LeftButton), seen)
    assert not editor.save()
    assert len(seen) == 1
    assert editor.basics.company.text() == "他们的公司"
    assert not editor.is_dirty()
    assert ClientService(db).get(shared).company == "他们的公司"


def test_keep_editing_saves_nothing(qtbot, window, db: Database,  # type: ignore[no-untyped-def]
                                    shared: int) -> None:
    assert window.clients.show_client(shared)
    editor = window.clients.editor
    _replace(editor.basics.company, "我的公司")
    _someone_else_saves(db, shared, company="他们的公司")
    seen: list[ConflictDialog] = []
    _answer_conflict(qtbot, lambda d: qtbot.mouseClick(d.cancel_button,
                                                       Qt.MouseButton.LeftButton), seen)
    assert not editor.save()
    assert len(seen) == 1
    assert editor.basics.company.text() == "我的公司"  # my typing is still there
    assert editor.is_dirty()
    assert editor.errors.isVisible()
    assert "李娜 changed Company to “他们的公司”" in editor.errors.text()
    assert ClientService(db).get(shared).company == "他们的公司"


def test_edits_to_different_fields_merge_without_asking(
        qtbot, window, db: Database, shared: int, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(ConflictDialog, "exec", lambda self: pytest.fail("asked"))
    assert window.clients.show_client(shared)
    editor = window.clients.editor
    type_text(editor.basics.notes, "我的备注")
    _someone_else_saves(db, shared, title="总经理")
    # the timeline moves the version too (another window logged a call)
    ClientService(db).log_interaction(Interaction(shared, datetime(2026, 12, 6, 10),
                                                  Channel.CALL, "电话回访"))
    assert editor.save()
    stored = ClientService(db).get(shared)
    assert (stored.title, stored.notes, stored.company) == ("总经理", "我的备注", "华为")
    assert editor.basics.title.text() == "总经理"
