"""The import mapping dialog: what the rows are (client cards or orders),
which column goes into which field, with a preview of the first rows, the
duplicates policy, a live summary and the validation report (which can be
saved as .xlsx)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain import import_mapping, order_import
from desktop_crm.domain.import_mapping import ERROR
from desktop_crm.i18n import _
from desktop_crm.services.files import ExportError
from desktop_crm.services.importing import (
    CLIENTS,
    KEEP,
    MERGE,
    ORDERS,
    SKIP,
    ImportFileError,
    ImportPlan,
    ImportService,
    ImportSource,
    MissingColumnError,
    OrderImportService,
    OrderPlan,
    save_report,
)
from desktop_crm.services.importing.service import columns_shown
from desktop_crm.ui import file_dialogs
from desktop_crm.ui.widgets import ERROR_STYLE

PREVIEW_ROWS = 20
REPLAN_DELAY_MS = 200


Importer = ImportService | OrderImportService
Plan = ImportPlan | OrderPlan


def importers(service: Importer) -> dict[str, Importer]:
    """The importer of each kind of rows, sharing ``service``'s database,
    clock, user and backup choice."""
    args = (service.db, service.clock, service.user, service.backup_first)
    return {CLIENTS: service if isinstance(service, ImportService) else ImportService(*args),
            ORDERS: service if isinstance(service, OrderImportService)
            else OrderImportService(*args)}


def _kinds() -> list[tuple[str, str]]:
    return [(CLIENTS, _("Client cards")), (ORDERS, _("Orders (sales records)"))]


def _fields(kind: str) -> tuple[tuple[str, ...], frozenset[str], Callable[[str], str]]:
    """(field keys, fields several columns may feed, label of a key) for a kind."""
    if kind == ORDERS:
        return order_import.FIELDS, order_import.MULTI_FIELDS, order_import.field_label
    return import_mapping.FIELDS, import_mapping.MULTI_FIELDS, import_mapping.field_label


def _policy_texts(kind: str = CLIENTS) -> list[tuple[str, str, str]]:
    """(policy, label, explanation) for the duplicates combo."""
    if kind == ORDERS:  # orders are never merged
        return [
            (SKIP, _("Skip duplicates"),
             _("A row with the client, date, product and amount of an order already "
               "recorded (or of an earlier row) is left out.")),
            (KEEP, _("Keep both"),
             _("Every row becomes a new order, even when it repeats one.")),
        ]
    return [
        (SKIP, _("Skip duplicates"),
         _("A row with the phone, e-mail, or name and company of an existing client "
           "(or of an earlier row) is left out.")),
        (MERGE, _("Merge into the existing client"),
         _("A duplicate row fills in the existing client: empty fields are filled, phones, "
           "addresses, tags and notes are added.")),
        (KEEP, _("Keep both"),
         _("Every row becomes a new client, even when it looks like a duplicate.")),
    ]


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    return item


@dataclass(frozen=True)
class FirstPlan:
    """The plan for the suggested mapping and the default policy, made on the
    worker thread that read the file, so the dialog opens without planning on
    the UI thread (seconds at 100,000 rows); None for a file with no name
    column, which the dialog then explains.

    Attributes:
        mapping: the mapping it was made for.
        policy: the duplicates policy it was made for.
        plan: the plan.
    """

    mapping: dict[int, str]
    policy: str
    plan: Plan

    def fits(self, mapping: dict[int, str], policy: str) -> bool:
        return mapping == self.mapping and policy == self.policy


DEFAULT_POLICY = SKIP  # the first choice of the duplicates combo


def first_plan(service: Importer, source: ImportSource) -> FirstPlan | None:
    """FirstPlan for ``source`` (run it off the UI thread) by the importer of
    its kind (``service``'s kind or the other one)."""
    policy = DEFAULT_POLICY
    importer = importers(service)[source.kind]
    try:
        plan = importer.plan(source, dict(source.suggested_mapping), policy)
    except MissingColumnError:
        return None
    return FirstPlan(dict(source.suggested_mapping), policy, plan)


class ImportDialog(QDialog):
    """Maps the columns of an opened file to card fields and shows what the
    import would do. Accepted means "import": the caller commits with
    ``service``, ``mapping()``, ``policy()`` and ``plan``.

    Attributes:
        service: the importer of the chosen kind (client cards or orders): plans
            the import (reading the database only) and re-opens the file.
        kind_combo: what the rows are; the file is read again for the other kind.
        source: the file as currently opened (sheet and header row).
        plan: the last plan made for the current mapping and policy.
        column_combos: one field chooser per column of the file.
        preview_table: the choosers in its first row, the first rows of data below.
        problems_table: row, column, severity, problem and value of each problem.
        import_button: accepts; disabled when nothing would be created or updated.
    """

    def __init__(self, service: Importer, source: ImportSource,
                 parent: QWidget | None = None,
                 first_plan: FirstPlan | None = None) -> None:
        super().__init__(parent)
        self.services = importers(service)
        self.service: Importer = self.services[source.kind]
        self.source = source
        self.plan: Plan | None = None
        self._set_title()
        self.column_combos: list[QComboBox] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REPLAN_DELAY_MS)
        self._timer.timeout.connect(self.replan)

        self.kind_combo = QComboBox(self)
        for kind, label in _kinds():
            self.kind_combo.addItem(label, kind)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(source.kind))
        kind_row = QHBoxLayout()
        kind_row.addWidget(QLabel(_("The rows are:"), self))
        kind_row.addWidget(self.kind_combo)
        kind_row.addStretch(1)
        self.file_label = QLabel(self)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sheet_combo = QComboBox(self)
        self.sheet_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.sheet_label = QLabel(_("Sheet:"), self)
        self.header_spin = QSpinBox(self)
        self.header_label = QLabel(_("Header row:"), self)
        self.open_error = QLabel(self)
        self.open_error.setStyleSheet(ERROR_STYLE)
        self.open_error.setWordWrap(True)
        self.open_error.hide()
        where = QHBoxLayout()
        where.addWidget(self.file_label, 1)
        where.addWidget(self.sheet_label)
        where.addWidget(self.sheet_combo)
        where.addSpacing(12)
        where.addWidget(self.header_label)
        where.addWidget(self.header_spin)

        mapping_box = QGroupBox(_("Columns and fields"), self)
        hint = QLabel(_("Choose the field each column goes into; the rows below show the "
                        "first rows of the file."), mapping_box)
        hint.setWordWrap(True)
        self.preview_table = QTableWidget(mapping_box)
        self.preview_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setAlternatingRowColors(True)
        self.preview_table.setMinimumHeight(230)
        mapping_layout = QVBoxLayout(mapping_box)
        mapping_layout.addWidget(hint)
        mapping_layout.addWidget(self.preview_table)

        self.policy_combo = QComboBox(self)
        self._fill_policies()
        self.policy_note = QLabel(self)
        self.policy_note.setWordWrap(True)
        policy_row = QHBoxLayout()
        policy_row.addWidget(QLabel(_("Duplicates:"), self))
        policy_row.addWidget(self.policy_combo)
        policy_row.addSpacing(8)
        policy_row.addWidget(self.policy_note, 1)

        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        self.errors_note = QLabel(self)
        self.errors_note.setWordWrap(True)
        self.errors_note.setStyleSheet(ERROR_STYLE)
        self.errors_note.hide()
        # every existing client the import would change, by name, before it is written
        self.changes_label = QLabel(_("Existing clients this import changes:"), self)
        self.changes = QPlainTextEdit(self)
        self.changes.setReadOnly(True)
        self.changes.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.changes.setMaximumHeight(110)

        problems_box = QGroupBox(_("Problems"), self)
        self.problems_table = QTableWidget(0, 5, problems_box)
        self.problems_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems_table.setAlternatingRowColors(True)
        self.problems_table.verticalHeader().hide()
        self.problems_table.horizontalHeader().setStretchLastSection(True)
        self.problems_table.setMinimumHeight(130)
        # named before any plan: with no name column there is none (not "1 2 3")
        self.problems_table.setHorizontalHeaderLabels(
            [_("Row"), _("Column"), _("Severity"), _("Problem"), _("Value")])
        self.save_report_button = QPushButton(_("Save report…"), problems_box)
        self.save_report_button.clicked.connect(self.save_report)
        self.no_problems = QLabel(_("No problems found."), problems_box)
        report_row = QHBoxLayout()
        report_row.addWidget(self.no_problems)
        report_row.addStretch(1)
        report_row.addWidget(self.save_report_button)
        problems_layout = QVBoxLayout(problems_box)
        problems_layout.addWidget(self.problems_table)
        problems_layout.addLayout(report_row)

        buttons = QDialogButtonBox(self)
        self.import_button = buttons.addButton(_("Import"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(_("Cancel"),
                                               QDialogButtonBox.ButtonRole.RejectRole)
        self.import_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(kind_row)
        layout.addLayout(where)
        layout.addWidget(self.open_error)
        layout.addWidget(mapping_box, 3)
        layout.addLayout(policy_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.errors_note)
        layout.addWidget(self.changes_label)
        layout.addWidget(self.changes, 1)
        layout.addWidget(problems_box, 2)
        layout.addWidget(buttons)

        self.kind_combo.currentIndexChanged.connect(self._kind_chosen)
        self.sheet_combo.currentIndexChanged.connect(self._sheet_chosen)
        self.header_spin.valueChanged.connect(self._header_chosen)
        self.policy_combo.currentIndexChanged.connect(self._policy_chosen)
        self._show_source()
        self._policy_chosen()
        if first_plan is not None and first_plan.fits(self.mapping(), self.policy()):
            self._timer.stop()
            self._show_plan(first_plan.plan)  # made on a worker thread with the file
        else:
            self.replan()
        self.resize(980, 720)

    # -- the file ---------------------------------------------------------------
    def _show_source(self) -> None:
        """Fill the file line, sheet chooser, header row and mapping grid from
        ``self.source``."""
        source, table = self.source, self.source.table
        if table.layout:  # Google's or Outlook's contacts: read into fixed columns
            self.file_label.setText(_("{file} ({format}, an export of {layout})",
                                      file=source.path.name, format=source.format.upper(),
                                      layout=table.layout))
        else:
            self.file_label.setText(_("{file} ({format})", file=source.path.name,
                                      format=source.format.upper()))
        self.file_label.setToolTip(str(source.path))
        several = len(table.sheet_names) > 1
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(table.sheet_names)
        if table.sheet in table.sheet_names:
            self.sheet_combo.setCurrentIndex(table.sheet_names.index(table.sheet))
        self.sheet_combo.blockSignals(False)
        self.sheet_label.setVisible(several)
        self.sheet_combo.setVisible(several)
        fixed = table.fixed_mapping is not None  # vCards: no header row to choose
        self.header_spin.blockSignals(True)
        self.header_spin.setRange(table.first_row,
                                  table.first_row + max(len(table.rows) - 1, 0))
        self.header_spin.setValue(source.row_number(source.header_row))
        self.header_spin.blockSignals(False)
        self.header_label.setVisible(not fixed)
        self.header_spin.setVisible(not fixed)
        self._fill_grid()

    def _reopen(self, sheet: str | None, header_row: int | None) -> bool:
        try:
            source = self.service.open(self.source.path, sheet, header_row)
        except ImportFileError as exc:
            self.open_error.setText(str(exc))
            self.open_error.show()
            self._show_source()  # back to what is open
            return False
        self.open_error.hide()
        self.source = source
        self._show_source()
        self.replan()
        return True

    def _set_title(self) -> None:
        self.setWindowTitle(_("Import orders") if self.source.kind == ORDERS
                            else _("Import clients"))

    def _fill_policies(self, kind: str | None = None) -> None:
        """The duplicates choices of ``kind`` (the file's by default; orders:
        skip or keep)."""
        current = self.policy_combo.currentData()
        self.policy_combo.blockSignals(True)
        self.policy_combo.clear()
        for policy, label, _explanation in _policy_texts(kind or self.source.kind):
            self.policy_combo.addItem(label, policy)
        self.policy_combo.setCurrentIndex(max(self.policy_combo.findData(current), 0))
        self.policy_combo.blockSignals(False)

    def _kind_chosen(self) -> None:
        """Read the file again for the other kind of rows: its headers are
        recognised anew (and a workbook's sales sheet is read first)."""
        kind = str(self.kind_combo.currentData())
        if kind == self.source.kind:
            return
        previous = self.service
        self.service = self.services[kind]
        self._fill_policies(kind)  # before the new plan: orders are never merged
        if not self._reopen(None, None):
            self.service = previous
            self.kind_combo.blockSignals(True)
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(self.source.kind))
            self.kind_combo.blockSignals(False)
            self._fill_policies()
            return
        self._set_title()
        self._show_policy_note()  # planned already, by the reopen

    def _sheet_chosen(self) -> None:
        self._reopen(self.sheet_combo.currentText() or None, None)

    def _header_chosen(self, value: int) -> None:
        self._reopen(self.source.table.sheet or None, value - self.source.table.first_row)

    # -- the mapping grid ---------------------------------------------------------
    def _fill_grid(self) -> None:
        source = self.source
        rows = source.preview(PREVIEW_ROWS)
        columns = max([len(source.headers)] + [len(r) for r in rows])
        table = self.preview_table
        table.clear()
        table.setColumnCount(columns)
        table.setRowCount(1 + len(rows))
        table.setHorizontalHeaderLabels([source.column_name(i) for i in range(columns)])
        first_data = source.header_row + 1
        table.setVerticalHeaderLabels(
            [_("Field")] + [str(source.row_number(first_data + i)) for i in range(len(rows))])
        self.column_combos = []
        fields, _multi, label = _fields(source.kind)
        for column in range(columns):
            combo = QComboBox(table)
            combo.addItem(_("— ignore —"), "")
            for key in fields:
                combo.addItem(label(key), key)
            suggested = source.suggested_mapping.get(column, "")
            combo.setCurrentIndex(max(combo.findData(suggested), 0))
            combo.setToolTip(source.column_name(column))
            combo.currentIndexChanged.connect(
                lambda _index, c=column: self._field_chosen(c))
            table.setCellWidget(0, column, combo)
            self.column_combos.append(combo)
        for r, values in enumerate(rows, start=1):
            for column, text in enumerate(values):
                table.setItem(r, column, _item(text))
        table.resizeColumnsToContents()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, combo in enumerate(self.column_combos):
            width = max(table.columnWidth(column), combo.sizeHint().width() + 4)
            table.setColumnWidth(column, min(width, 320))
        table.setRowHeight(0, max(table.rowHeight(0), self.column_combos[0].sizeHint().height()
                                  if self.column_combos else 0))
        self._mark_ignored()

    def _field_chosen(self, column: int) -> None:
        """A single-value field goes into one column: choosing it for a column
        takes it from the column that had it."""
        key = self.column_combos[column].currentData()
        if key and key not in _fields(self.source.kind)[1]:
            for other, combo in enumerate(self.column_combos):
                if other != column and combo.currentData() == key:
                    combo.blockSignals(True)
                    combo.setCurrentIndex(0)
                    combo.blockSignals(False)
        self._mark_ignored()
        self._timer.start()

    def _mark_ignored(self) -> None:
        """Grey out the preview cells of the columns that are not imported."""
        grey = self.palette().placeholderText()
        normal = self.palette().text()
        for column, combo in enumerate(self.column_combos):
            brush = normal if combo.currentData() else grey
            for row in range(1, self.preview_table.rowCount()):
                item = self.preview_table.item(row, column)
                if item is not None:
                    item.setForeground(brush)

    def mapping(self) -> dict[int, str]:
        """``{column: field key}`` as chosen."""
        return {column: str(combo.currentData())
                for column, combo in enumerate(self.column_combos) if combo.currentData()}

    def policy(self) -> str:
        return str(self.policy_combo.currentData())

    def _policy_chosen(self) -> None:
        self._show_policy_note()
        self._timer.start()

    def _show_policy_note(self) -> None:
        explanations = {policy: text for policy, _label, text in
                        _policy_texts(self.source.kind)}
        self.policy_note.setText(explanations[self.policy()])

    # -- the plan -----------------------------------------------------------------
    def replan(self) -> None:
        """Plan again for the current mapping and policy; show the summary
        and the problems."""
        self._timer.stop()
        try:
            plan = self.service.plan(self.source, self.mapping(), self.policy())
        except MissingColumnError as exc:
            self._no_name_column(exc)
            return
        self._show_plan(plan)

    def _show_plan(self, plan: Plan) -> None:
        self.plan = plan
        self.summary.setText(plan.summary())
        errors = len(plan.errors)
        if errors:
            self.errors_note.setText(_(
                "{n} rows have errors and cannot be imported: they are left out, the "
                "other rows are imported.", n=errors))
        self.errors_note.setVisible(bool(errors))
        counts = plan.counts
        self.import_button.setEnabled(counts["created"] + counts["updated"] > 0)
        changes = plan.client_changes()
        self.changes.setPlainText("\n".join(change.describe() for change in changes))
        self.changes_label.setVisible(bool(changes))
        self.changes.setVisible(bool(changes))
        self._show_problems()

    def _no_name_column(self, error: MissingColumnError) -> None:
        """No column is mapped to the name (for orders: to the client, date,
        product or amount): nothing is planned, and the user is told what to
        choose (every row would be a client without a name)."""
        self.plan = None
        if self.source.kind == ORDERS:
            self.summary.setText(_("Not every column an order needs is mapped"))
            self.errors_note.setText(str(error))
        else:
            self.summary.setText(_("No column is mapped to the client's name"))
            choose = _("Choose Name (or Family name and Given name) above the column that "
                       "holds the client's name; nothing can be imported until one does.")
            if not self.mapping() and not self.source.suggested_mapping:
                choose = _("None of the columns found is one the app knows, so none of them "
                           "holds the client's name: {columns}.",
                           columns=columns_shown(error.columns) or "-") + "\n" + choose
            self.errors_note.setText(choose)
        self.errors_note.show()
        self.import_button.setEnabled(False)
        self.problems_table.setRowCount(0)
        self.save_report_button.setEnabled(False)
        self.no_problems.hide()

    def _show_problems(self) -> None:
        assert self.plan is not None
        problems = self.plan.problems
        table = self.problems_table
        table.clearContents()
        table.setRowCount(len(problems))
        table.setHorizontalHeaderLabels(
            [_("Row"), _("Column"), _("Severity"), _("Problem"), _("Value")])
        for row, p in enumerate(problems):
            severity = _item(_("Error") if p.severity == ERROR else _("Warning"))
            if p.severity == ERROR:
                severity.setForeground(Qt.GlobalColor.darkRed)
            number = _item(str(p.row))
            number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for column, item in enumerate([number, _item(p.column), severity,
                                           _item(p.message), _item(p.value)]):
                item.setToolTip(item.text())
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        for column in range(table.columnCount() - 1):
            table.setColumnWidth(column, min(table.columnWidth(column), 420))
        self.save_report_button.setEnabled(bool(problems))
        self.no_problems.setVisible(not problems)

    def save_report(self) -> Path | None:
        """Ask where, and write the problems as an .xlsx workbook."""
        start = self.source.path.with_name(self.source.path.stem + "-report.xlsx")
        path = file_dialogs.save_file(self, _("Save report"), start,
                                      _("Excel workbook (*.xlsx)"))
        if path is None:
            return None
        target = path if path.name.lower().endswith(".xlsx") else \
            path.with_name(path.name + ".xlsx")
        try:
            save_report(self.plan.problems if self.plan is not None else [], target)
        except (ExportError, OSError) as exc:
            self.open_error.setText(str(exc))
            self.open_error.show()
            return None
        return target

    def accept(self) -> None:
        if self._timer.isActive():  # a change not planned yet
            self.replan()
        if not self.import_button.isEnabled():
            return
        super().accept()
