"""The client list's order while searching: best match first until the user
clicks a column header.

With search text and no column chosen, the list is in the order of
``domain.search_rank`` (exact name, name prefix, ..., most recently
contacted first within each) and the header shows no sort indicator; a
click on a sortable header sorts by that column from then on, as before.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QTableView

from desktop_crm.domain import search_rank
from desktop_crm.ui.clients.list_model import ClientListModel

# after the window is up, so the start does not wait for it
_PREPARE_AFTER_MS = 2000


class SearchOrder(QObject):
    """Puts ``model`` in search order (``ClientFilter.sort == "relevance"``,
    by name without search text) until the view sorts it by a column."""

    def __init__(self, model: ClientListModel, view: QTableView) -> None:
        super().__init__(view)
        self._model = model
        self._header = view.horizontalHeader()
        self._hidden = False
        model.flt.sort, model.flt.descending = "relevance", False
        self._header.sectionPressed.connect(self._pressed)
        model.modelReset.connect(self._show_indicator)
        self._show_indicator()
        # the first search in latin letters would wait half a second for the
        # pinyin tables that rank it: load them in the background instead
        QTimer.singleShot(_PREPARE_AFTER_MS, _prepare_in_background)

    @property
    def ranked(self) -> bool:
        """Whether the list is in search order (no column chosen yet)."""
        return self._model.flt.sort == "relevance"

    def _pressed(self, section: int) -> None:
        """The first click on a header while the indicator is hidden sorts
        ascending: the header flips the indicator on release, so it is put
        at descending first (quietly: nothing sorts yet)."""
        if self._hidden:
            self._quietly_indicate(section, Qt.SortOrder.DescendingOrder)

    def _quietly_indicate(self, section: int, order: Qt.SortOrder) -> None:
        self._header.blockSignals(True)
        self._header.setSortIndicator(section, order)
        self._header.blockSignals(False)

    def _show_indicator(self) -> None:
        """An indicator only when a column orders the list (without search
        text the ranked list is in name order: the first column's)."""
        searching = bool(self._model.flt.text.strip())
        self._hidden = self.ranked and searching
        if self.ranked and not searching:
            self._quietly_indicate(0, Qt.SortOrder.AscendingOrder)
        self._header.setSortIndicatorShown(not self._hidden)


def _prepare_in_background() -> None:
    threading.Thread(target=search_rank.prepare, name="pinyin tables", daemon=True).start()
