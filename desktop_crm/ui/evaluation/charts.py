"""Two small charts drawn with QPainter (QtCharts is not part of
PySide6-Essentials): a client's score history with the grade bands, and the
grade distribution of all clients.

Both lay out their text from the widget's font metrics, so nothing is clipped
down to 360 x 200 pixels, and take their text colours from the palette.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QWidget

from desktop_crm.domain.evaluation import Evaluation
from desktop_crm.i18n import N_, _
from desktop_crm.ui.charts import PAD, ChartFrame

GRADE_COLOURS: dict[str, QColor] = {
    "A": QColor("#2e8b57"),
    "B": QColor("#c98a00"),
    "C": QColor("#c0504d"),
    "unrated": QColor("#8c8c8c"),
}
GRADE_KEYS = ("A", "B", "C", "unrated")
_BAND_ALPHA = 38
_PAD = PAD


def _band(colour: QColor) -> QColor:
    band = QColor(colour)
    band.setAlpha(_BAND_ALPHA)
    return band


class _Chart(ChartFrame):
    """The frame of ui/charts.py with the title given by the subclass."""

    title_msgid = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(type(self).title_msgid, parent)
        self.setMinimumSize(240, 150)

    def sizeHint(self) -> QSize:
        """Override QWidget::sizeHint."""
        return QSize(420, 220)

    def minimumSizeHint(self) -> QSize:
        """Override QWidget::minimumSizeHint."""
        return QSize(240, 150)


class ScoreHistoryChart(_Chart):
    """A client's totals over their evaluation dates, on the grade bands.

    Attributes:
        points: (evaluated on, total, grade) per evaluation, oldest first.
        threshold_a: lowest total of grade A (current scheme).
        threshold_b: lowest total of grade B (current scheme).
    """

    title_msgid = N_("Score history")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[date, float, str]] = []
        self.threshold_a = 80.0
        self.threshold_b = 60.0
        self.retranslate()

    def set_data(self, evaluations: Sequence[Evaluation], threshold_a: float = 80.0,
                 threshold_b: float = 60.0) -> None:
        ordered = sorted(evaluations, key=lambda e: (e.evaluated_on, e.id or 0))
        self.points = [(e.evaluated_on, e.total, e.grade) for e in ordered]
        self.threshold_a, self.threshold_b = threshold_a, threshold_b
        self.retranslate()

    def summary(self) -> str:
        if not self.points:
            return _("No evaluations yet")
        return "\n".join(f"{when.isoformat()}: {total:.1f} ({grade})"
                         for when, total, grade in self.points)

    def _paint(self, painter: QPainter) -> None:
        top = self._draw_title(painter)
        fm = painter.fontMetrics()
        line = float(fm.height())
        text = self._text_colour()
        if not self.points:
            painter.setPen(text)
            painter.drawText(QRectF(_PAD, top, self.width() - 2 * _PAD,
                                    self.height() - top - _PAD),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             _("No evaluations yet"))
            return
        letter_w = float(max(fm.horizontalAdvance(g) for g in "ABC"))
        plot = QRectF(
            _PAD + fm.horizontalAdvance("100") + 4,
            top + line * 0.6,  # room for a grade label above a point at 100
            0.0, 0.0,
        )
        plot.setRight(self.width() - _PAD - letter_w - 6)
        # the dates go below the "0" of the axis, which reaches half a line down
        plot.setBottom(self.height() - _PAD - line * 1.5 - 2)
        if plot.height() < 20 or plot.width() < 20:
            return

        def y_of(total: float) -> float:
            return plot.bottom() - plot.height() * max(0.0, min(total, 100.0)) / 100.0

        # grade bands, with their letter in the right margin
        bands = (("A", self.threshold_a, 100.0), ("B", self.threshold_b, self.threshold_a),
                 ("C", 0.0, self.threshold_b))
        for grade, low, high in bands:
            rect = QRectF(plot.left(), y_of(high), plot.width(), y_of(low) - y_of(high))
            painter.fillRect(rect, _band(GRADE_COLOURS[grade]))
            if rect.height() >= fm.ascent() * 0.8:
                painter.setPen(GRADE_COLOURS[grade].darker(115))
                painter.drawText(QRectF(plot.right() + 3, rect.top(), letter_w + 4,
                                        rect.height()),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 grade)
        # axis and grid: ticks every 20 points, dashed lines at the thresholds
        grid = QColor(text)
        grid.setAlpha(40)
        for tick in range(0, 101, 20):
            y = y_of(tick)
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            painter.drawText(QRectF(_PAD, y - line / 2, plot.left() - _PAD - 4, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             str(tick))
        for threshold in (self.threshold_a, self.threshold_b):
            painter.setPen(QPen(text, 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(plot.left(), y_of(threshold)),
                             QPointF(plot.right(), y_of(threshold)))

        # x positions: by date; evenly spaced when all fall on one day
        date_w = float(fm.horizontalAdvance("2026-12-31"))
        inner_left = plot.left() + max(date_w / 2 - (plot.left() - _PAD), 10.0)
        inner_right = plot.right() - max(date_w / 2 - (self.width() - _PAD - plot.right()), 10.0)
        first, last = self.points[0][0], self.points[-1][0]
        span = (last - first).days
        xs: list[float] = []
        for index, (when, _total, _grade) in enumerate(self.points):
            if len(self.points) == 1:
                xs.append((inner_left + inner_right) / 2)
            elif span == 0:
                xs.append(inner_left + (inner_right - inner_left) * index
                          / (len(self.points) - 1))
            else:
                xs.append(inner_left + (inner_right - inner_left) * (when - first).days / span)
        ys = [y_of(total) for _when, total, _grade in self.points]

        line_colour = self.palette().color(QPalette.ColorRole.Highlight)
        painter.setPen(QPen(line_colour, 2))
        for i in range(1, len(xs)):
            painter.drawLine(QPointF(xs[i - 1], ys[i - 1]), QPointF(xs[i], ys[i]))
        bold = QFont(self.font())
        bold.setBold(True)
        for index, (x, y, (_when, _total, grade)) in enumerate(zip(xs, ys, self.points,
                                                                   strict=True)):
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Base), 1.5))
            painter.setBrush(GRADE_COLOURS.get(grade, GRADE_COLOURS["unrated"]))
            painter.drawEllipse(QPointF(x, y), 4.5, 4.5)
            painter.setFont(bold)
            painter.setPen(GRADE_COLOURS.get(grade, text).darker(120))
            # the label goes on the side away from the line to its neighbours
            neighbours = [ys[i] for i in (index - 1, index + 1) if 0 <= i < len(ys)]
            line_above = bool(neighbours) and sum(neighbours) / len(neighbours) < y - 1
            room_above = y - 6 - line >= plot.top() - line * 0.6
            room_below = y + 6 + line <= plot.bottom()
            above = room_above and (not line_above or not room_below)
            label = QRectF(x - letter_w, y - 6 - line if above else y + 6, 2 * letter_w, line)
            painter.drawText(label, Qt.AlignmentFlag.AlignCenter, grade)
            painter.setFont(self.font())
        painter.setBrush(Qt.BrushStyle.NoBrush)

        # dates under the plot; the newest always, the others where they fit
        painter.setPen(text)
        placed: list[tuple[float, float]] = []
        order = [len(xs) - 1, *range(len(xs) - 1)]
        for i in order:
            left, right = xs[i] - date_w / 2, xs[i] + date_w / 2
            if any(left < r + 6 and right > lo - 6 for lo, r in placed):
                continue
            placed.append((left, right))
            painter.drawText(QRectF(left, plot.bottom() + line / 2 + 2, date_w, line),
                             Qt.AlignmentFlag.AlignCenter, self.points[i][0].isoformat())


class GradeDistributionChart(_Chart):
    """Bars for the number of clients in A, B, C and unrated.

    Attributes:
        counts: grade ("A", "B", "C", "unrated") -> number of clients.
    """

    title_msgid = N_("Grade distribution")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: dict[str, int] = dict.fromkeys(GRADE_KEYS, 0)
        self.retranslate()

    def set_data(self, counts: Mapping[str, int]) -> None:
        self.counts = {key: int(counts.get(key, 0)) for key in GRADE_KEYS}
        self.retranslate()

    @staticmethod
    def label(key: str) -> str:
        return _("Unrated") if key == "unrated" else key

    def summary(self) -> str:
        return ", ".join(f"{self.label(k)}: {self.counts[k]}" for k in GRADE_KEYS)

    def _paint(self, painter: QPainter) -> None:
        top = self._draw_title(painter)
        fm = painter.fontMetrics()
        line = float(fm.height())
        text = self._text_colour()
        plot = QRectF(_PAD * 2, top + line + 2, self.width() - 4 * _PAD, 0.0)
        plot.setBottom(self.height() - _PAD - line - 4)
        if plot.height() < 10:
            return
        peak = max(max(self.counts.values()), 1)
        slot = plot.width() / len(GRADE_KEYS)
        bar_w = min(slot * 0.6, 64.0)
        painter.setPen(QPen(text, 1))
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(),
                                                                      plot.bottom()))
        for index, key in enumerate(GRADE_KEYS):
            centre = plot.left() + slot * (index + 0.5)
            n = self.counts[key]
            height = plot.height() * n / peak
            bar = QRectF(centre - bar_w / 2, plot.bottom() - height, bar_w, height)
            painter.fillRect(bar, GRADE_COLOURS[key])
            painter.setPen(text)
            painter.drawText(QRectF(centre - slot / 2, bar.top() - line - 1, slot, line),
                             Qt.AlignmentFlag.AlignCenter, f"{n:,}")
            caption = fm.elidedText(self.label(key), Qt.TextElideMode.ElideRight, int(slot) - 2)
            painter.drawText(QRectF(centre - slot / 2, plot.bottom() + 3, slot, line),
                             Qt.AlignmentFlag.AlignCenter, caption)
