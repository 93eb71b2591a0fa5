"""The main window: tabs, menus, language switch, remembered geometry."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QWidget,
)

from desktop_crm import __version__
from desktop_crm.i18n import LANGUAGES, N_, _, language, set_language
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.backup import BackupReason, backup, backup_if_due
from desktop_crm.services.clients import ClientService
from desktop_crm.services.clock import Clock, system_clock
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.services.evaluations import EvaluationService
from desktop_crm.services.files import ExportError
from desktop_crm.services.ics_export import export_ics
from desktop_crm.storage import held_files
from desktop_crm.storage.database import Database, DatabaseError
from desktop_crm.ui import backups, file_dialogs, transfer
from desktop_crm.ui.background import ThreadedResults
from desktop_crm.ui.care.tab import CareTab
from desktop_crm.ui.clients.tab import ClientsTab
from desktop_crm.ui.complaints.analysis import AnalysisPane
from desktop_crm.ui.complaints.tab import NEW_SHORTCUT, ComplaintsTab
from desktop_crm.ui.evaluation.tab import EvaluationTab
from desktop_crm.ui.qt_translations import install_qt_translations
from desktop_crm.ui.today.tab import TodayTab
from desktop_crm.ui.widgets import INVALID_STYLE

LANGUAGE_NAMES = {"zh": "简体中文", "en": "English"}
EXPORT_DAYS = 365  # the .ics file covers the coming year
TabT = TypeVar("TabT", bound=QWidget)


class MainWindow(QMainWindow):
    """One window over one database.

    Attributes:
        db: the open database.
        clients: the client-cards tab.
        evaluation: the evaluation tab.
        complaints: the complaints tab.
    """

    def __init__(self, db: Database, settings: QSettings, clock: Clock | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.db = db
        self.clock = clock or system_clock
        self.setStyleSheet(INVALID_STYLE)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self._today_count = (0, 0)
        self.today = self._make_today_tab()
        self.calendar = self._make_calendar_tab()
        self.complaints = self._make_complaints_tab()
        self.clients = self._make_clients_tab()
        self.evaluation = self._make_evaluation_tab()
        self.tabs.addTab(self.today, "")
        self.tabs.addTab(self.clients, "")
        self.tabs.addTab(self.evaluation, "")
        self.tabs.addTab(self.calendar, "")
        self.tabs.addTab(self.complaints, "")
        # Today comes first on start when something needs doing.
        self.tabs.setCurrentWidget(self.today if self.today.total else self.clients)
        self._build_actions()
        self.retranslate()
        self._restore_state()

    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _make_clients_tab(self) -> ClientsTab:
        tab = ClientsTab(ClientService(self.db, self.clock))
        tab.status.connect(self._show_status)
        tab.evaluate_requested.connect(self.evaluate_client)
        tab.data_changed.connect(self._on_client_changed)
        tab.editor.complaints.open_complaint.connect(self.open_complaint)
        tab.editor.complaints.new_requested.connect(self.new_complaint)
        return tab

    def _make_complaints_tab(self) -> ComplaintsTab:
        tab = ComplaintsTab(ComplaintService(self.db, self.clock),
                            ClientService(self.db, self.clock))
        tab.open_client.connect(self.open_client)
        tab.status.connect(self._show_status)
        tab.changed.connect(self._on_complaints_changed)
        pane = AnalysisPane(ComplaintService(self.db, self.clock), self.clock)
        pane.complaint_activated.connect(tab.show_complaint)
        pane.client_activated.connect(self.open_client)
        tab.set_analysis_widget(pane)
        return tab

    def _on_complaints_changed(self) -> None:
        """A complaint was registered, saved or moved: a resolution puts its
        follow-up call on the agenda, and the open card lists the complaint."""
        self.today.refresh()
        if self.calendar.isVisible():
            self.calendar.refresh()
        self.clients.editor.complaints.reload()

    def open_complaint(self, complaint_id: int) -> None:
        """Show ``complaint_id`` in the complaints tab."""
        self.tabs.setCurrentWidget(self.complaints)
        self.complaints.show_complaint(complaint_id)

    def new_complaint(self, client_id: int | None = None) -> None:
        """A new complaint (for ``client_id`` when given) in the complaints tab."""
        self.tabs.setCurrentWidget(self.complaints)
        self.complaints.new_complaint(client_id)

    def _make_today_tab(self) -> TodayTab:
        tab = TodayTab(AgendaService(self.db, self.clock), EvaluationService(self.db))
        tab.open_client.connect(self.open_client)
        tab.open_backlog.connect(self.open_backlog)
        tab.count_changed.connect(self._on_today_count)
        tab.status.connect(self._show_status)
        tab.changed.connect(self._on_care_done)
        self._today_count = (tab.total, tab.overdue)
        return tab

    def _make_calendar_tab(self) -> CareTab:
        tab = CareTab(AgendaService(self.db, self.clock))
        tab.open_client.connect(self.open_client)
        tab.open_backlog.connect(self.open_backlog)
        tab.status.connect(self._show_status)
        tab.changed.connect(self._on_care_done)
        tab.export_requested.connect(self.export_calendar)
        return tab

    def _on_today_count(self, total: int, overdue: int) -> None:
        self._today_count = (total, overdue)
        index = self.tabs.indexOf(self.today)
        if index >= 0:
            self.tabs.setTabText(index, self._today_title())

    def _today_title(self) -> str:
        title = _("Today")
        total, overdue = self._today_count
        if overdue:
            return _("{title} ({n}, {m} overdue)", title=title, n=total, m=overdue)
        return f"{title} ({total})" if total else title

    def _on_care_done(self, client_id: int) -> None:
        """An agenda item was marked done: the timeline and last contact changed."""
        sender = self.sender()
        for tab in (self.today, self.calendar):
            if tab is not sender and (tab is self.today or tab.isVisible()):
                tab.refresh()
        self._refresh_client(client_id)
        self.clients.editor.complaints.reload()  # a complaint follow-up may be done

    def _on_client_changed(self, client_id: int) -> None:
        """A card or its timeline changed: the agenda may have too."""
        self.today.refresh()
        if self.calendar.isVisible():
            self.calendar.refresh()

    def _refresh_client(self, client_id: int) -> None:
        if client_id:
            self.clients.model.invalidate(client_id)
            if self.clients.editor.client_id == client_id:
                self.clients.editor.timeline.reload()
        else:  # a festival greeted a whole list
            self.clients.model.invalidate_all()
            if self.clients.editor.client_id is not None:
                self.clients.editor.timeline.reload()

    def open_backlog(self) -> None:
        """The client list, filtered to the clients not contacted for long."""
        self.tabs.setCurrentWidget(self.clients)
        self.clients.show_not_contacted(AgendaService(self.db, self.clock).backlog_filter())

    def open_client(self, client_id: int) -> None:
        """Show ``client_id``'s card in the client tab."""
        self.tabs.setCurrentWidget(self.clients)
        if not self.clients.show_client(client_id):
            self._show_status(_("Client {id} does not exist", id=client_id))

    def _make_evaluation_tab(self) -> EvaluationTab:
        tab = EvaluationTab(ClientService(self.db), EvaluationService(self.db))
        tab.status.connect(lambda text: self.statusBar().showMessage(text, 5000))
        tab.evaluated.connect(self._on_evaluated)
        return tab

    def evaluate_client(self, client_id: int) -> None:
        """Open the evaluation tab on ``client_id``."""
        self.tabs.setCurrentWidget(self.evaluation)
        self.evaluation.select_client(client_id)

    def _on_evaluated(self, client_id: int) -> None:
        """A new grade: repaint the client list row and the open card, unless it has
        unsaved edits (the grade line then updates on the next load)."""
        self.clients.model.invalidate(client_id)
        self.today.refresh()
        editor = self.clients.editor
        if editor.client_id == client_id and not editor.is_dirty():
            editor.load_id(client_id)

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
        self.act_export_xlsx = self._action(self.export_workbook, "Ctrl+E")
        self.act_export_list = self._action(self.export_client_list)
        self.act_export_vcf = self._action(
            lambda: transfer.export_contacts(self, self.settings, self.db, self._show_status))
        # Ctrl+Q everywhere (the platform key for "quit" is missing on Windows)
        self.act_quit = self._action(self.close, "Ctrl+Q")
        self.act_new_client = self._action(lambda: self._on_clients(self.clients.new_client),
                                           "Ctrl+N")
        self.act_find = self._action(lambda: self._on_clients(self.clients.focus_search),
                                     "Ctrl+F")
        self.act_save = self._action(self._save_current, "Ctrl+S")
        self.act_new_complaint = self._action(lambda: self.new_complaint(), NEW_SHORTCUT)
        self.act_log = self._action(lambda: self._on_clients(self.clients.log_interaction),
                                    "Ctrl+L")
        self.act_about = self._action(self.about)
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
        for a in (self.act_import, self.act_undo_import):
            self.file_menu.addAction(a)
        self.file_menu.addSeparator()
        for a in (self.act_export_xlsx, self.act_export_list, self.act_export_vcf,
                  self.act_export_ics):
            self.file_menu.addAction(a)
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

    def _on_clients(self, callback: Callable[[], object]) -> None:
        self.tabs.setCurrentWidget(self.clients)
        callback()

    def _save_current(self) -> None:
        """Ctrl+S saves the complaint when its tab is current, else the card."""
        if self.tabs.currentWidget() is self.complaints:
            self.complaints.save()
        else:
            self._on_clients(self.clients.save)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Desktop CRM") + " — " + str(self.db.path or self.db.url))
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
        self.act_export_ics.setText(_("Export care calendar (.ics)…"))
        self.act_import.setText(_("Import clients (Excel, CSV, vCard)…"))
        self.act_undo_import.setText(_("Undo last import…"))
        self.act_export_xlsx.setText(_("Export workbook for managers (.xlsx)…"))
        self.act_export_list.setText(_("Export the listed clients (.xlsx)…"))
        self.act_export_vcf.setText(_("Export contacts (.vcf)…"))
        self.act_quit.setText(_("Quit"))
        self.act_new_client.setText(_("Create a client card"))
        self.act_find.setText(_("Find client"))
        self.act_save.setText(_("Save card"))
        self.act_log.setText(_("Log interaction"))
        self.act_new_complaint.setText(_("Register a complaint…"))
        self.act_about.setText(_("About Desktop CRM"))
        titles = (N_("Today"), N_("Client cards"), N_("Evaluation"), N_("Care calendar"),
                  N_("Complaints"))
        for index, title in enumerate(titles):
            self.tabs.setTabText(index, _(title))
        self.tabs.setTabText(self.tabs.indexOf(self.today), self._today_title())
        for tab in (self.today, self.evaluation, self.calendar, self.complaints, self.clients):
            tab.retranslate()

    def switch_language(self, lang: str) -> None:
        set_language(lang)
        install_qt_translations(lang)
        self.settings.setValue("language", lang)
        self.language_actions[lang].setChecked(True)
        self.retranslate()

    # -- database ---------------------------------------------------------------------
    def _confirm_discard(self) -> bool:
        return self.clients.confirm_discard() and self.complaints.confirm_discard()

    def _replace_database(self, db: Database, confirmed: bool = False) -> None:
        if not confirmed and not self._confirm_discard():
            db.close()
            return
        old = self.db
        self.db = db
        self.clients = self._swap_tab(self.clients, self._make_clients_tab())
        self.evaluation = self._swap_tab(self.evaluation, self._make_evaluation_tab())
        self.today = self._swap_tab(self.today, self._make_today_tab())
        self.calendar = self._swap_tab(self.calendar, self._make_calendar_tab())
        self.complaints = self._swap_tab(self.complaints, self._make_complaints_tab())
        self.tabs.setCurrentWidget(self.clients)
        old.close()
        self.retranslate()
        self.statusBar().showMessage(_("Opened {path}", path=db.path or db.url), 5000)

    def _swap_tab(self, old: TabT, new: TabT) -> TabT:
        """Put ``new`` where ``old`` was, keeping its splitter position."""
        index = self.tabs.indexOf(old)
        splitter = getattr(old, "splitter", None)
        if splitter is not None:
            new.splitter.restoreState(splitter.saveState())  # type: ignore[attr-defined]
        self.tabs.removeTab(index)
        old.deleteLater()
        self.tabs.insertTab(index, new, "")
        return new

    def _choose_and_open(self, create: bool) -> None:
        start = str(self.db.path.parent) if self.db.path else str(Path.home())
        pattern = _("Desktop CRM database (*.db);;All files (*)")
        if create:
            path = file_dialogs.save_file(self, _("New database"), start, pattern)
        else:
            path = file_dialogs.open_file(self, _("Open database"), start, pattern)
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
        db = backups.open_or_recover(self, path, create=create)
        if db is not None:
            self._replace_database(db)

    def new_database(self) -> None:
        self._choose_and_open(create=True)

    def open_database(self) -> None:
        self._choose_and_open(create=False)

    def backup_now(self) -> Path | None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            target = backup(self.db)
        except DatabaseError as exc:
            QApplication.restoreOverrideCursor()
            QMessageBox.critical(self, _("Backup failed"), str(exc))
            return None
        QApplication.restoreOverrideCursor()
        self.statusBar().showMessage(_("Backup written to {path}", path=target), 8000)
        return target

    def backup_if_due(self) -> ThreadedResults[Path | DatabaseError | None] | None:
        """The daily backup, when the newest backup is older than today, made
        in a background thread (SQLite's backup API copies without holding up
        the window: about 0.5 s at 100,000 clients). The status bar says when
        it is written, or why not (the next hourly check tries again).
        Returns the running job, or None when there is nothing to back up."""
        if self.db.path is None:
            return None
        path = self.db.path

        def work() -> Path | DatabaseError | None:
            try:
                return backup_if_due(path)
            except DatabaseError as exc:
                return exc

        job: ThreadedResults[Path | DatabaseError | None] = ThreadedResults(
            [work], lambda _index, outcome: self._daily_backup_done(outcome), self)
        job.start()
        return job

    def _daily_backup_done(self, outcome: Path | DatabaseError | None) -> None:
        if isinstance(outcome, DatabaseError):
            self.statusBar().showMessage(str(outcome), 15000)
        elif outcome is not None:
            self.statusBar().showMessage(
                _("Daily backup written to {path}", path=outcome), 8000)

    def backup_on_exit(self) -> Path | None:
        """A backup when the window has closed (the rotation keeps it bounded);
        a failure goes to stderr, since there is no window left to show it in."""
        if self.db.path is None or not self.db.path.exists():
            return None
        try:
            return backup(self.db, reason=BackupReason.EXIT)
        except DatabaseError as exc:
            print(f"desktop-crm: {exc}", file=sys.stderr)
            return None

    def restore_from_backup(self) -> bool:
        """File > Restore from backup: choose, confirm, restore, reopen."""
        path = self.db.path
        if path is None:
            QMessageBox.information(self, _("Restore from backup"),
                                    _("Backups are only made of SQLite databases"))
            return False
        if not self._confirm_discard():
            return False
        chosen = backups.choose_backup(self, path)
        if chosen is None:
            return False
        # Work the window has scheduled (a card to load after a list change)
        # runs now, on the open database; then every connection is closed, and
        # the restore, which refuses a file still open, waits for nothing.
        QApplication.processEvents()
        self.db.close()
        result = backups.run_restore(self, path, chosen)
        try:
            db = Database.open(path)
        except DatabaseError as exc:
            QMessageBox.critical(self, _("Cannot open the database"), str(exc))
            return False
        self._replace_database(db, confirmed=True)
        if result is None:
            return False
        self._show_status(backups.restored_message(result))
        return True

    def export_workbook(self) -> Path | None:
        return transfer.export_workbook(self, self.settings, self.db, self.clock,
                                        self._show_status)

    def export_client_list(self) -> Path | None:
        """The clients the client tab lists now (search and filters applied)."""
        if not self.clients.model.loaded:
            self.clients.apply_filter()
        ids = self.clients.model.ids()
        return transfer.export_workbook(self, self.settings, self.db, self.clock,
                                        self._show_status, client_ids=ids)

    def import_clients(self) -> int | None:
        batch = transfer.import_file(self, self.settings, self.db, self.clock,
                                     self._show_status)
        if batch is not None:
            self._after_bulk_change()
        return batch

    def undo_import(self) -> bool:
        done = transfer.undo_last_import(self, self.db, self.clock, self._show_status)
        if done:
            self._after_bulk_change()
        return done

    def _after_bulk_change(self) -> None:
        """Many clients changed at once: read the lists again."""
        self.clients.reload_filters()
        self.clients.apply_filter()
        self.today.refresh()
        if self.calendar.isVisible():
            self.calendar.refresh()

    def export_calendar(self) -> Path | None:
        """File > Export care calendar: the next year's agenda as an .ics file."""
        start = self.settings.value("export/folder") or str(
            self.db.path.parent if self.db.path else Path.home())
        chosen = file_dialogs.save_file(
            self, _("Export care calendar"), Path(str(start)) / "care-calendar.ics",
            _("iCalendar file (*.ics)"))
        if chosen is None:
            return None
        path = str(chosen)
        if not path.lower().endswith(".ics"):
            path += ".ics"
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            count = export_ics(AgendaService(self.db, self.clock), path, EXPORT_DAYS)
        except (ExportError, OSError) as exc:  # ExportError: a refused path, a failed write
            QApplication.restoreOverrideCursor()
            QMessageBox.critical(self, _("Export failed"), str(exc) if isinstance(
                exc, ExportError) else _("Cannot write {path}: {reason}", path=path,
                                         reason=exc.strerror or exc))
            return None
        QApplication.restoreOverrideCursor()
        self.settings.setValue("export/folder", str(Path(path).parent))
        self._show_status(_("Wrote {n} events to {path}", n=count, path=path))
        return Path(path)

    def about(self) -> None:
        QMessageBox.about(
            self, _("About Desktop CRM"),
            "<h3>" + _("Desktop CRM") + f" {__version__}</h3><p>"
            + _("Offline client-card manager for salespeople.") + "</p><p>"
            + _("Database: {path}", path=self.db.path or self.db.url) + "</p>",
        )

    # -- state ------------------------------------------------------------------------
    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        for key, splitter, sizes in self._splitters():
            state = self.settings.value(f"window/{key}_splitter")
            if isinstance(state, QByteArray) and not state.isEmpty():
                splitter.restoreState(state)
            else:
                splitter.setSizes(sizes)

    def _splitters(self) -> list[tuple[str, QSplitter, list[int]]]:
        """Each tab's list | details splitter: settings key and default sizes."""
        return [("clients", self.clients.splitter, [520, 760]),
                ("evaluation", self.evaluation.splitter, [560, 720]),
                ("calendar", self.calendar.splitter, [460, 820]),
                ("complaints", self.complaints.splitter, [640, 640])]

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        for key, splitter, _sizes in self._splitters():
            self.settings.setValue(f"window/{key}_splitter", splitter.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Override QWidget::closeEvent: ask about unsaved edits, remember the layout."""
        if not self.clients.confirm_discard() or not self.complaints.confirm_discard():
            event.ignore()
            return
        self.save_state()
        event.accept()
