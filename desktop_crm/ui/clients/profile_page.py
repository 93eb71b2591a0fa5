"""The Mackay 66 profile: 66 questions in seven sections, a completeness
gauge, and confidential questions marked (by nature or by the user)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain import profile
from desktop_crm.domain.client import ClientCard
from desktop_crm.i18n import _

CONFIDENTIAL_STYLE = "color: #a04000; font-weight: bold;"


class ProfilePage(QWidget):
    """All 66 answers; the widgets are built once and reused for every card.

    Signals:
        changed: an answer or a confidentiality mark changed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gauge = QProgressBar(self)
        self.gauge.setRange(0, profile.QUESTION_COUNT)
        self.filled_by = QLineEdit(self)
        self.filled_by_label = QLabel(self)
        self.legend = QLabel(self)
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet(CONFIDENTIAL_STYLE)
        head = QFormLayout()
        head.addRow(self.filled_by_label, self.filled_by)
        layout = QVBoxLayout(self)
        layout.addWidget(self.gauge)
        layout.addLayout(head)
        layout.addWidget(self.legend)
        self.answers: dict[int, QLineEdit] = {}
        self.private: dict[int, QCheckBox] = {}
        self._questions: dict[int, QLabel] = {}
        self._boxes: list[tuple[QGroupBox, profile.Section]] = []
        for section in profile.sections():
            box = QGroupBox(self)
            grid = QGridLayout(box)
            grid.setColumnStretch(1, 1)
            grid.setColumnStretch(2, 1)
            for row, question in enumerate(section.questions):
                label = QLabel(box)
                label.setWordWrap(True)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
                answer = QLineEdit(box)
                private = QCheckBox(box)
                if question.confidential:
                    label.setStyleSheet(CONFIDENTIAL_STYLE)
                    private.setChecked(True)
                    private.setEnabled(False)
                grid.addWidget(QLabel(f"{question.number}.", box), row, 0,
                               Qt.AlignmentFlag.AlignTop)
                grid.addWidget(label, row, 1)
                grid.addWidget(answer, row, 2)
                grid.addWidget(private, row, 3)
                answer.textChanged.connect(self._on_change)
                private.toggled.connect(self._on_change)
                self.answers[question.number] = answer
                self.private[question.number] = private
                self._questions[question.number] = label
            layout.addWidget(box)
            self._boxes.append((box, section))
        self.filled_by.textChanged.connect(self.changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.filled_by_label.setText(_("Filled in by"))
        self.legend.setText(_("Questions in this colour are confidential by nature; tick "
                              "“Confidential” to keep any other answer private. Confidential "
                              "answers never leave the app unless you ask for them."))
        for box, section in self._boxes:
            box.setTitle(section.title())
        for number, label in self._questions.items():
            label.setText(profile.question(number).text())
        for checkbox in self.private.values():
            checkbox.setText(_("Confidential"))
        self._update_gauge()

    def _on_change(self) -> None:
        self._update_gauge()
        self.changed.emit()

    def _current_answers(self) -> dict[int, str]:
        return {n: e.text() for n, e in self.answers.items() if e.text().strip()}

    def _update_gauge(self) -> None:
        answers = self._current_answers()
        done = len(answers)
        self.gauge.setValue(done)
        self.gauge.setFormat(_("Profile {done}/66 answered ({pct}%)", done=done,
                               pct=round(100 * profile.completeness(answers))))

    def load(self, card: ClientCard) -> None:
        self.blockSignals(True)
        for number, edit in self.answers.items():
            edit.setText(card.profile.get(number, ""))
            box = self.private[number]
            if box.isEnabled():
                box.setChecked(number in card.profile_private)
        self.filled_by.setText(card.profile_filled_by)
        self.blockSignals(False)
        self._update_gauge()

    def store(self, card: ClientCard) -> None:
        card.profile = {n: text.strip() for n, text in self._current_answers().items()}
        card.profile_private = {
            n for n, box in self.private.items() if box.isEnabled() and box.isChecked()
        }
        card.profile_filled_by = self.filled_by.text().strip()
