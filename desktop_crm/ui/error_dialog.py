"""The one dialog for a bug: what went wrong, the traceback under "Show
Details...", and a "Copy details" button for the report.

Used by the window's last line of defence (``app.install_error_dialog``) and by
background operations (``ui.operations.show_error``); errors the user can act
on (``CrmError``) never come here: they are shown as their own message.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop_crm.i18n import _


def unexpected_error_box(parent: QWidget | None, title: str, message: str,
                         details: str) -> QMessageBox:
    """The dialog, not shown (``exec()`` or ``open()`` it)."""
    box = QMessageBox(QMessageBox.Icon.Critical, title, message, parent=parent)
    box.setDetailedText(details)  # selectable text, for a bug report
    copy = box.addButton(_("Copy details"), QMessageBox.ButtonRole.ActionRole)
    copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
    box.addButton(QMessageBox.StandardButton.Close)
    return box
