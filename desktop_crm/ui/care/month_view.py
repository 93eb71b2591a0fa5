"""The month view: a calendar whose days show the lunar date, festivals, and
how many agenda items fall on them."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QPainter
from PySide6.QtWidgets import QAbstractItemView, QCalendarWidget, QToolTip, QWidget

from desktop_crm.domain.dates import lunar_date_text, lunar_day_labels
from desktop_crm.i18n import language, ngettext
from desktop_crm.ui.widgets import from_qdate

BADGE_COLOUR = QColor("#c0392b")
FESTIVAL_COLOUR = QColor("#b03a2e")
LUNAR_COLOUR = QColor("#7f8c8d")


def fitted_lines(metrics: QFontMetrics, text: str, width: int, most: int) -> list[str]:
    """``text`` broken at spaces into at most ``most`` lines of ``width``
    pixels ("New Year's" / "Day"); what still does not fit is elided."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and metrics.horizontalAdvance(lines[-1] + " " + word) <= width:
            lines[-1] += " " + word
        elif len(lines) < most:
            lines.append(word)
        else:
            lines[-1] += " " + word
    return [metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines]


class MonthView(QCalendarWidget):
    """A QCalendarWidget that paints, in each day cell, the lunar day (or the
    festival) under the number and a red badge with the count of items."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setGridVisible(True)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.counts: dict[date, int] = {}
        self.festivals: dict[date, str] = {}
        self._lunar: dict[date, str] = {}
        self._cells: list[tuple[QRect, date]] = []  # where paintCell drew each day
        # the day cells are an inner table view: its tooltips name the day in full
        self._days_view = self.findChild(QAbstractItemView)
        if self._days_view is not None:
            self._days_view.viewport().installEventFilter(self)
        self.retranslate()

    def retranslate(self) -> None:
        """Month and weekday names follow the app's language, not the system's."""
        self.setLocale(QLocale(QLocale.Language.Chinese, QLocale.Country.China)
                       if language() == "zh" else QLocale(QLocale.Language.English,
                                                          QLocale.Country.UnitedKingdom))

    def set_marks(self, counts: dict[date, int], festivals: dict[date, str],
                  start: date, end: date) -> None:
        """Item counts and festival names for the days ``start``..``end`` shown."""
        self.counts = counts
        self.festivals = festivals
        self._lunar = lunar_day_labels(start, end)
        self.updateCells()

    def day_tip(self, day: date) -> str:
        """The tooltip of ``day``'s cell: the lunar date and festival in full,
        and how many items fall on it."""
        parts = [day.isoformat(), lunar_date_text(day)]
        festival = self.festivals.get(day)
        if festival:
            parts.append(festival)
        count = self.counts.get(day, 0)
        if count:
            parts.append(ngettext("{n} item", "{n} items", count))
        return " · ".join(parts)

    def day_at(self, x: int, y: int) -> date | None:
        """The day whose cell was painted at (x, y) of the day view's viewport."""
        for rect, day in self._cells:
            if rect.contains(x, y):
                return day
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Override QObject::eventFilter: a day cell's tooltip."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            day = self.day_at(event.pos().x(), event.pos().y())
            if day is not None:
                QToolTip.showText(event.globalPos(), self.day_tip(day), self._days_view)
                return True
        return super().eventFilter(watched, event)

    def paintCell(self, painter: QPainter, rect: QRect, qdate: QDate) -> None:
        """Override QCalendarWidget::paintCell: the day as usual, then the lunar
        label at the bottom and the item count at the top right."""
        super().paintCell(painter, rect, qdate)
        day = from_qdate(qdate)
        painter.save()
        small = QFont(painter.font())
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.72))
        painter.setFont(small)
        self._cells = [(r, d) for r, d in self._cells if r != rect] + [(QRect(rect), day)]
        festival = self.festivals.get(day)
        label = festival or self._lunar.get(day, "")
        if label:
            painter.setPen(FESTIVAL_COLOUR if festival else LUNAR_COLOUR)
            bottom = rect.adjusted(1, 0, -1, -1)
            metrics = painter.fontMetrics()
            # a festival's name takes two lines where the cell has room below
            # the day's number ("New Year's" / "Day"), else it is elided
            room = 2 if rect.height() >= 4 * metrics.height() else 1
            lines = fitted_lines(metrics, label, bottom.width(), room)
            painter.drawText(bottom, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                             "\n".join(lines))
        count = self.counts.get(day, 0)
        if count:
            text = str(count) if count < 100 else "99+"
            width = painter.fontMetrics().horizontalAdvance(text) + 6
            height = painter.fontMetrics().height()
            badge = QRect(rect.right() - width - 1, rect.top() + 1, width, height)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(BADGE_COLOUR)
            painter.drawRoundedRect(badge, height / 2, height / 2)
            painter.setPen(Qt.GlobalColor.white)
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
