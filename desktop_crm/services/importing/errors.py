"""The errors an import file raises when it cannot be imported at all."""

from __future__ import annotations

from pathlib import Path

from desktop_crm.domain.errors import CrmError
from desktop_crm.i18n import _
from desktop_crm.services.importing.table import CSV

# names a workbook has: a file named so but read as text (its bytes are text)
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})


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


def no_data_rows(path: Path, read_as: str) -> ImportFileError:
    """The error of a file whose header row has no data rows below it; a file
    named like a workbook but read as text (``read_as`` CSV: the bytes
    decide how a file is read) says so, since its user expected a workbook."""
    if read_as == CSV and path.suffix.lower() in WORKBOOK_SUFFIXES:
        return ImportFileError(_("{path} is not a workbook: it holds plain text, with no "
                                 "rows below its first line", path=path.name))
    return ImportFileError(_("{path} has a header row but no data rows", path=path.name))
