"""The evaluation form: one input per criterion of the current scheme, the
evaluation date and period, notes, and a live preview of points, total, grade,
strategy and what would lift the client to the next grade. Save (Ctrl+Return)
stores the evaluation; problems are shown at the field and nothing is saved."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.errors import NotFoundError
from desktop_crm.domain.evaluation import Evaluation, default_period
from desktop_crm.domain.evaluation_sources import BY_HAND, FROM_ORDERS, SALES_KEY, FromOrders
from desktop_crm.domain.sales import quarter_of
from desktop_crm.domain.scoring import (
    COUNT,
    PERCENT,
    Criterion,
    Result,
    Scheme,
    ScoringError,
    evaluate,
    grade_strategy,
    rating_label,
)
from desktop_crm.i18n import _
from desktop_crm.services.evaluations import EvaluationService
from desktop_crm.ui.date_edit import DateEdit
from desktop_crm.ui.evaluation.advice import grade_caption, lift_to_next_grade
from desktop_crm.ui.evaluation.charts import GRADE_COLOURS
from desktop_crm.ui.evaluation.source_row import SourceRow
from desktop_crm.ui.evaluation.target_dialog import TargetDialog
from desktop_crm.ui.widgets import error_label, from_qdate, mark_invalid, to_qdate


def _date_edit(parent: QWidget) -> DateEdit:
    return DateEdit(parent)


class EvaluationForm(QWidget):
    """Evaluates one client under the current scheme.

    Signals:
        saved: an evaluation was stored (argument: client id).

    Attributes:
        scheme: the scheme the inputs were built from.
        client_id: the client being evaluated, None when none is chosen.
        inputs: criterion key -> its input widget.
        points: criterion key -> label with its 0-100 points.
        contributions: criterion key -> label with its weighted contribution.
        total, grade, strategy, hint: the live result.
        result: the live result, None while an input is missing or invalid.
        evaluated_on, period_start, period_end, notes: what else is stored.
        error: the reason the last save failed.
        last_saved: the evaluation stored by the last save.
        sources: criterion key -> its source line, for the criteria the
            client's orders can feed (sales-target attainment, late payments).
        target_dialog: the open "Set target" dialog, if any.
    """

    saved = Signal(int)

    def __init__(self, service: EvaluationService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.scheme: Scheme = service.scheme()
        self.client_id: int | None = None
        self.result: Result | None = None
        self.last_saved: Evaluation | None = None
        self.inputs: dict[str, QWidget] = {}
        self.points: dict[str, QLabel] = {}
        self.contributions: dict[str, QLabel] = {}
        self._captions: dict[str, QLabel] = {}
        self.sources: dict[str, SourceRow] = {}
        self.target_dialog: TargetDialog | None = None
        self._previous: Evaluation | None = None
        self._period_auto = True  # the period follows the date until the user sets it

        self.criteria_box = QGroupBox(self)
        self._criteria_layout = QVBoxLayout(self.criteria_box)
        self._grid_holder = QWidget(self.criteria_box)
        self._criteria_layout.addWidget(self._grid_holder)
        self._heads = [QLabel(self) for _i in range(4)]
        self._total_caption = QLabel(self)
        self.total_points = QLabel(self)

        self.evaluated_on = _date_edit(self)
        self.period_start = _date_edit(self)
        self.period_end = _date_edit(self)
        self.notes = QLineEdit(self)
        self._date_caption = QLabel(self)
        self._period_caption = QLabel(self)
        self._notes_caption = QLabel(self)
        period = QHBoxLayout()
        period.addWidget(self.period_start)
        period.addWidget(QLabel("–", self))
        period.addWidget(self.period_end)
        period.addStretch(1)
        date_row = QHBoxLayout()
        date_row.addWidget(self.evaluated_on)
        date_row.addStretch(1)
        details = QFormLayout()
        details.addRow(self._date_caption, date_row)
        details.addRow(self._period_caption, period)
        details.addRow(self._notes_caption, self.notes)
        self._criteria_layout.addLayout(details)
        self._criteria_layout.addStretch(1)

        self.result_box = QGroupBox(self)
        self.total = QLabel(self.result_box)
        font = self.total.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.total.setFont(font)
        self.grade = QLabel(self.result_box)
        grade_font = self.grade.font()
        grade_font.setPointSizeF(grade_font.pointSizeF() * 1.2)
        grade_font.setBold(True)
        self.grade.setFont(grade_font)
        self.grade.setWordWrap(True)
        self.strategy = QLabel(self.result_box)
        self.strategy.setWordWrap(True)
        self.hint = QLabel(self.result_box)
        self.hint.setWordWrap(True)
        for label in (self.total, self.grade, self.strategy, self.hint):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        result_layout = QVBoxLayout(self.result_box)
        result_layout.addWidget(self.total)
        result_layout.addWidget(self.grade)
        result_layout.addWidget(self.strategy)
        result_layout.addWidget(self.hint)
        result_layout.addStretch(1)
        self.result_box.setSizePolicy(QSizePolicy.Policy.Preferred,
                                      QSizePolicy.Policy.Preferred)

        self.error = error_label(self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.save_button = QPushButton(self)
        self.save_button.setDefault(True)

        top = QHBoxLayout()
        top.addWidget(self.criteria_box, 3)
        top.addWidget(self.result_box, 2)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.save_button, 0,
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        layout.addStretch(1)

        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.save)
        self.save_button.clicked.connect(self.save)
        self.evaluated_on.dateChanged.connect(self._on_date_changed)
        self.period_start.dateChanged.connect(self._on_period_edited)
        self.period_end.dateChanged.connect(self._on_period_edited)
        self.notes.textChanged.connect(lambda _text: self._clear_errors())

        self._build_inputs({})
        self.retranslate()
        self.set_client(None)

    # -- building ---------------------------------------------------------------------
    def rebuild(self) -> None:
        """Rebuild the inputs from the current scheme, keeping the values entered."""
        values, choices = self.values(), self.source_choices()
        self.scheme = self._service.scheme()
        self._build_inputs(values)
        self.retranslate()
        self.refresh_from_orders()
        for key, source in self.sources.items():
            source.set_checked(choices.get(key) == FROM_ORDERS)
        self._apply_sources()

    def _input_for(self, criterion: Criterion, parent: QWidget) -> QWidget:
        if criterion.kind == PERCENT:
            percent = QDoubleSpinBox(parent)
            percent.setRange(0.0, 1000.0)
            percent.setDecimals(1)
            percent.setSingleStep(5.0)
            percent.setSuffix(" %")
            percent.valueChanged.connect(self._on_input)
            return percent
        if criterion.kind == COUNT:
            count = QSpinBox(parent)
            count.setRange(0, 99)
            count.valueChanged.connect(self._on_input)
            return count
        combo = QComboBox(parent)
        combo.addItem("", None)  # nothing chosen yet: the user must rate
        for name, _points in criterion.ratings:
            combo.addItem(rating_label(name), name)
        combo.currentIndexChanged.connect(self._on_input)
        return combo

    def _build_inputs(self, values: dict[str, Any]) -> None:
        old = self._grid_holder
        holder = QWidget(self.criteria_box)
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(0, 1)
        for column, head in enumerate(self._heads):
            head.setParent(holder)
            grid.addWidget(head, 0, column)
        self.inputs.clear()
        self.points.clear()
        self.contributions.clear()
        self._captions.clear()
        self.sources.clear()
        fed = self._service.fed_criteria(self.scheme)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        row = 0
        for criterion in self.scheme.criteria:
            row += 1
            caption = QLabel(holder)
            caption.setWordWrap(True)
            widget = self._input_for(criterion, holder)
            caption.setBuddy(widget)
            points, contribution = QLabel(holder), QLabel(holder)
            points.setAlignment(right)
            contribution.setAlignment(right)
            grid.addWidget(caption, row, 0)
            grid.addWidget(widget, row, 1)
            grid.addWidget(points, row, 2)
            grid.addWidget(contribution, row, 3)
            self._captions[criterion.key] = caption
            self.inputs[criterion.key] = widget
            self.points[criterion.key] = points
            self.contributions[criterion.key] = contribution
            if criterion.key in fed:
                row += 1
                source = SourceRow(criterion.key, holder)
                source.toggled.connect(self._on_source_toggled)
                if source.target_button is not None:
                    source.target_button.clicked.connect(self.edit_target)
                grid.addWidget(source, row, 0, 1, 4)
                self.sources[criterion.key] = source
        last = row + 1
        self._total_caption.setParent(holder)
        self.total_points.setParent(holder)
        self.total_points.setAlignment(right)
        grid.addWidget(self._total_caption, last, 0, 1, 3)
        grid.addWidget(self.total_points, last, 3)
        self._criteria_layout.replaceWidget(old, holder)
        self._grid_holder = holder
        old.deleteLater()
        self.set_values(values)
        for head in self._heads[2:]:
            head.setAlignment(right)

    # -- texts ------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.criteria_box.setTitle(_("Evaluation under scheme version {version}",
                                     version=self.scheme.version))
        for head, text in zip(self._heads, (_("Criterion"), _("Input"), _("Points"),
                                            _("Weighted")), strict=True):
            head.setText(f"<b>{text}</b>")
        self._total_caption.setText("<b>" + _("Total") + "</b>")
        for criterion in self.scheme.criteria:
            self._captions[criterion.key].setText(criterion.label)
            widget = self.inputs[criterion.key]
            if isinstance(widget, QComboBox):
                widget.setItemText(0, _("— choose —"))
                for index, (name, _points) in enumerate(criterion.ratings, start=1):
                    widget.setItemText(index, rating_label(name))
        for source in self.sources.values():
            source.retranslate()
        self._date_caption.setText(_("Evaluated on"))
        self._period_caption.setText(_("Period"))
        self._notes_caption.setText(_("Notes"))
        self.notes.setPlaceholderText(_("Optional: what stood out this period"))
        self.result_box.setTitle(_("Result"))
        self.save_button.setText(_("Save evaluation (Ctrl+Return)"))
        self._update_preview()

    # -- values -----------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """Raw inputs by criterion key; a rating not chosen yet is None."""
        values: dict[str, Any] = {}
        for key, widget in self.inputs.items():
            if isinstance(widget, QDoubleSpinBox):
                values[key] = round(widget.value(), 1)
            elif isinstance(widget, QSpinBox):
                values[key] = widget.value()
            elif isinstance(widget, QComboBox):
                values[key] = widget.currentData()
        return values

    def set_values(self, values: dict[str, Any]) -> None:
        """Fill the inputs (missing keys get their empty value) and update the preview."""
        for key, widget in self.inputs.items():
            value = values.get(key)
            widget.blockSignals(True)
            try:
                if isinstance(widget, QDoubleSpinBox):
                    widget.setValue(float(value) if isinstance(value, int | float) else 0.0)
                elif isinstance(widget, QSpinBox):
                    widget.setValue(int(value) if isinstance(value, int | float) else 0)
                elif isinstance(widget, QComboBox):
                    widget.setCurrentIndex(max(widget.findData(value), 0)
                                           if value is not None else 0)
            finally:
                widget.blockSignals(False)
        self._update_preview()

    def set_client(self, client_id: int | None, previous: Evaluation | None = None) -> None:
        """Start evaluating ``client_id``, pre-filled with its previous inputs."""
        self.client_id = client_id
        self.last_saved = None
        self.setEnabled(client_id is not None)
        today = self._service.clock().date()
        self.evaluated_on.blockSignals(True)
        self.evaluated_on.setMaximumDate(to_qdate(today))
        self.evaluated_on.setDate(to_qdate(today))
        self.evaluated_on.blockSignals(False)
        self._period_auto = True
        self._set_period(*default_period(today, self._service.period_days))
        self.notes.clear()
        self.status.clear()
        self._clear_errors()
        self._previous = previous
        self.set_values(dict(previous.inputs) if previous else {})
        self.refresh_from_orders(default_sources=True)

    # -- inputs from the orders --------------------------------------------------------
    def period(self) -> tuple[date, date]:
        return from_qdate(self.period_start.date()), from_qdate(self.period_end.date())

    def refresh_from_orders(self, default_sources: bool = False) -> None:
        """Read what the client's orders say for the period again; with
        ``default_sources`` also choose each fed input's source: the orders
        when they give a figure (for the credit: when the period has won
        orders), unless the previous evaluation typed it by hand."""
        found: dict[str, FromOrders] = {}
        if self.client_id is not None and self.sources:
            found = self._service.from_orders(self.client_id, *self.period(),
                                              evaluated_on=from_qdate(self.evaluated_on.date()))
        for key, source in self.sources.items():
            source.set_found(found.get(key))
            if default_sources:
                was = (self._previous.sources.get(key, {}).get("source")
                       if self._previous else None)
                item = found.get(key)
                useful = item is not None and item.value is not None and (
                    key == SALES_KEY or bool(item.facts.get("orders")))
                source.set_checked(useful and was != BY_HAND)
        self._apply_sources()

    def _apply_sources(self) -> None:
        """Put the orders' figures into the inputs switched to the orders, which
        then cannot be typed over (clear the switch to override)."""
        for key, source in self.sources.items():
            widget = self.inputs[key]
            on = source.from_orders.isChecked() and source.found is not None
            widget.setEnabled(not on)
            if on and source.found is not None and source.found.value is not None:
                widget.blockSignals(True)
                if isinstance(widget, QDoubleSpinBox):
                    widget.setValue(min(float(source.found.value), widget.maximum()))
                elif isinstance(widget, QSpinBox):
                    widget.setValue(min(int(source.found.value), widget.maximum()))
                widget.blockSignals(False)
        self._update_preview()

    def _on_source_toggled(self) -> None:
        self._clear_errors()
        self.status.clear()
        self._apply_sources()

    def source_choices(self) -> dict[str, str]:
        """Criterion key -> FROM_ORDERS or BY_HAND, for each fed input."""
        return {key: FROM_ORDERS if source.from_orders.isChecked() else BY_HAND
                for key, source in self.sources.items()}

    def edit_target(self) -> TargetDialog | None:
        """Open the dialog setting the client's sales target (window-modal, does
        not block); its period is the target covering the evaluation period's
        end, else that day's quarter."""
        if self.client_id is None:
            return None
        if self.target_dialog is not None:
            self.target_dialog.raise_()
            return self.target_dialog
        end = self.period()[1]
        sales = self._service.sales
        current = next((t for t in sales.targets_of(self.client_id)
                        if t.period_start <= end <= t.period_end), None)
        period = (current.period_start, current.period_end) if current else quarter_of(end)
        dialog = TargetDialog(sales, self.client_id, period, current, self)
        dialog.accepted.connect(self._on_target_set)
        dialog.finished.connect(self._on_target_dialog_closed)
        self.target_dialog = dialog
        dialog.open()
        return dialog

    def _on_target_set(self) -> None:
        source = self.sources.get(SALES_KEY)
        self.refresh_from_orders()
        if source is not None and source.from_orders.isEnabled():
            source.set_checked(True)  # the user set the target to use it
            self._apply_sources()
        self.status.setText(_("Sales target saved."))

    def _on_target_dialog_closed(self) -> None:
        if self.target_dialog is not None:
            self.target_dialog.deleteLater()
        self.target_dialog = None

    def _set_period(self, start: date, end: date) -> None:
        for edit, value in ((self.period_start, start), (self.period_end, end)):
            edit.blockSignals(True)
            edit.setDate(to_qdate(value))
            edit.blockSignals(False)

    def _on_date_changed(self) -> None:
        if self._period_auto:
            self._set_period(*default_period(from_qdate(self.evaluated_on.date()),
                                             self._service.period_days))
        self._clear_errors()
        self.refresh_from_orders()

    def _on_period_edited(self) -> None:
        self._period_auto = False
        self._clear_errors()
        self.refresh_from_orders()

    def _on_input(self) -> None:
        self._clear_errors()
        self.status.clear()
        self._update_preview()

    # -- the live preview ---------------------------------------------------------------
    def _update_preview(self) -> None:
        values = self.values()
        for criterion in self.scheme.criteria:
            raw = values.get(criterion.key)
            try:
                points = None if raw is None else criterion.points(raw)
            except ScoringError:
                points = None
            self.points[criterion.key].setText("—" if points is None else f"{points:.0f}"
                                               if points == int(points) else f"{points:.1f}")
            self.contributions[criterion.key].setText(
                ("—" if points is None else f"{points * criterion.weight / 100:.1f}")
                + f" / {criterion.weight:g}")
        missing = [c for c in self.scheme.criteria if values.get(c.key) is None]
        self.result = None
        if not missing:
            try:
                self.result = evaluate(self.scheme, values)
            except ScoringError as exc:
                self.hint.setText(str(exc))
        if self.result is None:
            self.total.setText("—")
            self.total_points.setText("— / 100")
            self.grade.clear()
            self.grade.setStyleSheet("")
            self.strategy.clear()
            if missing:
                self.hint.setText(_("Rate every criterion to see the total and the grade."))
            return
        result = self.result
        self.total.setText(f"{result.total:.1f}")
        self.total_points.setText(f"<b>{result.total:.1f}</b> / 100")
        self.grade.setText(_("Grade {caption}", caption=grade_caption(result.grade)))
        self.grade.setStyleSheet(f"color: {GRADE_COLOURS[result.grade].darker(115).name()};")
        self.strategy.setText(grade_strategy(result.grade))
        self.hint.setText(self._hint_text(values, result))

    def _hint_text(self, values: dict[str, Any], result: Result) -> str:
        lift = lift_to_next_grade(self.scheme, values, result)
        if lift is None:
            return _("Already in the top grade.")
        points = f"{lift.points:.1f}"
        if lift.criterion is None:
            return _("{points} more points needed for {grade}.", points=points, grade=lift.grade)
        if lift.percent is None:
            return _("{points} more points needed for {grade}; {criterion} alone cannot "
                     "get there.", points=points, grade=lift.grade,
                     criterion=lift.criterion.label)
        return _("{points} more points needed for {grade}; e.g. {criterion} at {percent}% "
                 "would do it.", points=points, grade=lift.grade,
                 criterion=lift.criterion.label, percent=f"{lift.percent:g}")

    # -- saving -----------------------------------------------------------------------
    def _clear_errors(self) -> None:
        for widget in (*self.inputs.values(), self.evaluated_on, self.period_start,
                       self.period_end):
            if widget.property("invalid"):
                mark_invalid(widget, None)
        self.error.hide()

    def _fields_for(self, message: str) -> list[QWidget]:
        if message == _("The period starts after it ends"):
            return [self.period_start, self.period_end]
        if message == _("The evaluation date is in the future"):
            return [self.evaluated_on]
        return [self.inputs[c.key] for c in self.scheme.criteria
                if message.startswith(c.label + ":") and c.key in self.inputs]

    def _show_error(self, message: str, fields: list[QWidget]) -> None:
        for widget in fields:
            mark_invalid(widget, message)
        self.error.setText(_("Not saved: {reason}", reason=message))
        self.error.show()
        if fields:
            fields[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> Evaluation | None:
        """Store the evaluation; on a problem mark the field, keep the input, save nothing."""
        if self.client_id is None:
            return None
        self._clear_errors()
        values = self.values()
        for criterion in self.scheme.criteria:
            if values.get(criterion.key) is None:
                self._show_error(_("{criterion}: choose a rating", criterion=criterion.label),
                                 [self.inputs[criterion.key]])
                return None
        try:
            saved = self._service.evaluate_client(
                self.client_id, values,
                period=self.period(), evaluated_on=from_qdate(self.evaluated_on.date()),
                notes=self.notes.text(), sources=self.source_choices())
        except ScoringError as exc:
            self._show_error(str(exc), self._fields_for(str(exc)))
            return None
        except NotFoundError as exc:
            self._show_error(str(exc), [])
            return None
        self.last_saved = saved
        self._previous = saved
        if saved.scheme_version != self.scheme.version:  # edited elsewhere meanwhile
            self.rebuild()
        self.notes.clear()
        self.status.setText(_("Saved: {total} points, grade {grade}.",
                              total=f"{saved.total:.1f}", grade=saved.grade))
        self.saved.emit(saved.client_id)
        return saved
