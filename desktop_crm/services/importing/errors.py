"""The error an import file raises when it cannot be read at all."""

from __future__ import annotations


class ImportFileError(Exception):
    """The file cannot be imported at all; the message names the file and is
    meant for the user (one line)."""
