"""Client-cards tab: search and filters over the lazy list, and the editor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.enums import CLASSIFICATIONS, ClientKind
from desktop_crm.domain.errors import NotFoundError
from desktop_crm.i18n import N_, _, ngettext
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.ui.changes import Changes
from desktop_crm.ui.clients.bulk_actions import ClientBulk
from desktop_crm.ui.clients.card_pane import CardPane
from desktop_crm.ui.clients.editor import CardEditor
from desktop_crm.ui.clients.filter_combo import FilterCombo
from desktop_crm.ui.clients.first_start import FirstStartPanel
from desktop_crm.ui.clients.grade_filter import GradeFilter
from desktop_crm.ui.clients.list_model import ClientListModel
from desktop_crm.ui.clients.quick_add import QuickAdd
from desktop_crm.ui.clients.search_order import SearchOrder
from desktop_crm.ui.owner_scope import OwnerScopeCombo, ScopeMemory
from desktop_crm.ui.table_model import texts_changed
from desktop_crm.ui.widgets import configure_list_view

if TYPE_CHECKING:
    from desktop_crm.ui.clients.card_scan import CardScanFlow

_CLASSIFICATION_TITLES = {
    "nature": N_("By nature"), "stage": N_("By stage"), "tenure": N_("By tenure"),
    "volume_tier": N_("By volume"), "loyalty": N_("By loyalty"),
}


class ClientListView(QTableView):
    """The client list: "select all" selects every listed client, reading
    first the pages of a search's hits not read yet (bulk actions then act
    on the whole result)."""

    def selectAll(self) -> None:
        """Override QAbstractItemView::selectAll."""
        model = self.model()
        if isinstance(model, ClientListModel):
            model.fetch_all()
        super().selectAll()


class ClientsTab(QWidget):
    """List on the left, card on the right.

    Signals:
        status: a short message for the status bar.
        evaluate_requested: the user asked to evaluate a client (argument: id).
        data_changed: a card was saved, deleted or restored, or its timeline
            changed (argument: id), so other tabs can refresh.
    """

    status = Signal(str)
    evaluate_requested = Signal(int)
    data_changed = Signal(int)
    bulk_changed = Signal()  # a bulk action changed many clients (or was undone)

    def __init__(self, service: ClientService, parent: QWidget | None = None,
                 scope: ScopeMemory | None = None, fill_later: bool = False) -> None:
        """``fill_later``: the list is not read now but by ``fill`` (the window's
        start: right after the window shows), saying "Loading…" until then."""
        super().__init__(parent)
        self.service = service
        self.model = ClientListModel(service, self)
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        # Mine / Everyone: "Mine" is the owner filter set to the user's name
        self.scope = OwnerScopeCombo("clients", scope, self)
        self.kind = FilterCombo(self)
        self.classification = FilterCombo(self)
        self.tag = FilterCombo(self)
        self.owner = FilterCombo(self)
        self.grade_filter = GradeFilter(self)
        self.trash_button = QPushButton(self)
        self.trash_button.setCheckable(True)
        self.new_button = QPushButton(self)
        self.delete_button = QPushButton(self)
        self.restore_button = QPushButton(self)
        self.count_label = QLabel(self)
        self.empty_label = QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.first_start = FirstStartPanel(self)  # shown while the book has no clients
        self.first_start.hide()
        self.quick_add = QuickAdd(service, self)  # an unknown number searched for
        self.quick_add.clicked.connect(self.new_client)
        self.undo_label = QLabel(self)
        self.undo_button = QPushButton(self)
        self.special_label = QLabel(self)
        self.special_label.setWordWrap(True)
        self.special_clear = QPushButton(self)
        self._special = ClientFilter()  # set by show_not_contacted
        self._undo_id: int | None = None
        self.view = ClientListView(self)
        self.view.setModel(self.model)
        # the header's order first, then the one read of the list: enabling
        # sorting on a filled model would read all the ids a second time
        configure_list_view(self.view)
        self.search_order = SearchOrder(self.model, self.view)
        if not fill_later:
            self.model.refresh()
        for column, width in enumerate((150, 170, 120, 60, 90, 60, 110)):
            self.view.setColumnWidth(column, width)
        self.editor = CardEditor(service, self)
        self.card_pane = CardPane(self.editor, service.user, self)  # or a plain line
        self.bulk = ClientBulk(self)  # several selected rows: one step, one undo
        self.card_scan: CardScanFlow | None = None  # set by the window (card_scan.py)

        filters = QHBoxLayout()
        for w in (self.kind, self.classification, self.tag, self.owner):
            filters.addWidget(w)
        filters.addWidget(self.grade_filter)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.scope)
        top.addWidget(self.trash_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.bulk.menu_button)
        buttons.addStretch(1)
        buttons.addWidget(self.bulk.selection)
        buttons.addWidget(self.count_label)
        undo = QHBoxLayout()
        undo.addWidget(self.undo_label, 1)
        undo.addWidget(self.undo_button)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        special = QHBoxLayout()
        special.addWidget(self.special_label, 1)
        special.addWidget(self.special_clear)
        left_layout.addLayout(top)
        left_layout.addLayout(filters)
        left_layout.addLayout(special)
        left_layout.addWidget(self.empty_label)
        left_layout.addWidget(self.first_start)
        left_layout.addWidget(self.quick_add)
        left_layout.addWidget(self.view, 1)
        left_layout.addLayout(undo)
        left_layout.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.card_pane)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self._set_undo(None)
        self.special_label.hide()
        self.special_clear.hide()

        self._delete_action = QAction(self.view)
        self._delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self._delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self._delete_action.triggered.connect(self.bulk.trash)
        self.view.addAction(self._delete_action)
        cancel = QAction(self.editor)
        cancel.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        cancel.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        cancel.triggered.connect(self.editor.revert)
        self.editor.addAction(cancel)

        self.search.textChanged.connect(self.apply_filter)
        self.search.returnPressed.connect(self._open_first)
        for combo in (self.kind, self.classification, self.tag):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.owner.currentIndexChanged.connect(self._on_owner_chosen)
        self.grade_filter.currentIndexChanged.connect(self.apply_filter)
        self.scope.scope_changed.connect(self._on_scope_chosen)
        self.trash_button.toggled.connect(self.apply_filter)
        # after apply_filter: a card the search or filters leave no row for goes away
        self.search.textChanged.connect(self._drop_unlisted_card)
        for combo in (self.kind, self.classification, self.tag, self.owner):
            combo.currentIndexChanged.connect(self._drop_unlisted_card)
        self.trash_button.toggled.connect(self._drop_unlisted_card)
        self.grade_filter.currentIndexChanged.connect(self._drop_unlisted_card)
        self.new_button.clicked.connect(self.new_client)
        self.delete_button.clicked.connect(self.bulk.trash)
        self.restore_button.clicked.connect(self.restore_current)
        self.undo_button.clicked.connect(self.undo_delete)
        self.special_clear.clicked.connect(self.clear_special_filter)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.editor.saved.connect(self._on_saved)
        self.editor.evaluate_requested.connect(self.evaluate_requested)
        self.editor.timeline_changed.connect(self.model.invalidate)
        # more of a search's hits read (scrolling): the count may be exact now
        self.model.read_more.connect(self._update_count)
        self.editor.timeline_changed.connect(self.data_changed)
        self._reverting_selection = False
        self.retranslate()  # also fills the filter combos
        self._update_buttons()

    # -- texts ----------------------------------------------------------------------
    def retranslate(self) -> None:
        hint = _("Search name, pinyin, initials, phone, company or tag (Ctrl+F)")
        self.search.setPlaceholderText(hint)
        self.search.setToolTip(hint)  # the placeholder is cut short in a narrow pane
        self.trash_button.setText(_("Trash"))
        self.trash_button.setToolTip(_("Show the clients in the trash"))
        self.new_button.setText(_("New client (Ctrl+N)"))
        self.delete_button.setText(_("Move to trash"))
        self.restore_button.setText(_("Restore"))
        self.undo_button.setText(_("Undo"))
        self.scope.retranslate()
        self.grade_filter.retranslate()
        self.bulk.retranslate()
        self.special_label.setText(_("Showing the clients not contacted for longer than their "
                                     "grade allows, longest first."))
        self.special_clear.setText(_("Show all"))
        self.first_start.retranslate()
        self.editor.retranslate()
        self.card_pane.retranslate()
        if self.card_scan is not None:
            self.card_scan.retranslate()
        self.reload_filters()
        self._update_count()
        texts_changed(self.model)

    def reload_filters(self) -> None:
        """Fill the filter combos (kinds, classifications, tags, owners)."""
        def refill(combo: FilterCombo, first: str, items: list[tuple[str, object]]) -> None:
            combo.refill([(first, None), *items])

        refill(self.kind, _("All kinds"), [(k.label, k.value) for k in ClientKind])
        classes: list[tuple[str, object]] = []
        for field, enum in CLASSIFICATIONS.items():
            for member in enum:
                classes.append((f"{_(_CLASSIFICATION_TITLES[field])}: {member.label}",
                                f"{field}={member.value}"))
        refill(self.classification, _("All classifications"), classes)
        refill(self.tag, _("All tags"), [(t, t) for t in self.service.tags()])
        owners = self.service.owners()
        if self.service.user not in owners:  # "Mine" before the user owns a client
            owners = sorted([*owners, self.service.user])
        self.owner.blockSignals(True)
        refill(self.owner, _("All owners"), [(o, o) for o in owners])
        if self.scope.is_mine():
            self.owner.setCurrentIndex(max(0, self.owner.findData(self.service.user)))
        self.owner.blockSignals(False)

    def _on_scope_chosen(self, mine: bool) -> None:
        """Mine sets the owner filter to the user's name; Everyone clears it."""
        self.owner.blockSignals(True)
        self.owner.setCurrentIndex(max(0, self.owner.findData(self.service.user)) if mine
                                   else 0)
        self.owner.blockSignals(False)
        self.apply_filter()

    def _on_owner_chosen(self, _index: int) -> None:
        """Choosing the user's name as owner is "Mine"; any other choice is not."""
        self.scope.set_mine(self.owner.currentData() == self.service.user, quietly=True)
        self.apply_filter()

    # -- filtering ------------------------------------------------------------------
    def current_filter(self) -> ClientFilter:
        classification = self.classification.currentData()
        return ClientFilter(
            text=self.search.text(),
            kind=self.kind.currentData(),
            classification=tuple(classification.split("=", 1)) if classification else None,
            tag=self.tag.currentData(),
            owner=self.owner.currentData(),
            grade=self.grade_filter.currentData(),
            trash=self.trash_button.isChecked(),
            contact_limits=self._special.contact_limits,
            contact_due_before=self._special.contact_due_before,
        )

    def apply_filter(self) -> None:
        keep = self.editor.client_id
        self.model.set_filter(self.current_filter())
        self._update_count()
        if keep is not None:
            self._select(keep, load=False)
        self._update_buttons()

    def fill(self) -> None:
        """Read the list if it was not read yet (``fill_later``)."""
        if not self.model.loaded:
            self.model.refresh()
            self._update_count()
            self._update_buttons()

    def _update_count(self, *_args: object) -> None:
        if not self.model.loaded:  # fill_later: not read yet, rather than "no clients"
            self.count_label.clear()
            self.first_start.hide()
            self.empty_label.setText(_("Loading…"))
            self.empty_label.show()
            return
        n = self.model.total
        trash = self.trash_button.isChecked()
        self.quick_add.update_for(self.search.text(), n, trash)
        if self.model.more:  # a broad search is counted only so far
            self.count_label.setText(_("More than {n} clients", n=f"{n - 1:,}"))
        else:
            self.count_label.setText(_("{n} in trash", n=n) if trash
                                     else ngettext("{n} client", "{n} clients", n, n=f"{n:,}"))
        self.first_start.hide()
        if n:
            self.empty_label.hide()
            return
        if trash:
            self.empty_label.setText(_("The trash is empty."))
        elif self.quick_add.phone is not None:  # an unknown number: the offer below
            self.empty_label.setText(_("No client has the phone {phone}",
                                       phone=self.quick_add.phone))
        elif self.search.text().strip() or any(
                c.currentIndex() > 0 for c in (self.kind, self.classification, self.tag,
                                               self.owner, self.grade_filter)):
            self.empty_label.setText(_("No client matches the search and filters."))
        else:
            self.empty_label.setText(_("No clients yet. Press Ctrl+N to add the first one."))
            self.first_start.show()
        self.empty_label.show()

    def _update_buttons(self) -> None:
        trash = self.trash_button.isChecked()
        self.delete_button.setVisible(not trash)
        self.restore_button.setVisible(trash)
        has = self.model.id_at(self.view.currentIndex().row()) is not None
        self.delete_button.setEnabled(has)
        self.restore_button.setEnabled(has)
        self.bulk.update()

    def _select(self, client_id: int, load: bool = True) -> None:
        row = self.model.row_of(client_id)
        if row is None:
            return
        self._reverting_selection = not load
        self.view.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self._reverting_selection = False
        self.view.scrollTo(self.model.index(row, 0))

    def _open_first(self) -> None:
        if self.model.rowCount():
            self._select(self.model.id_at(0) or 0)
            self.view.setFocus()

    # -- editing ----------------------------------------------------------------------
    def apply_changes(self, changes: Changes) -> None:
        """Read again what another tab's write changed (TabPage): the list rows,
        and the open card's grade, timeline or complaints. A card with unsaved
        edits is not reloaded for a new grade (it shows on the next load)."""
        if changes.lists or changes.user:
            self.reload_filters()
            self.apply_filter()
        elif changes.every_client:
            self.model.invalidate_all()
        else:
            for client_id in changes.clients:
                self.model.invalidate(client_id)
        editor = self.editor
        if changes.user:
            self.card_pane.set_user(self.service.user)
            editor.set_user(self.service.user)
        if editor.client_id is not None and changes.touches(editor.client_id):
            if (changes.timeline and not changes.grades) or editor.is_dirty():
                if changes.timeline:  # a new entry being typed there stays
                    editor.timeline.reload()
            else:  # the card as stored now, or gone
                self._reload_card()
        if changes.complaints:
            editor.complaints.reload()
        if self._undo_id is not None and changes.touches(self._undo_id):
            self._check_undo(say=False)

    def confirm_discard(self) -> bool:
        """Ask what to do with unsaved edits; True when it is fine to move on."""
        if not self.editor.is_dirty():
            return True
        answer = QMessageBox.question(
            self, _("Unsaved changes"),
            _("Save the changes to {name}?", name=self.editor.title.text()),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.editor.save()
        return answer == QMessageBox.StandardButton.Discard

    def _on_current_changed(self, current: object, previous: object) -> None:
        self._update_buttons()
        if self._reverting_selection:
            return
        client_id = self.model.id_at(self.view.currentIndex().row())
        if client_id is None or client_id == self.editor.client_id:
            return
        if not self.confirm_discard():
            keep = self.editor.client_id
            if keep is not None:
                QTimer.singleShot(0, lambda: self._select(keep, load=False))
            return
        self.editor.load_id(client_id)

    def new_client(self) -> None:
        phone = self.quick_add.phone  # after a search for an unknown number: its card
        if not self.confirm_discard():
            return
        if self.trash_button.isChecked():
            self.trash_button.setChecked(False)
        self.view.clearSelection()
        self.editor.new_card()
        if phone is not None:
            self.quick_add.fill(self.editor, phone)

    def save(self) -> None:
        self.editor.save()

    def log_interaction(self) -> None:
        if self.editor.client_id is None or self.editor.read_only:
            self.status.emit(_("Open a saved client to log an interaction"))
            return
        self.editor.pages.setCurrentWidget(self.editor.timeline)
        self.editor.timeline.focus_entry()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_saved(self, client_id: int) -> None:
        self.reload_filters()
        self.apply_filter()
        self._select(client_id, load=False)
        self.status.emit(_("Saved {name}", name=self.editor.title.text()))
        self.data_changed.emit(client_id)

    def delete_current(self) -> None:
        client_id = self.model.id_at(self.view.currentIndex().row())
        if client_id is None or self.trash_button.isChecked():
            return
        name = self.model.data(self.model.index(self.view.currentIndex().row(), 0)) or ""
        row = self.view.currentIndex().row()
        self.service.delete(client_id)
        self.card_pane.show_empty() if self.editor.client_id == client_id else None
        self.apply_filter()
        if self.model.rowCount():
            self._select(self.model.id_at(min(row, self.model.rowCount() - 1)) or 0)
        self._set_undo(client_id, _("Moved {name} to the trash.", name=name))
        self.data_changed.emit(client_id)

    def restore_current(self) -> None:
        client_id = self.model.id_at(self.view.currentIndex().row())
        if client_id is None:
            return
        self.service.restore(client_id)
        if client_id == self._undo_id:  # nothing left for the banner to undo
            self._set_undo(None)
        self.trash_button.setChecked(False)
        self._select(client_id, load=False)
        self.editor.load_id(client_id)  # editable again: no longer the trash's copy
        self.status.emit(_("Restored {name}", name=self.editor.title.text()))
        self.data_changed.emit(client_id)

    def undo_delete(self) -> None:
        if self._undo_id is None:
            self.bulk.undo()
            return
        client_id = self._undo_id
        try:
            self.service.restore(client_id)
        except NotFoundError:  # restored or removed since: say so instead
            self._check_undo()
            return
        self._set_undo(None)
        self.apply_filter()
        self._select(client_id)
        self.data_changed.emit(client_id)

    def show_not_contacted(self, flt: ClientFilter) -> None:
        """List only the clients of ``flt``'s not-contacted condition (the care
        agenda's backlog), least recently contacted first, until "Show all"."""
        self._special = flt
        self._reset_filters()
        if flt.owner is not None:  # the backlog of a "Mine" agenda: the user's clients
            self.owner.blockSignals(True)
            self.owner.setCurrentIndex(max(0, self.owner.findData(flt.owner)))
            self.owner.blockSignals(False)
            self.scope.set_mine(flt.owner == self.service.user, quietly=True,
                                remember=False)
        self.special_label.show()
        self.special_clear.show()
        column = [key for key, _title in self.model.columns].index("last_contact")
        self.model.flt.sort, self.model.flt.descending = "last_contact", False
        header = self.view.horizontalHeader()
        header.blockSignals(True)  # the model sorts with the next query
        header.setSortIndicator(column, Qt.SortOrder.AscendingOrder)
        header.blockSignals(False)
        self.apply_filter()

    def clear_special_filter(self) -> None:
        self._special = ClientFilter()
        self.special_label.hide()
        self.special_clear.hide()
        self.apply_filter()

    def _reset_filters(self) -> None:
        """Clear the search, the filter combos and the trash view, quietly."""
        for combo in (self.kind, self.classification, self.tag, self.owner, self.grade_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.trash_button.blockSignals(True)
        self.trash_button.setChecked(False)
        self.trash_button.blockSignals(False)
        self.scope.set_mine(False, quietly=True, remember=False)

    def show_client(self, client_id: int) -> bool:
        """Select ``client_id``, clearing the search, filters and trash view when
        they hide it; False when the client does not exist or is in the trash."""
        if not self.model.loaded:
            self.apply_filter()
        if self.model.locate(client_id) is None:
            self._reset_filters()
            self._special = ClientFilter()
            self.special_label.hide()
            self.special_clear.hide()
            self.apply_filter()
        if self.model.locate(client_id) is None:
            return False
        self._select(client_id)
        return True

    def _drop_unlisted_card(self, *_args: object) -> None:
        """After a search or filter: the open card the list has no row for is
        put away (an empty state), unless it holds unsaved edits; so is the
        blank new card when a search finds nothing (not when a book without
        clients of one's own starts with it)."""
        if self.editor.is_dirty() or self.card_pane.is_empty():
            return
        client_id = self.editor.client_id
        if (not self.model.lists(client_id) if client_id is not None
                else not self.model.rowCount() and bool(self.search.text().strip())):
            self.card_pane.show_empty()

    def _reload_card(self) -> None:
        """Show the open card as stored now: read-only when it went to the
        trash, the empty state when it no longer exists (an import undone)."""
        client_id = self.editor.client_id
        if client_id is None:
            return
        try:
            self.editor.load_id(client_id)
        except NotFoundError:
            self.card_pane.show_empty(_("{name} no longer exists.",
                                        name=self.editor.title.text()))

    def _check_undo(self, say: bool = True) -> None:
        """The Undo banner once its client is no longer in the trash (restored
        or removed elsewhere): it goes, and with ``say`` one plain line says why."""
        if self._undo_id is None:
            return
        try:
            in_trash = self.service.get(self._undo_id).deleted_at is not None
        except NotFoundError:
            in_trash = False
        if in_trash:
            return
        self._set_undo(None)
        if say:
            self.undo_label.setText(_("Nothing to undo: the client is no longer in the trash."))
            self.undo_label.show()

    def _set_undo(self, client_id: int | None, text: str = "") -> None:
        self._undo_id = client_id
        self.undo_label.setText(text)
        self.undo_label.setVisible(client_id is not None)
        self.undo_button.setVisible(client_id is not None)
