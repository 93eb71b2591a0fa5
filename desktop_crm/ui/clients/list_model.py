"""Lazy table model over the client list: an id list plus a row cache.

Filtering and sorting happen in SQL (ClientService.list_ids); rows are fetched
a page at a time the first time the view asks for them, so 100,000 clients
cost one id list, not 100,000 objects. A search in rank order reads the ids
of its first page (``PAGE``: ClientService.first_page, the database ranks
the hits and stops there) and counts its hits up to ``COUNT_MOST`` + 1:
one typed letter matches half the book. The view
fetches more as it scrolls past them; all the ids are read only when
something needs them all (``ids``, "select all", finding a client further
down).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from desktop_crm.domain.client import ClientRow
from desktop_crm.domain.enums import Loyalty
from desktop_crm.i18n import N_, _
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.ui.clients.contacts.via import FoundVia

ModelIndex = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", N_("Name")),
    ("company", N_("Company")),
    ("phone", N_("Phone")),
    ("grade", N_("Grade")),
    ("loyalty", N_("Loyalty")),
    ("owner", N_("Owner")),
    ("tags", N_("Tags")),
    ("last_contact", N_("Last contact")),
)
_SORTABLE = {"name", "company", "phone", "grade", "loyalty", "owner", "last_contact"}
# the roles ``data`` gives a cell's text for, and the row's client id for
_SHOWN = frozenset({int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.ToolTipRole)})
_USER = int(Qt.ItemDataRole.UserRole)
# ``data``'s default role as an int (Qt passes ints; an enum member would be
# hashed as one each time ``data`` is called without a role)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
# ``index``'s default parent (the root), told apart without asking Qt
_ROOT = QModelIndex()
# the rows whose indexes ``index`` keeps once made (a few screenfuls)
_KEPT_ROWS = 2048


class ClientListModel(QAbstractTableModel):
    """Rows of clients for a QTableView.

    Subclasses over the same id list show other columns: they override
    ``columns`` (key, msgid), ``sortable`` (keys of ClientFilter.sort) and extend
    ``cell``.

    Attributes:
        flt: the current filter and sort order.
        columns: (key, untranslated title) of each column, in order.
        sortable: the column keys the database can sort by.
    """

    # rows read at a time: a screenful or two, so the first paint after a
    # keystroke reads (and ranks the people of) no more rows than it shows
    PAGE = 64
    # a search's hits counted at first (beyond: "more than 1,000")
    COUNT_MOST = 1000
    # a search's ids read at a time as the view scrolls, after the first page
    MORE = 256
    columns: tuple[tuple[str, str], ...] = COLUMNS
    sortable: frozenset[str] = frozenset(_SORTABLE)
    # a row's cell texts are worked out once, the first time the view asks
    # for one of them, and kept with its cached row (False: a subclass whose
    # texts change by themselves, with the day, asks ``cell`` every time)
    keeps_texts = True
    # more of a search's hits were read (``fetchMore``, ``fetch_all``): the
    # count may be exact now, even when no row came with it
    read_more = Signal()

    def __init__(self, service: ClientService, parent: Any = None) -> None:
        super().__init__(parent)
        self._service = service
        self.flt = ClientFilter()
        self._ids: list[int] = []
        self._complete = True  # every listed id is in _ids
        self._counted = 0  # a search's hits, counted up to COUNT_MOST + 1
        self._cache: dict[int, ClientRow] = {}
        self._texts: dict[int, list[str]] = {}  # a cached row's cell texts, by client id
        self._labels: dict[Loyalty, str] = {}  # the loyalties' labels (``loyalty_label``)
        # (the columns, their text functions): ``_column_texts``
        self._texts_of: tuple[tuple[tuple[str, str], ...] | None, list[_Text]] = (None, [])
        self._loaded = False
        self._via = FoundVia(service)  # organisations found through their people
        # the columns' count, read on every ``index`` (an instance attribute:
        # a class attribute of a Qt object costs four times as much to read)
        self._width = len(self.columns)
        # the indexes made by ``index``, by row and column: an index is its row,
        # column and model only (no internal pointer), the same whatever the
        # rows listed, so each is made once (``createIndex`` is most of the
        # cost of ``index``, which a view calls for every cell it shows)
        self._made: dict[int, QModelIndex] = {}
        # the headers' texts changed (another language: ``texts_changed``): so did the cells'
        self.headerDataChanged.connect(self._forget_texts)

    # -- queries ----------------------------------------------------------------
    def refresh(self) -> None:
        """Run the query again (after a filter change or an edit)."""
        self.beginResetModel()
        self._forget_rows()
        if self._service.is_ranked(self.flt):
            # a keystroke in the search box: the ids of the first page (or of
            # every hit up to COUNT_MOST + 1), the hits counted up to
            # COUNT_MOST + 1 and the first page's rows, which the view shows
            # next, in one read (on a server one transaction, not two)
            with self._service.reading():
                self._ids, self._counted = self._service.first_page(
                    self.flt, self.PAGE, self.COUNT_MOST + 1)
                if self._ids:
                    self._row(0)
            self._complete = len(self._ids) == self._counted <= self.COUNT_MOST
        else:
            self._ids = self._service.list_ids(self.flt)
            self._complete = True
        self._loaded = True
        self.endResetModel()

    def set_filter(self, flt: ClientFilter) -> None:
        flt.sort, flt.descending = self.flt.sort, self.flt.descending
        self.flt = flt
        self.refresh()

    def _forget_rows(self) -> None:
        """Forget every row read, its texts and the organisations' "via" notes."""
        self._cache.clear()
        self._texts.clear()
        self._via.clear()

    def _forget_texts(self, *_args: object) -> None:
        self._texts.clear()
        self._labels.clear()

    def invalidate(self, client_id: int) -> None:
        """Forget the cached row of one client and repaint it."""
        self._cache.pop(client_id, None)
        self._texts.pop(client_id, None)
        row = self.row_of(client_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def ids(self) -> list[int]:
        """The ids listed, in the order shown (all of them: the pages not
        read yet are read now)."""
        self.fetch_all()
        return list(self._ids)

    @property
    def total(self) -> int:
        """How many clients are listed, as far as counted (``more``: there
        are more than that)."""
        return len(self._ids) if self._complete else max(self._counted, len(self._ids))

    @property
    def more(self) -> bool:
        """Whether more clients are listed than counted so far."""
        return not self._complete and self.total > self.COUNT_MOST

    def fetch_all(self) -> None:
        """Read the ids of the pages not read yet (before acting on every
        listed client: select all, export the list)."""
        if self._complete:
            return
        ids = self._service.list_ids(self.flt)
        self._complete = True
        if ids[:len(self._ids)] != self._ids:  # the book changed meanwhile
            self.beginResetModel()
            self._ids = ids
            self._forget_rows()
            self.endResetModel()
        elif len(ids) > len(self._ids):
            self.beginInsertRows(QModelIndex(), len(self._ids), len(ids) - 1)
            self._ids = ids
            self.endInsertRows()
        self.read_more.emit()

    def locate(self, client_id: int) -> int | None:
        """The row of ``client_id``, reading the rest of a search's hits when
        it is listed further down than read so far; None when not listed."""
        row = self.row_of(client_id)
        if row is None and not self._complete and self._service.is_listed(self.flt, client_id):
            self.fetch_all()
            row = self.row_of(client_id)
        return row

    def lists(self, client_id: int) -> bool:
        """Whether ``client_id`` is listed (read or not yet)."""
        return self.row_of(client_id) is not None or (
            not self._complete and self._service.is_listed(self.flt, client_id))

    def invalidate_all(self) -> None:
        """Forget every cached row (after a change to many clients) and repaint."""
        self._cache.clear()
        self._texts.clear()
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.rowCount() - 1, len(self.columns) - 1))

    @property
    def loaded(self) -> bool:
        """Whether the query has run at least once."""
        return self._loaded

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, client_id: int) -> int | None:
        try:
            return self._ids.index(client_id)
        except ValueError:
            return None

    def _row(self, row: int) -> ClientRow | None:
        client_id = self._ids[row]
        cached = self._cache.get(client_id)
        if cached is None:
            start = row - row % self.PAGE
            page = self._ids[start:start + self.PAGE]
            fetched = self._service.rows(page)
            for item in fetched:
                self._cache[item.id] = item
            self._via.add_page(fetched, self.flt.text)
            cached = self._cache.get(client_id)
        return cached

    # -- QAbstractItemModel -----------------------------------------------------
    def canFetchMore(self, parent: ModelIndex) -> bool:
        """Override QAbstractItemModel::canFetchMore: a search's next page."""
        return not parent.isValid() and not self._complete

    def fetchMore(self, parent: ModelIndex) -> None:
        """Override QAbstractItemModel::fetchMore: the view scrolled near the
        end of the hits read so far."""
        if parent.isValid() or self._complete:
            return
        more = self._service.ranked_page(self.flt, len(self._ids), self.MORE, self._counted)
        self._complete = len(more) < self.MORE
        if more:
            self.beginInsertRows(QModelIndex(), len(self._ids), len(self._ids) + len(more) - 1)
            self._ids += more
            self.endInsertRows()
        self.read_more.emit()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Override QAbstractItemModel::rowCount."""
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Override QAbstractItemModel::columnCount."""
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Override QAbstractItemModel::headerData."""
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.columns)):
            return _(self.columns[section][1])
        return None

    def index(self, row: int, column: int, parent: ModelIndex = _ROOT) -> QModelIndex:
        """Override QAbstractItemModel::index: Qt's own asks ``rowCount`` and
        ``columnCount`` (two calls into Python) for every index a view or
        ``data`` wants; a screenful of cells is 480 of them. The indexes of
        the first rows are kept (``_made``)."""
        if 0 <= row < len(self._ids) and 0 <= column < self._width \
                and (parent is _ROOT or not parent.isValid()):
            if row >= _KEPT_ROWS:
                return self.createIndex(row, column)
            key = row * self._width + column
            made = self._made.get(key)
            if made is None:
                made = self._made[key] = self.createIndex(row, column)
            return made
        return QModelIndex()

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        """Override QAbstractItemModel::data."""
        row = index.row()  # -1 for an invalid index
        ids = self._ids
        if not 0 <= row < len(ids):
            return None
        if role not in _SHOWN:  # an int: compared with the roles' ints
            return ids[row] if role == _USER else None
        client_id = ids[row]
        texts = self._texts.get(client_id)
        if texts is not None:
            return texts[index.column()]
        item = self._cache.get(client_id) or self._row(row)
        if item is None:
            return None
        if not self.keeps_texts:
            return self.cell(item, self.columns[index.column()][0])
        # the row's every text at once: the view asks for each cell of a row it shows
        texts = self._texts[item.id] = self.texts(item)
        return texts[index.column()]

    def texts(self, item: ClientRow) -> list[str]:
        """The texts of ``item``'s cells, in column order: each column's
        ``cell``. For this class's own ``cell``, each column's text function
        (``_TEXTS``) is called straight, without ``cell``'s lookup of the
        key (a screenful's 60 rows are 480 texts a keystroke)."""
        if type(self).cell is _OWN_CELL:
            return [text(self, item) for text in self._column_texts()]
        return [self.cell(item, key) for key, _title in self.columns]

    def _column_texts(self) -> list[_Text]:
        """Each column's text function (``_TEXTS``, else its attribute's text)."""
        columns, texts = self._texts_of
        if columns is not self.columns:  # (a subclass or an instance may set its own)
            texts = [_TEXTS.get(key) or _attribute_text(key) for key, _title in self.columns]
            self._texts_of = (self.columns, texts)
        return texts

    def cell(self, item: ClientRow, key: str) -> str:
        """The text shown for ``item`` in the column ``key``."""
        text = _TEXTS.get(key)
        return text(self, item) if text is not None else str(getattr(item, key))

    def loyalty_label(self, loyalty: Loyalty | None) -> str:
        """``loyalty``'s label in the language shown ("" for none), translated
        once until the language changes (``_forget_texts``)."""
        if not loyalty:
            return ""
        label = self._labels.get(loyalty)
        if label is None:
            label = self._labels[loyalty] = loyalty.label
        return label

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Override QAbstractItemModel::sort: sorting is done by the database."""
        if not 0 <= column < len(self.columns) or self.columns[column][0] not in self.sortable:
            return
        key, descending = self.columns[column][0], order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.flt.sort, self.flt.descending) and self._loaded:
            return  # the view re-announces its sort indicator; the query would not change
        self.flt.sort, self.flt.descending = key, descending
        if self._loaded:  # else the first refresh() will use this order
            self.refresh()


# (``texts``: this class's own ``cell``, not a subclass's or a stand-in's)
_OWN_CELL = ClientListModel.cell

_Text = Callable[[ClientListModel, ClientRow], str]


def _attribute_text(key: str) -> _Text:
    def text(_model: ClientListModel, item: ClientRow) -> str:
        return str(getattr(item, key))
    return text


# The text of each column that is not its attribute's ``str`` (``cell``)
_TEXTS: dict[str, _Text] = {
    "name": lambda model, item: model._via.name(item),
    # the latest evaluation's grade; empty when unrated
    "grade": lambda _model, item: item.grade or "",
    "loyalty": lambda model, item: model.loyalty_label(item.loyalty),
    # (``isoformat``'s date: a tenth of ``strftime``'s time)
    "last_contact": lambda _model, item: (item.last_contact.date().isoformat()
                                          if item.last_contact else ""),
}
