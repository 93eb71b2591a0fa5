"""A line over months, drawn with QPainter like the app's other charts
(QtCharts is not part of PySide6-Essentials): the chosen KPI month by month,
or the thank-you calls' satisfaction. A month without a figure leaves a gap.

Labels are laid out from the font metrics (every k-th month when they do not
all fit), so nothing is clipped in Chinese or English.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPalette, QPen
from PySide6.QtWidgets import QWidget

from desktop_crm.i18n import N_, ngettext
from desktop_crm.ui.charts import PAD, ChartFrame, elide


def nice_axis(peak: float) -> tuple[float, int]:
    """A round axis top at or above ``peak`` (1, 2, 2.5, 5 x 10^n) and the
    number of steps that makes each tick round too."""
    if peak <= 0:
        return 1.0, 5
    power = 10.0 ** math.floor(math.log10(peak))
    for factor, steps in ((1, 5), (2, 4), (2.5, 5), (5, 5), (10, 5)):
        if peak <= factor * power * (1 + 1e-9):
            return factor * power, steps
    return 10 * power, 5


class TrendChart(ChartFrame):
    """Values by month as a line with points.

    Attributes:
        title: the title shown (already translated).
        points: (month label, value or None, note for the tooltip) per month.
        fixed_top: the axis top when fixed (satisfaction: 5), else None.
        tick_text: formats an axis tick; value_text formats a point.
    """

    def __init__(self, parent: QWidget | None = None,
                 empty_msgid: str = N_("No data")) -> None:
        super().__init__("", parent, empty_msgid)
        self.title = ""
        self.points: list[tuple[str, float | None, str]] = []
        self.fixed_top: float | None = None
        self.tick_text: Callable[[float], str] = lambda v: f"{v:g}"
        self.value_text: Callable[[float], str] = lambda v: f"{v:g}"
        self.retranslate()

    def sizeHint(self) -> QSize:
        """Override QWidget::sizeHint."""
        return QSize(520, 240)

    def set_data(self, title: str, points: Sequence[tuple[str, float | None, str]],
                 tick_text: Callable[[float], str], value_text: Callable[[float], str],
                 fixed_top: float | None = None) -> None:
        self.title = title
        self.points = list(points)
        self.tick_text, self.value_text = tick_text, value_text
        self.fixed_top = fixed_top
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setAccessibleName(self.title)

    def summary(self) -> str:
        lines = []
        for label, value, note in self.points:
            shown = "—" if value is None else self.value_text(value)
            lines.append(f"{label}: {shown}" + (f" ({note})" if note else ""))
        return "\n".join(lines)

    def _draw_title(self, painter: QPainter) -> float:
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(self._text_colour())
        height = float(painter.fontMetrics().height())
        rect = QRectF(PAD, PAD / 2, self.width() - 2 * PAD, height)
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         elide(painter.fontMetrics(), self.title, rect.width()))
        painter.setFont(self.font())
        return rect.bottom() + PAD / 2

    def _paint(self, painter: QPainter) -> None:
        top = self._draw_title(painter)
        values = [v for _l, v, _n in self.points if v is not None]
        if not values:
            self._draw_empty(painter, top)
            return
        fm = QFontMetricsF(self.font())
        line = fm.height()
        if self.fixed_top:
            axis_top, steps = self.fixed_top, max(int(self.fixed_top), 1)
        else:
            axis_top, steps = nice_axis(max(values))
        ticks = [axis_top * i / steps for i in range(steps + 1)]
        axis_w = max(fm.horizontalAdvance(self.tick_text(t)) for t in ticks) + 6
        plot = QRectF(PAD + axis_w, top + line / 2, 0.0, 0.0)
        plot.setRight(self.width() - PAD - fm.horizontalAdvance("2026-12") / 2)
        plot.setBottom(self.height() - PAD - line - 4)
        if plot.width() < 20 or plot.height() < 20:
            return
        text = self._text_colour()
        for tick in ticks:
            y = plot.bottom() - plot.height() * tick / axis_top
            painter.setPen(QPen(self._grid_colour(), 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            painter.drawText(QRectF(PAD / 2, y - line / 2, plot.left() - PAD / 2 - 4, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             self.tick_text(tick))
        n = len(self.points)
        slot = plot.width() / n
        xs = [plot.left() + slot * (i + 0.5) for i in range(n)]

        def y_of(value: float) -> float:
            share = max(0.0, min(value / axis_top, 1.0))
            return plot.bottom() - plot.height() * share

        colour = self.palette().color(QPalette.ColorRole.Highlight)
        painter.setPen(QPen(colour, 2))
        for i in range(1, n):
            before, after = self.points[i - 1][1], self.points[i][1]
            if before is not None and after is not None:
                painter.drawLine(QPointF(xs[i - 1], y_of(before)), QPointF(xs[i], y_of(after)))
        painter.setBrush(colour)
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Base), 1.5))
        for x, (_label, value, _note) in zip(xs, self.points, strict=True):
            if value is not None:
                painter.drawEllipse(QPointF(x, y_of(value)), 4.0, 4.0)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        # month labels: every k-th where they do not all fit, always the last
        widest = max(fm.horizontalAdvance(label) for label, _v, _n in self.points) + 8
        every = max(1, math.ceil(widest / slot))
        painter.setPen(text)
        for i, (label, _value, _note) in enumerate(self.points):
            if (n - 1 - i) % every:
                continue
            painter.drawText(QRectF(xs[i] - widest / 2, plot.bottom() + 3, widest, line),
                             Qt.AlignmentFlag.AlignCenter, label)
        painter.setPen(QPen(text, 1))
        painter.drawLine(QPointF(plot.left(), plot.bottom()),
                         QPointF(plot.right(), plot.bottom()))


def month_label(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def calls_note(count: int) -> str:
    return ngettext("{n} call", "{n} calls", count) if count else ""
