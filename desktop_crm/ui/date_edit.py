"""The app's one date (and date-and-time) entry: a line typed whole or picked
from a calendar.

Qt's QDateEdit edits a date section by section, so selecting all of
2026-05-18 and typing 2008-05-18 kept only the month and day, and 2008/5/18,
20080518 or a pasted date were refused. Here the whole text is read with the
domain's ``parse_date`` (2008-05-18, 2008/5/18, 2008.5.18, 2008年5月18日,
20080518); a date that cannot exist (2026-02-30) is marked at the field with
its message instead of being changed into another one.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from PySide6.QtCore import QDate, QDateTime, QEvent, Qt, QTime, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from desktop_crm.domain.validation import parse_date
from desktop_crm.i18n import _
from desktop_crm.ui.widgets import error_label, from_qdate, mark_invalid, to_qdate

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)
Day = date  # the type, where DateEdit.date (QDateEdit's name) hides it
_TIME = re.compile(r"^(\d{1,2})[:：.]?(\d{2})(?:[:：](\d{2}))?$")


def _as_date(value: QDate | date) -> date:
    return from_qdate(value) if isinstance(value, QDate) else value


class DateEdit(QWidget):
    """A date typed whole (or chosen in the calendar behind the ▾ button).

    ``optional``: an empty field means "no date". With ``with_time`` the text
    is a date and a time (2026-09-25 14:30; a date alone keeps the time shown
    before). ``problem()`` says why the text is not a date; the field shows it
    (red frame and a line below) once the typing is finished, and the forms
    refuse to save while there is one.

    The QDateEdit calls the forms already made are kept: ``date()``,
    ``setDate()``, ``dateChanged``, ``editingFinished``, the minimum and maximum.

    Signals:
        dateChanged: a new valid date (QDate) was typed, picked or set.
        changed: the value changed, including to "no date".
        editingFinished: the typing was finished (Enter, or focus left).
    """

    dateChanged = Signal(QDate)  # noqa: N815 - QDateEdit's name
    changed = Signal()
    editingFinished = Signal()  # noqa: N815 - QDateEdit's name

    def __init__(self, parent: QWidget | None = None, value: QDate | date | None = None,
                 *, optional: bool = False, with_time: bool = False) -> None:
        super().__init__(parent)
        self._optional = optional
        self._with_time = with_time
        self._minimum, self._maximum = FIRST_DAY, LAST_DAY
        self._value: datetime | None = None  # the last valid value typed or set
        self.line = QLineEdit(self)
        self.line.setClearButtonEnabled(optional)
        sample = "2026-09-25 14:30" if with_time else "2026-09-25"  # never clipped
        self.line.setMinimumWidth(self.line.fontMetrics().horizontalAdvance(sample)
                                  + (40 if optional else 16))
        self.button = QToolButton(self)
        self.button.setText("▾")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setStyleSheet("QToolButton::menu-indicator { image: none; }")  # ▾ says it
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._prepare_calendar)
        self.button.setMenu(menu)
        self.problem_label = error_label(self)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.line, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.problem_label)
        self.setFocusProxy(self.line)
        self.line.textEdited.connect(self._on_typed)
        self.line.editingFinished.connect(self._on_finished)
        self.calendar.clicked.connect(self._on_picked)
        self.calendar.activated.connect(self._on_picked)
        self.retranslate()
        if value is not None:
            self.setDate(value)
        elif not optional:
            self.setDate(date.today())

    def retranslate(self) -> None:
        """The texts in the UI language; also done when shown, so that the
        forms holding a date field need not call it."""
        self.line.setPlaceholderText(_("e.g. 2026-09-25 14:30") if self._with_time
                                     else _("e.g. 2026-09-25"))
        self.button.setToolTip(_("Choose in the calendar"))
        if self.problem_label.isVisible() and self.problem() is not None:
            self._show_problem(True)

    def showEvent(self, event: QShowEvent) -> None:
        self.retranslate()
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- the value ----------------------------------------------------------------
    def _format(self, value: datetime) -> str:
        return f"{value:%Y-%m-%d %H:%M}" if self._with_time else f"{value:%Y-%m-%d}"

    def _parse(self, text: str) -> datetime | None:
        """The text as a date (and time); None when empty. Raises ValueError."""
        text = text.strip()
        if not text:
            return None
        when = time(0, 0)
        if self._with_time:
            parts = text.replace("T", " ").split()
            if len(parts) > 2:
                raise ValueError(_("Not a valid date and time: {text} (use e.g. "
                                   "2026-09-25 14:30)", text=text))
            if self._value is not None:
                when = self._value.time()
            if len(parts) == 2:
                text, clock = parts
                m = _TIME.match(clock)
                try:
                    if not m:
                        raise ValueError(clock)
                    when = time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
                except ValueError:
                    raise ValueError(_("Not a valid time: {text} (use e.g. 14:30)",
                                       text=clock)) from None
        day = parse_date(text)
        if not self._minimum <= day <= self._maximum:
            raise ValueError(_("Choose a date from {first} to {last}",
                               first=f"{self._minimum:%Y-%m-%d}",
                               last=f"{self._maximum:%Y-%m-%d}"))
        return datetime.combine(day, when)

    def problem(self) -> str | None:
        """Why the text is not a date (None when it is one, or empty and optional)."""
        try:
            value = self._parse(self.line.text())
        except ValueError as exc:
            return str(exc)
        if value is None and not self._optional:
            return _("Enter a date, e.g. 2026-09-25")
        return None

    def value(self) -> date | None:
        """The date typed (None when empty, or while the text is not a date)."""
        moment = self.date_time()
        return moment.date() if moment is not None else None

    def date_time(self) -> datetime | None:
        try:
            return self._parse(self.line.text())
        except ValueError:
            return None

    def set_value(self, value: date | datetime | None) -> None:
        if isinstance(value, datetime):
            moment: datetime | None = value.replace(second=0, microsecond=0, tzinfo=None)
        else:
            moment = datetime.combine(value, time(0, 0)) if value is not None else None
        changed = moment != self._value
        self._value = moment
        self.line.setText(self._format(moment) if moment is not None else "")
        self._show_problem(False)
        if changed:
            self._emit()

    def _emit(self) -> None:
        if self._value is not None:
            self.dateChanged.emit(to_qdate(self._value.date()))
        self.changed.emit()

    # -- QDateEdit's calls --------------------------------------------------------------
    def date(self) -> QDate:
        """The last valid date (an invalid QDate when there is none)."""
        return to_qdate(self._value.date()) if self._value is not None else QDate()

    def setDate(self, value: QDate | Day) -> None:
        day = _as_date(value)
        when = self._value.time() if self._value is not None else time(0, 0)
        self.set_value(datetime.combine(day, when))

    def dateTime(self) -> QDateTime:
        moment = self._value or datetime.combine(date.today(), time(0, 0))
        return QDateTime(to_qdate(moment.date()), QTime(moment.hour, moment.minute))

    def setDateTime(self, value: QDateTime | datetime) -> None:
        moment = value.toPython() if isinstance(value, QDateTime) else value
        assert isinstance(moment, datetime)
        self.set_value(moment)

    def setMinimumDate(self, value: QDate | Day) -> None:
        self._minimum = _as_date(value)

    def setMaximumDate(self, value: QDate | Day) -> None:
        self._maximum = _as_date(value)

    def minimumDate(self) -> QDate:
        return to_qdate(self._minimum)

    def maximumDate(self) -> QDate:
        return to_qdate(self._maximum)

    # -- typing and picking -----------------------------------------------------------
    def _on_typed(self) -> None:
        if self.problem_label.isVisible():
            self._show_problem(True)  # follow the typing once a problem is shown
        moment = self.date_time()
        if moment is None and self.line.text().strip():
            self.changed.emit()  # not a date (yet): the last one stays date()
        elif moment != self._value:
            self._value = moment
            self._emit()

    def _on_finished(self) -> None:
        problem = self.problem()
        if problem is None and self._value is not None:
            self.line.setText(self._format(self._value))  # the one way dates are shown
        self._show_problem(problem is not None)
        self.editingFinished.emit()

    def _prepare_calendar(self) -> None:
        self.calendar.setDateRange(to_qdate(self._minimum), to_qdate(self._maximum))
        shown = self._value.date() if self._value is not None else date.today()
        self.calendar.setSelectedDate(to_qdate(shown))

    def _on_picked(self, value: QDate) -> None:
        self.setDate(value)
        menu = self.button.menu()
        if menu is not None:
            menu.close()
        self.line.setFocus()
        self.editingFinished.emit()

    def _show_problem(self, show: bool) -> None:
        """Mark the field with ``problem()`` (or clear the mark)."""
        problem = self.problem() if show else None
        mark_invalid(self.line, problem)
        self.problem_label.setText(problem or "")
        self.problem_label.setVisible(problem is not None)

    def show_problem(self, message: str | None) -> None:
        """A problem found when saving (e.g. "in the future"), shown at the field."""
        mark_invalid(self.line, message)
        self.problem_label.setText(message or "")
        self.problem_label.setVisible(bool(message))


class OptionalDateEdit(DateEdit):
    """A date that may be left empty (e.g. founded on, follow up on)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, optional=True)


class DateTimeEdit(DateEdit):
    """A date and a time of day (e.g. when a complaint was received)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, with_time=True)


def date_problems(fields: dict[str, QWidget]) -> list[tuple[str, str]]:
    """(field, message) for each date field of ``fields`` whose text is not a
    date, showing each message at its field."""
    found = []
    for name, widget in fields.items():
        if isinstance(widget, DateEdit):
            problem = widget.problem()
            widget.show_problem(problem)
            if problem is not None:
                found.append((name, problem))
    return found


def typed_date_problems(fields: dict[str, QWidget]) -> list[str]:
    """The names of the date fields of ``fields`` whose text is not a date
    (nothing is shown: for telling whether there are unsaved edits)."""
    return [name for name, widget in fields.items()
            if isinstance(widget, DateEdit) and widget.problem() is not None]
