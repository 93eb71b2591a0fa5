"""The main window: tabs, menus, language switch, remembered geometry."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_crm import __version__
from desktop_crm.i18n import LANGUAGES, N_, _, language, ngettext, set_language
from desktop_crm.services.clock import Clock, system_clock
from desktop_crm.services.files import ExportError
from desktop_crm.storage import held_files
from desktop_crm.ui.app_icon import app_icon
from desktop_crm.ui.changes import Changes, TabPage, client_ids
from desktop_crm.ui.menu_keys import NEW_COMPLAINT, SCAN_CARD, SETTINGS
from desktop_crm.ui.operations import Operation, show_error
from desktop_crm.ui.owner_scope import ScopeMemory
from desktop_crm.ui.qt_translations import install_qt_translations
from desktop_crm.ui.window_keys import WindowKeys

if TYPE_CHECKING:  # what only a menu action or a tab not shown at start needs loads
    # when it runs (not openpyxl, icalendar, vobject or Pillow at start: see
    # tests/gui/test_start_imports.py); the database, the services, Today and
    # the tray load once the window painted itself (``MainWindow(None, ...)``:
    # not SQLAlchemy before the first paint)
    from desktop_crm.services.autostart import Autostart
    from desktop_crm.services.card_scan import ScanResult
    from desktop_crm.services.exporting.workbook import XlsxResult
    from desktop_crm.services.importing import ImportSource
    from desktop_crm.services.reminders import ReminderSchedule
    from desktop_crm.services.restore import RestoreResult
    from desktop_crm.storage.database import Database
    from desktop_crm.ui.care.tab import CareTab
    from desktop_crm.ui.clients.tab import ClientsTab
    from desktop_crm.ui.complaints.tab import ComplaintsTab
    from desktop_crm.ui.evaluation.tab import EvaluationTab
    from desktop_crm.ui.import_dialog import FirstPlan
    from desktop_crm.ui.loyalty.tab import LoyaltyTab
    from desktop_crm.ui.settings_dialog import SettingsDialog
    from desktop_crm.ui.today.tab import TodayTab
    from desktop_crm.ui.tray import ReminderTray

LANGUAGE_NAMES = {"zh": "简体中文", "en": "English"}
CHECK_POLL_MS = 25
# Today is read once the window is on screen, saying "Loading…": on X11 the
# window is mapped and exposed some event-loop turns after show(), and a read
# begun before would keep it off screen until it ends. Polled this often, and
# at most this many times (a window started minimized or elsewhere reads anyway).
EXPOSE_POLL_MS = 5
EXPOSE_POLLS = 60
# the tray's first announcements wait this long after Today was filled, so
# that Today paints first (at 100,000 clients they go through tens of
# thousands of items)
REMINDERS_AFTER_MS = 1000
# Today and its tray are read through the tables alone, before the ORM and
# the mapped classes are loaded; they load this long after Today was filled
# (Database.prepare_sessions), while the user reads it, rather than with the
# first card opened
SESSIONS_AFTER_MS = 1500
TAB_KEY = "window/tab"  # the tab the window was closed on: it opens on it next time
EXPORT_DAYS = 365  # the .ics file covers the coming year
# The tabs, in their order: attribute, title, the list | details splitter's
# default sizes (None: not remembered). Each is built by ``_make_<attribute>_tab``
# and follows ui.changes.TabPage; adding a tab is a line here and its factory.
TABS: tuple[tuple[str, str, list[int] | None], ...] = (
    ("today", N_("Today"), None),
    ("clients", N_("Client cards"), [520, 760]),
    ("evaluation", N_("Evaluation"), [560, 720]),
    ("calendar", N_("Care calendar"), [460, 820]),
    ("complaints", N_("Complaints"), [640, 640]),
    ("loyalty", N_("Loyalty"), [860, 420]),
)
TAB_KEYS = tuple(key for key, _title, _sizes in TABS)
# Built with the window: Today (its count is the tab's title and the tray's).
# The others, the client cards too, are built when first shown or first asked
# for (``MainWindow.page``): at 100,000 clients the client list and the card
# editor alone took a third of the start, and the other tabs a quarter.
BUILT_AT_START = frozenset({"today"})


def _stand_in(loading: bool) -> QWidget:
    """The place of a tab not built yet; ``loading``: it says "Loading…" (the
    window of a start, painted before its database is open)."""
    page = QWidget()
    if loading:
        label = QLabel(_("Loading…"), page)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        QVBoxLayout(page).addWidget(label)
    return page


def _server_backups_line() -> str:
    from desktop_crm.services.backup import server_backups_line

    return server_backups_line()


def _transfer() -> ModuleType:
    """ui.transfer (the workbook, import and vCard code), loaded on first use."""
    from desktop_crm.ui import transfer

    return transfer


def _file_dialogs() -> ModuleType:
    """ui.file_dialogs (Qt's file dialog and its models), loaded when a file
    is first chosen."""
    from desktop_crm.ui import file_dialogs

    return file_dialogs


def _close_to_tray() -> ModuleType:
    from desktop_crm.ui import close_to_tray

    return close_to_tray


def _scan_card(path: Path, *, cancelled: Callable[[], bool] = lambda: False) -> ScanResult:
    """services.card_scan.scan_card, loaded (with Pillow and the OCR engine)
    when a card is first scanned."""
    from desktop_crm.services.card_scan import scan_card

    return scan_card(path, cancelled=cancelled)


class MainWindow(QMainWindow):
    """One window over one database.

    Attributes:
        db: the open database.
        today: the Today tab.
        clients, evaluation, calendar, complaints, loyalty: the other tabs,
            each built when first shown or first read (see ``page``).
        reminders: the tray icon and the reminder timer.

    Signals:
        closed: the window closed for good (not hidden in the tray).
        check_failed: the integrity check that ran while the window was built
            and shown failed (argument: the DatabaseError); nothing was
            written to the file (writes wait for the check).
        on_screen: a window built without its database is on screen, saying
            "Loading…" (once): its owner opens the database and ``attach``es it.
    """

    closed = Signal()
    check_failed = Signal(object)
    on_screen = Signal()

    today: TodayTab  # built over the database (``attach``), set by _make_tab

    def __init__(self, db: Database | None, settings: QSettings, clock: Clock | None = None,
                 user: str | None = None,
                 tray: bool | Callable[[], bool] | None = None) -> None:
        """The window over ``db``; with None, the window of a start: shown, it
        paints its tabs and menus with the current tab saying "Loading…",
        emits ``on_screen`` once on screen, and is given the database then
        (``attach``): SQLAlchemy, the models, the services and Today's code
        are loaded after the first paint, not before."""
        super().__init__()
        self.settings = settings
        self._database: Database | None = None
        self.clock = clock or system_clock
        self._user_override = user  # --user: this session only, until Settings changes it
        self._tray = tray
        self._check_timer = QTimer(self)  # polls the file's check while it runs
        self._check_timer.setInterval(CHECK_POLL_MS)
        self._check_timer.timeout.connect(self._check_ended)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self._today_count = (0, 0)
        self._fill_scheduled = False
        self._expose_polls = 0
        self._said_on_screen = False
        self._clients_if_idle = False  # set by _start_tab
        # the window has shown and filled what it showed (_fill_after_show):
        # a tab built from now on reads its list at once
        self._started = False
        self._pages: dict[str, QWidget] = {}  # the tabs built so far
        self._splitter_states: dict[str, QByteArray] = {}  # of tabs of a closed database
        for _key in TAB_KEYS:  # stand-ins: each tab is built over the database
            self.tabs.addTab(_stand_in(loading=db is None), "")
        # a hidden tab is built the moment it becomes current, before it paints
        self.tabs.currentChanged.connect(self._build_shown)
        self._quitting = False
        self._autostart: Autostart | None = None  # made when Settings first opens
        self.setWindowIcon(app_icon())
        self._build_actions()
        self._restore_state()
        if db is not None:
            self.attach(db)
            return
        # the tab the window was closed on says "Loading…" until it is built
        remembered = settings.value(TAB_KEY)
        if remembered in TAB_KEYS:
            self.tabs.setCurrentIndex(TAB_KEYS.index(str(remembered)))
        self._retranslate_window()

    @property
    def db(self) -> Database:
        """The open database (a window built without one has it once ``attach``ed)."""
        if self._database is None:
            raise RuntimeError("the window's database is not open yet")
        return self._database

    @property
    def attached(self) -> bool:
        """The window has its database (``attach``)."""
        return self._database is not None

    @property
    def autostart(self) -> Autostart:
        """Settings' "Start with the computer" (tests replace it); its code loads
        when first asked for, not with the window."""
        if self._autostart is None:
            from desktop_crm.services.autostart import Autostart

            self._autostart = Autostart()
        return self._autostart

    @autostart.setter
    def autostart(self, value: Autostart) -> None:
        self._autostart = value

    def attach(self, db: Database) -> None:
        """Open the window over ``db`` (once): its services, Today (saying
        "Loading…" until it is read, right after, when the window is on
        screen), the tray's reminders and the tab it opens on."""
        from desktop_crm.services.registry import Services

        self._database = db
        self.services = Services.build(db, self.clock, self.user_name())
        self._scope_memory = self._make_scope_memory()
        if db.checking:
            self._check_timer.start()
        for key in BUILT_AT_START:
            self.page(key)
        self.reminders = self._make_reminders(self._tray)
        self.tabs.setCurrentWidget(self._start_tab())
        self._retranslate_window()  # the tabs were built in the language chosen
        if db.shared:
            self._show_server_backups()
        if self.isVisible():  # on screen already: read what it shows now
            self._schedule_fill()

    def _start_tab(self) -> QWidget:
        """The tab the window was closed on. Without one (the first start),
        Today, which says "Loading…" until it is read right after the window
        shows, and then the client cards when nothing needs doing (an empty
        book: their offer to import or try the demo): the start waits neither
        for the day's agenda nor for the client list."""
        remembered = self.settings.value(TAB_KEY)
        if remembered in TAB_KEYS:
            return self.page(str(remembered))
        self._clients_if_idle = True
        return self.today

    def showEvent(self, event: QShowEvent) -> None:
        """Override QWidget::showEvent: the first time, fill Today on the
        event loop's next turn, once the window is on screen (Today says
        "Loading…" until then; at 100,000 clients reading the day's agenda
        takes longer than building the whole window); the client cards' list
        too when they were built with the window (``_make_clients_tab``)."""
        super().showEvent(event)
        if self._database is None:  # on screen, the database is opened (on_screen)
            unread = not self._said_on_screen
        else:
            clients = self.built("clients")
            unread = not self.today.loaded or (
                clients is not None and not cast("ClientsTab", clients).model.loaded)
        if unread:
            self._schedule_fill()

    def _schedule_fill(self) -> None:
        if not self._fill_scheduled:
            self._fill_scheduled = True
            QTimer.singleShot(0, self, self._fill_after_show)

    def _fill_after_show(self) -> None:
        if not self.isVisible():  # closed or hidden before it was on screen: the
            self._fill_scheduled = False  # next show reads (not a window gone)
            self._expose_polls = 0
            return
        handle = self.windowHandle()
        if handle is not None and not handle.isExposed() and self._expose_polls < EXPOSE_POLLS:
            self._expose_polls += 1
            QTimer.singleShot(EXPOSE_POLL_MS, self, self._fill_after_show)
            return
        self._fill_scheduled = False
        if self._database is None:
            if not self._said_on_screen:
                self._said_on_screen = True
                self.repaint()  # "Loading…" on screen now, not after the database opened
                self.on_screen.emit()
            return
        self._started = True
        if not self._said_on_screen:  # (a start's window said "Loading…" already)
            self.repaint()  # "Loading…" on screen now, not after the read
        start = self.tabs.currentWidget()
        clients = self.built("clients")
        if clients is not None:  # built at the start (it is current): its list first
            cast("ClientsTab", clients).fill()
            self.repaint()
        if not self.today.loaded:
            self.today.refresh()
        QTimer.singleShot(SESSIONS_AFTER_MS, self, self._prepare_sessions)
        if self._clients_if_idle and not self.today.total \
                and self.tabs.currentWidget() is start:
            self.tabs.setCurrentWidget(self.clients)
        self._clients_if_idle = False

    def _prepare_sessions(self) -> None:
        if self._database is not None:
            self._database.prepare_sessions()

    def _check_ended(self) -> None:
        """The file's integrity check (``Database.open(check_later=True)``) is
        watched until it ends: a failure is said with ``check_failed``."""
        if not self.db.check_finished:
            return
        self._check_timer.stop()
        try:
            self.db.finish_check()
        except Exception as exc:  # a DatabaseError: the file failed its check
            self.check_failed.emit(exc)

    def user_name(self) -> str:
        """Who the window records as the author: --user, else the name chosen
        in Settings, else "" (the services then use the account's full name)."""
        from desktop_crm.ui.user_setting import stored_user_name

        return self._user_override or stored_user_name(self.settings)

    def _make_scope_memory(self) -> ScopeMemory:
        """Where the tabs keep "Mine / Everyone" for the open database."""
        return ScopeMemory(self.settings, self.services.database_uuid(),
                           self.services.mine_by_default)

    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _make_tab(self, key: str) -> QWidget:
        """Build the tab ``key`` of TABS over the current database and keep it
        (Today also as the attribute of that name)."""
        tab: QWidget = getattr(self, f"_make_{key}_tab")()
        self._pages[key] = tab
        if key in BUILT_AT_START:
            setattr(self, key, tab)
        return tab

    def page(self, key: str) -> QWidget:
        """The tab ``key`` of TABS, built now if it was not yet: in the place
        of its stand-in, under its title, current if the stand-in was, its
        splitter where it was left. Built in the current language over the
        current data, it needs none of the changes broadcast before."""
        built = self._pages.get(key)
        if built is not None:
            return built
        index = TAB_KEYS.index(key)
        stand_in = cast(QWidget, self.tabs.widget(index))
        tab = self._make_tab(key)
        sizes = TABS[index][2]
        if sizes is not None:
            self._restore_splitter(key, cast(TabPage, tab).splitter, sizes)
        # signals blocked: the same tab stays current, only its widget changes
        blocked = self.tabs.blockSignals(True)
        current = self.tabs.currentIndex() == index
        self.tabs.insertTab(index, tab, self.tabs.tabText(index))
        if current:
            self.tabs.setCurrentIndex(index)
        self.tabs.removeTab(index + 1)
        self.tabs.blockSignals(blocked)
        stand_in.deleteLater()
        return tab

    def built(self, key: str) -> QWidget | None:
        """The tab ``key`` of TABS if it was built, else None (not building it)."""
        return self._pages.get(key)

    def _build_shown(self, index: int) -> None:
        if self._database is not None and 0 <= index < len(TAB_KEYS):
            self.page(TAB_KEYS[index])

    @property
    def clients(self) -> ClientsTab:
        """The client cards, their list read (see ``_make_clients_tab``)."""
        tab = cast("ClientsTab", self.page("clients"))
        tab.fill()
        return tab

    @property
    def evaluation(self) -> EvaluationTab:
        return cast("EvaluationTab", self.page("evaluation"))

    @property
    def calendar(self) -> CareTab:
        return cast("CareTab", self.page("calendar"))

    @property
    def complaints(self) -> ComplaintsTab:
        return cast("ComplaintsTab", self.page("complaints"))

    @property
    def loyalty(self) -> LoyaltyTab:
        return cast("LoyaltyTab", self.page("loyalty"))

    def pages(self) -> list[TabPage]:
        """The tabs built so far, in their order (a tab not built yet has
        nothing to translate, refresh or save)."""
        return [cast(TabPage, self._pages[key]) for key in TAB_KEYS if key in self._pages]

    def broadcast(self, changes: Changes, sender: QWidget | None = None) -> None:
        """Pass what a write changed to every tab but the one that made it."""
        for page in self.pages():
            if cast(QWidget, page) is not sender:
                page.apply_changes(changes)

    def _make_clients_tab(self) -> ClientsTab:
        from desktop_crm.ui.clients.card_scan import CardScanFlow
        from desktop_crm.ui.clients.tab import ClientsTab

        # built before the window shows (it was closed on them): the list is
        # read right after it shows (_fill_after_show), saying "Loading…"
        tab = ClientsTab(self.services.clients, scope=self._scope_memory,
                         fill_later=not self._started)
        tab.status.connect(self._show_status)
        tab.evaluate_requested.connect(self.evaluate_client)
        tab.data_changed.connect(lambda client_id: self.broadcast(
            Changes(clients=frozenset({client_id}), agenda=True), tab))
        tab.bulk_changed.connect(lambda: self.broadcast(
            Changes(every_client=True, agenda=True, lists=True), tab))
        tab.editor.complaints.open_complaint.connect(self.open_complaint)
        tab.editor.complaints.new_requested.connect(self.new_complaint)
        tab.first_start.import_requested.connect(self.import_clients)
        tab.first_start.demo_requested.connect(self.open_demo_book)
        from desktop_crm.services.card_draft import CardDraftService

        tab.card_scan = CardScanFlow(tab, _scan_card, CardDraftService(
            self.db, self.clock, self.services.user), self.settings)
        return tab

    def _make_complaints_tab(self) -> ComplaintsTab:
        from desktop_crm.ui.complaints.analysis import AnalysisPane
        from desktop_crm.ui.complaints.tab import ComplaintsTab

        tab = ComplaintsTab(self.services.complaints, self.services.clients,
                            scope=self._scope_memory)
        tab.open_client.connect(self.open_client)
        tab.status.connect(self._show_status)
        # a resolution puts its follow-up call on the agenda, and the open card
        # lists the client's complaints
        tab.changed.connect(lambda: self.broadcast(Changes(agenda=True, complaints=True), tab))
        pane = AnalysisPane(self.services.complaints, self.clock)
        pane.complaint_activated.connect(tab.show_complaint)
        pane.client_activated.connect(self.open_client)
        tab.set_analysis_widget(pane)
        return tab

    def open_complaint(self, complaint_id: int) -> None:
        """Show ``complaint_id`` in the complaints tab."""
        self.tabs.setCurrentWidget(self.complaints)
        self.complaints.show_complaint(complaint_id)

    def new_complaint(self, client_id: int | None = None) -> None:
        """A new complaint (for ``client_id`` when given) in the complaints tab."""
        self.tabs.setCurrentWidget(self.complaints)
        self.complaints.new_complaint(client_id)

    def _make_today_tab(self) -> TodayTab:
        from desktop_crm.ui.today.tab import TodayTab

        tab = TodayTab(self.services.agenda, self.services.evaluations,
                       scope=self._scope_memory)
        tab.open_client.connect(self.open_client)
        tab.open_backlog.connect(lambda: self.open_backlog(tab.scope.is_mine()))
        tab.count_changed.connect(self._on_today_count)
        tab.status.connect(self._show_status)
        tab.changed.connect(lambda client_id: self._care_done(client_id, tab))
        return tab

    def _make_calendar_tab(self) -> CareTab:
        from desktop_crm.ui.care.tab import CareTab

        tab = CareTab(self.services.agenda, scope=self._scope_memory)
        tab.open_client.connect(self.open_client)
        tab.open_backlog.connect(lambda: self.open_backlog(tab.scope.is_mine()))
        tab.status.connect(self._show_status)
        tab.changed.connect(lambda client_id: self._care_done(client_id, tab))
        tab.export_requested.connect(self.export_calendar)
        return tab

    def _on_today_count(self, total: int, overdue: int) -> None:
        self._today_count = (total, overdue)
        index = self.tabs.indexOf(self.today)
        if index >= 0:
            self.tabs.setTabText(index, self._today_title())
        # the tray counts what Today lists, in Today's scope
        self.reminders.schedule.mine = self.today.scope.is_mine()
        self.reminders.show_count(self.today.due_count)  # counted as Today drew them

    # -- reminders --------------------------------------------------------------------
    def _make_schedule(self) -> ReminderSchedule:
        """The reminder schedule of the open database, in Today's scope."""
        from desktop_crm.services.reminders import ReminderSchedule
        from desktop_crm.ui.tray import announced_store, reminder_time

        store = announced_store(self.settings, self.services.database_uuid())
        return ReminderSchedule(self.services.agenda, store, reminder_time(self.settings),
                                self.today.scope.is_mine())

    def _make_reminders(self, available: bool | Callable[[], bool] | None) -> ReminderTray:
        from desktop_crm.services.reminders import DueCount
        from desktop_crm.ui.tray import ReminderTray

        tray = ReminderTray(self._make_schedule(), self.clock, self, available)
        tray.show_count(DueCount.of(self.today.items, self.clock().date()))
        tray.open_today.connect(self.show_today)
        tray.open_window.connect(self.show_window)
        tray.quit_requested.connect(self.quit)
        tray.count_changed.connect(lambda _count: self._show_title())
        tray.announced.connect(self._announced)
        return tray

    def start_reminders(self) -> None:
        """Announce what is due and set the reminder timer (``ReminderTray.start``)
        once Today has been read and painted: the tray takes Today's list
        rather than reading the day's agenda a second time before Today."""
        if self.today.loaded:
            self.reminders.start(self.today.items)
            return

        def filled(_total: int, _overdue: int) -> None:
            self.today.count_changed.disconnect(filled)
            # Today painted first: the announcements come on a later turn
            QTimer.singleShot(REMINDERS_AFTER_MS, self, self.start_reminders)

        self.today.count_changed.connect(filled)

    def _announced(self, title: str, text: str) -> None:
        """Without a tray, a notification goes to the status bar, unless it
        holds another message (an import's "Undo", a save): the title keeps
        the count, and what the user just did is not wiped out."""
        if self.reminders.icon is None and not self.statusBar().currentMessage():
            self.statusBar().showMessage(title + ": " + "; ".join(text.splitlines()), 30000)

    def _show_title(self) -> None:
        """The window title; where there is no tray, it carries the day's count."""
        if self._database is None:  # opening: the title says no more yet
            self.setWindowTitle(_("Desktop CRM"))
            return
        from desktop_crm.ui import demo_book
        from desktop_crm.ui.tray import due_text

        count = self.reminders.count
        status = due_text(count) if self.reminders.icon is None and count.due else ""

        self.setWindowTitle(demo_book.window_title(self.db, status))

    def show_window(self) -> None:
        """Bring the window back (from the tray, or from under other windows)."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def show_today(self) -> None:
        """The tray icon or a notification was clicked: the window, on Today."""
        self.show_window()
        self.tabs.setCurrentWidget(self.today)

    def quit(self) -> None:
        """Quit for real (File > Quit, the tray's Quit), even when closing
        would keep the app in the tray."""
        self._quitting = True
        if not self.close():
            self._quitting = False

    def _today_title(self) -> str:
        title = _("Today")
        total, overdue = self._today_count
        if overdue:
            return _("{title} ({n}, {m} overdue)", title=title, n=total, m=overdue)
        return _("{title} ({n})", title=title, n=total) if total else title

    def _care_done(self, client_id: int, sender: QWidget) -> None:
        """An agenda item was marked done or undone: a timeline entry and the
        last contact changed (client 0: a festival greeted a whole list), and
        a complaint follow-up may be done."""
        clients, every_client = client_ids(client_id)
        self.broadcast(Changes(clients=clients, every_client=every_client, timeline=True,
                               agenda=True, complaints=True), sender)

    def open_backlog(self, mine: bool = False) -> None:
        """The client list, filtered to the clients not contacted for long (the
        user's with ``mine``)."""
        self.tabs.setCurrentWidget(self.clients)
        self.clients.show_not_contacted(self.services.agenda.backlog_filter(mine))

    def open_client(self, client_id: int) -> None:
        """Show ``client_id``'s card in the client tab."""
        self.tabs.setCurrentWidget(self.clients)
        if not self.clients.show_client(client_id):
            self._show_status(_("Client {id} does not exist", id=client_id))

    def _make_evaluation_tab(self) -> EvaluationTab:
        from desktop_crm.ui.evaluation.tab import EvaluationTab

        tab = EvaluationTab(self.services.clients, self.services.evaluations)
        tab.status.connect(lambda text: self.statusBar().showMessage(text, 5000))
        tab.evaluated.connect(lambda client_id: self.broadcast(
            Changes(clients=frozenset({client_id}), grades=True), tab))
        return tab

    def _make_loyalty_tab(self) -> LoyaltyTab:
        from desktop_crm.ui.loyalty.tab import LoyaltyTab

        tab = LoyaltyTab(self.services.loyalty, self.services.clients, self.clock,
                         scope=self._scope_memory)
        tab.open_client.connect(self.open_client)
        return tab

    def evaluate_client(self, client_id: int) -> None:
        """Open the evaluation tab on ``client_id``."""
        self.tabs.setCurrentWidget(self.evaluation)
        self.evaluation.select_client(client_id)

    # -- actions and menus -----------------------------------------------------------
    def _action(self, callback: Callable[[], object],
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None
                ) -> QAction:
        action = QAction(self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(callback)
        return action

    def _build_actions(self) -> None:
        self.act_new_db = self._action(self.new_database, "Ctrl+Shift+N")
        self.act_open_db = self._action(self.open_database, QKeySequence.StandardKey.Open)
        self.act_backup = self._action(self.backup_now)
        self.act_restore = self._action(self.restore_from_backup)
        self.act_export_ics = self._action(self.export_calendar)
        self.act_import = self._action(self.import_clients, "Ctrl+I")
        self.act_undo_import = self._action(self.undo_import)
        self.act_scan_card = self._action(self.new_client_from_card, SCAN_CARD)
        self.act_export_xlsx = self._action(self.export_workbook, "Ctrl+E")
        self.act_export_list = self._action(self.export_client_list)
        self.act_export_vcf = self._action(
            lambda: _transfer().export_contacts(self, self.settings, self.db, self._show_status))
        # Ctrl+Q everywhere (the platform key for "quit" is missing on Windows)
        self.act_quit = self._action(self.quit, "Ctrl+Q")
        self.act_new_client = self._action(lambda: self._on_clients(self.clients.new_client),
                                           "Ctrl+N")
        self.act_find = self._action(lambda: self._on_clients(self.clients.focus_search),
                                     "Ctrl+F")
        self.act_save = self._action(self._save_current, "Ctrl+S")
        self.act_new_complaint = self._action(lambda: self.new_complaint(), NEW_COMPLAINT)
        self.act_log = self._action(lambda: self._on_clients(self.clients.log_interaction),
                                    "Ctrl+L")
        self.act_about = self._action(self.about)
        self.act_settings = self._action(self.edit_settings, SETTINGS)
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for lang in LANGUAGES:
            action = QAction(LANGUAGE_NAMES[lang], self, checkable=True)
            action.setChecked(lang == language())
            action.triggered.connect(lambda _checked=False, code=lang: self.switch_language(code))
            self.language_group.addAction(action)
            self.language_actions[lang] = action
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        for a in (self.act_new_db, self.act_open_db, self.act_backup, self.act_restore):
            self.file_menu.addAction(a)
        self.file_menu.addSeparator()
        for a in (self.act_scan_card, self.act_import, self.act_undo_import):
            self.file_menu.addAction(a)
        self.file_menu.addSeparator()
        for a in (self.act_export_xlsx, self.act_export_list, self.act_export_vcf,
                  self.act_export_ics):
            self.file_menu.addAction(a)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.act_settings)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.act_quit)
        self.client_menu = bar.addMenu("")
        for a in (self.act_new_client, self.act_save, self.act_log, self.act_find):
            self.client_menu.addAction(a)
        self.client_menu.addSeparator()
        self.client_menu.addAction(self.act_new_complaint)
        self.language_menu = bar.addMenu("")
        for a in self.language_actions.values():
            self.language_menu.addAction(a)
        self.help_menu = bar.addMenu("")
        self.help_menu.addAction(self.act_about)
        # Ctrl+E and the tab switches work whatever field has the focus
        self.window_keys = WindowKeys(self, self.tabs, [self.act_export_xlsx])

    def _on_clients(self, callback: Callable[[], object]) -> None:
        self.tabs.setCurrentWidget(self.clients)
        callback()

    def new_client_from_card(self) -> None:
        """File > New client from business card...: ask for the image."""
        if self.clients.card_scan is not None:
            self._on_clients(self.clients.card_scan.choose)

    def _save_current(self) -> None:
        """Ctrl+S saves the complaint when its tab is current, else the card."""
        complaints = self.built("complaints")
        if complaints is not None and self.tabs.currentWidget() is complaints:
            self.complaints.save()
        else:
            self._on_clients(self.clients.save)

    def retranslate(self) -> None:
        """The window and every tab built so far in the current language."""
        self._retranslate_window()
        for page in self.pages():
            page.retranslate()

    def _retranslate_window(self) -> None:
        """Menus, the title and the tab titles."""
        self._show_title()
        if self._database is not None:
            self.reminders.retranslate()
        self.file_menu.setTitle(_("&File"))
        self.client_menu.setTitle(_("&Client"))
        # Always show both words, so a user lost in the wrong language finds it.
        other = "Language" if language() == "zh" else "语言"
        self.language_menu.setTitle(_("&Language") + " / " + other)
        self.help_menu.setTitle(_("&Help"))
        self.act_new_db.setText(_("New database…"))
        self.act_open_db.setText(_("Open database…"))
        self.act_backup.setText(_("Back up now"))
        self.act_restore.setText(_("Restore from backup…"))
        # backups, restore and the integrity check are SQLite-file features: on a
        # server they are the server's, and the menu says so where the actions were
        shared = self._database is not None and self._database.shared
        on_server = _server_backups_line() if shared else ""
        for action in (self.act_backup, self.act_restore):
            action.setEnabled(not shared)
            action.setToolTip(on_server or action.text())
            action.setStatusTip(on_server)
        self.act_export_ics.setText(_("Export care calendar (.ics)…"))
        self.act_import.setText(_("Import clients or orders (Excel, CSV, vCard)…"))
        self.act_undo_import.setText(_("Undo last import…"))
        self.act_scan_card.setText(_("New client from business card…"))
        self.act_export_xlsx.setText(_("Export workbook for managers (.xlsx)…"))
        self.act_export_list.setText(_("Export the listed clients (.xlsx)…"))
        self.act_export_vcf.setText(_("Export contacts (.vcf)…"))
        self.act_settings.setText(_("Settings…"))
        self.act_quit.setText(_("Quit"))
        self.act_new_client.setText(_("Create a client card"))
        self.act_find.setText(_("Find client"))
        self.act_save.setText(_("Save card"))
        self.act_log.setText(_("Log interaction"))
        self.act_new_complaint.setText(_("Register a complaint…"))
        self.act_about.setText(_("About Desktop CRM"))
        for index, (_key, title, _sizes) in enumerate(TABS):
            self.tabs.setTabText(index, _(title))
        self.tabs.setTabText(TAB_KEYS.index("today"), self._today_title())

    def switch_language(self, lang: str) -> None:
        set_language(lang)
        install_qt_translations(lang)
        self.settings.setValue("language", lang)
        self.language_actions[lang].setChecked(True)
        self.retranslate()

    # -- database ---------------------------------------------------------------------
    def _confirm_discard(self) -> bool:
        return all(page.confirm_discard() for page in self.pages())

    def _replace_database(self, db: Database, confirmed: bool = False) -> None:
        if not confirmed and not self._confirm_discard():
            db.close()
            return
        from desktop_crm.services.registry import Services
        from desktop_crm.services.reminders import DueCount

        old = self.db
        self._database = db
        self.services = Services.build(db, self.clock, self.user_name())
        self._scope_memory = self._make_scope_memory()
        old_pages, self._pages = self._pages, {}
        # signals blocked: no tab is built over the new database while the
        # tabs are swapped (the client cards become current after)
        blocked = self.tabs.blockSignals(True)
        for index, key in enumerate(TAB_KEYS):
            old_tab = cast(QWidget, self.tabs.widget(index))
            if key in BUILT_AT_START:
                self._swap_tab(old_tab, self._make_tab(key))
                continue
            if key in old_pages:  # its splitter stays where it was
                self._splitter_states[key] = cast(TabPage, old_tab).splitter.saveState()
            self._swap_tab(old_tab, QWidget())
        self.tabs.blockSignals(blocked)
        self.tabs.setCurrentWidget(self.clients)
        self._clients_if_idle = False
        old.close()
        self.today.refresh()  # the window is on screen already
        self.reminders.schedule = self._make_schedule()
        self.reminders.show_count(DueCount.of(self.today.items, self.clock().date()))
        self.retranslate()
        if db.shared:
            self._show_server_backups()
        else:
            self.statusBar().showMessage(_("Opened {path}", path=db.path), 5000)

    def _show_server_backups(self) -> None:
        """Said once, when a server database is opened: its backups are the server's."""
        self.statusBar().showMessage(_server_backups_line(), 30000)

    def _swap_tab(self, old: QWidget, new: QWidget) -> None:
        """Put ``new`` where ``old`` was, keeping its splitter position."""
        index = self.tabs.indexOf(old)
        if isinstance(old, TabPage) and isinstance(new, TabPage):
            new.splitter.restoreState(old.splitter.saveState())
        self.tabs.removeTab(index)
        old.deleteLater()
        self.tabs.insertTab(index, new, "")

    def _choose_and_open(self, create: bool) -> None:
        start = str(self.db.path.parent) if self.db.path else str(Path.home())
        pattern = _("Desktop CRM database (*.db);;All files (*)")
        if create:
            path = _file_dialogs().save_file(self, _("New database"), start, pattern)
        else:
            path = _file_dialogs().open_file(self, _("Open database"), start, pattern)
        if path is None:
            return
        if held_files.held_database(path) is not None:
            # open already: reading its header outside SQLite would drop the locks
            QMessageBox.information(self, _("Open database"),
                                    _("{path} is already open in this window", path=path))
            return
        if create and path.exists():
            QMessageBox.warning(self, _("New database"),
                                _("{path} already exists. Use Open database to open it.",
                                  path=path))
            return
        from desktop_crm.ui.open_book import open_or_recover

        db = open_or_recover(self, path, create=create)
        if db is not None:
            self._replace_database(db)

    def new_database(self) -> None:
        self._choose_and_open(create=True)

    def open_database(self) -> None:
        self._choose_and_open(create=False)

    def open_demo_book(self) -> Operation[int] | None:
        """"Try it with demo data": the demo book, made first when missing."""
        from desktop_crm.ui import demo_book

        return demo_book.open_demo_book(
            self, lambda db: self._replace_database(db, confirmed=True))

    def backup_now(self) -> Operation[Path] | None:
        """File > Back up now, on a worker thread (SQLite's backup API)."""
        from desktop_crm.services.backup import backup
        from desktop_crm.storage.database import DatabaseError

        db = self.db
        if db.shared:  # the action is disabled; a shortcut or a test may still call it
            self._show_server_backups()
            return None
        def checked_backup() -> Path:
            db.finish_check()  # a file still being checked is copied once it passed
            return backup(db)

        return (Operation(self, lambda ctx: checked_backup())
                .with_progress(_("Backing up…"))
                .errors(_("Backup failed"), DatabaseError)
                .success(lambda target: self.statusBar().showMessage(
                    _("Backup written to {path}", path=target), 8000))
                .run_in_background())

    def backup_if_due(self) -> Operation[Path | None] | None:
        """The daily backup, when the newest backup is older than today, made
        on a worker thread (SQLite's backup API copies without holding up
        the window: about 0.5 s at 100,000 clients). The status bar says when
        it is written, or why not (the next hourly check tries again).
        Returns the running operation, or None when there is nothing to back up."""
        if self.db.path is None:
            return None
        if self.db.checking:
            # no copy of a file before its check passed (a damaged one would
            # count as the day's backup): again once the check has ended
            if self._check_timer.isActive():
                QTimer.singleShot(CHECK_POLL_MS * 20, self, self.backup_if_due)
            return None
        from desktop_crm.services.backup import backup_if_due

        path = self.db.path
        return (Operation(self, lambda ctx: backup_if_due(path))
                .success(self._daily_backup_done)
                .failure(self._daily_backup_done)
                .run_in_background())

    def _daily_backup_done(self, outcome: Path | BaseException | None) -> None:
        from desktop_crm.storage.database import DatabaseError

        if isinstance(outcome, DatabaseError):
            self.statusBar().showMessage(str(outcome), 15000)
        elif isinstance(outcome, BaseException):
            show_error(self, _("Backup failed"), outcome, ())
        elif outcome is not None:
            self.statusBar().showMessage(
                _("Daily backup written to {path}", path=outcome), 8000)

    def backup_on_exit(self) -> Path | None:
        """A backup when the window has closed (the rotation keeps it bounded);
        a failure goes to stderr, since there is no window left to show it in."""
        if self.db.path is None or not self.db.path.exists():
            return None
        from desktop_crm.services.backup import BackupReason, backup
        from desktop_crm.storage.database import DatabaseError

        try:
            self.db.finish_check()  # only a file that passed its check is copied
            return backup(self.db, reason=BackupReason.EXIT)
        except DatabaseError as exc:
            print(f"desktop-crm: {exc}", file=sys.stderr)
            return None

    def restore_from_backup(self) -> Operation[RestoreResult] | None:
        """File > Restore from backup: choose, confirm, then restore on a worker
        thread and reopen. Returns the restore operation, or None when nothing
        was chosen."""
        path = self.db.path
        if path is None:  # the action is disabled on a server database
            self._show_server_backups()
            return None
        if not self._confirm_discard():
            return None
        from desktop_crm.services.restore import restore
        from desktop_crm.storage.database import Database, DatabaseError
        from desktop_crm.ui import backups

        chosen = backups.choose_backup(self, path)
        if chosen is None:
            return None

        def reopen(result: RestoreResult | None) -> None:
            try:
                db = Database.open(path)
            except DatabaseError as exc:
                QMessageBox.critical(self, _("Cannot open the database"), str(exc))
                return
            self._replace_database(db, confirmed=True)
            if result is not None:
                self._show_status(backups.restored_message(result))

        def failed(exc: BaseException) -> None:
            show_error(self, _("Restore failed"), exc, (DatabaseError,))
            reopen(None)

        operation = (Operation(self, lambda ctx: restore(path, chosen.path))
                     .with_progress(_("Restoring the backup of {when}…",
                                      when=f"{chosen.taken_at:%Y-%m-%d %H:%M}"))
                     .success(reopen)
                     .failure(failed))

        def start() -> None:
            # Work the window scheduled before (a card to load after a list
            # change: zero timers, which fire in order) has run on the open
            # database; now every connection is closed, and the restore, which
            # refuses a file still open, waits for nothing.
            self.db.close()
            operation.run_in_background()

        QTimer.singleShot(0, start)
        return operation

    def export_workbook(self) -> Operation[XlsxResult] | None:
        from desktop_crm.ui import transfer

        return transfer.export_workbook(self, self.settings, self.db, self.clock,
                                        self._show_status)

    def export_client_list(self) -> Operation[XlsxResult] | None:
        """The clients the client tab lists now (search and filters applied)."""
        if not self.clients.model.loaded:
            self.clients.apply_filter()
        ids = self.clients.model.ids()
        from desktop_crm.ui import transfer

        return transfer.export_workbook(self, self.settings, self.db, self.clock,
                                        self._show_status, client_ids=ids)

    def import_clients(self) -> Operation[tuple[ImportSource, FirstPlan | None]] | None:
        """File > Import: read, map, import (see ``transfer.import_file``)."""
        from desktop_crm.ui import transfer

        return transfer.import_file(self, self.settings, self.services.importer(),
                                    self._show_status,
                                    imported=lambda _batch: self._after_bulk_change())

    def undo_import(self) -> bool:
        from desktop_crm.ui import transfer

        done = transfer.undo_last_import(self, self.services.importer(backup_first=False),
                                         self._show_status)
        if done:
            self._after_bulk_change()
        return done

    def _after_bulk_change(self) -> None:
        """Many clients changed at once (an import or its undo): every list."""
        self.broadcast(Changes(every_client=True, agenda=True, lists=True))

    def export_calendar(self) -> Operation[int] | None:
        """File > Export care calendar: the next year's agenda as an .ics file,
        written on a worker thread."""
        from desktop_crm.ui.start_folder import start_folder

        start = start_folder(self.settings, self.db)  # never the hidden data folder
        chosen = _file_dialogs().save_file(
            self, _("Export care calendar"), start / "care-calendar.ics",
            _("iCalendar file (*.ics)"))
        if chosen is None:
            return None
        path = str(chosen)
        if not path.lower().endswith(".ics"):
            path += ".ics"
        agenda = self.services.agenda
        from desktop_crm.services.ics_export import export_ics

        def failed(exc: BaseException) -> None:
            # ExportError: a refused path, a failed write
            if isinstance(exc, OSError):
                exc = ExportError(_("Cannot write {path}: {reason}", path=path,
                                    reason=exc.strerror or exc))
            show_error(self, _("Export failed"), exc, (ExportError,))

        def written(count: int) -> None:
            self.settings.setValue("export/folder", str(Path(path).parent))
            self._show_status(ngettext("Wrote {n} event to {path}",
                                       "Wrote {n} events to {path}",
                                       count, path=path))

        return (Operation(self, lambda ctx: export_ics(agenda, path, EXPORT_DAYS))
                .with_progress(_("Writing the care calendar…"))
                .failure(failed)
                .success(written)
                .run_in_background())

    def edit_settings(self) -> SettingsDialog:
        """File > Settings (Ctrl+,): your name, the reminders, starting with the
        computer. Opened window-modal; returns the dialog."""
        from desktop_crm.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self, self.autostart, self.reminders.available)
        dialog.accepted.connect(self._settings_changed)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _settings_changed(self) -> None:
        """The name chosen applies from the next write on, and "Mine" lists follow it."""
        from desktop_crm.ui.tray import reminder_time
        from desktop_crm.ui.user_setting import stored_user_name

        self._user_override = None
        self.reminders.set_reminder_time(reminder_time(self.settings))
        name = self.services.set_user(stored_user_name(self.settings))
        for page in self.pages():
            page.apply_changes(Changes(user=True))
        self._show_status(_("Your name is now {name}", name=name))

    def about(self) -> None:
        from desktop_crm.storage.database import shown_url

        QMessageBox.about(
            self, _("About Desktop CRM"),
            "<h3>" + _("Desktop CRM") + f" {__version__}</h3><p>"
            + _("Offline client-card manager for salespeople.") + "</p><p>"
            + _("Database: {path}", path=self.db.path or shown_url(self.db.url)) + "</p>",
        )

    # -- state ------------------------------------------------------------------------
    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        for key, splitter, sizes in self._splitters():
            self._restore_splitter(key, splitter, sizes)

    def _restore_splitter(self, key: str, splitter: QSplitter, sizes: list[int]) -> None:
        """Where the splitter of tab ``key`` was left (in this window, else when
        the window last closed), else its default ``sizes``."""
        state = self._splitter_states.pop(key, None) or self.settings.value(
            f"window/{key}_splitter")
        if isinstance(state, QByteArray) and not state.isEmpty():
            splitter.restoreState(state)
        else:
            splitter.setSizes(sizes)

    def _splitters(self) -> list[tuple[str, QSplitter, list[int]]]:
        """Each built tab's remembered splitter: settings key and default sizes
        (a tab not built yet keeps what was remembered)."""
        return [(key, cast(TabPage, self._pages[key]).splitter, sizes)
                for key, _title, sizes in TABS if sizes is not None and key in self._pages]

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        if 0 <= self.tabs.currentIndex() < len(TAB_KEYS):
            self.settings.setValue(TAB_KEY, TAB_KEYS[self.tabs.currentIndex()])
        for key, splitter, _sizes in self._splitters():
            self.settings.setValue(f"window/{key}_splitter", splitter.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Override QWidget::closeEvent: hide in the tray when the setting says
        so (explained the first time), else ask about unsaved edits, remember
        the layout and close for good."""
        if not self._quitting and self._database is not None \
                and self.reminders.icon is not None \
                and _close_to_tray().keeps_running(self.settings):
            self.save_state()
            event.ignore()
            self.hide()  # first, so that the explanation is about what the user sees
            _close_to_tray().explain_once(self, self.settings)
            return
        if not self._confirm_discard():
            event.ignore()
            return
        self.save_state()
        if self._database is not None:
            self.reminders.hide()
        event.accept()
        self.closed.emit()
