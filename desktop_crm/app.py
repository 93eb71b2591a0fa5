"""Composition root: builds the database, the services and the window."""

from __future__ import annotations

import gc
import sys
from contextlib import AbstractContextManager
from typing import Any

from desktop_crm.i18n import LANGUAGES, set_language, system_language
from desktop_crm.services.collector import paused_collector

# Python's cycle collector is paused from the start until Today is filled (or
# this long after the window was built, should Today's read fail): the start
# makes about 200,000 objects (modules, classes, SQLAlchemy's and Qt's
# wrappers, the day's agenda) and almost no garbage, and each full pass over
# them found none (about 600 objects of cyclic garbage at 100,000 clients)
# while costing a tenth of the window thread's start. When it ends, what the
# start made is moved out of the collector's sight (``gc.freeze``): it lives
# as long as the window. The next agenda read puts it back in the oldest
# generation (``paused_collector(keep_made=True)`` unfreezes), where only
# the rare full passes walk it.
START_PAUSE_LIMIT_MS = 30_000


class _StartPause:
    """The collector's pause for the start (see START_PAUSE_LIMIT_MS); it
    joins services.collector's count of pauses, so a worker's pause that
    began meanwhile keeps it off until that worker ends."""

    def __init__(self) -> None:
        self._pause: AbstractContextManager[None] | None = paused_collector()
        self._pause.__enter__()

    def end(self) -> None:
        """The start is over: freeze what it made, let the collector run again."""
        if self._pause is None:
            return
        pause, self._pause = self._pause, None
        gc.freeze()
        pause.__exit__(None, None, None)


_start_pause: _StartPause | None = None


def pause_collector_for_start() -> None:
    """Pause the cycle collector until the window's Today is filled (once per
    process: a second window's start is not paused)."""
    global _start_pause
    if _start_pause is None:
        _start_pause = _StartPause()


def _end_start_pause() -> None:
    if _start_pause is not None:
        _start_pause.end()


def _end_pause_when_filled(window: Any) -> None:
    from PySide6.QtCore import QTimer

    window.today.count_changed.connect(_end_start_pause)
    QTimer.singleShot(START_PAUSE_LIMIT_MS, _end_start_pause)


def choose_language(lang: str | None, settings: object) -> None:
    """Use ``lang``, else the remembered language, else the system's."""
    from PySide6.QtCore import QSettings

    remembered = settings.value("language") if isinstance(settings, QSettings) else None
    chosen = lang or (remembered if remembered in LANGUAGES else None) or system_language()
    set_language(str(chosen))


def create_window(db_arg: str | None, lang: str | None, settings: object = None) -> object:
    """Open the database and build the main window (not shown).

    The integrity check runs while the window is built and shown (a write
    waits for it); when it fails the window emits ``check_failed``. Raises
    DatabaseError when the database cannot be opened.
    """
    pause_collector_for_start()
    from PySide6.QtCore import QSettings

    from desktop_crm.ui.pyside_scan import cheapen_pyside_scan

    cheapen_pyside_scan()
    from desktop_crm.storage.database import Database, default_db_path

    qsettings = settings if isinstance(settings, QSettings) else QSettings()
    choose_language(lang, qsettings)
    db = Database.open(db_arg or default_db_path(), create=True, check_later=True)
    return build_window(db, qsettings)


def build_window(db: object, settings: object, user: str | None = None,
                 clock: Any = None) -> object:
    """The main window over ``db``, built while ``db``'s integrity check may
    still run (the window watches it: ``check_failed``). When building fails
    on a damaged file, the check's verdict is what is raised."""
    from desktop_crm.storage.database import Database
    from desktop_crm.ui.main_window import MainWindow

    assert isinstance(db, Database)
    try:
        window = MainWindow(db, settings, clock, user=user)  # type: ignore[arg-type]
    except Exception:
        _end_start_pause()
        db.finish_check()  # raises DatabaseDamagedError when that is the cause
        raise
    _end_pause_when_filled(window)
    return window


class AppWindow:
    """The application's one window over the database at ``path``. The window
    shows while the file's integrity check runs; when the check fails, the
    window closes and the user sees what is wrong, with the offer to restore
    the newest good backup (``open_or_recover``), and a restored database
    gets a new window.

    ``clock`` (a ``services.clock.Clock``; None: the system's) is what its
    windows take as now.

    Attributes:
        window: the window shown, or None (nothing could be opened).
    """

    def __init__(self, app: Any, path: object, settings: object, user: str | None,
                 clock: Any = None) -> None:
        self.app, self.path, self.settings, self.user = app, path, settings, user
        self.clock = clock
        self.window: Any = None

    def start(self) -> None:
        """Show the window at once, its tabs and menus painted with Today (or
        the tab it was closed on) saying "Loading…", and open the database
        once it is on screen (``_open_shown``): SQLAlchemy, the models, the
        services and the migrations load after the first paint. What opening
        says (a file locked by another program, a migration and its backup,
        a damaged file and the restore offer) is said over that window; when
        nothing could be opened, the window closes and the app ends (exit
        code 2)."""
        from desktop_crm.ui.pyside_scan import cheapen_pyside_scan

        cheapen_pyside_scan()  # before the window's and the database's code load
        from desktop_crm.ui.main_window import MainWindow

        window = MainWindow(None, self.settings, self.clock,  # type: ignore[arg-type]
                            user=self.user)
        window.on_screen.connect(self._open_shown)
        self._watch(window)
        window.show()

    def _open_shown(self) -> None:
        from desktop_crm.storage.database import DatabaseDamagedError
        from desktop_crm.ui.open_book import open_or_recover

        window = self.window
        db = open_or_recover(None, self.path, create=True, check_later=True)  # type: ignore[arg-type]
        if db is None:
            self._give_up(window)
            return
        try:
            window.attach(db)
        except Exception as exc:
            _end_start_pause()
            self._drop(window)
            try:
                db.finish_check()  # raises DatabaseDamagedError when that is the cause
            except DatabaseDamagedError:
                again = open_or_recover(None, self.path)  # type: ignore[arg-type]
                if again is None or not self.open(again):
                    self._not_opened()
                return
            self._not_opened()  # the app ends once the error was shown
            raise exc
        _end_pause_when_filled(window)
        self._started(window)

    def _drop(self, window: Any) -> None:
        """Close ``window`` for good, without ending the app."""
        self.window = None
        window.closed.disconnect(self.app.quit)
        if window.attached:
            window.reminders.hide()
        window.hide()
        window.deleteLater()

    def _give_up(self, window: Any) -> None:
        _end_start_pause()
        self._drop(window)
        self._not_opened()

    def _not_opened(self) -> None:
        from desktop_crm.storage.database import shown_url

        print(f"desktop-crm: {shown_url(str(self.path))} was not opened", file=sys.stderr)
        self.app.exit(2)

    def open(self, db: object) -> bool:
        """Build and show the window over ``db``; False when nothing was opened."""
        from desktop_crm.storage.database import DatabaseDamagedError
        from desktop_crm.ui.open_book import open_or_recover

        try:
            window = build_window(db, self.settings, self.user, self.clock)
        except DatabaseDamagedError:
            # the window was built over a file that failed the check: now say
            # so and offer the newest good backup
            again = open_or_recover(None, self.path)  # type: ignore[arg-type]
            if again is None:
                return False
            window = build_window(again, self.settings, self.user, self.clock)
        self._show(window)
        return True

    def _show(self, window: Any) -> None:
        self._watch(window)
        window.show()
        self._started(window)

    def _watch(self, window: Any) -> None:
        from PySide6.QtWidgets import QApplication

        from desktop_crm.ui.stop_signals import quit_on_stop_signals

        self.window = window
        # the window may hide in the tray and dialogs open while it is hidden: the
        # app ends when the window closes for good (or from the tray's Quit)
        QApplication.setQuitOnLastWindowClosed(False)
        window.closed.connect(self.app.quit)
        window.check_failed.connect(self._check_failed)
        quit_on_stop_signals(window, window.quit)

    def _started(self, window: Any) -> None:
        """The window has its database: reminders and the daily backups."""
        from PySide6.QtCore import QTimer

        window.start_reminders()  # once Today is filled, with its list
        QTimer.singleShot(3000, window, window.backup_if_due)
        hourly = QTimer(window)
        hourly.timeout.connect(window.backup_if_due)
        hourly.start(60 * 60 * 1000)

    def _check_failed(self, _error: Exception) -> None:
        """The file failed the check that ran while the window showed: nothing
        was written to it (writes wait for the check). Close the window and
        go the way of a file found damaged on open."""
        from desktop_crm.ui.open_book import open_or_recover

        old, self.window = self.window, None
        old.closed.disconnect(self.app.quit)
        old.reminders.hide()
        old.hide()
        old.deleteLater()
        db = open_or_recover(None, self.path)  # type: ignore[arg-type]
        if db is None or not self.open(db):
            self._not_opened()


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

    The window shows first, saying "Loading…", and opens the database once on
    screen (``AppWindow.start``). A damaged database is not opened: the user
    sees what is wrong and may restore the newest good backup. Once the
    database is open, a daily backup is made when due (and checked every
    hour); on exit, a backup is made.
    """
    pause_collector_for_start()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from desktop_crm.ui.pyside_scan import cheapen_pyside_scan

    cheapen_pyside_scan()  # before the rest of the app loads
    from desktop_crm.i18n import language
    from desktop_crm.storage.places import default_db_path
    from desktop_crm.ui.qt_translations import install_qt_translations

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
    # lunar_python's months kept for the next start (its Today) and agenda
    from desktop_crm.services import lunar_cache

    lunar_cache.use(default_db_path().parent)
    shown = AppWindow(app, path, settings, user)
    shown.start()
    code = app.exec()
    window = shown.window  # another one when the first failed the check
    if window is not None and window.attached:
        window.backup_on_exit()
        window.db.close()
    return int(code)
