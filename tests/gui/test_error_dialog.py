"""The window's last line of defence (app.install_error_dialog): an error whose
message is for the user is shown as that message; a bug is shown as an
unexpected error whose details can be copied for a report."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_crm.app import install_error_dialog
from desktop_crm.domain.errors import NotFoundError


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    install_error_dialog()
    return sys.excepthook


def test_an_error_for_the_user_shows_its_message_only(qtbot, hook, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text: shown.append((title, text))))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: pytest.fail("no bug dialog"))
    error = NotFoundError("王芳 was deleted in another window")
    hook(type(error), error, None)
    assert shown == [("Desktop CRM", "王芳 was deleted in another window")]


def test_a_bug_shows_details_that_can_be_copied(qtbot, hook, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    seen: list[QMessageBox] = []

    def press_copy(box: QMessageBox) -> int:
        seen.append(box)
        copy = next(b for b in box.buttons() if b.text() == "Copy details")
        copy.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", press_copy)
    try:
        raise KeyError("grade")
    except KeyError as error:
        hook(KeyError, error, error.__traceback__)
    (box,) = seen
    assert box.windowTitle() == "Unexpected error"
    assert "KeyError: 'grade'" in box.text()
    assert "Traceback" in box.detailedText() and "raise KeyError" in box.detailedText()
    assert QApplication.clipboard().text() == box.detailedText()
    assert "KeyError" in capsys.readouterr().err  # and on stderr, for a report
