"""Important dates and family: the client's birthday (Gregorian or lunar),
anniversaries, custom dates, and family members with their birthdays."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from desktop_crm.domain.client import ClientCard, FamilyMember, ImportantDate
from desktop_crm.domain.enums import DateKind
from desktop_crm.i18n import _
from desktop_crm.ui.clients.fields import EnumCombo, KeptRows
from desktop_crm.ui.widgets import DateSpecEdit, RemindSpin


class DateRow(QWidget):
    """An anniversary or custom date with a label."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = EnumCombo(DateKind, False, self)
        self.kind.removeItem(self.kind.findData(DateKind.BIRTHDAY.value))
        self.label = QLineEdit(self)
        self.spec = DateSpecEdit(self, optional=False)
        self.remind = RemindSpin(self)
        top = QHBoxLayout()
        top.addWidget(self.kind)
        top.addWidget(self.label, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.spec, 1)
        bottom.addWidget(self.remind)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.addLayout(top)
        layout.addLayout(bottom)
        self.kind.currentIndexChanged.connect(self.changed)
        self.label.textChanged.connect(self.changed)
        self.spec.changed.connect(self.changed)
        self.remind.valueChanged.connect(self.changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.kind.retranslate()
        self.kind.removeItem(self.kind.findData(DateKind.BIRTHDAY.value))
        self.label.setPlaceholderText(_("What the date is, e.g. company anniversary"))
        self.spec.retranslate()
        self.remind.retranslate()


class FamilyRow(QWidget):
    """A family member: relation, name, birthday, notes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.relation = QLineEdit(self)
        self.relation.setMaximumWidth(90)
        self.name = QLineEdit(self)
        self.birthday = DateSpecEdit(self, optional=True)
        self.remind = RemindSpin(self)
        self.notes = QLineEdit(self)
        top = QHBoxLayout()
        top.addWidget(self.relation)
        top.addWidget(self.name, 1)
        top.addWidget(self.notes, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.birthday, 1)
        bottom.addWidget(self.remind)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.addLayout(top)
        layout.addLayout(bottom)
        for edit in (self.relation, self.name, self.notes):
            edit.textChanged.connect(self.changed)
        self.birthday.changed.connect(self.changed)
        self.remind.valueChanged.connect(self.changed)
        self.birthday.changed.connect(
            lambda: self.remind.setEnabled(self.birthday.value() is not None))
        self.remind.setEnabled(False)
        self.retranslate()

    def retranslate(self) -> None:
        self.relation.setPlaceholderText(_("Relation"))
        self.name.setPlaceholderText(_("Name"))
        self.notes.setPlaceholderText(_("Notes"))
        self.birthday.setToolTip(_("Birthday"))
        self.birthday.retranslate()
        self.remind.retranslate()


class DatesPage(QWidget):
    """Birthday, other dates and family members.

    Signals:
        changed: any value changed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.birthday_box = QGroupBox(self)
        form = QFormLayout(self.birthday_box)
        self.birthday = DateSpecEdit(self.birthday_box, optional=True)
        self.birthday_remind = RemindSpin(self.birthday_box)
        birthday_row = QHBoxLayout()
        birthday_row.addWidget(self.birthday, 1)
        birthday_row.addWidget(self.birthday_remind)
        form.addRow(birthday_row)
        self.birthday.changed.connect(
            lambda: self.birthday_remind.setEnabled(self.birthday.value() is not None))
        self.birthday_remind.setEnabled(False)
        self.dates_box = QGroupBox(self)
        self.dates = KeptRows(DateRow, lambda: _("Add date"), self.dates_box)
        QVBoxLayout(self.dates_box).addWidget(self.dates)
        self.family_box = QGroupBox(self)
        self.family = KeptRows(FamilyRow, lambda: _("Add family member"), self.family_box)
        QVBoxLayout(self.family_box).addWidget(self.family)
        layout = QVBoxLayout(self)
        layout.addWidget(self.birthday_box)
        layout.addWidget(self.dates_box)
        layout.addWidget(self.family_box)
        layout.addStretch(1)
        self.fields: dict[str, QWidget] = {"birthday": self.birthday}
        for signal in (self.birthday.changed, self.birthday_remind.valueChanged,
                       self.dates.changed, self.family.changed):
            signal.connect(self.changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.birthday_box.setTitle(_("Birthday"))
        self.dates_box.setTitle(_("Anniversaries and other dates"))
        self.family_box.setTitle(_("Family members"))
        self.birthday.retranslate()
        self.birthday_remind.retranslate()
        self.dates.retranslate()
        self.family.retranslate()

    def load(self, card: ClientCard) -> None:
        self.birthday.set_value(card.birthday)
        self.birthday_remind.set_days(card.birthday_remind_days)
        self.dates.keep(len(card.dates))
        for index, item in enumerate(card.dates):
            row = self.dates.row(index)
            assert isinstance(row, DateRow)
            row.kind.set_value(item.kind)
            row.label.setText(item.label)
            row.spec.set_value(item.spec)
            row.remind.set_days(item.remind_days)
        self.family.keep(len(card.family))
        for index, member in enumerate(card.family):
            frow = self.family.row(index)
            assert isinstance(frow, FamilyRow)
            frow.relation.setText(member.relation)
            frow.name.setText(member.name)
            frow.notes.setText(member.notes)
            frow.birthday.set_value(member.birthday)
            frow.remind.set_days(member.remind_days)

    def store(self, card: ClientCard) -> None:
        card.birthday = self.birthday.value()
        card.birthday_remind_days = self.birthday_remind.days() if card.birthday else None
        card.dates = []
        for row in self.dates.rows:
            assert isinstance(row, DateRow)
            spec = row.spec.value()
            if spec is not None:
                kind = DateKind(row.kind.value() or DateKind.CUSTOM)
                card.dates.append(ImportantDate(kind, spec, row.label.text().strip(),
                                                row.remind.days()))
        card.family = []
        for frow in self.family.rows:
            assert isinstance(frow, FamilyRow)
            birthday = frow.birthday.value()
            member = FamilyMember(frow.relation.text().strip(), frow.name.text().strip(),
                                  birthday, frow.notes.text().strip(),
                                  frow.remind.days() if birthday else None)
            if member.relation or member.name or member.birthday or member.notes:
                card.family.append(member)

    def widget_for(self, field: str) -> QWidget | None:
        """The widget showing ``dates.N`` or ``family.N.*`` (for error marks)."""
        parts = field.split(".")
        if parts[0] == "birthday":
            return self.birthday
        rows = self.dates.rows if parts[0] == "dates" else self.family.rows
        if parts[0] in ("dates", "family") and len(parts) > 1 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(rows):
                row = rows[index]
                if isinstance(row, FamilyRow):
                    return row.birthday if field.endswith("birthday") else row.name
                assert isinstance(row, DateRow)
                return row.label if field.endswith("label") else row.spec
        return None
