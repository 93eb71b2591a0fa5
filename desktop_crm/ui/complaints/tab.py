"""The complaints tab (投诉): filters and the list on the left; on the right the
chosen complaint's workflow buttons, its form (the source's steps), handling
log and status history. A second page can hold the analysis pane."""

from __future__ import annotations

import calendar
from datetime import date

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.complaint import (
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    TransitionError,
    age_text,
)
from desktop_crm.domain.errors import NotFoundError
from desktop_crm.domain.validation import ValidationError
from desktop_crm.i18n import N_, _, ngettext
from desktop_crm.services.clients import ClientService
from desktop_crm.services.complaints import ComplaintFilter, ComplaintService
from desktop_crm.ui import menu_keys
from desktop_crm.ui.changes import Changes
from desktop_crm.ui.complaints.form import ComplaintForm
from desktop_crm.ui.complaints.list_model import (
    OVERDUE_COLOUR,
    ComplaintListModel,
    deadline_text,
)
from desktop_crm.ui.complaints.records import HandlingLog, StatusHistory
from desktop_crm.ui.complaints.workflow import TransitionBar
from desktop_crm.ui.date_edit import DateEdit
from desktop_crm.ui.owner_scope import OwnerScopeCombo, ScopeMemory
from desktop_crm.ui.table_model import texts_changed
from desktop_crm.ui.widgets import (
    configure_list_view,
    from_qdate,
    refill_combo,
    select_row_quietly,
    to_qdate,
)

NEW_SHORTCUT = menu_keys.NEW_COMPLAINT
CLIENT_COLUMN = 2
PERIODS = (("all", N_("All time")), ("month", N_("This month")),
           ("quarter", N_("Last 3 months")), ("year", N_("This year")),
           ("custom", N_("From … to …")))
DETAIL_PAGES = (N_("Steps"), N_("Handling log"), N_("Status history"))


def period_range(key: str, today: date) -> tuple[date | None, date | None]:
    """The received-on bounds of a period choice ("custom" is read from the date edits)."""
    if key == "month":
        return today.replace(day=1), None
    if key == "quarter":
        year, month = divmod(today.year * 12 + today.month - 1 - 3, 12)
        day = min(today.day, calendar.monthrange(year, month + 1)[1])
        return date(year, month + 1, day), None
    if key == "year":
        return date(today.year, 1, 1), None
    return None, None


def _bold(label: QLabel, scale: float = 1.0) -> QLabel:
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


class ComplaintsTab(QWidget):
    """Register, handle and follow up complaints.

    Signals:
        open_client: show a client's card (argument: id).
        changed: a complaint was registered, saved, moved or logged, so Today and
            the care calendar may have changed.
        status: a short message for the status bar.

    Attributes:
        service, clients: the use cases behind the tab.
        pages: "Handling" and, once set_analysis_widget() added it, "Analysis".
        status_filter, category_filter, department_filter, period, since, until:
            what the list shows.
        model, view: the list; empty_label says why it is empty.
        splitter: list | complaint (remembered by the main window).
        transitions: the buttons for the legal moves.
        form: the complaint form; log: the handling log; history: the status history.
        details: form | log | history.
    """

    open_client = Signal(int)
    changed = Signal()
    status = Signal(str)

    def __init__(self, service: ComplaintService, clients: ClientService,
                 parent: QWidget | None = None, scope: ScopeMemory | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.scope = OwnerScopeCombo("complaints", scope, self)
        self.clients = clients
        self._loaded = False
        self.analysis: QWidget | None = None

        # left: filters, list, count and "new"
        self.status_filter = QComboBox(self)
        self.category_filter = QComboBox(self)
        self.department_filter = QComboBox(self)
        self.period = QComboBox(self)
        for combo in (self.status_filter, self.category_filter, self.department_filter,
                      self.period):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
        today = to_qdate(service.now().date())
        self.since = DateEdit(self, today.addMonths(-1))
        self.until = DateEdit(self, today)
        for edit in (self.since, self.until):
            edit.setMinimumDate(QDate(2000, 1, 1))
        self.range_dash = QLabel("–", self)
        self.model = ComplaintListModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        configure_list_view(self.view, sortable=False, stretch_last=False)
        self.view.setWordWrap(False)
        # the client column takes what the others leave, so the deadline stays in view
        self.view.horizontalHeader().setSectionResizeMode(CLIENT_COLUMN,
                                                          QHeaderView.ResizeMode.Stretch)
        self.empty_label = QLabel(self)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.count_label = QLabel(self)
        self.new_button = QPushButton(self)

        filters = QHBoxLayout()
        filters.addWidget(self.scope)
        for combo in (self.status_filter, self.category_filter, self.department_filter,
                      self.period):
            filters.addWidget(combo, 1)
        period = QHBoxLayout()  # only for "From … to …"
        period.addStretch(1)
        period.addWidget(self.since)
        period.addWidget(self.range_dash)
        period.addWidget(self.until)
        below = QHBoxLayout()
        below.addWidget(self.new_button)
        below.addStretch(1)
        below.addWidget(self.count_label)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filters)
        left_layout.addLayout(period)
        left_layout.addWidget(self.empty_label, 1)
        left_layout.addWidget(self.view, 1)
        left_layout.addLayout(below)

        # right: the chosen complaint
        self.title = _bold(QLabel(self), 1.3)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        self.open_card_button = QPushButton(self)
        self.cancel_button = QPushButton(self)
        self.save_button = QPushButton(self)
        self.transitions = TransitionBar(self)
        self.form = ComplaintForm(service, clients, self)
        self.log = HandlingLog(self)
        self.history = StatusHistory(self)
        self.details = QTabWidget(self)
        self.details.setDocumentMode(True)
        self.details.addTab(self.form, "")
        self.details.addTab(self.log, "")
        self.details.addTab(self.history, "")
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.open_card_button)
        head.addWidget(self.cancel_button)
        head.addWidget(self.save_button)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(head)
        right_layout.addWidget(self.state)
        right_layout.addWidget(self.transitions)
        right_layout.addWidget(self.details, 1)
        cancel = QAction(right)
        cancel.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        cancel.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        cancel.triggered.connect(self.form.revert)
        right.addAction(cancel)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        handling = QWidget(self)
        handling_layout = QVBoxLayout(handling)
        handling_layout.setContentsMargins(0, 0, 0, 0)
        handling_layout.addWidget(self.splitter)
        self.pages = QTabWidget(self)
        self.pages.setDocumentMode(True)
        self.pages.setTabBarAutoHide(True)  # one page until the analysis arrives
        self.pages.addTab(handling, "")
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

        for combo in (self.status_filter, self.category_filter, self.department_filter,
                      self.period):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.scope.scope_changed.connect(self.apply_filter)
        self.since.dateChanged.connect(self.apply_filter)
        self.until.dateChanged.connect(self.apply_filter)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.new_button.clicked.connect(lambda: self.new_complaint())
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.form.revert)
        self.open_card_button.clicked.connect(self._open_card)
        self.form.saved.connect(self._on_saved)
        self.form.dirty_changed.connect(self._update_buttons)
        self.form.client.changed.connect(self._update_buttons)
        self.transitions.requested.connect(self.transition)
        self.log.add_requested.connect(self.add_log)
        self.pages.currentChanged.connect(self._on_page_changed)
        self.retranslate()
        self._show(None)

    # -- texts ----------------------------------------------------------------------
    def retranslate(self) -> None:
        refill_combo(self.status_filter, [(_("All statuses"), None), (_("Open"), "open")]
                     + [(s.label, s.value) for s in ComplaintStatus])
        self.status_filter.setItemData(1, _("Registered, in progress or resolved: still needs "
                                            "work from us"), Qt.ItemDataRole.ToolTipRole)
        refill_combo(self.category_filter, [(_("All categories"), None)]
                     + [(c.label, c.value) for c in ComplaintCategory])
        self._fill_departments()
        refill_combo(self.period, [(_(text), key) for key, text in PERIODS])
        self.scope.retranslate()
        self.new_button.setText(_("New complaint ({key})", key=NEW_SHORTCUT))
        self.new_button.setToolTip(_("Register a complaint: record the client's words first"))
        self.open_card_button.setText(_("Open card"))
        self.cancel_button.setText(_("Cancel (Esc)"))
        self.pages.setTabText(0, _("Handling"))
        if self.analysis is not None:
            self.pages.setTabText(1, _("Analysis"))
            retranslate = getattr(self.analysis, "retranslate", None)
            if callable(retranslate):
                retranslate()
        self.transitions.retranslate()
        self.form.retranslate()
        self.log.retranslate()
        self.history.retranslate()
        texts_changed(self.model)
        if self._loaded:
            self.apply_filter()
        self._show_header()

    def _fill_departments(self) -> None:
        known = self.service.departments() if self._loaded else []
        refill_combo(self.department_filter, [(_("All departments"), None)]
                     + [(d, d) for d in known])
        self.form.set_departments(known)

    # -- the analysis page ------------------------------------------------------------
    def set_analysis_widget(self, widget: QWidget) -> None:
        """Add ``widget`` as the second page, "Analysis". If it has retranslate(), it
        is called on language changes; if it has refresh(), it is called when its
        page is shown and after complaints change while it is shown."""
        if self.analysis is not None:
            index = self.pages.indexOf(self.analysis)
            self.pages.removeTab(index)
            self.analysis.deleteLater()
        self.analysis = widget
        self.pages.addTab(widget, _("Analysis"))

    def _refresh_analysis(self) -> None:
        if self.analysis is not None and self.pages.currentWidget() is self.analysis:
            refresh = getattr(self.analysis, "refresh", None)
            if callable(refresh):
                refresh()

    def _on_page_changed(self, _index: int) -> None:
        self._refresh_analysis()

    # -- the list -------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        """Override QWidget::showEvent: read the list when first shown and pick up
        changes made elsewhere (a follow-up marked done on the care calendar)."""
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Read the departments, the list and the shown complaint again; unsaved
        edits in the form are kept."""
        self._loaded = True
        self._fill_departments()
        self.apply_filter()
        shown = self.form.complaint
        if shown is not None and shown.id is not None and not self.form.is_dirty():
            try:
                self._show(self.service.get(shown.id))
            except NotFoundError:
                self._show(None)
        elif shown is None and not self.form.is_dirty():
            self.form.new(self.form.client.value())  # received now, not when first shown
        self._refresh_analysis()

    def current_filter(self) -> ComplaintFilter:
        key = self.period.currentData() or "all"
        if key == "custom":
            since: date | None = from_qdate(self.since.date())
            until: date | None = from_qdate(self.until.date())
        else:
            since, until = period_range(key, self.service.now().date())
        return ComplaintFilter(status=self.status_filter.currentData(),
                               category=self.category_filter.currentData(),
                               department=self.department_filter.currentData(),
                               since=since, until=until,
                               owner=self.service.owner_for(self.scope.is_mine()))

    def _filtered(self) -> bool:
        return self.scope.is_mine() or any(combo.currentIndex() > 0 for combo in (
            self.status_filter, self.category_filter, self.department_filter, self.period))

    def apply_filter(self) -> None:
        custom = self.period.currentData() == "custom"
        for widget in (self.since, self.range_dash, self.until):
            widget.setVisible(custom)
        if not self._loaded:
            return
        items = self.service.find(self.current_filter())
        reply_hours = self.service.reply_hours()  # once per refresh, not per row
        overdue = {c.id for c in items
                   if c.id is not None and self.service.is_overdue(c, reply_hours)}
        self.model.set_items(items, self.service.now(), overdue, reply_hours)
        self._size_columns()
        shown = self.form.complaint
        if shown is not None and shown.id is not None:
            self._select_row(shown.id)
        if overdue:
            self.count_label.setText(ngettext("{n} complaint, {m} overdue",
                                              "{n} complaints, {m} overdue",
                                              len(items),
                                       m=len(overdue)))
        else:
            self.count_label.setText(ngettext("{n} complaint", "{n} complaints", len(items)))
        if items:
            self.empty_label.hide()
        else:
            self.empty_label.setText(
                _("No complaint matches the filters.") if self._filtered() else
                _("No complaints registered. Press {key} to record the first one: every "
                  "complaint handled well is a client kept.", key=NEW_SHORTCUT))
            self.empty_label.show()
        self.view.setVisible(bool(items))

    def _size_columns(self) -> None:
        """Fit the columns to their texts; the client column gets the rest of
        the width, and long client names and categories are cut (their tooltip
        has them) so the list, deadline included, fits beside the form."""
        self.view.resizeColumnsToContents()
        for column, widest in ((3, 110),):
            if self.view.columnWidth(column) > widest:
                self.view.setColumnWidth(column, widest)

    def _select_row(self, complaint_id: int | None) -> bool:
        """Make the complaint's row current without loading it again."""
        row = self.model.row_of(complaint_id) if complaint_id is not None else None
        return select_row_quietly(self.view, row)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        complaint_id = self.model.id_at(current.row())
        shown = self.form.complaint
        if complaint_id is None or (shown is not None and shown.id == complaint_id):
            return
        if not self.confirm_discard():
            keep = shown.id if shown is not None else None
            # after the view has finished moving the selection
            QTimer.singleShot(0, lambda: self._select_row(keep))
            return
        self._show(self.service.get(complaint_id))

    def show_complaint(self, complaint_id: int) -> bool:
        """Show ``complaint_id`` and its row, clearing filters that hide it; False
        when it does not exist."""
        if not self.confirm_discard():
            return False
        try:
            complaint = self.service.get(complaint_id)
        except NotFoundError as exc:
            self.status.emit(str(exc))
            return False
        self.pages.setCurrentIndex(0)
        if not self._loaded:
            self.refresh()
        if self.model.row_of(complaint_id) is None:
            for combo in (self.status_filter, self.category_filter, self.department_filter,
                          self.period):
                combo.blockSignals(True)
                combo.setCurrentIndex(0)
                combo.blockSignals(False)
            self.scope.set_mine(False, quietly=True, remember=False)
            self.apply_filter()
        self._show(complaint)
        self._select_row(complaint_id)
        return True

    # -- the chosen complaint ----------------------------------------------------------
    def _show(self, complaint: Complaint | None, client_id: int | None = None) -> None:
        """Load ``complaint`` everywhere on the right (None: a new one)."""
        if complaint is None:
            self.form.new(client_id)
        else:
            self.form.load(complaint)
        self.transitions.set_status(complaint.status if complaint else None)
        self.transitions.clear_note()
        self.log.show_complaint(complaint)
        self.history.show_complaint(complaint)
        self.details.setTabEnabled(1, complaint is not None)
        self.details.setTabEnabled(2, complaint is not None)
        if complaint is None:
            self.details.setCurrentIndex(0)
        self._show_header()

    def _show_header(self) -> None:
        c = self.form.complaint
        for index, name in enumerate(DETAIL_PAGES):
            self.details.setTabText(index, _(name))
        if c is None:
            self.title.setText(_("New complaint"))
            self.state.setStyleSheet("")
            self.state.setText(_("Record the client's words in step 1 and press Ctrl+S to "
                                 "register the complaint; it gets its number then."))
            self._update_buttons()
            return
        if c.log:
            self.details.setTabText(1, _("Handling log ({n})", n=len(c.log)))
        self.title.setText(f"{c.number} · {c.client}" if c.client else c.number)
        now = self.service.now()
        reply_hours = self.service.reply_hours()
        overdue = self.service.is_overdue(c, reply_hours)
        parts = [c.status.label, _("received {when}", when=f"{c.received_at:%Y-%m-%d %H:%M}"),
                 age_text(c, now)]
        deadline = deadline_text(c, now, reply_hours, overdue)
        if deadline:
            parts.append(deadline)
        self.state.setText(" · ".join(parts))
        self.state.setStyleSheet(f"color: {OVERDUE_COLOUR.name()};" if overdue else "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        new = self.form.complaint is None
        dirty = self.form.is_dirty()
        self.save_button.setText(_("Register (Ctrl+S)") if new else _("Save (Ctrl+S)"))
        self.save_button.setEnabled(new or dirty)
        self.cancel_button.setEnabled(dirty)
        self.open_card_button.setEnabled(bool(self.form.client.value()))

    def _open_card(self) -> None:
        client_id = self.form.client.value()
        if client_id:
            self.open_client.emit(client_id)

    def new_complaint(self, client_id: int | None = None) -> None:
        """An empty form (for ``client_id`` when given), ready for the client's words."""
        if not self.confirm_discard():
            return
        self.pages.setCurrentIndex(0)
        self._select_row(None)
        self._show(None, client_id)
        target = self.form.words if client_id else self.form.client
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def apply_changes(self, changes: Changes) -> None:
        """TabPage: the complaint list is read again when the tab is shown;
        another tab's write changes nothing that shows here meanwhile, but a
        new name of the user changes what "Mine" lists."""
        if changes.user and self._loaded and self.scope.is_mine():
            self.apply_filter()

    def confirm_discard(self) -> bool:
        """Ask what to do with unsaved edits; True when it is fine to move on."""
        if not self.form.is_dirty():
            return True
        answer = QMessageBox.question(
            self, _("Unsaved changes"),
            _("Save the changes to {name}?", name=self.title.text()),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.form.save() is not None
        if answer == QMessageBox.StandardButton.Discard:
            self.form.revert()
            return True
        return False

    # -- writing ----------------------------------------------------------------------
    def save(self) -> bool:
        """Ctrl+S: register the new complaint or save the edits."""
        was_new = self.form.complaint is None
        stored = self.form.save()
        if stored is None:
            self.status.emit(_("Not saved: please correct the marked fields"))
            return False
        self.status.emit(_("Registered complaint {number}", number=stored.number) if was_new
                         else _("Saved complaint {number}", number=stored.number))
        return True

    def _on_saved(self, complaint: Complaint) -> None:
        self._fill_departments()
        self._show(complaint)
        self.apply_filter()
        self.changed.emit()

    def transition(self, target: ComplaintStatus, note: str = "") -> bool:
        """Move the shown complaint to ``target``, saving unsaved edits first."""
        shown = self.form.complaint
        if shown is None or shown.id is None:
            return False
        if self.form.is_dirty() and self.form.save() is None:
            self.status.emit(_("Not saved: please correct the marked fields"))
            return False
        try:
            moved = self.service.transition(shown.id, target, note)
        except (TransitionError, NotFoundError) as exc:
            self.status.emit(str(exc))
            self.refresh()  # someone else moved it: show where it is now
            return False
        except ValidationError as exc:  # a follow-up without the client's satisfaction
            self.form.show_errors(exc.errors)
            self.status.emit(exc.errors[0].message)
            return False
        self._show(moved)
        self.apply_filter()
        self.status.emit(_("{number} is now {status}", number=moved.number,
                           status=moved.status.label))
        self.changed.emit()
        return True

    def add_log(self, text: str) -> bool:
        shown = self.form.complaint
        if shown is None or shown.id is None:
            return False
        try:
            logged = self.service.add_log(shown.id, text)
        except ValidationError as exc:
            self.log.show_error(exc.errors[0].message)
            self.log.entry.setFocus()
            return False
        self.log.entry.clear()
        self.log.show_complaint(logged)
        self.form.complaint = logged  # the form keeps any unsaved edits
        self._show_header()
        self.status.emit(_("Logged on {number}", number=logged.number))
        return True
