"""An injectable clock, so tests can fix "now"; and who the user is."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from datetime import date, datetime

Clock = Callable[[], datetime]

MAX_USER_NAME = 100  # the width of the author, owner and evaluator columns


def system_clock() -> datetime:
    return datetime.now().replace(microsecond=0)


def login_name() -> str:
    """The login name ("" when unknown)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in a container
        return ""


def _windows_display_name() -> str:
    """The account's display name from GetUserNameExW(NameDisplay); "" when the
    account has none (a local account without a full name) or the call fails."""
    if sys.platform != "win32":
        return ""
    import ctypes
    from ctypes import wintypes

    name_display = 3  # EXTENDED_NAME_FORMAT.NameDisplay
    try:
        get_name = ctypes.windll.secur32.GetUserNameExW
    except (AttributeError, OSError):
        return ""
    size = wintypes.ULONG(0)
    get_name(name_display, None, ctypes.byref(size))
    if not size.value:
        return ""
    buffer = ctypes.create_unicode_buffer(size.value)
    if not get_name(name_display, buffer, ctypes.byref(size)):
        return ""
    return str(buffer.value)


def account_full_name() -> str:
    """The account's full name: on Unix the first comma-separated part of the
    passwd GECOS field, on Windows the display name; "" when there is none."""
    if sys.platform == "win32":
        return _windows_display_name().strip()
    try:
        import pwd

        gecos = pwd.getpwuid(os.getuid()).pw_gecos
    except (ImportError, KeyError, OSError):
        return ""
    return gecos.split(",")[0].strip()


def clean_user_name(name: str | None) -> str:
    """A chosen name as it is recorded: one line, trimmed, at most 100 characters."""
    return " ".join((name or "").split())[:MAX_USER_NAME]


def current_user() -> str:
    """The name recorded as the author of changes, the owner of new clients and
    the evaluator when the user has not chosen one: the account's full name,
    else the login name ("" when both are unknown)."""
    return clean_user_name(account_full_name() or login_name())


def today(clock: Clock) -> date:
    return clock().date()
