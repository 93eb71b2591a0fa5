"""The period the loyalty tab measures: presets (the last 12 whole months,
this quarter, last quarter, this year) or custom dates. (P', the period of
equal length just before it, is ``domain.loyalty.previous_period``.)

The dates of a custom period are read after a short pause, so typing a date
does not recompute the KPIs at every keystroke.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QSignalBlocker, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from desktop_crm.domain.sales import quarter_of
from desktop_crm.i18n import N_, _
from desktop_crm.ui.date_edit import DateEdit
from desktop_crm.ui.widgets import from_qdate, mark_invalid, to_qdate

PERIODS = (
    ("last_12_months", N_("Last 12 months")),
    ("this_quarter", N_("This quarter")),
    ("last_quarter", N_("Last quarter")),
    ("this_year", N_("This year")),
    ("custom", N_("From … to …")),
)
# The default: twelve whole months, so every month of the trend is complete, P'
# is the twelve months before, and no half-begun quarter inflates the churn.
DEFAULT = "last_12_months"
SETTLE_MS = 600  # a custom date is read this long after the last change


def month_start(day: date, back: int = 0) -> date:
    """The first day of ``day``'s month, ``back`` months earlier."""
    year, month = divmod(day.year * 12 + day.month - 1 - back, 12)
    return date(year, month + 1, 1)


def month_end(day: date) -> date:
    return month_start(day, -1) - timedelta(days=1)


def preset_range(key: str, today: date) -> tuple[date, date]:
    """The dates of a preset period, ending today at the latest."""
    if key == "this_quarter":
        return quarter_of(today)[0], today
    if key == "last_quarter":
        return quarter_of(quarter_of(today)[0] - timedelta(days=1))
    if key == "this_year":
        return date(today.year, 1, 1), today
    if key == "last_12_months":  # the twelve whole months before this one
        return month_start(today, 12), month_start(today) - timedelta(days=1)
    raise ValueError(f"no preset period {key!r}")


class PeriodChooser(QWidget):
    """A combo of PERIODS and the period's From / To dates (editable for "custom").

    Signals:
        changed: a valid period was chosen (arguments: start, end).

    Attributes:
        combo: the period (data: a PERIODS key).
        since_edit, until_edit: the dates; editable for "custom".
        error: why the custom dates are refused (hidden when they are fine).
    """

    changed = Signal(date, date)

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.label = QLabel(self)
        self.combo = QComboBox(self)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for key, _msgid in PERIODS:
            self.combo.addItem("", key)
        self.since_label = QLabel(self)
        self.until_label = QLabel(self)
        self.since_edit = self._date_edit()
        self.until_edit = self._date_edit()
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #c0392b;")
        self.error.hide()
        self.label.setBuddy(self.combo)
        self.since_label.setBuddy(self.since_edit)
        self.until_label.setBuddy(self.until_edit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.combo)
        layout.addSpacing(8)
        widgets: tuple[QWidget, ...] = (self.since_label, self.since_edit, self.until_label,
                                        self.until_edit, self.error)
        for widget in widgets:
            layout.addWidget(widget)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._emit_if_valid)
        self.combo.setCurrentIndex(self.combo.findData(DEFAULT))
        self._apply_preset()
        self.combo.currentIndexChanged.connect(self._on_key_changed)
        self.since_edit.dateChanged.connect(self._on_date_edited)
        self.until_edit.dateChanged.connect(self._on_date_edited)
        # leaving a date field or pressing Enter in it reads it at once
        self.since_edit.editingFinished.connect(self._settle_now)
        self.until_edit.editingFinished.connect(self._settle_now)
        self.retranslate()

    def _date_edit(self) -> DateEdit:
        edit = DateEdit(self)
        edit.setMinimumDate(QDate(2000, 1, 1))
        return edit

    def retranslate(self) -> None:
        self.label.setText(_("&Period"))
        for index, (_key, msgid) in enumerate(PERIODS):
            self.combo.setItemText(index, _(msgid))
        self.since_label.setText(_("From"))
        self.until_label.setText(_("To"))
        self._validate()

    # -- reading --------------------------------------------------------------------
    def key(self) -> str:
        return str(self.combo.currentData())

    def dates(self) -> tuple[date, date]:
        """The chosen period as shown (the custom dates may be the wrong way round:
        see ``valid``)."""
        return from_qdate(self.since_edit.date()), from_qdate(self.until_edit.date())

    def problem(self) -> str | None:
        """Why the shown dates are not a period, or None."""
        start, end = self.dates()
        if start > end:
            return _("The start date is after the end date.")
        return None

    def set_period(self, key: str, start: date | None = None, end: date | None = None) -> None:
        """Choose a period (dates only for "custom") and emit ``changed`` at once."""
        with QSignalBlocker(self.combo), QSignalBlocker(self.since_edit), \
                QSignalBlocker(self.until_edit):
            index = self.combo.findData(key)
            if index < 0:
                raise ValueError(f"no period {key!r}")
            self.combo.setCurrentIndex(index)
            if key == "custom":
                if start is not None:
                    self.since_edit.setDate(to_qdate(start))
                if end is not None:
                    self.until_edit.setDate(to_qdate(end))
        self._apply_preset()
        self._settle_now()

    def set_today(self, today: date) -> None:
        """A new day: the presets move with it."""
        if today != self.today:
            self.today = today
            self._apply_preset()

    # -- reacting -------------------------------------------------------------------
    def _apply_preset(self) -> None:
        custom = self.key() == "custom"
        self.since_edit.setEnabled(custom)
        self.until_edit.setEnabled(custom)
        if not custom:
            start, end = preset_range(self.key(), self.today)
            with QSignalBlocker(self.since_edit), QSignalBlocker(self.until_edit):
                self.since_edit.setDate(to_qdate(start))
                self.until_edit.setDate(to_qdate(end))
        self._validate()

    def _on_key_changed(self) -> None:
        self._apply_preset()
        self._settle_now()

    def _on_date_edited(self) -> None:
        self._validate()
        self._settle.start()

    def _settle_now(self) -> None:
        self._settle.stop()
        self._emit_if_valid()

    def _validate(self) -> bool:
        problem = self.problem()
        mark_invalid(self.until_edit, problem)
        self.error.setText(problem or "")
        self.error.setVisible(problem is not None)
        return problem is None

    def _emit_if_valid(self) -> None:
        if self._validate():
            self.changed.emit(*self.dates())
