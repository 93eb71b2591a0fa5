"""The evaluation tab (客户评估): who is due, each client's grade and score
history, the evaluation form, the grade distribution and the scheme editor."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.client import ClientRow
from desktop_crm.domain.evaluation import Evaluation
from desktop_crm.domain.scoring import grade_strategy, grade_title
from desktop_crm.i18n import N_, _, ngettext
from desktop_crm.services.clients import ClientService, NotFoundError
from desktop_crm.services.evaluations import EvaluationService
from desktop_crm.services.loyalty_plan import LoyaltyPlanService
from desktop_crm.ui.changes import Changes
from desktop_crm.ui.evaluation.advice import grade_caption
from desktop_crm.ui.evaluation.charts import GradeDistributionChart, ScoreHistoryChart
from desktop_crm.ui.evaluation.form import EvaluationForm
from desktop_crm.ui.evaluation.list_model import EvaluationListModel
from desktop_crm.ui.evaluation.plan_dialog import LoyaltyPlanDialog
from desktop_crm.ui.evaluation.scheme_dialog import SchemeDialog
from desktop_crm.ui.evaluation.source_row import record_text
from desktop_crm.ui.table_model import texts_changed
from desktop_crm.ui.widgets import configure_list_view, select_row_quietly

PLAN_SHORTCUT = "Ctrl+Shift+L"
HISTORY_COLUMNS = (N_("Date"), N_("Period"), N_("Total"), N_("Grade"), N_("Scheme"),
                   N_("Evaluator"))


class EvaluationTab(QWidget):
    """Clients with their grades on the left; the chosen client's evaluation on the right.

    Signals:
        evaluated: an evaluation was stored (argument: client id).
        status: a short message for the status bar.

    Attributes:
        client_service, evaluation_service: the use cases behind the tab.
        model: the lazy client list.
        client_id: the client shown on the right, None when none is chosen.
        form: the evaluation form.
        history_chart, history_table: the chosen client's evaluations.
        distribution: the grade distribution of all clients.
        splitter: list | details (remembered by the main window).
        scheme_dialog: the open scheme dialog, if any.
        plan_button, plan_dialog: the loyalty plan's editor (Ctrl+Shift+L) and
            the open one, if any.
    """

    evaluated = Signal(int)
    status = Signal(str)

    def __init__(self, client_service: ClientService, evaluation_service: EvaluationService,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.client_service = client_service
        self.evaluation_service = evaluation_service
        self.client_id: int | None = None
        self.scheme_dialog: SchemeDialog | None = None
        self.plan_dialog: LoyaltyPlanDialog | None = None
        self._history: list[Evaluation] = []

        # left: search, filters, list, distribution
        self.model = EvaluationListModel(client_service, evaluation_service, self)
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.grade_filter = QComboBox(self)
        self.due_only = QCheckBox(self)
        self.view = QTableView(self)
        # No query yet: the list is read when the tab is first shown (showEvent), so a
        # window over 100,000 clients does not pay for a tab the user has not opened.
        self.view.setModel(self.model)
        configure_list_view(self.view)
        self.count_label = QLabel(self)
        self.empty_label = QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.scheme_button = QPushButton(self)
        self.plan_button = QPushButton(self)
        self.distribution = GradeDistributionChart(self)
        self.distribution.setMinimumHeight(170)
        self.distribution.setMaximumHeight(230)

        filters = QHBoxLayout()
        filters.addWidget(self.grade_filter, 1)
        filters.addWidget(self.due_only)
        below = QHBoxLayout()
        below.addWidget(self.count_label, 1)
        below.addWidget(self.scheme_button)
        below.addWidget(self.plan_button)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.empty_label)
        left_layout.addWidget(self.view, 3)
        left_layout.addLayout(below)
        left_layout.addWidget(self.distribution, 1)

        # right: the chosen client
        self.name = QLabel(self)
        font = self.name.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.name.setFont(font)
        self.name.setWordWrap(True)
        self.current_grade = QLabel(self)
        self.current_grade.setWordWrap(True)
        self.form = EvaluationForm(evaluation_service, self)
        self.history_chart = ScoreHistoryChart(self)
        self.history_table = QTableWidget(0, len(HISTORY_COLUMNS), self)
        self.history_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history_table.verticalHeader().hide()
        self.history_table.setAlternatingRowColors(True)
        self.history_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.history_table.horizontalHeader().setStretchLastSection(True)
        self.history_title = QLabel(self)

        form_area = QScrollArea(self)
        form_area.setWidgetResizable(True)
        form_area.setFrameShape(QScrollArea.Shape.NoFrame)
        form_area.setWidget(self.form)
        history = QWidget(self)
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.addWidget(self.history_title)
        history_layout.addWidget(self.history_table, 1)
        bottom = QSplitter(Qt.Orientation.Horizontal, self)
        bottom.addWidget(self.history_chart)
        bottom.addWidget(history)
        bottom.setChildrenCollapsible(False)
        bottom.setStretchFactor(0, 2)
        bottom.setStretchFactor(1, 3)
        bottom.setSizes([400, 600])  # scaled to the real width
        self.detail_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.detail_splitter.addWidget(form_area)
        self.detail_splitter.addWidget(bottom)
        self.detail_splitter.setChildrenCollapsible(False)
        # the form keeps its natural height; the history gets the rest
        self.detail_splitter.setStretchFactor(0, 0)
        self.detail_splitter.setStretchFactor(1, 1)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.name)
        right_layout.addWidget(self.current_grade)
        right_layout.addWidget(self.detail_splitter, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

        self.search.textChanged.connect(self.apply_filter)
        self.grade_filter.currentIndexChanged.connect(self.apply_filter)
        self.due_only.toggled.connect(self.apply_filter)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.scheme_button.clicked.connect(self.edit_scheme)
        self.plan_button.clicked.connect(self.edit_plan)
        plan_shortcut = QShortcut(QKeySequence(PLAN_SHORTCUT), self)
        plan_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        plan_shortcut.activated.connect(self.edit_plan)
        self.form.saved.connect(self._on_saved)
        self.retranslate()

    # -- texts ------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.search.setPlaceholderText(_("Search name, pinyin, initials, phone, company or tag"))
        current = self.grade_filter.currentData()
        self.grade_filter.blockSignals(True)
        self.grade_filter.clear()
        self.grade_filter.addItem(_("All grades"), None)
        for grade in ("A", "B", "C"):
            self.grade_filter.addItem(grade_caption(grade), grade)
        self.grade_filter.addItem(_("Unrated"), "unrated")
        self.grade_filter.setCurrentIndex(max(self.grade_filter.findData(current), 0))
        self.grade_filter.blockSignals(False)
        self.due_only.setText(_("Due only"))
        self.due_only.setToolTip(_("Clients not evaluated in the last {days} days",
                                   days=self.evaluation_service.period_days))
        self.scheme_button.setText(_("Edit scoring scheme…"))
        self.plan_button.setText(_("Loyalty plan…"))
        self.plan_button.setToolTip(_("The actions of A- and B-class service for each loyalty "
                                      "state ({shortcut})", shortcut=PLAN_SHORTCUT))
        self.history_title.setText("<b>" + _("Evaluations") + "</b>")
        self.history_table.setHorizontalHeaderLabels([_(t) for t in HISTORY_COLUMNS])
        texts_changed(self.model)
        self._size_columns()
        self.form.retranslate()
        self.history_chart.retranslate()
        self.distribution.retranslate()
        if self.scheme_dialog is not None:
            self.scheme_dialog.retranslate()
        if self.plan_dialog is not None:
            self.plan_dialog.retranslate()
        self._update_count()
        self._show_header()

    def _size_columns(self) -> None:
        """Widths that show each header in the current language; names and
        companies get what is left, the user can widen them."""
        fm = self.view.horizontalHeader().fontMetrics()

        def header(column: int) -> int:
            key = self.model.columns[column][0]
            text = self.model.headerData(column, Qt.Orientation.Horizontal)
            # room for the sort indicator on the columns that sort
            return fm.horizontalAdvance(str(text)) + (28 if key in self.model.sortable else 16)

        widest_grade = max(fm.horizontalAdvance(grade_caption(g)) for g in ("A", "B", "C"))
        widths = (max(header(0), 100), max(header(1), 100), max(header(2), widest_grade + 16),
                  max(header(3), fm.horizontalAdvance("B→A") + 16),
                  max(header(4), fm.horizontalAdvance("2026-12-31") + 16))
        for column, width in enumerate(widths):
            self.view.setColumnWidth(column, width)

    # -- the list ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Query the list and the distribution again, keeping the chosen client."""
        self.apply_filter()
        self.distribution.set_data(self.evaluation_service.distribution())
        if self.client_id is not None and not self._still_listed(self.client_id):
            self.show_client(None)  # removed or moved to the trash meanwhile
        elif self.client_id is not None:
            self._show_header()

    def _still_listed(self, client_id: int) -> bool:
        try:
            return self.client_service.get(client_id).deleted_at is None
        except NotFoundError:
            return False

    def apply_filter(self) -> None:
        self.model.set_filter(self.evaluation_service.due_filter(
            grade=self.grade_filter.currentData(), only_due=self.due_only.isChecked(),
            text=self.search.text()))
        self._update_count()
        if self.client_id is not None:
            self._select_row(self.client_id)

    def _update_count(self) -> None:
        n = self.model.total  # a search's hits as far as counted (its first page is read)
        self.count_label.setText(_("More than {n} clients", n=f"{n - 1:,}") if self.model.more
                                 else ngettext("{n} client", "{n} clients", n, n=f"{n:,}"))
        if n:
            self.empty_label.hide()
            return
        if (self.search.text().strip() or self.grade_filter.currentIndex() > 0
                or self.due_only.isChecked()):
            self.empty_label.setText(_("No client matches the search and filters."))
        else:
            self.empty_label.setText(_("No clients yet. Add them in the Client cards tab."))
        self.empty_label.show()

    def _select_row(self, client_id: int) -> bool:
        """Make the client's row current without reloading the form."""
        row = self.model.row_of(client_id)
        return select_row_quietly(self.view, row)

    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        client_id = self.model.id_at(current.row())
        if client_id is not None and client_id != self.client_id:
            self.show_client(client_id)

    def select_client(self, client_id: int) -> None:
        """Show ``client_id`` on the right and its row in the list, clearing the
        search and filters when they hide it."""
        if self.model.row_of(client_id) is None:
            for widget in (self.search, self.grade_filter, self.due_only):
                widget.blockSignals(True)
            self.search.clear()
            self.grade_filter.setCurrentIndex(0)
            self.due_only.setChecked(False)
            for widget in (self.search, self.grade_filter, self.due_only):
                widget.blockSignals(False)
            self.apply_filter()
        self.show_client(client_id)
        self._select_row(client_id)

    # -- the chosen client ------------------------------------------------------------
    def _row_of_client(self, client_id: int) -> ClientRow | None:
        rows = self.client_service.rows([client_id])
        return rows[0] if rows else None

    def show_client(self, client_id: int | None) -> None:
        """Load the client's header, history and a fresh form."""
        row = self._row_of_client(client_id) if client_id is not None else None
        self.client_id = row.id if row else None
        self._history = self.evaluation_service.history(row.id) if row else []
        self.form.set_client(self.client_id, self._history[-1] if self._history else None)
        self._show_history()
        self._show_header(row)

    def _show_header(self, row: ClientRow | None = None) -> None:
        if self.client_id is None:
            self.name.setText(_("Evaluation"))
            self.current_grade.setText(_("Choose a client on the left to evaluate them."))
            return
        row = row or self._row_of_client(self.client_id)
        if row is None:
            return
        self.name.setText(f"{row.name} · {row.company}" if row.company else row.name)
        if row.grade:
            self.current_grade.setText(_("Grade {grade}: {title}. {strategy}", grade=row.grade,
                                         title=grade_title(row.grade),
                                         strategy=grade_strategy(row.grade)))
        else:
            self.current_grade.setText(_("Not evaluated yet."))

    def _show_history(self) -> None:
        scheme = self.form.scheme
        self.history_chart.set_data(self._history, scheme.threshold_a, scheme.threshold_b)
        table = self.history_table
        table.setRowCount(len(self._history))
        centre = Qt.AlignmentFlag.AlignCenter
        for row, item in enumerate(reversed(self._history)):  # newest first
            cells = (item.evaluated_on.isoformat(),
                     f"{item.period_start.isoformat()} – {item.period_end.isoformat()}",
                     f"{item.total:.1f}", item.grade, f"v{item.scheme_version}", item.evaluator)
            labels = {c.key: c.label for c in scheme.criteria}
            tip = "\n".join([item.notes] * bool(item.notes) + [
                f"{labels.get(key, key)}: {record_text(key, record)}"
                for key, record in item.sources.items()])
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column in (2, 3, 4):
                    cell.setTextAlignment(centre)
                if tip:
                    cell.setToolTip(tip)
                table.setItem(row, column, cell)

    def _on_saved(self, client_id: int) -> None:
        self.model.invalidate(client_id)
        self._history = self.evaluation_service.history(client_id)
        self._show_history()
        self.refresh()
        self.status.emit(self.form.status.text())
        self.evaluated.emit(client_id)

    # -- the scheme -------------------------------------------------------------------
    def edit_scheme(self) -> SchemeDialog:
        """Open the scheme editor (window-modal, does not block)."""
        if self.scheme_dialog is not None:
            self.scheme_dialog.raise_()
            return self.scheme_dialog
        dialog = SchemeDialog(self.evaluation_service, self)
        dialog.accepted.connect(self._on_scheme_saved)
        dialog.finished.connect(self._on_scheme_dialog_closed)
        self.scheme_dialog = dialog
        dialog.open()
        return dialog

    def _on_scheme_dialog_closed(self) -> None:
        if self.scheme_dialog is not None:
            self.scheme_dialog.deleteLater()
        self.scheme_dialog = None

    def _on_scheme_saved(self) -> None:
        self.form.rebuild()
        self._show_history()
        self.status.emit(_("Scoring scheme saved as version {version}",
                           version=self.form.scheme.version))

    # -- the loyalty plan -------------------------------------------------------------
    def edit_plan(self) -> LoyaltyPlanDialog:
        """Open the loyalty plan's editor (window-modal, does not block)."""
        if self.plan_dialog is not None:
            self.plan_dialog.raise_()
            return self.plan_dialog
        dialog = LoyaltyPlanDialog(LoyaltyPlanService(self.evaluation_service.db), self)
        dialog.accepted.connect(lambda: self.status.emit(_("Loyalty plan saved")))
        dialog.finished.connect(self._on_plan_dialog_closed)
        self.plan_dialog = dialog
        dialog.open()
        return dialog

    def _on_plan_dialog_closed(self) -> None:
        if self.plan_dialog is not None:
            self.plan_dialog.deleteLater()
        self.plan_dialog = None

    def apply_changes(self, changes: Changes) -> None:
        """TabPage: the lists are read again when the tab is shown."""

    def confirm_discard(self) -> bool:
        """TabPage: an evaluation being typed is not asked about (four inputs,
        entered again in seconds), as before the tabs shared this protocol."""
        return True

    def showEvent(self, event: QShowEvent) -> None:
        """Override QWidget::showEvent: pick up clients added or changed elsewhere."""
        super().showEvent(event)
        self.refresh()
