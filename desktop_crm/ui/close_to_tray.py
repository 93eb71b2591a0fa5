"""Keeping the app in the tray when the window is closed (a per-computer
setting, off by default), and the one-time explanation of what happened."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_crm.i18n import _

KEEP_RUNNING_KEY = "tray/keep_running"
EXPLAINED_KEY = "tray/explained"


def keeps_running(settings: QSettings) -> bool:
    """Whether closing the window keeps the app running in the tray."""
    return bool(settings.value(KEEP_RUNNING_KEY, False, type=bool))


def set_keeps_running(settings: QSettings, on: bool) -> None:
    settings.setValue(KEEP_RUNNING_KEY, on)


def explain_once(parent: QWidget, settings: QSettings) -> bool:
    """The first time the window goes to the tray, say where it went and how
    to quit; True when it was said now."""
    if settings.value(EXPLAINED_KEY, False, type=bool):
        return False
    settings.setValue(EXPLAINED_KEY, True)
    QMessageBox.information(
        parent, _("Desktop CRM keeps running"),
        _("The window is closed, but Desktop CRM keeps running in the tray to remind "
          "you of what is due. Click its icon to open the window again. To quit, "
          "choose Quit in the icon's menu or File > Quit. You can change this in "
          "Settings."))
    return True
