"""Importing client cards from .xlsx, .xls, .ods, .csv and .vcf files.

See ``service.py`` for the use case a mapping dialog and the CLI share.
"""

from desktop_crm.services.importing.errors import ImportFileError, NoNameColumnError
from desktop_crm.services.importing.readers import FORMATS, detect_format
from desktop_crm.services.importing.service import (
    KEEP,
    MERGE,
    POLICIES,
    SKIP,
    BatchInfo,
    ClientChange,
    ImportPlan,
    ImportResult,
    ImportRowError,
    ImportService,
    ImportSource,
    ImportUndoError,
    PlannedRow,
    RowProblem,
    describe_problem,
    open_source,
    save_report,
)

__all__ = [
    "FORMATS", "KEEP", "MERGE", "POLICIES", "SKIP", "BatchInfo", "ClientChange", "ImportFileError",
    "ImportPlan", "ImportResult", "ImportRowError", "ImportService", "ImportSource",
    "ImportUndoError", "NoNameColumnError", "PlannedRow", "RowProblem", "describe_problem",
    "detect_format", "open_source", "save_report",
]
