"""Form pages of the card editor: basics, organisation, classification.

Each page reads from and writes to a ClientCard, and names its widgets by
card field so validation problems can be shown at the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP
from typing import TypeVar, cast

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.enums import (
    ClientKind,
    Gender,
    LabelledEnum,
    Loyalty,
    Nature,
    PhoneKind,
    Stage,
    Tenure,
    VolumeTier,
)
from desktop_crm.domain.sales import parse_amount
from desktop_crm.i18n import N_, _
from desktop_crm.ui.date_edit import OptionalDateEdit
from desktop_crm.ui.widgets import RowList

W = TypeVar("W", bound=QWidget)
_TAG_SPLIT = re.compile(r"[,，;；、]")


class EnumCombo(QComboBox):
    """A combo of an enum's labels; with ``optional`` the first entry means None."""

    def __init__(self, enum: type[LabelledEnum], optional: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self._enum = enum
        self._optional = optional
        self.retranslate()

    def retranslate(self) -> None:
        value = self.value()
        self.blockSignals(True)
        self.clear()
        if self._optional:
            self.addItem("—", None)
        for member in self._enum:
            self.addItem(member.label, member.value)
        self.blockSignals(False)
        self.set_value(value)

    def value(self) -> LabelledEnum | None:
        data = self.currentData()
        return self._enum(data) if data else None

    def set_value(self, value: LabelledEnum | None) -> None:
        index = self.findData(value.value if value is not None else None)
        self.setCurrentIndex(max(index, 0))


class PhoneRow(QWidget):
    """One phone number with its kind."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = EnumCombo(PhoneKind, optional=False, parent=self)
        self.number = QLineEdit(self)
        self.number.setPlaceholderText("138 0013 8000")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kind)
        layout.addWidget(self.number, 1)
        self.kind.currentIndexChanged.connect(self.changed)
        self.number.textChanged.connect(self.changed)

    def retranslate(self) -> None:
        self.kind.retranslate()


class KeptRows(RowList):
    """A card's rows (phones, dates, family), kept from one card to the next:
    opening a card refills the rows there are instead of building them anew
    (new widgets are polished and laid out, a large part of a card's opening).
    Rows a card does not need are hidden, not deleted, and the next card that
    needs more takes them again (over random cards of the bench book a third
    of the openings built a date or family row: about 1 ms each)."""

    def __init__(self, factory: Callable[[], QWidget], add_text: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(factory, add_text, parent)
        self._spare: list[QWidget] = []  # hidden rows, to be filled again by ``row``

    def keep(self, count: int) -> None:
        """Put away the rows after the first ``count``."""
        if count >= len(self.rows):
            return
        for row in self.rows[count:]:
            holder = row.parentWidget()
            assert holder is not None  # add_row always wraps a row in a holder
            holder.hide()
            self._spare.append(row)
        del self.rows[count:]
        self.changed.emit()

    def row(self, index: int) -> QWidget:
        """Row ``index``, taken from the spare rows or added when there are
        not that many (the caller fills every field of a row taken again)."""
        if index < len(self.rows):
            return self.rows[index]
        if not self._spare:
            return self.add_row()
        row = self._spare.pop()
        holder = row.parentWidget()
        assert holder is not None
        # right below the last row shown: a row the user added sits after the spares
        after = self.rows[-1].parentWidget() if self.rows else None
        self._layout.removeWidget(holder)
        self._layout.insertWidget(self._layout.indexOf(after) + 1 if after else 0, holder)
        holder.show()
        self.rows.append(row)
        self.changed.emit()
        return row


class FormPage(QWidget):
    """A QFormLayout page whose rows are retranslated by label msgid.

    Signals:
        changed: any field changed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.fields: dict[str, QWidget] = {}
        self._labels: list[tuple[QLabel, str]] = []

    def add(self, name: str, label: str, widget: W) -> W:
        caption = QLabel(self)
        caption.setBuddy(widget)
        self._labels.append((caption, label))
        self.form.addRow(caption, widget)
        self.fields[name] = widget
        for signal in ("textChanged", "currentIndexChanged", "changed"):
            if hasattr(widget, signal):
                getattr(widget, signal).connect(self.changed)
                break
        return widget

    # Card fields edited by a plain QLineEdit on this page, loaded and stored as is.
    TEXT_FIELDS: tuple[str, ...] = ()

    def load_texts(self, card: ClientCard) -> None:
        for name in self.TEXT_FIELDS:
            cast(QLineEdit, self.fields[name]).setText(getattr(card, name))

    def store_texts(self, card: ClientCard) -> None:
        for name in self.TEXT_FIELDS:
            setattr(card, name, cast(QLineEdit, self.fields[name]).text().strip())

    def retranslate(self) -> None:
        for caption, label in self._labels:
            caption.setText(_(label))
        for widget in self.fields.values():
            if hasattr(widget, "retranslate"):
                widget.retranslate()


def _line(parent: QWidget) -> QLineEdit:
    return QLineEdit(parent)


class BasicsPage(FormPage):
    """Name, contact details, tags, owner and notes."""

    TEXT_FIELDS = ("title", "company", "email", "wechat", "website", "address", "home_address",
                   "industry", "source", "owner")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = self.add("kind", N_("Kind"), EnumCombo(ClientKind, False, self))
        self.name = self.add("name", N_("Name *"), _line(self))
        self.gender = self.add("gender", N_("Gender"), EnumCombo(Gender, False, self))
        self.title = self.add("title", N_("Title"), _line(self))
        self.company = self.add("company", N_("Company"), _line(self))
        self.phones = self.add(
            "phones", N_("Phones"), KeptRows(PhoneRow, lambda: _("Add phone"), self)
        )
        self.email = self.add("email", N_("E-mail"), _line(self))
        self.wechat = self.add("wechat", N_("WeChat"), _line(self))
        self.website = self.add("website", N_("Website"), _line(self))
        self.address = self.add("address", N_("Address"), _line(self))
        self.home_address = self.add("home_address", N_("Home address"), _line(self))
        self.industry = self.add("industry", N_("Industry"), _line(self))
        self.source = self.add("source", N_("Source"), _line(self))
        self.tags = self.add("tags", N_("Tags"), _line(self))
        self.owner = self.add("owner", N_("Owner"), _line(self))
        self.notes = self.add("notes", N_("Notes"), QPlainTextEdit(self))
        self.notes.setMaximumHeight(110)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.name.setPlaceholderText(_("e.g. 张伟 or Acme Trading Ltd"))
        self.tags.setPlaceholderText(_("Separate tags with commas"))
        self.email.setPlaceholderText("name@example.com")
        self.website.setPlaceholderText("www.example.com")

    def load(self, card: ClientCard) -> None:
        self.kind.set_value(card.kind)
        self.name.setText(card.name)
        self.gender.set_value(card.gender)
        self.load_texts(card)
        self.tags.setText(", ".join(card.tags))
        self.notes.setPlainText(card.notes)
        self.phones.keep(len(card.phones))
        for index, phone in enumerate(card.phones):
            row = self.phones.row(index)
            assert isinstance(row, PhoneRow)
            row.kind.set_value(phone.kind)
            row.number.setText(phone.number)

    def store(self, card: ClientCard) -> None:
        card.kind = ClientKind(self.kind.value() or ClientKind.PERSON)
        card.name = self.name.text().strip()
        card.gender = Gender(self.gender.value() or Gender.UNKNOWN)
        self.store_texts(card)
        card.tags = [t.strip() for t in _TAG_SPLIT.split(self.tags.text()) if t.strip()]
        card.notes = self.notes.toPlainText()
        card.phones = [
            Phone(row.number.text().strip(), PhoneKind(row.kind.value() or PhoneKind.MOBILE))
            for row in self.phones.rows
            if isinstance(row, PhoneRow) and row.number.text().strip()
        ]

    def phone_widget(self, index: int) -> QWidget | None:
        filled = [
            r for r in self.phones.rows if isinstance(r, PhoneRow) and r.number.text().strip()
        ]
        return filled[index].number if 0 <= index < len(filled) else None


class OrganisationPage(FormPage):
    """Organisation data from the source (法人客户资料)."""

    TEXT_FIELDS = ("legal_representative", "scale", "assets", "org_form")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.legal_representative = self.add(
            "legal_representative", N_("Legal representative"), _line(self)
        )
        self.founded_on = self.add("founded_on", N_("Founded on"), OptionalDateEdit(self))
        self.scale = self.add("scale", N_("Scale"), _line(self))
        self.assets = self.add("assets", N_("Assets"), _line(self))
        self.org_form = self.add("org_form", N_("Organisation form"), _line(self))
        self.relationship_since = self.add(
            "relationship_since", N_("Client since"), OptionalDateEdit(self)
        )
        self.retranslate()

    def load(self, card: ClientCard) -> None:
        self.load_texts(card)
        self.founded_on.set_value(card.founded_on)
        self.relationship_since.set_value(card.relationship_since)

    def store(self, card: ClientCard) -> None:
        self.store_texts(card)
        card.founded_on = self.founded_on.value()
        card.relationship_since = self.relationship_since.value()


class ClassificationPage(FormPage):
    """The source's five ways of classifying a client."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.nature = self.add("nature", N_("By nature"), EnumCombo(Nature, True, self))
        self.stage = self.add("stage", N_("By stage"), EnumCombo(Stage, True, self))
        self.tenure = self.add("tenure", N_("By tenure"), EnumCombo(Tenure, True, self))
        self.volume_tier = self.add(
            "volume_tier", N_("By volume"), EnumCombo(VolumeTier, True, self)
        )
        self.loyalty = self.add("loyalty", N_("By loyalty"), EnumCombo(Loyalty, True, self))
        self.annual_spend = self.add("annual_spend", N_("Estimated yearly spend (yuan)"),
                                     _line(self))
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.annual_spend.setPlaceholderText(_("e.g. 500,000"))
        self.annual_spend.setToolTip(_(
            "What the client spends in a year on what we sell, from us and from others: "
            "the base of our share of their spending (share of wallet)"))

    def load(self, card: ClientCard) -> None:
        for name in ("nature", "stage", "tenure", "volume_tier", "loyalty"):
            getattr(self, name).set_value(getattr(card, name))
        spend = card.annual_spend
        self.annual_spend.setText(f"{spend:,}" if spend is not None else "")

    def store(self, card: ClientCard) -> None:
        card.nature = Nature(v) if (v := self.nature.value()) else None
        card.stage = Stage(v) if (v := self.stage.value()) else None
        card.tenure = Tenure(v) if (v := self.tenure.value()) else None
        card.volume_tier = VolumeTier(v) if (v := self.volume_tier.value()) else None
        card.loyalty = Loyalty(v) if (v := self.loyalty.value()) else None
        card.annual_spend = whole_yuan(self.annual_spend.text())


def whole_yuan(text: str) -> int | None:
    """A yearly spend as typed ("500,000", "¥80000"), rounded to whole yuan;
    None when empty, and -1 (refused by the card's validation, at the field)
    when it is not an amount."""
    if not text.strip():
        return None
    try:
        amount = parse_amount(text)
    except ValueError:
        return -1
    return int(amount.to_integral_value(rounding=ROUND_HALF_UP))
