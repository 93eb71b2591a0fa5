"""What the lists' bulk actions share (Today, the care calendar's list, the
client list): the actions with their shortcuts and the line that says how
many rows are selected. The dialogs that ask once for all selected rows
are in ``ui/bulk_dialogs.py``, loaded when one is first shown (not with
Today at start).

Each dialog is shown through the bulk actions' ``run`` (``run_dialog``),
which tests replace to fill the real dialog's widgets and accept it without
a modal loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QLabel, QMenu, QWidget

from desktop_crm.i18n import _

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog


def bulk_action(parent: QWidget, slot: Callable[[], object],
                shortcut: str | QKeySequence.StandardKey | None = None) -> QAction:
    """An action for a list's context menu and button menu; its shortcut
    works while the list (or the panel holding it) has the focus."""
    action = QAction(parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(slot)
    parent.addAction(action)
    return action


def allow_many(view: QAbstractItemView, actions: Sequence[QAction | None]) -> None:
    """Several rows at once (Shift+click, Ctrl+click, Ctrl+A), and a context
    menu of ``actions`` (None: a separator). The actions stay on the widget
    that owns their shortcut: adding them to the view as well would make
    their shortcuts ambiguous."""
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show_menu(pos: QPoint) -> None:
        menu = QMenu(view)
        for action in actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.exec(view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    view.customContextMenuRequested.connect(show_menu)


def with_shortcut(text: str, action: QAction) -> str:
    """The action's text with its shortcut, as the menus' tooltips show it."""
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    return f"{text} ({keys})" if keys else text


def run_dialog(dialog: QDialog) -> bool:
    """Show ``dialog`` modally; True when accepted."""
    return dialog.exec() == dialog.DialogCode.Accepted


class SelectionLine(QLabel):
    """"3 selected" under a list, hidden while one row or none is."""

    def show_count(self, n: int) -> None:
        self.setText(_("{n} selected", n=f"{n:,}"))
        self.setVisible(n > 1)
