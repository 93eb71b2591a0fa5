"""The errors an import file raises when it cannot be imported at all."""

from __future__ import annotations

from desktop_crm.domain.errors import CrmError


class ImportFileError(CrmError):
    """The file cannot be imported at all; the message names the file and is
    meant for the user (one line)."""


class MissingColumnError(ImportFileError):
    """A column the import needs is not mapped (no row is planned).

    Attributes:
        columns: the names of the file's columns, for a message that says
            which one to map.
    """

    def __init__(self, message: str, columns: list[str]) -> None:
        super().__init__(message)
        self.columns = columns


class NoNameColumnError(MissingColumnError):
    """No column of the file is mapped to the client's name, so no row is
    planned (each would be a client without a name)."""
