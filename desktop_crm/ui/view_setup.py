"""Two helpers the lists and panels are built with: the app's list look
(``configure_list_view``) and a key of a widget's own (``add_shortcut``).
Apart from ``ui/widgets.py`` (which still offers both), so that Today's
list is built without loading the date and lunar fields, the row lists and
their PySide types: they load with the first tab or dialog that shows one."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget


def add_shortcut(widget: QWidget, key: QKeySequence | QKeySequence.StandardKey | Qt.Key | str,
                 slot: Callable[[], object]) -> QAction:
    """A key that runs ``slot`` while the focus is in ``widget`` or its children."""
    action = QAction(widget)
    action.setShortcut(QKeySequence(key))
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(slot)
    widget.addAction(action)
    return action


def configure_list_view(view: QTableView, *, sortable: bool = True,
                        stretch_last: bool = True) -> None:
    """The look and behaviour of the app's lists: whole-row single selection,
    compact rows without row numbers, columns the user can resize, and with
    ``sortable`` sorting by header click (done by the model, e.g. in SQL)."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    if sortable:
        # Qt's header starts out descending; match the model's order before
        # enabling sorting, or the view would query 100,000 ids twice for nothing.
        view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(stretch_last)
