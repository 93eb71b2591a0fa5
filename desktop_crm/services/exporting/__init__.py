"""The Excel export: one workbook for the manager (README.md, "Excel and
contacts").

Public API::

    export_xlsx(db, path, *, lang=None, include_confidential=False,
                client_ids=None, clock=system_clock, progress=None) -> XlsxResult

Sheets, named in the chosen language: Summary, Clients, Contacts, Sales, Loyalty KPIs
(the ten KPIs of the last 12 months), Mackay 66, Evaluations, Care calendar
(next 90 days), Complaints, Interactions, written by xlsxwriter, which is
imported only when an export runs.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_crm.i18n import _, language
from desktop_crm.services.clock import Clock, system_clock
from desktop_crm.services.files import ExportError
from desktop_crm.storage.database import Database

if TYPE_CHECKING:
    from desktop_crm.services.exporting.workbook import XlsxResult

__all__ = ["export_xlsx"]


def export_xlsx(db: Database, path: Path | str, *, lang: str | None = None,
                include_confidential: bool = False, client_ids: Sequence[int] | None = None,
                clock: Clock = system_clock,
                progress: Callable[[int, int], None] | None = None) -> XlsxResult:
    """Write the workbook to ``path`` (atomically) and say what it holds.

    Args:
        lang: "zh" or "en" for sheet names, headers and labels (default: the
            current language).
        include_confidential: also export the profile answers that are
            confidential by nature or marked private; the Summary says which.
        client_ids: only these clients (the window's filtered list), in this
            order; None: every client not in the trash, by name.
        progress: called with (clients done, clients in all) after each page.

    Raises ExportError when the file cannot be written, ValueError for an
    unknown language.
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise ExportError(_("Cannot write {path}: {reason}", path=target,
                            reason=os.strerror(errno.ENOENT)))
    from desktop_crm.services.exporting.workbook import write_workbook

    return write_workbook(db, target, lang=lang or language(),
                          include_confidential=include_confidential, client_ids=client_ids,
                          clock=clock, progress=progress)
