"""The banner above a card filled from a business card: what happened, the
existing clients the card may belong to ("Update that client" / "Create a
new client"), and whether the card's image is kept on the client."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.i18n import _

MAX_SHOWN = 5  # matches listed; the best come first


class MatchLike(Protocol):
    """An existing client the card may belong to (services.card_draft.CardMatch)."""

    @property
    def client_id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def company(self) -> str: ...
    @property
    def reason(self) -> str: ...


class MatchRow(QWidget):
    """One existing client: who, why, and the button to update it."""

    def __init__(self, match: MatchLike, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.match = match
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.update_button = QPushButton(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.update_button)
        self.retranslate()

    def retranslate(self) -> None:
        who = ", ".join(part for part in (self.match.name, self.match.company) if part)
        self.label.setText(_("• {client} ({reason})", client=who, reason=self.match.reason))
        self.update_button.setText(_("Update that client"))


class CardScanBanner(QFrame):
    """Hidden until a card is read; ``show_new`` / ``show_update`` show it.

    Signals:
        update_requested: "Update that client" (argument: the client's id).
        create_requested: "Create a new client": go on with the new card.
        image_requested: "Put the card's image on the client" (the card added
            nothing else, so there is no save to keep it with).
    """

    update_requested = Signal(int)
    create_requested = Signal()
    image_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cardScanBanner")
        # its own text colour too: the light background stays readable in a dark theme
        self.setStyleSheet("QFrame#cardScanBanner { background: #fff8dc; "
                           "border: 1px solid #e0c060; border-radius: 4px; }"
                           " QFrame#cardScanBanner > QLabel, QFrame#cardScanBanner > QCheckBox,"
                           " MatchRow > QLabel { color: #1a1a1a; }")
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.matches_label = QLabel(self)
        self.matches_label.setWordWrap(True)
        self.differing = QLabel(self)  # what the card says otherwise, when updating
        self.differing.setWordWrap(True)
        self._differences: list[tuple[str, str]] = []
        self.rows: list[MatchRow] = []
        self._rows_layout = QVBoxLayout()
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self.create_button = QPushButton(self)
        self.keep_image = QCheckBox(self)
        self.keep_image.setChecked(True)
        self.image_button = QPushButton(self)
        self.image_button.hide()
        bottom = QHBoxLayout()
        bottom.addWidget(self.keep_image, 1)
        bottom.addWidget(self.image_button)
        bottom.addStretch(1)
        bottom.addWidget(self.create_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.text)
        layout.addWidget(self.differing)
        layout.addWidget(self.matches_label)
        layout.addLayout(self._rows_layout)
        layout.addLayout(bottom)
        self.create_button.clicked.connect(self._create)
        self.image_button.clicked.connect(self.image_requested)
        self._updating = ""  # the name of the client being updated; "" for a new card
        self._nothing_new = False  # the card adds nothing to the client being updated
        self.hide()
        self.retranslate()

    def show_new(self, matches: Sequence[MatchLike]) -> None:
        """A new card from the business card; ``matches`` are offered instead."""
        self._updating = ""
        self._differences = []
        self._set_nothing_new(False)
        self._set_matches(matches[:MAX_SHOWN])
        self.keep_image.setChecked(True)
        self.retranslate()
        self.show()

    def show_update(self, name: str, differences: Sequence[tuple[str, str]] = (),
                    nothing_new: bool = False) -> None:
        """The card's values merged into the existing client ``name``;
        ``differences``: (field label, the business card's value) of the
        fields the client card keeps because it says something else;
        ``nothing_new``: the card added nothing (the image is offered alone)."""
        self._updating = name
        self._differences = list(differences)
        self._set_nothing_new(nothing_new)
        self._set_matches([])
        self.retranslate()
        self.show()

    def _set_matches(self, matches: Sequence[MatchLike]) -> None:
        for row in self.rows:
            row.deleteLater()
        self.rows = []
        for match in matches:
            row = MatchRow(match, self)
            row.update_button.clicked.connect(
                lambda _checked=False, client_id=match.client_id:
                self.update_requested.emit(client_id))
            self._rows_layout.addWidget(row)
            self.rows.append(row)
        self.matches_label.setVisible(bool(matches))
        self.create_button.setVisible(bool(matches))

    def _set_nothing_new(self, nothing_new: bool) -> None:
        self._nothing_new = nothing_new
        self.keep_image.setVisible(not nothing_new)
        self.image_button.setVisible(nothing_new)

    def _create(self) -> None:
        self._set_matches([])
        self.create_requested.emit()

    def retranslate(self) -> None:
        if self._updating and self._nothing_new:
            self.text.setText(_("The business card adds nothing new to {name}.",
                                name=self._updating))
        elif self._updating:
            self.text.setText(_("The business card's details are added to {name} as unsaved "
                                "changes. Check the tinted fields, then save.",
                                name=self._updating))
        else:
            self.text.setText(_("Read from a business card. Check the tinted fields, correct "
                                "what was misread, then save. Nothing is saved until you do."))
        self.differing.setText("\n".join([
            _("The business card says otherwise here (the client card keeps its own):"),
            *(_("• {field}: {value}", field=field, value=value)
              for field, value in self._differences)]))
        self.differing.setVisible(bool(self._differences))
        self.matches_label.setText(_("This card may belong to a client you already have:"))
        self.create_button.setText(_("Create a new client"))
        self.keep_image.setText(_("Keep the card's image on the client"))
        self.image_button.setText(_("Put the card's image on the client"))
        for row in self.rows:
            row.retranslate()
