"""Composition root: builds the database, the services and the window."""

from __future__ import annotations

import sys
from typing import Any

from desktop_crm.i18n import LANGUAGES, set_language, system_language


def choose_language(lang: str | None, settings: object) -> None:
    """Use ``lang``, else the remembered language, else the system's."""
    from PySide6.QtCore import QSettings

    remembered = settings.value("language") if isinstance(settings, QSettings) else None
    chosen = lang or (remembered if remembered in LANGUAGES else None) or system_language()
    set_language(str(chosen))


def create_window(db_arg: str | None, lang: str | None, settings: object = None) -> object:
    """Open the database and build the main window (not shown).

    The integrity check runs while the window is built (which only reads);
    the window is returned only when it passed. Raises DatabaseError when the
    database cannot be opened (DatabaseDamagedError when the check failed).
    """
    from PySide6.QtCore import QSettings

    from desktop_crm.storage.database import Database, default_db_path

    qsettings = settings if isinstance(settings, QSettings) else QSettings()
    choose_language(lang, qsettings)
    db = Database.open(db_arg or default_db_path(), create=True, check_later=True)
    return build_window(db, qsettings)


def build_window(db: object, settings: object, user: str | None = None) -> object:
    """The main window over ``db``, once ``db``'s pending integrity check has
    passed. When building fails on a damaged file, the check's verdict is
    what is raised."""
    from desktop_crm.storage.database import Database
    from desktop_crm.ui.main_window import MainWindow

    assert isinstance(db, Database)
    try:
        window = MainWindow(db, settings, user=user)  # type: ignore[arg-type]
    except Exception:
        db.finish_check()  # raises DatabaseDamagedError when that is the cause
        raise
    try:
        db.finish_check()
    except Exception:
        window.deleteLater()
        raise
    return window


def install_error_dialog() -> None:
    """Show an unexpected error to the user instead of losing it in a slot.

    The database is safe either way: every write is one transaction that rolls
    back on error. The traceback goes to stderr for a bug report.
    """
    import traceback
    from types import TracebackType

    from PySide6.QtWidgets import QMessageBox

    from desktop_crm.domain.errors import CrmError
    from desktop_crm.i18n import _
    from desktop_crm.ui.error_dialog import unexpected_error_box

    def hook(kind: type[BaseException], error: BaseException,
             tb: TracebackType | None) -> None:
        if isinstance(error, CrmError):  # its message says what to do: no traceback
            QMessageBox.warning(None, _("Desktop CRM"), str(error))
            return
        details = "".join(traceback.format_exception(kind, error, tb))
        print(details, file=sys.stderr, end="")
        unexpected_error_box(
            None, _("Unexpected error"),
            _("Something went wrong and the last action was not completed; your saved "
              "data is unchanged.\n\n{error}", error=f"{kind.__name__}: {error}"),
            details).exec()

    sys.excepthook = hook


def run(db_arg: str | None, lang: str | None, user: str | None = None) -> int:
    """Open the window; returns the process exit code.

    A damaged database is not opened: the user sees what is wrong and may
    restore the newest good backup. Once the window shows, a daily backup is
    made when due (and checked every hour); on exit, a backup is made.
    """
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_crm.i18n import language
    from desktop_crm.storage.database import DatabaseDamagedError, default_db_path, shown_url
    from desktop_crm.ui.backups import open_or_recover
    from desktop_crm.ui.qt_translations import install_qt_translations
    from desktop_crm.ui.stop_signals import quit_on_stop_signals

    app = QApplication.instance() or QApplication(sys.argv)
    install_error_dialog()
    app.setOrganizationName("DesktopCRM")
    app.setApplicationName("desktop-crm")
    # every window's and dialog's icon; on Wayland the desktop finds the
    # menu entry (make install-desktop) by this name
    from desktop_crm.ui.app_icon import app_icon

    QApplication.setWindowIcon(app_icon())
    QApplication.setDesktopFileName("desktop-crm")
    settings = QSettings()
    choose_language(lang, settings)
    install_qt_translations(language())
    path = db_arg or default_db_path()
    window: Any = None
    db = open_or_recover(None, path, create=True, check_later=True)
    if db is not None:
        try:
            window = build_window(db, settings, user)
        except DatabaseDamagedError:
            # the window was built over a file that failed the check: now say
            # so and offer the newest good backup
            db = open_or_recover(None, path)
            window = None if db is None else build_window(db, settings, user)
    if window is None:
        print(f"desktop-crm: {shown_url(str(path))} was not opened", file=sys.stderr)
        return 2
    # the window may hide in the tray and dialogs open while it is hidden: the
    # app ends when the window closes for good (or from the tray's Quit)
    QApplication.setQuitOnLastWindowClosed(False)
    window.closed.connect(app.quit)
    window.show()
    window.reminders.start()
    QTimer.singleShot(3000, window.backup_if_due)
    hourly = QTimer(window)
    hourly.timeout.connect(window.backup_if_due)
    hourly.start(60 * 60 * 1000)
    quit_on_stop_signals(window, window.quit)
    code = app.exec()
    window.backup_on_exit()
    window.db.close()
    return int(code)
