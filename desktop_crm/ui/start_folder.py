"""Where the save dialogs of exports open before the user has chosen a folder.

The database lives by default in the app's data folder (platformdirs:
``%LOCALAPPDATA%\\desktop-crm`` on Windows, ``~/Library/Application
Support/desktop-crm`` on macOS, ``~/.local/share/desktop-crm`` on Linux),
which Windows and macOS hide: a workbook saved there is lost to its user.
So an export opens in the folder last exported to, else beside a database
the user put somewhere of their own, else in the Documents folder
(``QStandardPaths``: 文档 / Documents in the user's language), else home.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

from desktop_crm.storage.database import Database, default_db_path

FOLDER_KEY = "export/folder"


def documents_folder() -> Path:
    """The user's Documents folder, or the home folder when there is none."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


def _in_app_data(path: Path) -> bool:
    data = os.path.normcase(os.path.abspath(default_db_path().parent))
    here = os.path.normcase(os.path.abspath(path.parent))
    return here == data or here.startswith(data + os.sep)


def start_folder(settings: QSettings, db: Database) -> Path:
    """The folder an export's save dialog opens in (see the module docstring);
    a remembered folder that is gone (a removed USB stick) is skipped."""
    saved = settings.value(FOLDER_KEY)
    if saved and Path(str(saved)).is_dir():
        return Path(str(saved))
    if db.path is not None and not _in_app_data(db.path):
        return db.path.parent
    return documents_folder()
