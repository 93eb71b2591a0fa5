"""The month view: a calendar whose days show the lunar date, festivals, and
how many agenda items fall on them."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QLocale, QRect, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QCalendarWidget, QWidget

from desktop_crm.domain.dates import lunar_day_labels
from desktop_crm.i18n import language
from desktop_crm.ui.widgets import from_qdate

BADGE_COLOUR = QColor("#c0392b")
FESTIVAL_COLOUR = QColor("#b03a2e")
LUNAR_COLOUR = QColor("#7f8c8d")


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

    def paintCell(self, painter: QPainter, rect: QRect, qdate: QDate) -> None:
        """Override QCalendarWidget::paintCell: the day as usual, then the lunar
        label at the bottom and the item count at the top right."""
        super().paintCell(painter, rect, qdate)
        day = from_qdate(qdate)
        painter.save()
        small = QFont(painter.font())
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.72))
        painter.setFont(small)
        festival = self.festivals.get(day)
        label = festival or self._lunar.get(day, "")
        if label:
            painter.setPen(FESTIVAL_COLOUR if festival else LUNAR_COLOUR)
            bottom = rect.adjusted(1, 0, -1, -1)
            painter.drawText(bottom, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                             painter.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight,
                                                              bottom.width()))
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
