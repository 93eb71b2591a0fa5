"""Reusable charts drawn with QPainter (QtCharts is not part of
PySide6-Essentials): horizontal bars for named counts, columns over an ordered
axis (months), and a Pareto chart (columns, the cumulative share on a right
axis in percent, and the 80% guide line).

Like the evaluation charts, they lay out their text from the widget's font
metrics and take their colours from the palette. Long labels are elided, and
column labels that do not fit their slot are drawn at 45 degrees (every k-th
one when the slots are narrower than a line of text), so Chinese and English
labels are never clipped. The data shown is kept in public attributes
(``bars``, ``cumulative``) for tests and accessibility.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_crm.i18n import N_, _

PAD = 6.0
CUMULATIVE_COLOUR = QColor("#c0504d")
_SIN45 = math.sqrt(0.5)


def nice_step(peak: float, max_ticks: int = 5) -> int:
    """A round tick step (1, 2, 5, 10, 20, ...) giving at most ``max_ticks`` ticks."""
    step = 1
    while peak / step > max_ticks:
        for factor in (2, 2.5, 2):  # 1 -> 2 -> 5 -> 10 -> 20 -> 50 ...
            step = int(step * factor)
            if peak / step <= max_ticks:
                break
    return step


def elide(fm: QFontMetrics, text: str, width: float) -> str:
    """``text`` if it fits in ``width`` pixels, else cut with an ellipsis.
    (QFontMetrics.elidedText cuts a text exactly as wide as ``width``.)"""
    if fm.horizontalAdvance(text) <= width:
        return text
    return fm.elidedText(text, Qt.TextElideMode.ElideRight, max(int(width), 0))


def _count_text(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


class ChartFrame(QWidget):
    """Common frame: background, border, title and painter set-up.

    (The same frame as ``ui/evaluation/charts._Chart``, with the title given
    per instance.)

    Attributes:
        title_msgid: the untranslated title.
        empty_msgid: the untranslated text shown when there is nothing to draw.
    """

    def __init__(self, title_msgid: str, parent: QWidget | None = None,
                 empty_msgid: str = N_("No data")) -> None:
        super().__init__(parent)
        self.title_msgid = title_msgid
        self.empty_msgid = empty_msgid
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        """Override QWidget::sizeHint."""
        return QSize(420, 240)

    def minimumSizeHint(self) -> QSize:
        """Override QWidget::minimumSizeHint."""
        return QSize(240, 170)

    def retranslate(self) -> None:
        self.setToolTip(self.summary())
        self.setAccessibleName(_(self.title_msgid))
        self.setAccessibleDescription(self.summary())
        self.updateGeometry()
        self.update()

    def summary(self) -> str:
        """The chart's content in words (tooltip and accessible description)."""
        return ""

    def paintEvent(self, event: QPaintEvent) -> None:
        """Override QWidget::paintEvent."""
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            palette = self.palette()
            painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
            painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        raise NotImplementedError

    def _title_height(self) -> float:
        bold = QFont(self.font())
        bold.setBold(True)
        return QFontMetricsF(bold).height() + PAD

    def _draw_title(self, painter: QPainter) -> float:
        """Draw the title at the top; returns the y below it."""
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(self._text_colour())
        height = float(painter.fontMetrics().height())
        rect = QRectF(PAD, PAD / 2, self.width() - 2 * PAD, height)
        text = elide(painter.fontMetrics(), _(self.title_msgid), rect.width())
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        painter.setFont(self.font())
        return rect.bottom() + PAD / 2

    def _draw_empty(self, painter: QPainter, top: float) -> None:
        painter.setPen(self._text_colour())
        painter.drawText(QRectF(PAD, top, self.width() - 2 * PAD, self.height() - top - PAD),
                         Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                         _(self.empty_msgid))

    def _text_colour(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Text)

    def _bar_colour(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Highlight)

    def _grid_colour(self) -> QColor:
        grid = QColor(self._text_colour())
        grid.setAlpha(40)
        return grid


class _BarsChart(ChartFrame):
    """A chart of (label, value) bars.

    Attributes:
        bars: (label, value) per bar, labels already translated.
    """

    def __init__(self, title_msgid: str, parent: QWidget | None = None,
                 empty_msgid: str = N_("No data")) -> None:
        super().__init__(title_msgid, parent, empty_msgid)
        self.bars: list[tuple[str, float]] = []
        self.retranslate()

    def set_data(self, bars: Sequence[tuple[str, float]]) -> None:
        self.bars = [(label, value) for label, value in bars]
        self.retranslate()

    def summary(self) -> str:
        return "\n".join(f"{label}: {_count_text(value)}" for label, value in self.bars)


class HorizontalBarChart(_BarsChart):
    """One horizontal bar per label, in the given order, with its value at the
    end; labels are elided to at most 40% of the width. The chart asks for
    the height its rows need.

    Attributes:
        bars: (label, value) per bar, labels already translated.
    """

    def _row_height(self) -> float:
        return QFontMetricsF(self.font()).height() + 10

    def _rows_height(self) -> int:
        rows = max(len(self.bars), 2)
        return math.ceil(self._title_height() + rows * self._row_height() + 2 * PAD)

    def sizeHint(self) -> QSize:
        """Override QWidget::sizeHint."""
        return QSize(420, max(self._rows_height(), 170))

    def minimumSizeHint(self) -> QSize:
        """Override QWidget::minimumSizeHint."""
        return QSize(240, self._rows_height())

    def _paint(self, painter: QPainter) -> None:
        top = self._draw_title(painter)
        if not self.bars:
            self._draw_empty(painter, top)
            return
        fm = painter.fontMetrics()
        text = self._text_colour()
        row_h = max((self.height() - top - PAD) / len(self.bars), float(fm.height()))
        row_h = min(row_h, self._row_height() * 1.6)
        label_w = min(max(fm.horizontalAdvance(label) for label, _v in self.bars),
                      int(self.width() * 0.4))
        value_w = max(fm.horizontalAdvance(_count_text(v)) for _l, v in self.bars)
        bar_left = PAD + label_w + PAD
        bar_room = self.width() - bar_left - PAD - value_w - 4
        if bar_room < 10:
            return
        peak = max(max(v for _l, v in self.bars), 1e-9)
        colour = self._bar_colour()
        painter.setPen(QPen(self._grid_colour(), 1))
        painter.drawLine(QPointF(bar_left, top), QPointF(bar_left, top + row_h * len(self.bars)))
        for index, (label, value) in enumerate(self.bars):
            y = top + row_h * index
            painter.setPen(text)
            caption = elide(fm, label, label_w)
            painter.drawText(QRectF(PAD, y, label_w, row_h),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, caption)
            length = bar_room * max(value, 0.0) / peak
            bar_h = min(row_h * 0.6, fm.height() * 1.0)
            painter.fillRect(QRectF(bar_left, y + (row_h - bar_h) / 2, length, bar_h), colour)
            painter.drawText(QRectF(bar_left + length + 4, y, value_w + 2, row_h),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             _count_text(value))


class ColumnChart(_BarsChart):
    """Vertical bars over an ordered axis (months, or bars sorted by size),
    with a count axis on the left.

    Attributes:
        bars: (label, value) per column, labels already translated.
    """

    # -- layout shared with the Pareto chart ------------------------------------------
    def _axis_peak(self) -> float:
        return max((v for _l, v in self.bars), default=0.0)

    def _right_axis_width(self, fm: QFontMetrics) -> float:
        return 0.0

    def _plot(self, fm: QFontMetrics, top: float) -> tuple[QRectF, float, int, int]:
        """The plot area, and how the labels go under it: (plot, angle, step,
        widest label along its baseline)."""
        line = float(fm.height())
        peak = max(self._axis_peak(), 1.0)
        step = nice_step(peak)
        axis_top = math.ceil(peak / step) * step
        axis_w = fm.horizontalAdvance(_count_text(axis_top)) + 6
        left = PAD + axis_w
        right = self.width() - PAD - max(self._right_axis_width(fm), fm.horizontalAdvance("0") / 2)
        slot = (right - left) / max(len(self.bars), 1)
        widest = max((fm.horizontalAdvance(label) for label, _v in self.bars), default=0)
        if widest <= slot - 4:
            angle, every, text_w = 0.0, 1, int(slot - 2)
            reserve = line + 4
        else:
            angle = 45.0
            every = max(1, math.ceil(line * 1.5 / max(slot, 1.0)))
            limit = (self.height() - top) * 0.42 / _SIN45  # labels take at most ~42%
            text_w = int(max(min(widest, limit), line))
            reserve = (text_w + line) * _SIN45 + 4
            # move the plot right until the first label fits left of its column
            # (it is usually the largest, so worth it), by at most a third of the width
            n = max(len(self.bars), 1)
            first_w = min(fm.horizontalAdvance(self.bars[0][0]), text_w) if self.bars else 0
            needed = (first_w * _SIN45 + PAD / 2 - right / (2 * n)) / (1 - 1 / (2 * n))
            left = max(left, min(needed, self.width() / 3))
        plot = QRectF(left, top + line, right - left, 0.0)  # room for a value on top
        plot.setBottom(self.height() - PAD - reserve)
        return plot, angle, every, text_w

    def _draw_count_axis(self, painter: QPainter, plot: QRectF, axis_top: float,
                         step: int) -> None:
        fm = painter.fontMetrics()
        line = float(fm.height())
        tick = 0
        while tick <= axis_top:
            y = plot.bottom() - plot.height() * tick / axis_top
            painter.setPen(QPen(self._grid_colour(), 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(self._text_colour())
            painter.drawText(QRectF(PAD / 2, y - line / 2, plot.left() - PAD / 2 - 4, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             _count_text(tick))
            tick += step

    def _draw_labels(self, painter: QPainter, plot: QRectF, angle: float, every: int,
                     text_w: int) -> None:
        fm = painter.fontMetrics()
        line = float(fm.height())
        slot = plot.width() / len(self.bars)
        painter.setPen(self._text_colour())
        for index, (label, _value) in enumerate(self.bars):
            if index % every:
                continue
            centre = plot.left() + slot * (index + 0.5)
            if not angle:
                caption = elide(fm, label, text_w)
                painter.drawText(QRectF(centre - slot / 2, plot.bottom() + 3, slot, line),
                                 Qt.AlignmentFlag.AlignCenter, caption)
                continue
            # the label's top right corner is under its column and the text runs
            # down to the left; it may not leave the widget on the left
            room = int((centre - PAD / 2) / _SIN45)
            width = max(min(text_w, room), 0)
            caption = elide(fm, label, width)
            painter.save()
            painter.translate(centre + line / 2 * _SIN45, plot.bottom() + 2 + line / 2 * _SIN45)
            painter.rotate(-angle)
            painter.drawText(QRectF(-width, -line / 2, width, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             caption)
            painter.restore()

    def _draw_columns(self, painter: QPainter, plot: QRectF, axis_top: float,
                      values_on_top: bool) -> list[QRectF]:
        fm = painter.fontMetrics()
        line = float(fm.height())
        slot = plot.width() / len(self.bars)
        bar_w = min(slot * 0.7, 56.0)
        colour = self._bar_colour()
        rects = []
        widest = max(fm.horizontalAdvance(_count_text(v)) for _l, v in self.bars)
        for index, (_label, value) in enumerate(self.bars):
            centre = plot.left() + slot * (index + 0.5)
            height = plot.height() * max(value, 0.0) / axis_top
            bar = QRectF(centre - bar_w / 2, plot.bottom() - height, bar_w, height)
            painter.fillRect(bar, colour)
            rects.append(bar)
            if values_on_top and value and widest <= slot:
                painter.setPen(self._text_colour())
                painter.drawText(QRectF(centre - slot / 2, bar.top() - line, slot, line),
                                 Qt.AlignmentFlag.AlignCenter, _count_text(value))
        painter.setPen(QPen(self._text_colour(), 1))
        painter.drawLine(QPointF(plot.left(), plot.bottom()),
                         QPointF(plot.right(), plot.bottom()))
        return rects

    def _paint(self, painter: QPainter) -> None:
        top = self._draw_title(painter)
        if not self.bars:
            self._draw_empty(painter, top)
            return
        fm = painter.fontMetrics()
        plot, angle, every, text_w = self._plot(fm, top)
        if plot.height() < 20 or plot.width() < 20:
            return
        peak = max(self._axis_peak(), 1.0)
        step = nice_step(peak)
        axis_top = float(math.ceil(peak / step) * step)
        self._draw_count_axis(painter, plot, axis_top, step)
        self._draw_columns(painter, plot, axis_top, values_on_top=True)
        self._draw_labels(painter, plot, angle, every, text_w)


class ParetoChart(ColumnChart):
    """Columns sorted by size with the cumulative share as a line: the count
    axis on the left runs to the total, so the line ends at the top right; the
    percent axis is on the right, with a dashed guide at 80%.

    Attributes:
        bars: (label, count) per column, largest first.
        cumulative: the cumulative share (0..1) after each column.
    """

    GUIDE = 0.8
    cumulative: Sequence[float] = ()

    def set_pareto(self, bars: Sequence[tuple[str, float]],
                   cumulative: Sequence[float]) -> None:
        if len(bars) != len(cumulative):
            raise ValueError("one cumulative share per bar")
        self.cumulative = list(cumulative)
        self.set_data(bars)

    def summary(self) -> str:
        return "\n".join(f"{label}: {_count_text(value)} ({share:.0%})"
                         for (label, value), share in zip(self.bars, self.cumulative,
                                                          strict=True))

    def _axis_peak(self) -> float:
        return float(sum(v for _l, v in self.bars))

    def _right_axis_width(self, fm: QFontMetrics) -> float:
        return fm.horizontalAdvance("100%") + 6.0

    def _paint(self, painter: QPainter) -> None:
        top = self._draw_title(painter)
        if not self.bars:
            self._draw_empty(painter, top)
            return
        fm = painter.fontMetrics()
        line = float(fm.height())
        plot, angle, every, text_w = self._plot(fm, top)
        if plot.height() < 20 or plot.width() < 20:
            return
        axis_top = max(self._axis_peak(), 1.0)  # the total: 100% on the right axis
        self._draw_count_axis(painter, plot, axis_top, nice_step(axis_top))
        rects = self._draw_columns(painter, plot, axis_top, values_on_top=True)

        # right axis in percent
        text = self._text_colour()
        for percent in range(0, 101, 20):
            y = plot.bottom() - plot.height() * percent / 100
            painter.setPen(QPen(text, 1))
            painter.drawLine(QPointF(plot.right(), y), QPointF(plot.right() + 3, y))
            painter.drawText(QRectF(plot.right() + 5, y - line / 2, self.width(), line),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             f"{percent}%")
        painter.drawLine(QPointF(plot.right(), plot.top()), QPointF(plot.right(), plot.bottom()))
        guide_y = plot.bottom() - plot.height() * self.GUIDE
        painter.setPen(QPen(CUMULATIVE_COLOUR, 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(plot.left(), guide_y), QPointF(plot.right(), guide_y))

        # the cumulative line through the columns' top right corners (the first
        # point is the top of the first column)
        points = [QPointF(rect.right(), plot.bottom() - plot.height() * share)
                  for rect, share in zip(rects, self.cumulative, strict=True)]
        painter.setPen(QPen(CUMULATIVE_COLOUR, 2))
        painter.drawPolyline(points)
        painter.setBrush(CUMULATIVE_COLOUR)
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Base), 1))
        for point in points:
            painter.drawEllipse(point, 3.5, 3.5)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        self._draw_labels(painter, plot, angle, every, text_w)
