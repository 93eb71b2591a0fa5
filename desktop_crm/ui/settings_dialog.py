"""Settings of this computer's user (File > Settings…, Ctrl+,): kept in
QSettings, per user on this computer, never in the database, which on a
server is shared with the whole team."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.i18n import _
from desktop_crm.services.clock import MAX_USER_NAME, clean_user_name, current_user

USER_NAME_KEY = "user/name"
SHORTCUT = "Ctrl+,"


def stored_user_name(settings: QSettings) -> str:
    """The name chosen in Settings, "" when none was (the default applies)."""
    value = settings.value(USER_NAME_KEY)
    return clean_user_name(value) if isinstance(value, str) else ""


class SettingsDialog(QDialog):
    """Your name (你的姓名): what the history records as "who", the owner of new
    clients, the evaluator and the complaint handler, and whose clients "Mine"
    shows. Blank means the account's full name.

    Attributes:
        user_name: the name field.
    """

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(_("Settings"))
        self.user_name = QLineEdit(self)
        self.user_name.setMaxLength(MAX_USER_NAME)
        self.user_name.setText(stored_user_name(settings))
        self.user_name.setPlaceholderText(current_user())
        self.user_name.setClearButtonEnabled(True)
        note = QLabel(_("Recorded as who changed a card, the owner of new clients, the "
                        "evaluator and the complaint handler; \"Mine\" lists the clients "
                        "you own. Kept on this computer only; leave it blank for your "
                        "account's name."), self)
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Your name"), self.user_name)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def accept(self) -> None:
        """Override QDialog::accept: remember the name (blank: forget it)."""
        name = clean_user_name(self.user_name.text())
        if name:
            self.settings.setValue(USER_NAME_KEY, name)
        else:
            self.settings.remove(USER_NAME_KEY)
        super().accept()
