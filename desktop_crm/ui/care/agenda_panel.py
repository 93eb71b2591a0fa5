"""The agenda list with its actions, shared by the Care calendar and Today tabs:
mark done (logs an interaction), undo, open the client's card."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.care import AgendaItem, Source
from desktop_crm.domain.errors import NotFoundError
from desktop_crm.domain.validation import ValidationError
from desktop_crm.i18n import _
from desktop_crm.services.agenda import AgendaService, AlreadyDoneError, DoneReceipt
from desktop_crm.ui.care.agenda_bulk import AgendaBulk
from desktop_crm.ui.care.agenda_model import AgendaModel, when_text
from desktop_crm.ui.table_model import texts_changed
from desktop_crm.ui.view_setup import add_shortcut, configure_list_view

if TYPE_CHECKING:
    from desktop_crm.ui.care.done_dialog import MarkDoneDialog

SIZED_FROM_ROWS = 100
# the Client column fits the names of this many first rows, within these widths
NAMES_SIZED = 60
CLIENT_WIDTHS = (140, 260)

# Builds the dialog; tests replace it to answer without a modal loop.
DialogFactory = Callable[[AgendaItem, QWidget], "MarkDoneDialog"]


def _default_dialog(item: AgendaItem, parent: QWidget) -> MarkDoneDialog:
    # the dialog's code (and the card fields it borrows) loads when first asked
    # for, not with Today at start
    from desktop_crm.ui.care.done_dialog import MarkDoneDialog

    panel = parent
    assert isinstance(panel, AgendaPanel)
    greeted = (panel.service.greeting_list(item, panel.mine) if item.client_id is None
               else None)
    return MarkDoneDialog(item, greeted, parent)


class AgendaPanel(QWidget):
    """A table of agenda items and the buttons that act on the selected one.

    Signals:
        open_client: the user wants a client's card (argument: id).
        open_backlog: the user wants the list of clients not contacted for long.
        changed: something was marked done or undone (argument: client id, 0 for
            a festival's greeting list).
        status: a short message for the status bar.

    Attributes:
        service: the agenda use cases.
        model, view: the list.
        last_receipt: what the last "mark done" wrote, for Undo.
        mine: the list shows only the user's clients, so a festival greets only them.
    """

    open_client = Signal(int)
    open_backlog = Signal()
    changed = Signal(int)
    status = Signal(str)

    def __init__(self, service: AgendaService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.dialog_factory: DialogFactory = _default_dialog
        self.mine = False
        self.last_receipt: DoneReceipt | None = None
        self.model = AgendaModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        configure_list_view(self.view, sortable=False)
        self.view.setWordWrap(False)
        # the columns are sized from a sample of the rows, not from each of
        # Today's 20,000 at 100,000 clients (Qt reads 1,000 by default)
        self.view.horizontalHeader().setResizeContentsPrecision(SIZED_FROM_ROWS)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        self.done_button = QPushButton(self)
        self.open_button = QPushButton(self)
        self.undo_button = QPushButton(self)
        self.undo_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(buttons)
        self.done_action = add_shortcut(self, "Ctrl+D", self.mark_done)
        self.undo_action = add_shortcut(self, QKeySequence.StandardKey.Undo, self.undo)
        self.bulk = AgendaBulk(self)  # several selected rows: one step, one undo
        for n, widget in enumerate((self.bulk.postpone_button, self.bulk.dismiss_button)):
            buttons.insertWidget(1 + n, widget)
        buttons.insertWidget(buttons.count() - 1, self.bulk.selection)
        self.done_button.clicked.connect(self.mark_done)
        self.open_button.clicked.connect(self.open_selected)
        self.undo_button.clicked.connect(self.undo)
        self.view.activated.connect(self._activated)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self._empty_text = ""
        self.retranslate()

    def retranslate(self) -> None:
        self.done_button.setText(_("Mark as done… (Ctrl+D)"))
        self.done_button.setToolTip(_("Log the greeting or call on the client's timeline and "
                                      "take the item off the agenda"))
        self.open_button.setText(_("Open card"))
        self.undo_button.setText(_("Undo (Ctrl+Z)"))
        self.bulk.retranslate()
        texts_changed(self.model)

    def set_items(self, items: list[AgendaItem], empty_text: str) -> None:
        """Show ``items``, keeping the selection on the same item where it remains."""
        current = self.selected()
        self.model.set_items(items, self.service.today())
        self.empty.setText(empty_text)
        self.empty.setVisible(not items)
        self.view.setVisible(bool(items))
        if current is not None:
            row = self.model.row_of(current.key)
            if row is not None:
                self.view.selectRow(row)
        if items and not self.view.selectionModel().hasSelection():
            self.view.selectRow(0)
        self._size_columns(items)
        self._update_buttons()

    def _size_columns(self, items: list[AgendaItem]) -> None:
        """Size the When and Kind columns to their widest cell over every row,
        and the Client column to the names of the first rows (``_client_width``).

        A row's When text and font follow from its day and source (the
        backlog's reads "before ..."), its Kind cell from its kind (label,
        icon) and whether its day is today (bold). The texts of those few
        combinations are measured with the font's metrics, and the delegate
        is asked only for the widest of each look (bold or not, with an icon
        or not): exact over every row, where Qt's own sizing read a sample of
        100 rows a column for about 8 ms at start (Today lists about 4,000
        items at 100,000 clients, of some 40 days)."""
        model, view, header = self.model, self.view, self.view.horizontalHeader()
        today = model.today
        # one row of each (day, kind, source): every other has the same two cells
        cells = {(item.day, item.kind, item.source): row for row, item in enumerate(items)}
        view.ensurePolished()
        font = view.font()
        bold = QFont(font)
        bold.setBold(True)
        metrics = {False: QFontMetrics(font), True: QFontMetrics(bold)}
        # the rows to measure: one a When text (a day, the backlog's or not),
        # one a kind in each weight
        whens: dict[tuple[object, bool], int] = {}
        kinds: dict[tuple[object, bool], int] = {}
        for (day, kind, source), row in cells.items():
            whens.setdefault((day, source == Source.NO_CONTACT_BACKLOG), row)
            kinds.setdefault((kind, day == today), row)
        decoration = Qt.ItemDataRole.DecorationRole
        widest: tuple[dict[object, tuple[int, int]], ...] = ({}, {})  # look: (width, row)
        for column, rows in ((0, whens.values()), (1, kinds.values())):
            for row in rows:
                item = items[row]
                is_today = item.day == today
                if column == 0:
                    look: object = is_today
                    text = when_text(item, today)
                else:  # with the kind's icon or not
                    look = (is_today,
                            model.data(model.index(row, 1), decoration) is not None)
                    text = item.kind.label
                width = metrics[is_today].horizontalAdvance(text)
                if width > widest[column].get(look, (-1, 0))[0]:
                    widest[column][look] = (width, row)
        for column in (0, 1):
            # +1: the grid line, as QTableView counts it in sizeHintForColumn
            width = max((view.sizeHintForIndex(model.index(row, column)).width() + 1
                         for _width, row in widest[column].values()), default=0)
            view.setColumnWidth(column, max(width, header.sectionSizeHint(column)))
        view.setColumnWidth(2, self._client_width(items, metrics))

    def _client_width(self, items: list[AgendaItem], metrics: dict[bool, QFontMetrics]) -> int:
        """The Client column's width: its widest cell among the first
        ``NAMES_SIZED`` rows (more than a screenful; today's are bold),
        between ``CLIENT_WIDTHS``. A longer name, or a wider one further
        down, is elided, whole in its tooltip and in What to do."""
        model, today = self.model, self.model.today
        display = Qt.ItemDataRole.DisplayRole
        widest, widest_row = -1, None
        for row, item in enumerate(items[:NAMES_SIZED]):
            width = metrics[item.day == today].horizontalAdvance(
                model.data(model.index(row, 2), display))
            if width > widest:
                widest, widest_row = width, row
        least, most = CLIENT_WIDTHS
        if widest_row is None:
            return least
        # +1: the grid line, as QTableView counts it in sizeHintForColumn
        width = self.view.sizeHintForIndex(model.index(widest_row, 2)).width() + 1
        return min(max(width, least), most)

    def selected(self) -> AgendaItem | None:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        return self.model.item_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        item = self.selected()
        self.done_button.setEnabled(item is not None and item.can_be_done)
        self.open_button.setEnabled(item is not None and (item.client_id is not None
                                                          or not item.can_be_done))
        self.bulk.update()

    def _activated(self, index: QModelIndex) -> None:
        """Double-click or Enter opens the client's card (or the backlog list)."""
        self._open(self.model.item_at(index.row()))

    def open_selected(self) -> None:
        self._open(self.selected())

    def _open(self, item: AgendaItem | None) -> None:
        if item is None:
            return
        if item.client_id is not None:
            self.open_client.emit(item.client_id)
        elif not item.can_be_done:
            self.open_backlog.emit()

    def mark_done(self) -> None:
        if len(self.bulk.selected()) > 1:
            self.bulk.mark_done()
            return
        item = self.selected()
        if item is None or not item.can_be_done:
            return
        dialog = self.dialog_factory(item, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            receipt = self.service.mark_done(item, dialog.summary.text(),
                                             dialog.chosen_channel(), mine=self.mine,
                                             satisfaction=dialog.chosen_satisfaction())
        except (AlreadyDoneError, NotFoundError, ValidationError) as exc:
            QMessageBox.information(self, _("Mark as done"), str(exc))
            self.changed.emit(item.client_id or 0)  # someone else did it: refresh
            return
        self.last_receipt = receipt
        self.bulk.receipt = None
        self.undo_button.setEnabled(True)
        self.status.emit(_("Done: {title}. Ctrl+Z undoes it.", title=item.title))
        self.changed.emit(item.client_id or 0)

    def undo(self) -> None:
        if self.bulk.undo():
            return
        receipt = self.last_receipt
        if receipt is None:
            return
        self.service.undo_done(receipt)
        self.last_receipt = None
        self.undo_button.setEnabled(False)
        self.status.emit(_("Back on the agenda: {title}", title=receipt.item.title))
        self.changed.emit(receipt.item.client_id or 0)
