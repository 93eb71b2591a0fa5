"""Importing client cards from .xlsx, .xls, .ods, .csv and .vcf files, and
orders from spreadsheets.

See ``service.py`` for the use case a mapping dialog and the CLI share, and
``orders.py`` for orders.
"""

from desktop_crm.services.importing.errors import (
    ImportFileError,
    MissingColumnError,
    NoNameColumnError,
)
from desktop_crm.services.importing.orders import (
    OrderImportResult,
    OrderImportService,
    OrderPlan,
)
from desktop_crm.services.importing.readers import detect_format
from desktop_crm.services.importing.service import (
    CLIENTS,
    KEEP,
    MERGE,
    ORDERS,
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
from desktop_crm.services.importing.table import FORMATS

__all__ = [
    "CLIENTS",
    "FORMATS",
    "KEEP",
    "MERGE",
    "ORDERS",
    "POLICIES",
    "SKIP",
    "BatchInfo",
    "ClientChange",
    "ImportFileError",
    "ImportPlan",
    "ImportResult",
    "ImportRowError",
    "ImportService",
    "ImportSource",
    "ImportUndoError",
    "MissingColumnError",
    "NoNameColumnError",
    "OrderImportResult",
    "OrderImportService",
    "OrderPlan",
    "PlannedRow",
    "RowProblem",
    "describe_problem",
    "detect_format",
    "open_source",
    "save_report",
]
