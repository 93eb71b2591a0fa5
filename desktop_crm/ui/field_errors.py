"""A record dialog's save step and its problems shown at the fields: the red
frame and tooltip on each field, one line per problem above the buttons and
the focus on the first field at fault. Shared by the order and contact-person
dialogs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from desktop_crm.domain.errors import NotFoundError
from desktop_crm.domain.validation import FieldError, ValidationError
from desktop_crm.i18n import _
from desktop_crm.storage.database import ConnectionLostError
from desktop_crm.ui.widgets import mark_invalid

T = TypeVar("T")


class SavingDialog(Protocol):
    """What ``save_or_show`` needs of the dialog."""

    saved_id: int | None

    def show_errors(self, errors: list[FieldError]) -> None: ...

    def accept(self) -> None: ...


def save_or_show(dialog: SavingDialog, save: Callable[[T], int], record: T,
                 errors: list[FieldError]) -> None:
    """Save ``record`` when ``errors`` (found in the dialog) is empty and close
    the dialog; otherwise, or when saving is refused, show the problems and
    keep the dialog open with what was typed."""
    if not errors:
        try:
            dialog.saved_id = save(record)
        except ValidationError as exc:
            errors = exc.errors
        except (NotFoundError, ConnectionLostError) as exc:
            # the card went to the trash meanwhile, or the server is not
            # answering: nothing was written, the typing stays
            errors = [FieldError("", str(exc))]
    if errors:
        dialog.show_errors(errors)
        return
    dialog.accept()


def show_field_errors(fields: dict[str, QWidget], captions: dict[str, str], label: QLabel,
                      errors: list[FieldError],
                      describe: Callable[[str, str, str], str] | None = None) -> None:
    """Clear the old marks, then mark each field at fault (``field.index``
    problems go to ``field``) and list the problems in ``label`` under their
    field's caption (``captions``: untranslated). ``describe(field, index,
    message)`` may reword a problem (the phone it is about, say)."""
    for editor in fields.values():
        if editor.property("invalid"):
            mark_invalid(editor, None)
    lines = []
    first: QWidget | None = None
    marked: dict[QWidget, list[str]] = {}
    for error in errors:
        head, _dot, index = error.field.partition(".")
        widget = fields.get(head)
        message = describe(head, index, error.message) if describe else error.message
        if widget is not None:
            marked.setdefault(widget, []).append(message)
            lines.append(f"• {_(captions[head]).rstrip(' *')}: {message}")
            first = first or widget
        else:
            lines.append(f"• {message}")
    for widget, messages in marked.items():
        mark_invalid(widget, "\n".join(messages))
    label.setText(_("Not saved. Please correct:") + "\n" + "\n".join(lines))
    label.setVisible(bool(errors))
    if first is not None:
        first.setFocus(Qt.FocusReason.OtherFocusReason)
