"""Editing the scoring scheme: weights, grade thresholds, the late-payment
penalty and the percent cap. OK stores a new version (past evaluations keep the
version they were made with); an invalid scheme is refused in the dialog."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.scoring import COUNT, PERCENT, Scheme, ScoringError
from desktop_crm.i18n import _
from desktop_crm.services.evaluations import EvaluationService
from desktop_crm.ui.widgets import ERROR_STYLE, error_label, mark_invalid, ok_cancel_buttons


def _spin(parent: QWidget, low: float, high: float, suffix: str = "") -> QDoubleSpinBox:
    spin = QDoubleSpinBox(parent)
    spin.setRange(low, high)
    spin.setDecimals(1)
    spin.setSuffix(suffix)
    return spin


class SchemeDialog(QDialog):
    """Edits the current scheme; OK saves it as a new version, Escape cancels.

    Attributes:
        scheme: the scheme being edited (as it was when the dialog opened).
        saved_scheme: the stored scheme after OK, else None.
        weights: criterion key -> weight spin box.
        penalties: key of each count criterion -> points lost each time.
        caps: key of each percent criterion -> the percent that scores 100 points.
        threshold_a, threshold_b: lowest totals of grades A and B.
        weight_sum: the running sum of the weights.
        error: why OK was refused.
    """

    def __init__(self, service: EvaluationService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.scheme: Scheme = service.scheme()
        self.saved_scheme: Scheme | None = None
        self.weights: dict[str, QDoubleSpinBox] = {}
        self.penalties: dict[str, QDoubleSpinBox] = {}
        self.caps: dict[str, QDoubleSpinBox] = {}
        self._captions: list[tuple[QLabel, str, str]] = []  # label, criterion key, what

        self.weights_box = QGroupBox(self)
        weights = QFormLayout(self.weights_box)
        for criterion in self.scheme.criteria:
            spin = _spin(self.weights_box, 0.0, 100.0)
            spin.setValue(criterion.weight)
            spin.valueChanged.connect(self._on_change)
            self.weights[criterion.key] = spin
            weights.addRow(self._caption(self.weights_box, criterion.key, "weight"), spin)
        self.weight_sum = QLabel(self.weights_box)
        weights.addRow(self.weight_sum)

        self.grades_box = QGroupBox(self)
        grades = QFormLayout(self.grades_box)
        self.threshold_a = _spin(self.grades_box, 0.0, 100.0)
        self.threshold_a.setValue(self.scheme.threshold_a)
        self.threshold_b = _spin(self.grades_box, 0.0, 100.0)
        self.threshold_b.setValue(self.scheme.threshold_b)
        self._a_caption, self._b_caption = QLabel(self.grades_box), QLabel(self.grades_box)
        grades.addRow(self._a_caption, self.threshold_a)
        grades.addRow(self._b_caption, self.threshold_b)

        self.rules_box = QGroupBox(self)
        rules = QFormLayout(self.rules_box)
        for criterion in self.scheme.criteria:
            if criterion.kind == COUNT:
                spin = _spin(self.rules_box, 0.0, 100.0)
                spin.setValue(criterion.penalty)
                self.penalties[criterion.key] = spin
                rules.addRow(self._caption(self.rules_box, criterion.key, "penalty"), spin)
            elif criterion.kind == PERCENT:
                spin = _spin(self.rules_box, 1.0, 1000.0, " %")
                spin.setValue(criterion.cap)
                self.caps[criterion.key] = spin
                rules.addRow(self._caption(self.rules_box, criterion.key, "cap"), spin)
        self.rules_box.setVisible(bool(self.penalties or self.caps))
        for spin in (self.threshold_a, self.threshold_b, *self.penalties.values(),
                     *self.caps.values()):
            spin.valueChanged.connect(self._on_change)

        self.version_note = QLabel(self)
        self.version_note.setWordWrap(True)
        self.error = error_label(self)
        self.buttons = ok_cancel_buttons(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.weights_box)
        layout.addWidget(self.grades_box)
        layout.addWidget(self.rules_box)
        layout.addWidget(self.version_note)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.retranslate()

    def _caption(self, parent: QWidget, key: str, what: str) -> QLabel:
        label = QLabel(parent)
        self._captions.append((label, key, what))
        return label

    def retranslate(self) -> None:
        self.setWindowTitle(_("Scoring scheme"))
        self.weights_box.setTitle(_("Weights (they must add up to 100)"))
        self.grades_box.setTitle(_("Grades"))
        self.rules_box.setTitle(_("Rules"))
        labels = {c.key: c.label for c in self.scheme.criteria}
        for label, key, what in self._captions:
            if what == "weight":
                label.setText(labels[key])
            elif what == "penalty":
                label.setText(_("{criterion}: points lost each time", criterion=labels[key]))
            else:
                label.setText(_("{criterion}: full points at", criterion=labels[key]))
        self._a_caption.setText(_("Grade A from (points)"))
        self._b_caption.setText(_("Grade B from (points)"))
        self.version_note.setText(_(
            "This is version {version}. Saving creates version {next}; past evaluations "
            "keep the version they were made with.", version=self.scheme.version,
            next=self.scheme.version + 1))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Save as new version"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self._on_change()
        if self.error.isVisible():
            self._validate()

    def edited_scheme(self) -> Scheme:
        """The scheme as entered (not checked)."""
        criteria = []
        for criterion in self.scheme.criteria:
            penalty = self.penalties.get(criterion.key)
            cap = self.caps.get(criterion.key)
            criteria.append(replace(
                criterion, weight=self.weights[criterion.key].value(),
                penalty=penalty.value() if penalty else criterion.penalty,
                cap=cap.value() if cap else criterion.cap))
        return Scheme(tuple(criteria), self.threshold_a.value(), self.threshold_b.value(),
                      self.scheme.version)

    def _on_change(self) -> None:
        total = sum(spin.value() for spin in self.weights.values())
        self.weight_sum.setText(_("Sum of the weights: {total}", total=f"{total:g}"))
        good = abs(total - 100) < 1e-6
        self.weight_sum.setStyleSheet("" if good else ERROR_STYLE)
        mark_invalid(self.weight_sum, None if good else
                     _("The weights add up to {total:g}, not 100", total=total))
        if self.error.isVisible():
            self.error.hide()
            for spin in (self.threshold_a, self.threshold_b):
                mark_invalid(spin, None)

    def _validate(self) -> Scheme | None:
        scheme = self.edited_scheme()
        try:
            scheme.check()
        except ScoringError as exc:
            self.error.setText(_("Not saved: {reason}", reason=str(exc)))
            self.error.show()
            if not 0 < scheme.threshold_b < scheme.threshold_a <= 100:
                for spin in (self.threshold_a, self.threshold_b):
                    mark_invalid(spin, str(exc))
            return None
        return scheme

    def accept(self) -> None:
        """Override QDialog::accept: store a valid scheme; refuse an invalid one."""
        scheme = self._validate()
        if scheme is None:
            return
        try:
            self.saved_scheme = self._service.save_scheme(scheme)
        except ScoringError as exc:
            self.error.setText(_("Not saved: {reason}", reason=str(exc)))
            self.error.show()
            return
        super().accept()
