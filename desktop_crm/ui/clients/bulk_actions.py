"""Bulk actions of the client list: move the selected clients to the trash
(Del), add or remove a tag, set the owner or a classification (客户分类); each
one step (services.bulk) shown in the list's undo banner, which Undo or
Ctrl+Z takes back.

One selected client keeps the list's single-card behaviour (the card's own
delete and undo); several go through the bulk service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QMenu, QMessageBox, QPushButton

from desktop_crm.domain.enums import CLASSIFICATIONS
from desktop_crm.domain.validation import ValidationError
from desktop_crm.i18n import N_, _
from desktop_crm.services.bulk import BulkReceipt, BulkService, BulkUndoError
from desktop_crm.ui.brief.actions import BriefActions
from desktop_crm.ui.bulk_actions import SelectionLine, allow_many, bulk_action, run_dialog
from desktop_crm.ui.bulk_dialogs import ValueDialog

if TYPE_CHECKING:
    from desktop_crm.ui.clients.tab import ClientsTab

# the classifications by field, as the list's filter names them
TITLES = {"nature": N_("By nature"), "stage": N_("By stage"), "tenure": N_("By tenure"),
          "volume_tier": N_("By volume"), "loyalty": N_("By loyalty")}


class ClientBulk(QObject):
    """The bulk actions of one ClientsTab.

    Attributes:
        receipt: what the last bulk action changed, for Undo.
        run: shows a dialog, True when accepted (tests fill and accept it).
        menu_button: "Selected clients ▾" with the actions, beside New client.
        selection: "N selected".
    """

    def __init__(self, tab: ClientsTab) -> None:
        super().__init__(tab)
        self.tab = tab
        self.receipt: BulkReceipt | None = None
        self.run: Callable[[QDialog], bool] = run_dialog
        view = tab.view
        self.trash_action = bulk_action(view, self.trash)  # Del: the tab's delete action
        self.add_tag_action = bulk_action(tab, lambda: self.set_tag(True), "Ctrl+Shift+T")
        self.remove_tag_action = bulk_action(tab, lambda: self.set_tag(False))
        self.owner_action = bulk_action(tab, self.set_owner, "Ctrl+Shift+O")
        self.class_action = bulk_action(tab, self.set_classification, "Ctrl+Shift+K")
        self.undo_action = bulk_action(view, tab.undo_delete, QKeySequence.StandardKey.Undo)
        self.undo_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        # the pre-visit brief of the one selected client
        self.brief = BriefActions(tab.service, self._one_selected, tab)
        actions = [self.trash_action, None, self.add_tag_action, self.remove_tag_action,
                   self.owner_action, self.class_action, None, self.brief.print_action,
                   self.brief.save_action, self.brief.confidential_action,
                   self.brief.paper_menu.menuAction(), None,
                   self.undo_action]
        allow_many(view, actions)
        self.menu = QMenu(tab)
        for action in actions[:-2]:
            self.menu.addAction(action) if action else self.menu.addSeparator()
        # a push button leaves room for its menu arrow (a tool button's
        # arrow covered the end of the text)
        self.menu_button = QPushButton(tab)
        self.menu_button.setMenu(self.menu)
        self.selection = SelectionLine(tab)
        self.selection.hide()
        view.selectionModel().selectionChanged.connect(self.update)

    @property
    def service(self) -> BulkService:
        s = self.tab.service
        return BulkService(s.db, s.clock, s.user)

    def retranslate(self) -> None:
        self.trash_action.setText(_("Move to trash") + "\tDel")
        self.add_tag_action.setText(_("Add a tag…"))
        self.remove_tag_action.setText(_("Remove a tag…"))
        self.owner_action.setText(_("Set the owner…"))
        self.class_action.setText(_("Set a classification…"))
        self.undo_action.setText(_("Undo"))
        self.brief.retranslate()
        self.menu_button.setText(_("Selected clients"))
        self.menu_button.setToolTip(_("Act on every selected client at once "
                                      "(select several with Shift or Ctrl, all with Ctrl+A)"))
        self.update()

    def selected_ids(self) -> list[int]:
        model = self.tab.model
        rows = sorted(r.row() for r in self.tab.view.selectionModel().selectedRows())
        return [i for i in (model.id_at(r) for r in rows) if i is not None]

    def _one_selected(self) -> int | None:
        ids = self.selected_ids()
        return ids[0] if len(ids) == 1 else None

    def update(self) -> None:
        n = len(self.selected_ids())
        self.selection.show_count(n)
        live = not self.tab.trash_button.isChecked()
        for action in (self.trash_action, self.add_tag_action, self.remove_tag_action,
                       self.owner_action, self.class_action):
            action.setEnabled(live and n > 0)
        self.menu_button.setEnabled(live and n > 0)
        self.brief.set_enabled(live and n == 1)

    # -- actions -----------------------------------------------------------------------
    def trash(self) -> None:
        ids = self.selected_ids()
        if len(ids) <= 1 or self.tab.trash_button.isChecked():
            self.tab.delete_current()  # one card: its own delete and undo
            return
        self._apply(lambda s: s.trash(ids),
                    lambda r: _("Moved {n} clients to the trash.", n=r.count))

    def set_tag(self, add: bool) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        heading = (_("Add a tag to {n} selected clients.", n=len(ids)) if add
                   else _("Remove a tag from {n} selected clients.", n=len(ids)))
        dialog = ValueDialog(_("Tags"), heading, _("Tag"),
                             [(t, t) for t in self.tab.service.tags()], True, self.tab)
        if not self.run(dialog):
            return
        tag = dialog.text()
        self._apply(lambda s: s.set_tag(ids, tag, add),
                    lambda r: (_("Tagged {n} clients “{tag}”.", n=r.count, tag=r.tag) if add
                               else _("Removed the tag “{tag}” from {n} clients.", n=r.count,
                                      tag=r.tag)))

    def set_owner(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        owners = self.tab.service.owners()
        if self.tab.service.user not in owners:
            owners = sorted([*owners, self.tab.service.user])
        dialog = ValueDialog(_("Owner"), _("Set the owner of {n} selected clients.",
                                           n=len(ids)), _("Owner"),
                             [(o, o) for o in owners if o], True, self.tab)
        if not self.run(dialog):
            return
        owner = dialog.text()
        self._apply(lambda s: s.set_owner(ids, owner),
                    lambda r: _("Set the owner of {n} clients to {owner}.", n=r.count,
                                owner=r.value or "—"))

    def set_classification(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        def values(name: object) -> list[tuple[str, object]]:
            enum = CLASSIFICATIONS[str(name)]
            return [*((m.label, m.value) for m in enum), (_("(none)"), None)]

        dialog = ValueDialog(_("Classification"), _(
            "Set a classification of {n} selected clients.", n=len(ids)), _("Set to"), [],
            False, self.tab)
        dialog.add_field(_("Classification"), [(_(TITLES[f]), f) for f in CLASSIFICATIONS],
                         values)
        if not self.run(dialog):
            return
        assert dialog.field is not None
        name, data = str(dialog.field.currentData()), dialog.value.currentData()
        value = CLASSIFICATIONS[name](data) if data else None  # Qt keeps the value's text
        self._apply(lambda s: s.set_classification(ids, name, value),
                    lambda r: _("Set {field} of {n} clients to {value}.",
                                field=dialog.field.currentText() if dialog.field else name,
                                n=r.count, value=dialog.value.currentText()))

    def _apply(self, act: Callable[[BulkService], BulkReceipt],
               message: Callable[[BulkReceipt], str]) -> None:
        try:
            receipt = act(self.service)
        except ValidationError as exc:
            QMessageBox.information(self.tab, _("Selected clients"),
                                    "\n".join(e.message for e in exc.errors))
            return
        tab = self.tab
        self.receipt = receipt
        if tab.editor.client_id in receipt.client_ids and not tab.editor.is_dirty():
            if receipt.action == "trash":
                tab.card_pane.show_empty()
            else:
                tab.editor.load_id(tab.editor.client_id)
        tab.reload_filters()
        tab.apply_filter()
        tab._set_undo(None)
        tab.undo_label.setText(message(receipt))
        tab.undo_label.show()
        tab.undo_button.show()
        tab.status.emit(message(receipt))
        tab.bulk_changed.emit()
        tab.view.setFocus()  # so that Ctrl+Z reaches the list's Undo

    def undo(self) -> bool:
        """Take back the last bulk action (the banner's Undo); False when the
        banner shows no bulk action."""
        receipt, tab = self.receipt, self.tab
        if receipt is None or tab.undo_button.isHidden():
            return False
        try:
            n = self.service.undo(receipt)
        except BulkUndoError as exc:
            QMessageBox.information(tab, _("Undo"), str(exc))
            return True
        self.receipt = None
        tab._set_undo(None)
        if tab.editor.client_id in receipt.client_ids and not tab.editor.is_dirty():
            tab.editor.load_id(tab.editor.client_id)
        tab.reload_filters()
        tab.apply_filter()
        tab.status.emit(_("Undone for {n} clients.", n=n))
        tab.bulk_changed.emit()
        return True
