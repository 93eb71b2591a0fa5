"""Lists of entries of several lines (a card's timeline, a complaint's
handling log, a calendar day's items): wrapped to the width, never cut off.

Qt sizes an entry from its text layout, whose lines are as tall as their
font's ascent and descent together, rounded up once; it paints each line
with the ascent and the descent each rounded up. A line whose characters
come from a fallback font (Chinese in a Latin UI font, or the other way
round) can then need a pixel more than it was given, and Qt elides the
entry's last line instead: a timeline entry "2025-09-30 15:42 · 电话" over
an English summary showed "电话…" and no summary. ``WholeLinesDelegate``
gives each line the height it is painted with."""

from __future__ import annotations

import math

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QTextLayout, QTextOption
from PySide6.QtWidgets import QListWidget, QStyle, QStyledItemDelegate, QStyleOptionViewItem


class WholeLinesDelegate(QStyledItemDelegate):
    """An item delegate whose entries are as tall as their lines are painted."""

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not isinstance(text, str) or not text:
            return size
        widget = option.widget
        style = widget.style() if widget is not None else None
        margin = (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
                  if style is not None else 1)
        width = option.rect.width() - 2 * margin
        wrap = QTextOption()
        wrap.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        height = 0
        for part in text.split("\n"):
            layout = QTextLayout(part, option.font)
            layout.setTextOption(wrap)
            layout.beginLayout()
            while (line := layout.createLine()).isValid():
                line.setLineWidth(width if width > 0 else 1e6)
                height += math.ceil(line.ascent()) + math.ceil(line.descent())
            layout.endLayout()
        return QSize(size.width(), max(size.height(), height))


def entry_list(widget: QListWidget) -> QListWidget:
    """Set ``widget`` up for entries of several lines: wrapped to the width,
    never elided, each as tall as its lines."""
    widget.setWordWrap(True)
    widget.setTextElideMode(Qt.TextElideMode.ElideNone)
    widget.setResizeMode(QListWidget.ResizeMode.Adjust)
    widget.setAlternatingRowColors(True)
    widget.setItemDelegate(WholeLinesDelegate(widget))
    return widget
