"""Composition root: builds the database, the services and the window."""

from __future__ import annotations

import sys

from desktop_crm.i18n import LANGUAGES, set_language, system_language


def create_window(db_arg: str | None, lang: str | None, settings: object = None) -> object:
    """Open the database and build the main window (not shown).

    Raises DatabaseError when the database cannot be opened.
    """
    from PySide6.QtCore import QSettings

    from desktop_crm.storage.database import Database, default_db_path
    from desktop_crm.ui.main_window import MainWindow

    qsettings = settings if isinstance(settings, QSettings) else QSettings()
    remembered = qsettings.value("language")
    chosen = lang or (remembered if remembered in LANGUAGES else None) or system_language()
    set_language(str(chosen))
    db = Database.open(db_arg or default_db_path(), create=True)
    return MainWindow(db, qsettings)


def install_error_dialog() -> None:
    """Show an unexpected error to the user instead of losing it in a slot.

    The database is safe either way: every write is one transaction that rolls
    back on error. The traceback goes to stderr for a bug report.
    """
    import traceback
    from types import TracebackType

    from PySide6.QtWidgets import QMessageBox

    from desktop_crm.i18n import _

    def hook(kind: type[BaseException], error: BaseException,
             tb: TracebackType | None) -> None:
        traceback.print_exception(kind, error, tb)
        QMessageBox.critical(
            None, _("Unexpected error"),
            _("Something went wrong and the last action was not completed; your saved "
              "data is unchanged.\n\n{error}", error=f"{kind.__name__}: {error}"),
        )

    sys.excepthook = hook


def run(db_arg: str | None, lang: str | None) -> int:
    """Open the window; returns the process exit code."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop_crm.i18n import _
    from desktop_crm.storage.database import DatabaseError

    app = QApplication.instance() or QApplication(sys.argv)
    install_error_dialog()
    app.setOrganizationName("DesktopCRM")
    app.setApplicationName("desktop-crm")
    try:
        window = create_window(db_arg, lang)
    except DatabaseError as exc:
        QMessageBox.critical(None, _("Cannot open the database"), str(exc))
        print(f"desktop-crm: {exc}", file=sys.stderr)
        return 2
    window.show()  # type: ignore[attr-defined]
    code = app.exec()
    window.db.close()  # type: ignore[attr-defined]
    return int(code)
