"""Bulk actions of the agenda list (Today and the care calendar): mark the
selected items done, postpone the follow-ups, dismiss items no longer
relevant; each one step that Ctrl+Z (or Undo) takes back.

Only the actions that make sense for the selected kinds are offered: an
action is enabled when at least one selected item supports it, acts on
those, and says in its dialog (and in the button's tooltip) which items it
leaves alone and why (services.agenda_bulk.why_not).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton

from desktop_crm.domain.care import DISMISS, DONE, POSTPONE, AgendaItem, why_not
from desktop_crm.domain.validation import ValidationError
from desktop_crm.i18n import _
from desktop_crm.ui.bulk_actions import SelectionLine, allow_many, bulk_action, run_dialog

if TYPE_CHECKING:  # the actions' code and dialogs load when one first runs, not with Today
    from desktop_crm.services.agenda_bulk import AgendaBulkService, AgendaReceipt
    from desktop_crm.ui.care.agenda_panel import AgendaPanel


class AgendaBulk(QObject):
    """The bulk actions of one AgendaPanel.

    Attributes:
        receipt: what the last bulk action wrote, for Undo (None after an undo
            or a single item's "mark as done").
        run: shows a dialog, True when accepted (tests fill and accept it).
        postpone_button, dismiss_button: next to "Mark as done".
        selection: "N selected".
    """

    def __init__(self, panel: AgendaPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.receipt: AgendaReceipt | None = None
        self.run: Callable[[QDialog], bool] = run_dialog
        self.postpone_button = QPushButton(panel)
        self.dismiss_button = QPushButton(panel)
        self.selection = SelectionLine(panel)
        self.selection.hide()
        self.postpone_action = bulk_action(panel, self.postpone, "Ctrl+P")
        self.dismiss_action = bulk_action(panel, self.dismiss, "Ctrl+Shift+D")
        allow_many(panel.view, [panel.done_action, self.postpone_action, self.dismiss_action,
                                None, panel.undo_action])
        self.postpone_button.clicked.connect(self.postpone)
        self.dismiss_button.clicked.connect(self.dismiss)

    @property
    def service(self) -> AgendaBulkService:
        from desktop_crm.services.agenda_bulk import AgendaBulkService

        return AgendaBulkService(self.panel.service)

    def retranslate(self) -> None:
        self.panel.done_action.setText(_("Mark as done…"))
        self.panel.undo_action.setText(_("Undo"))
        self.postpone_action.setText(_("Postpone…"))
        self.dismiss_action.setText(_("Dismiss as no longer relevant…"))
        self.postpone_button.setText(_("Postpone… (Ctrl+P)"))
        self.dismiss_button.setText(_("Dismiss… (Ctrl+Shift+D)"))
        self.update()

    # -- what the selection allows ------------------------------------------------------
    def selected(self) -> list[AgendaItem]:
        model, rows = self.panel.model, self.panel.view.selectionModel().selectedRows()
        found = (model.item_at(r.row()) for r in sorted(rows, key=lambda r: r.row()))
        return [i for i in found if i is not None]

    def _split(self, action: str) -> tuple[list[AgendaItem], list[tuple[AgendaItem, str]]]:
        able, left = [], []
        for item in self.selected():
            reason = why_not(item, action)
            if reason:
                left.append((item, reason))
            else:
                able.append(item)
        return able, left

    def update(self) -> None:
        """Enable each action for the selection and say why where it is not."""
        items = self.selected()
        self.selection.show_count(len(items))
        many = len(items) > 1
        for action, button, widget_action in (
                (POSTPONE, self.postpone_button, self.postpone_action),
                (DISMISS, self.dismiss_button, self.dismiss_action)):
            able, left = self._split(action)
            button.setEnabled(bool(able))
            widget_action.setEnabled(bool(able))
            button.setToolTip(_left_text(left) if left else "")
        if many:
            able, left = self._split(DONE)
            self.panel.done_button.setEnabled(bool(able))
            self.panel.done_action.setEnabled(bool(able))
            self.panel.done_button.setToolTip(_left_text(left) if left else _(
                "Log the greeting or call of each selected item on its client's timeline"))
        else:
            self.panel.done_action.setEnabled(self.panel.done_button.isEnabled())
            self.panel.done_button.setToolTip(_("Log the greeting or call on the client's "
                                                "timeline and take the item off the agenda"))

    # -- actions -----------------------------------------------------------------------
    def _heading(self, text: str, left: list[tuple[AgendaItem, str]]) -> str:
        return f"{text}\n\n{_left_text(left)}" if left else text

    def mark_done(self) -> None:
        able, left = self._split(DONE)
        if not able:
            return
        from desktop_crm.ui.bulk_dialogs import DoneDialog

        today = self.panel.service.today()
        dialog = DoneDialog(self._heading(_("Mark {n} items done.", n=len(able)), left), today,
                            self.panel)
        if not self.run(dialog):
            return
        self._apply(lambda s: s.mark_done(able, dialog.chosen_day(), dialog.note.text(),
                                          mine=self.panel.mine),
                    lambda n: _("Marked {n} items done.", n=n))

    def postpone(self) -> None:
        able, left = self._split(POSTPONE)
        if not able:
            return
        from desktop_crm.services.agenda_bulk import next_working_day
        from desktop_crm.ui.bulk_dialogs import PostponeDialog

        today = self.panel.service.today()
        dialog = PostponeDialog(self._heading(_("Postpone {n} follow-ups to:", n=len(able)),
                                              left), today, next_working_day(today), self.panel)
        if not self.run(dialog):
            return
        day = dialog.chosen_day()
        self._apply(lambda s: s.postpone(able, day),
                    lambda n: _("Postponed {n} follow-ups to {date}.", n=n, date=day.isoformat()))

    def dismiss(self) -> None:
        able, left = self._split(DISMISS)
        if not able:
            return
        from desktop_crm.ui.bulk_dialogs import ConfirmDialog

        dialog = ConfirmDialog(_("Dismiss"), self._heading(_(
            "Take {n} items off the agenda as no longer relevant? Nothing is logged on the "
            "timelines; follow-ups are closed.", n=len(able)), left), self.panel)
        if not self.run(dialog):
            return
        self._apply(lambda s: s.dismiss(able), lambda n: _("Dismissed {n} items.", n=n))

    def _apply(self, act: Callable[[AgendaBulkService], AgendaReceipt],
               message: Callable[[int], str]) -> None:
        try:
            receipt = act(self.service)
        except ValidationError as exc:
            QMessageBox.information(self.panel, _("Bulk action"),
                                    "\n".join(e.message for e in exc.errors))
            return
        self.receipt = receipt
        self.panel.last_receipt = None
        self.panel.undo_button.setEnabled(True)
        text = message(receipt.count)
        if receipt.skipped:
            text += " " + _("{n} were done already.", n=receipt.skipped)
        self.panel.status.emit(text + " " + _("Ctrl+Z undoes it."))
        self.panel.changed.emit(0)
        self.panel.view.setFocus()  # so that Ctrl+Z reaches the panel's Undo

    def undo(self) -> bool:
        """Take back the last bulk action; False when there is none."""
        receipt = self.receipt
        if receipt is None:
            return False
        from desktop_crm.services.bulk import BulkUndoError

        try:
            n = self.service.undo(receipt)
        except BulkUndoError as exc:
            QMessageBox.information(self.panel, _("Undo"), str(exc))
            return True
        self.receipt = None
        self.panel.undo_button.setEnabled(False)
        self.panel.status.emit(_("Back on the agenda: {n} items", n=n))
        self.panel.changed.emit(0)
        return True


def _left_text(left: list[tuple[AgendaItem, str]]) -> str:
    """Which selected items an action leaves alone, and why (the first few)."""
    reasons: dict[str, int] = {}
    for _item, reason in left:
        reasons[reason] = reasons.get(reason, 0) + 1
    lines = [_("{n} selected items are left as they are:", n=len(left))]
    lines += [f"• {reason} ({n})" for reason, n in reasons.items()]
    return "\n".join(lines)
