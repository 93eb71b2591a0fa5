"""Window-wide keys that no field of the window may eat: the workbook export
(Ctrl+E) and switching the main tabs (Ctrl+PgDown / Ctrl+PgUp, Ctrl+Tab /
Ctrl+Shift+Tab), from any tab and whatever has the focus.

Why a filter: before a key press Qt asks the focused widget whether it wants
the key itself (a ShortcutOverride event). On X11 a text field claims Ctrl+E
(emacs' "end of line", which End also does), so the window's shortcut never
fired while the cursor was in a field; and without a window shortcut a list or
the card's section tabs took Ctrl+PgDown for themselves. The filter turns the
override down for exactly these keys, in this window only; every other key of
a field (Ctrl+A, Ctrl+Z, Ctrl+C...) is left alone.

Where the filter sits: Qt sends the ShortcutOverride to the widget that has
the keyboard focus, so the filter sits on that widget, and moves with the
focus. On the application it saw every event of every object, each wrapped
for Python (and the first wrapping of a Qt class makes its Python type and
enums): over the window's start, in which no key is typed, 1,334 events and
about 0.24 million Python calls, 109 more of PySide's enum types made.
"""

from __future__ import annotations

from collections.abc import Iterable

import shiboken6
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget

NEXT_TAB_KEYS = ("Ctrl+PgDown", "Ctrl+Tab")
PREVIOUS_TAB_KEYS = ("Ctrl+PgUp", "Ctrl+Shift+Tab", "Ctrl+Shift+Backtab")


class WindowKeys(QObject):
    """Gives the shortcuts of ``actions`` priority over the focused widget of
    ``window`` (a filter on that widget, following the focus; gone with
    ``window``).

    Attributes:
        next_tab, previous_tab: the actions that switch ``tabs``, added to the window.
        watched: the widget the filter is on (the window's focus widget), or None.
    """

    def __init__(self, window: QWidget, tabs: QTabWidget, actions: Iterable[QAction]) -> None:
        super().__init__(window)
        self._window = window
        self._tabs = tabs
        self.next_tab = self._tab_action(NEXT_TAB_KEYS, 1)
        self.previous_tab = self._tab_action(PREVIOUS_TAB_KEYS, -1)
        self._keys = [sequence for action in (*actions, self.next_tab, self.previous_tab)
                      for sequence in action.shortcuts()]
        self.watched: QWidget | None = None
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_moved)
        self._focus_moved(None, app.focusWidget())

    def _focus_moved(self, _old: QWidget | None, now: QWidget | None) -> None:
        """The filter moves to the widget that has the focus now, when it is in
        the window."""
        if self.watched is not None and shiboken6.isValid(self.watched):
            self.watched.removeEventFilter(self)
        self.watched = None
        if now is not None and now.window() is self._window:
            now.installEventFilter(self)
            self.watched = now

    def _tab_action(self, keys: tuple[str, ...], step: int) -> QAction:
        action = QAction(self._window)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.triggered.connect(lambda: self._switch(step))
        self._window.addAction(action)
        return action

    def _switch(self, step: int) -> None:
        count = self._tabs.count()
        if count:
            self._tabs.setCurrentIndex((self._tabs.currentIndex() + step) % count)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Override QObject::eventFilter: refuse a field's claim on our keys."""
        if (event.type() == QEvent.Type.ShortcutOverride
                and isinstance(event, QKeyEvent)
                and QKeySequence(event.keyCombination()) in self._keys
                and isinstance(watched, QWidget) and watched.window() is self._window):
            event.ignore()  # not the field's: the window's shortcut runs
            return True
        return False
