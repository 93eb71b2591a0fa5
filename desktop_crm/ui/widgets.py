"""Small reusable editors: solar/lunar date specs, row lists (dates: date_edit.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QDate, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.dates import LUNAR, SOLAR, DateSpec
from desktop_crm.domain.validation import MAX_REMIND_DAYS
from desktop_crm.i18n import _, language
from desktop_crm.ui.lunar_spin import LunarSpinBox
from desktop_crm.ui.view_setup import add_shortcut as add_shortcut
from desktop_crm.ui.view_setup import configure_list_view as configure_list_view

# Set on a field only while it is invalid (mark_invalid): a style sheet on the
# whole window would make Qt style every widget through it (~0.1 s at start).
INVALID_LOOK = "border: 1px solid #c0392b; background: #fdecea;"
INVALID_STYLE = f"""
*[invalid="true"] {{ {INVALID_LOOK} }}
"""
ERROR_STYLE = "color: #c0392b;"  # the text of a problem, in the invalid fields' red


def ok_cancel_buttons(dialog: QDialog, on_ok: Callable[[], object] | None = None,
                      ok_text: str | None = None) -> QDialogButtonBox:
    """A dialog's OK and Cancel: OK runs ``on_ok`` (the dialog's ``accept``
    when not given; a dialog that checks its fields first gives its own),
    Cancel rejects. ``ok_text``: OK's own words ("Save order")."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    if ok_text is not None:
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
    buttons.accepted.connect(on_ok or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def error_label(parent: QWidget) -> QLabel:
    """A dialog's hidden, word-wrapped red line for the problem that keeps it open."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label


def mark_invalid(widget: QWidget, message: str | None) -> None:
    """Show (or clear) a validation problem on a field: red frame and tooltip.
    A field made of several inputs (a date) shows it itself, with its message
    below (``show_problem``): a frame around a plain QWidget is not drawn."""
    widget.setProperty("invalid", bool(message))
    widget.setToolTip(message or "")
    # a sheet of the field's own stays (setStyleSheet re-polishes the field)
    own = widget.styleSheet().replace(INVALID_STYLE, "").replace(" " + INVALID_LOOK, "")
    if not message:
        widget.setStyleSheet(own)
    elif own and "{" not in own:  # declarations only (no rules): add ours to them
        widget.setStyleSheet(own + " " + INVALID_LOOK)
    else:
        widget.setStyleSheet(own + INVALID_STYLE)
    show_problem = getattr(widget, "show_problem", None)
    if callable(show_problem):
        show_problem(message)


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class DateSpecEdit(QWidget):
    """A recurring date: calendar (Gregorian/lunar), optional year, month, day, leap.

    Signals:
        changed: the value changed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, optional: bool = True) -> None:
        super().__init__(parent)
        self._optional = optional
        self.enabled_box = QCheckBox(self)
        self.enabled_box.setVisible(optional)
        self.calendar = QComboBox(self)
        self.calendar.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.year = QSpinBox(self)
        self.year.setRange(1899, 2100)
        self.year.setSpecialValueText("—")  # 1899 = year unknown
        self.year.setValue(1899)
        self.month = LunarSpinBox(self, month=True)
        self.month.setRange(1, 12)
        self.day = LunarSpinBox(self, month=False)
        self.day.setRange(1, 31)
        self.leap = QCheckBox(self)
        self.problem_label = error_label(self)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.enabled_box, self.calendar, self.year, self.month, self.day, self.leap):
            row.addWidget(w)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.problem_label)
        self._inputs = (self.calendar, self.year, self.month, self.day, self.leap)
        self.enabled_box.toggled.connect(self._sync)
        self.calendar.currentIndexChanged.connect(self._sync)
        self.enabled_box.toggled.connect(self.changed)
        self.calendar.currentIndexChanged.connect(self.changed)
        for spin in (self.year, self.month, self.day):
            spin.valueChanged.connect(self.changed)
        self.leap.toggled.connect(self.changed)
        self.leap.toggled.connect(self._sync)
        self.enabled_box.setChecked(not optional)
        self.retranslate()
        self._sync()

    def retranslate(self) -> None:
        current = self.calendar.currentIndex()
        self.calendar.blockSignals(True)
        self.calendar.clear()
        self.calendar.addItem(_("Gregorian"), SOLAR)
        self.calendar.addItem(_("Lunar"), LUNAR)
        self.calendar.setCurrentIndex(max(current, 0))
        self.calendar.blockSignals(False)
        self.year.setPrefix("")
        self.year.setSuffix(_(" (year)"))
        self.month.setSuffix(_(" (month)"))
        self.day.setSuffix(_(" (day)"))
        self.leap.setText(_("Leap month"))
        self.year.setToolTip(_("Year, if known"))
        self._sync()

    def _sync(self) -> None:
        on = self.enabled_box.isChecked()
        for w in self._inputs:
            w.setEnabled(on)
        lunar = self.calendar.currentData() == LUNAR
        self.leap.setVisible(lunar)
        if not lunar:
            self.leap.setChecked(False)
        # 八月 / 十五 in Chinese, not "8 月" / "15 日"
        traditional = lunar and language() == "zh"
        self.month.set_lunar(traditional, self.leap.isChecked())
        self.day.set_lunar(traditional)

    def show_problem(self, message: str | None) -> None:
        """Mark the year, month and day (an impossible date such as 2-30 is
        their combination) and show the message below them."""
        for spin in (self.year, self.month, self.day):
            mark_invalid(spin, message)
        self.problem_label.setText(message or "")
        self.problem_label.setVisible(bool(message))

    def value(self) -> DateSpec | None:
        """The spec as entered (not checked: validation reports impossible dates)."""
        if not self.enabled_box.isChecked():
            return None
        year = self.year.value()
        return DateSpec(
            self.calendar.currentData() or SOLAR, self.month.value(), self.day.value(),
            None if year == self.year.minimum() else year, self.leap.isChecked(),
        )

    def set_value(self, spec: DateSpec | None) -> None:
        self.enabled_box.setChecked(spec is not None or not self._optional)
        if spec is not None:
            self.calendar.setCurrentIndex(1 if spec.is_lunar else 0)
            self.year.setValue(spec.year or self.year.minimum())
            self.month.setValue(spec.month)
            self.day.setValue(spec.day)
            self.leap.setChecked(spec.leap)
        else:
            self.calendar.setCurrentIndex(0)
            self.year.setValue(self.year.minimum())
            self.month.setValue(1)
            self.day.setValue(1)
            self.leap.setChecked(False)
        self._sync()


class RemindSpin(QSpinBox):
    """How many days before a date to be reminded; the lowest value means "the
    default for this kind of date" (Care calendar settings)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(-1, MAX_REMIND_DAYS)
        self.setValue(-1)
        self.retranslate()

    def retranslate(self) -> None:
        self.setSpecialValueText(_("Default reminder"))
        self.setPrefix(_("Remind "))
        self.setSuffix(_(" days before"))
        self.setToolTip(_("How many days before the date it shows on the Today tab"))

    def days(self) -> int | None:
        return None if self.value() < 0 else self.value()

    def set_days(self, days: int | None) -> None:
        self.setValue(-1 if days is None else days)


class RowList(QWidget):
    """A vertical list of editor rows with an "add" button and a remove button
    on each row. ``factory`` makes one row widget.

    Signals:
        changed: a row was added or removed, or a row reported a change.
    """

    changed = Signal()

    def __init__(self, factory: Callable[[], QWidget], add_text: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self._add_text = add_text
        self.rows: list[QWidget] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton(self)
        self.add_button.clicked.connect(self.add_row)
        self._layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.retranslate()

    def retranslate(self) -> None:
        self.add_button.setText(self._add_text())
        for row in self.rows:
            if hasattr(row, "retranslate"):
                row.retranslate()

    def add_row(self) -> QWidget:
        row = self._factory()
        holder = QWidget(self)
        line = QHBoxLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(row, 1)
        remove = QToolButton(holder)
        remove.setText("✕")
        remove.setToolTip(_("Remove"))
        remove.clicked.connect(lambda: self._remove(holder, row))
        line.addWidget(remove)
        self._layout.insertWidget(self._layout.count() - 1, holder)
        self.rows.append(row)
        if hasattr(row, "changed"):
            row.changed.connect(self.changed)
        self.changed.emit()
        return row

    def _remove(self, holder: QWidget, row: QWidget) -> None:
        self.rows.remove(row)
        holder.deleteLater()
        self.changed.emit()

    def clear(self) -> None:
        for row in list(self.rows):
            holder = row.parentWidget()
            assert holder is not None  # add_row always wraps a row in a holder
            self._remove(holder, row)


def refill_combo(combo: QComboBox, entries: Sequence[tuple[str, object]],
                 default: object = None) -> None:
    """Replace a combo box's (text, data) entries, keeping the chosen data
    (``default`` when the combo was empty), without emitting signals."""
    current = combo.currentData() if combo.count() else default
    combo.blockSignals(True)
    try:
        combo.clear()
        for text, data in entries:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(combo.findData(current), 0))
    finally:
        combo.blockSignals(False)


def select_row_quietly(view: QTableView, row: int | None) -> bool:
    """Make ``row`` the view's current, selected row (or clear the selection
    for None) without emitting selection signals; False when cleared."""
    model, selection = view.model(), view.selectionModel()
    selection.blockSignals(True)
    try:
        if row is None:
            selection.clearSelection()
            selection.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.Clear)
            return False
        selection.setCurrentIndex(model.index(row, 0),
                                  QItemSelectionModel.SelectionFlag.ClearAndSelect
                                  | QItemSelectionModel.SelectionFlag.Rows)
    finally:
        selection.blockSignals(False)
    view.viewport().update()
    view.scrollTo(model.index(row, 0))
    return True
