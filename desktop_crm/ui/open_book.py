"""Opening the database for the window: what opening says (a file in use, a
file that is no database...) is said in a message box, and a damaged file
goes to ``ui.backups``, which offers the newest good backup. That module
(the restore dialog and its table) loads only then: a sound file, the
window's every start, opens without it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_crm.i18n import _

if TYPE_CHECKING:
    from desktop_crm.storage.database import Database


def open_or_recover(parent: QWidget | None, path: Path | str, *, create: bool = False,
                    check_later: bool = False) -> Database | None:
    """Open ``path``; when it is damaged, show what is wrong and offer the
    newest good backup. Other errors are shown as they are. Returns the open
    database, or None when nothing was opened. ``check_later`` as in
    ``Database.open``: the caller then calls ``finish_check``."""
    from desktop_crm.storage.database import Database, DatabaseDamagedError, DatabaseError

    try:
        return Database.open(path, create=create, check_later=check_later)
    except DatabaseDamagedError as exc:
        damaged = exc
    except DatabaseError as exc:
        QMessageBox.critical(parent, _("Cannot open the database"), str(exc))
        return None
    from desktop_crm.ui.backups import recover_damaged

    return recover_damaged(parent, path, damaged)
