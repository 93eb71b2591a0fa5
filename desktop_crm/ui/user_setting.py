"""The user's name chosen in Settings (你的姓名), kept in QSettings per user on
this computer: what the window records as "who" when --user is not given.
Its own module, so that the window's start reads it without loading the
Settings dialog's code (the dialog, the tray's reminder time, the autostart
file): they load when the dialog is first opened."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from desktop_crm.services.clock import clean_user_name

USER_NAME_KEY = "user/name"


def stored_user_name(settings: QSettings) -> str:
    """The name chosen in Settings, "" when none was (the default applies)."""
    value = settings.value(USER_NAME_KEY)
    return clean_user_name(value) if isinstance(value, str) else ""
