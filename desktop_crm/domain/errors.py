"""The one base of the errors a user can act on.

A ``CrmError`` is something the user can fix or must know: a bad file, a
damaged, busy or newer database, a full disk, an impossible date, a record
that is gone. Its ``str()`` is the translated message, shown as it is: one
line (exit 2) on the command line, one message box in the window. Every other
exception is a bug: the command line lets it raise with its traceback, the
window shows it as an unexpected error with details to copy into a report.
"""

from __future__ import annotations


class CrmError(Exception):
    """An error whose message is for the user (already translated)."""


class NotFoundError(LookupError, CrmError):
    """The record does not exist (any more): deleted in another window, say."""
