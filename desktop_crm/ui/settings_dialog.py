"""Settings of this computer's user (File > Settings…, Ctrl+,): kept in
QSettings, per user on this computer, never in the database, which on a
server is shared with the whole team: your name, the reminders (the daily
reminder time, keeping the app in the tray when the window is closed) and
starting with the computer (a file of the desktop's, services/autostart.py)."""

from __future__ import annotations

from PySide6.QtCore import QSettings, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.i18n import _
from desktop_crm.services.autostart import Autostart
from desktop_crm.services.clock import MAX_USER_NAME, clean_user_name, current_user
from desktop_crm.ui import close_to_tray
from desktop_crm.ui.menu_keys import SETTINGS
from desktop_crm.ui.tray import REMINDER_TIME_KEY, reminder_time
from desktop_crm.ui.user_setting import USER_NAME_KEY, stored_user_name

SHORTCUT = SETTINGS


class SettingsDialog(QDialog):
    """Your name (你的姓名): what the history records as "who", the owner of new
    clients, the evaluator and the complaint handler, and whose clients "Mine"
    shows. Blank means the account's full name.

    Reminders: the daily reminder time, and whether closing the window keeps
    the app running in the tray (only where the desktop has a tray). Start
    with the computer: the desktop's autostart file, written or removed.

    Attributes:
        user_name: the name field.
        reminder_time: the daily reminder time.
        keep_in_tray: "Keep running in the tray when the window is closed".
        start_with_computer: "Start with the computer".
    """

    def __init__(self, settings: QSettings, parent: QWidget | None = None,
                 autostart: Autostart | None = None, tray_available: bool = True) -> None:
        super().__init__(parent)
        self.settings = settings
        self.autostart = autostart or Autostart()
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
        chosen = reminder_time(settings)
        self.reminder_time = QTimeEdit(QTime(chosen.hour, chosen.minute), self)
        self.reminder_time.setDisplayFormat("HH:mm")
        self.keep_in_tray = QCheckBox(_("Keep running in the tray when the window is closed"),
                                      self)
        self.keep_in_tray.setChecked(close_to_tray.keeps_running(settings))
        if not tray_available:
            self.keep_in_tray.setEnabled(False)
            self.keep_in_tray.setToolTip(_("This desktop has no tray"))
        self.start_with_computer = QCheckBox(_("Start with the computer"), self)
        self.start_with_computer.setChecked(self.autostart.enabled())
        self.start_with_computer.setToolTip(str(self.autostart.path))
        reminders_note = QLabel(_("What the Today tab lists is announced once a day at "
                                  "this time, and when Desktop CRM starts."), self)
        reminders_note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Your name"), self.user_name)
        form.addRow("", note)
        time_row = QHBoxLayout()
        time_row.addWidget(self.reminder_time)
        time_row.addStretch(1)
        form.addRow(_("Daily reminder time"), time_row)
        form.addRow("", reminders_note)
        form.addRow("", self.keep_in_tray)
        form.addRow("", self.start_with_computer)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def accept(self) -> None:
        """Override QDialog::accept: remember the name (blank: forget it)."""
        name = clean_user_name(self.user_name.text())
        if name:
            self.settings.setValue(USER_NAME_KEY, name)
        else:
            self.settings.remove(USER_NAME_KEY)
        self.settings.setValue(REMINDER_TIME_KEY, self.reminder_time.time().toString("HH:mm"))
        if self.keep_in_tray.isEnabled():
            close_to_tray.set_keeps_running(self.settings, self.keep_in_tray.isChecked())
        if not self._apply_autostart():
            return  # said why; the dialog stays open
        super().accept()

    def _apply_autostart(self) -> bool:
        """Write (again: the app may have moved) or remove the autostart file
        as ticked; False (after saying why) when that failed."""
        try:
            if self.start_with_computer.isChecked():
                self.autostart.enable()
            else:
                self.autostart.disable()
        except OSError as exc:
            QMessageBox.warning(self, _("Start with the computer"), _(
                "Cannot change {path}: {reason}", path=self.autostart.path,
                reason=exc.strerror or exc))
            self.start_with_computer.setChecked(self.autostart.enabled())
            return False
        return True
