"""Care settings: reminder lead time per kind, days each grade may go without
contact, who is on festival greeting lists, how long missed dates stay, and
the thresholds of the churn warnings."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.care import GRADES, CareSettings
from desktop_crm.domain.churn import MAX_DAYS, MAX_MINIMUM, ChurnSettings
from desktop_crm.domain.enums import AgendaKind
from desktop_crm.domain.scoring import grade_title
from desktop_crm.domain.validation import MAX_REMIND_DAYS, ValidationError
from desktop_crm.i18n import _
from desktop_crm.services.agenda import AgendaService

MAX_NO_CONTACT = 3650


def _grade_text(grade: str) -> str:
    return f"{grade} · {grade_title(grade)}" if grade else _("Not evaluated")


class CareSettingsDialog(QDialog):
    """Edits and saves the CareSettings of the open database.

    Attributes:
        remind: spin box per agenda kind.
        limits: spin box per grade ("" = not evaluated).
        festival: check box per grade.
        overdue: how many days a missed yearly date stays overdue.
        drop_percent, drop_minimum, no_order, keep: the churn thresholds
            (no_order: spin box per grade, 0 = no warning).
    """

    def __init__(self, service: AgendaService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle(_("Care settings"))
        current = service.settings()
        remind_box = QGroupBox(_("Remind this many days before"), self)
        remind_form = QFormLayout(remind_box)
        self.remind: dict[AgendaKind, QSpinBox] = {}
        for kind in AgendaKind:
            if kind in (AgendaKind.NO_CONTACT, AgendaKind.CHURN_WARNING):
                continue
            spin = self._spin(0, MAX_REMIND_DAYS, current.remind(kind))
            self.remind[kind] = spin
            remind_form.addRow(kind.label, spin)
        contact_box = QGroupBox(_("Longest time without contact"), self)
        contact_form = QFormLayout(contact_box)
        self.limits: dict[str, QSpinBox] = {}
        for grade in GRADES:
            spin = self._spin(1, MAX_NO_CONTACT, current.no_contact_limit(grade))
            self.limits[grade] = spin
            contact_form.addRow(_grade_text(grade), spin)
        contact_form.addRow(QLabel(_("Any logged interaction restarts the count."), contact_box))
        churn_box = self._churn_box(service.churn_settings())
        festival_box = QGroupBox(_("Festival greeting lists include"), self)
        festival_row = QHBoxLayout(festival_box)
        self.festival: dict[str, QCheckBox] = {}
        for grade in GRADES:
            box = QCheckBox(_grade_text(grade), festival_box)
            box.setChecked(not current.festival_grades or grade in current.festival_grades)
            self.festival[grade] = box
            festival_row.addWidget(box)
        self.overdue = self._spin(0, MAX_REMIND_DAYS, current.overdue_days)
        overdue_form = QFormLayout()
        overdue_form.addRow(_("Keep a missed birthday or anniversary on the list for"),
                            self.overdue)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults, self)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        defaults = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        defaults.setText(_("Restore defaults"))
        defaults.clicked.connect(lambda: self.show_settings(CareSettings(), ChurnSettings()))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        columns = QHBoxLayout()
        columns.addWidget(remind_box)
        right = QVBoxLayout()
        right.addWidget(contact_box)
        right.addWidget(churn_box)
        right.addStretch(1)
        columns.addLayout(right)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(festival_box)
        layout.addLayout(overdue_form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _churn_box(self, current: ChurnSettings) -> QGroupBox:
        box = QGroupBox(_("Churn warnings"), self)
        form = QFormLayout(box)
        self.drop_percent = self._spin(1, 100, current.drop_percent)
        self.drop_percent.setSuffix(" %")
        form.addRow(_("Sales down month on month by"), self.drop_percent)
        self.drop_minimum = self._spin(0, MAX_MINIMUM, current.drop_minimum)
        self.drop_minimum.setSuffix("")
        self.drop_minimum.setPrefix("¥ ")
        self.drop_minimum.setGroupSeparatorShown(True)
        form.addRow(_("when the month before reached"), self.drop_minimum)
        form.addRow(QLabel(_("Longest time without a won order:"), box))
        self.no_order: dict[str, QSpinBox] = {}
        for grade in GRADES:
            spin = self._spin(0, MAX_DAYS, current.no_order_limit(grade))
            spin.setSpecialValueText(_("No warning"))
            self.no_order[grade] = spin
            form.addRow(_grade_text(grade), spin)
        self.keep = self._spin(1, MAX_DAYS, current.keep_days)
        form.addRow(_("Keep a warning on the list for"), self.keep)
        note = QLabel(_("Won, delivered and paid orders count as sales."), box)
        note.setWordWrap(True)
        form.addRow(note)
        return box

    def _spin(self, low: int, high: int, value: int) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setSuffix(_(" days"))
        return spin

    def show_settings(self, settings: CareSettings,
                      churn: ChurnSettings | None = None) -> None:
        for kind, spin in self.remind.items():
            spin.setValue(settings.remind(kind))
        for grade, spin in self.limits.items():
            spin.setValue(settings.no_contact_limit(grade))
        for grade, box in self.festival.items():
            box.setChecked(not settings.festival_grades or grade in settings.festival_grades)
        self.overdue.setValue(settings.overdue_days)
        if churn is not None:
            self.drop_percent.setValue(churn.drop_percent)
            self.drop_minimum.setValue(churn.drop_minimum)
            for grade, spin in self.no_order.items():
                spin.setValue(churn.no_order_limit(grade))
            self.keep.setValue(churn.keep_days)

    def settings(self) -> CareSettings:
        """The settings as entered."""
        remind = {kind: spin.value() for kind, spin in self.remind.items()}
        remind[AgendaKind.NO_CONTACT] = 0
        remind[AgendaKind.CHURN_WARNING] = 0
        grades = tuple(g for g, box in self.festival.items() if box.isChecked())
        return CareSettings(remind, {g: s.value() for g, s in self.limits.items()},
                            grades if len(grades) < len(GRADES) else (), self.overdue.value())

    def churn_settings(self) -> ChurnSettings:
        """The churn thresholds as entered."""
        return ChurnSettings(self.drop_percent.value(), self.drop_minimum.value(),
                             {g: s.value() for g, s in self.no_order.items()}, self.keep.value())

    def save(self) -> None:
        if not any(box.isChecked() for box in self.festival.values()):
            self.error.setText(_("Choose who gets festival greetings"))
            self.error.show()
            return
        try:
            self.service.save_settings(self.settings(), self.churn_settings())
        except ValidationError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()
