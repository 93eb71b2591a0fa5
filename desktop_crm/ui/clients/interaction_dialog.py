"""Edit one timeline entry: the fields of the quick entry, filled in; saving
records the change in the card's history (services.clients.edit_interaction)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout, QWidget

from desktop_crm.domain.client import Interaction
from desktop_crm.domain.errors import NotFoundError
from desktop_crm.domain.validation import ValidationError
from desktop_crm.i18n import _
from desktop_crm.services.clients import ClientService
from desktop_crm.ui.clients.interaction_fields import InteractionFields
from desktop_crm.ui.date_edit import date_problems


class InteractionDialog(QDialog):
    """Edits ``item`` (which has its id); accepted once the change is saved.

    Attributes:
        fields: the entry's fields.
        changed: whether saving changed anything.
    """

    def __init__(self, service: ClientService, item: Interaction,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._item = item
        self.changed = False
        self.setWindowTitle(_("Edit timeline entry"))
        form = QFormLayout()
        self.fields = InteractionFields(self, form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.fields.retranslate()
        self.fields.set_value(item)
        self.fields.summary.setFocus()
        self.resize(max(self.sizeHint().width(), 560), self.sizeHint().height())

    def accept(self) -> None:
        """Override QDialog::accept: save, or say why not and stay open."""
        if date_problems({"when": self.fields.when, "follow_up": self.fields.follow_up}):
            return  # shown at the field
        edited = self.fields.value(self._item.client_id, self._item.id)
        try:
            self.changed = self._service.edit_interaction(edited)
        except ValidationError as exc:
            self.fields.show_error(exc.errors[0].message)
            self.fields.summary.setFocus()
            return
        except NotFoundError as exc:  # deleted meanwhile, in another window
            self.fields.show_error(str(exc))
            return
        super().accept()
