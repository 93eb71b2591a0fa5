"""The Mackay 66 profile: the source's header (date, last revised, filled in
by), 66 questions in seven sections, a completeness gauge, and confidential
questions marked (by nature or by the user). What the card holds already (name,
title, company and addresses, phones, birthday) is shown from the card,
read-only, with where to edit it; only the rest of such a question is typed here."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
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
from desktop_crm.domain.profile_card import (
    ProfileHeader,
    card_answer,
    card_pages,
    stored_answers,
)
from desktop_crm.i18n import _

CONFIDENTIAL_STYLE = "color: #a04000; font-weight: bold;"
CARD_ANSWER_STYLE = "background: palette(window); border: 1px solid palette(mid); padding: 2px;"
HINT_STYLE = "color: palette(placeholder-text);"


class ProfilePage(QWidget):
    """All 66 answers; the widgets are built once and reused for every card.

    Signals:
        changed: an answer or a confidentiality mark changed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # the card as edited (set by the editor): the card's answers follow
        # edits on the other pages when this page is shown
        self.card_source: Callable[[], ClientCard] | None = None
        self._card = ClientCard()
        self._loaded: dict[int, str] = {}
        self._loading = False  # load() is filling the answers
        self._default_filler = ""
        self.gauge = QProgressBar(self)
        self.gauge.setRange(0, profile.QUESTION_COUNT)
        self.started = QLabel(self)
        self.revised = QLabel(self)
        self.filled_by = QLineEdit(self)
        self.started_label = QLabel(self)
        self.revised_label = QLabel(self)
        self.filled_by_label = QLabel(self)
        self.legend = QLabel(self)
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet(CONFIDENTIAL_STYLE)
        head = QFormLayout()
        head.addRow(self.started_label, self.started)
        head.addRow(self.revised_label, self.revised)
        head.addRow(self.filled_by_label, self.filled_by)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.gauge)
        layout.addWidget(self.legend)
        self.answers: dict[int, QLineEdit] = {}
        self.card_answers: dict[int, QLabel] = {}  # the card's answer, read-only
        self.card_hints: dict[int, QLabel] = {}
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
                if question.card_fields:  # a taller cell: the question beside its top line
                    grid.addWidget(label, row, 1, Qt.AlignmentFlag.AlignTop)
                    grid.addWidget(self._card_cell(question.number, answer, box), row, 2)
                else:
                    grid.addWidget(label, row, 1)
                    grid.addWidget(answer, row, 2)
                grid.addWidget(private, row, 3, Qt.AlignmentFlag.AlignTop)
                answer.textChanged.connect(self._on_change)
                private.toggled.connect(self._on_change)
                self.answers[question.number] = answer
                self.private[question.number] = private
                self._questions[question.number] = label
            layout.addWidget(box)
            self._boxes.append((box, section))
        self.filled_by.textChanged.connect(self.changed)
        self.retranslate()

    def _card_cell(self, number: int, answer: QLineEdit, parent: QWidget) -> QWidget:
        """The card's answer (read-only), where to edit it, and a line for the
        rest of the question (the nickname, the place of birth)."""
        cell = QWidget(parent)
        shown = QLabel(cell)
        shown.setWordWrap(True)
        shown.setStyleSheet(CARD_ANSWER_STYLE)
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        hint = QLabel(cell)
        hint.setWordWrap(True)
        hint.setStyleSheet(HINT_STYLE)
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(shown)
        column.addWidget(hint)
        answer.setParent(cell)
        column.addWidget(answer)
        self.card_answers[number] = shown
        self.card_hints[number] = hint
        return cell

    def retranslate(self) -> None:
        self.started_label.setText(_("Date"))
        self.revised_label.setText(_("Last revised"))
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
        for number, hint in self.card_hints.items():
            hint.setText(_("From the card: edit it on the {page} page",
                           page=" / ".join(card_pages(number))))
            self.answers[number].setPlaceholderText(profile.question(number).rest())
        self.show_card(self._card)
        self._show_header()

    def _on_change(self) -> None:
        if self._loading:  # load counts once, at its end
            return
        self._update_gauge()
        self.changed.emit()

    def _current_answers(self) -> dict[int, str]:
        return {n: e.text() for n, e in self.answers.items() if e.text().strip()}

    def _update_gauge(self) -> None:
        answers = self._current_answers()
        for number, shown in self.card_answers.items():
            if shown.property("answered"):
                answers.setdefault(number, shown.text())
        done = len(answers)
        self.gauge.setValue(done)
        self.gauge.setFormat(_("Profile {done}/66 answered ({pct}%)", done=done,
                               pct=round(100 * profile.completeness(answers))))

    def show_card(self, card: ClientCard) -> None:
        """Show the card's answers (name, title, phones...) as ``card`` has them.
        A question the card answers whole has no line of its own, unless an
        answer was stored there before the card took it over (kept, to be cleared)."""
        self._card = card
        for number, shown in self.card_answers.items():
            text = card_answer(card, number)
            shown.setText(text or _("Not on the card yet"))
            shown.setProperty("answered", bool(text))
            answer = self.answers[number]
            answer.setVisible(bool(profile.question(number).rest() or answer.text().strip()))
        self._update_gauge()

    def showEvent(self, event: QShowEvent) -> None:
        if self.card_source is not None:
            self.show_card(self.card_source())
        super().showEvent(event)

    def show_header(self, header: ProfileHeader, user: str) -> None:
        """The header from the card's history; ``user`` (Settings' "Your name")
        fills in "Filled in by" when the profile is first answered."""
        self._header = header
        self._default_filler = header.first_by or user
        self._show_header()

    def _show_header(self) -> None:
        header = getattr(self, "_header", None) or ProfileHeader(None, None, "")
        self.started.setText(f"{header.started:%Y-%m-%d}" if header.started
                             else _("Not filled in yet"))
        self.revised.setText(f"{header.revised:%Y-%m-%d %H:%M}" if header.revised else "—")
        self.filled_by.setPlaceholderText(self._default_filler)

    def load(self, card: ClientCard) -> None:
        # each answer that changes would count the gauge again (66 lines read
        # each time): a card of 20 answers after another's took 5 ms of an opening
        self.blockSignals(True)
        self._loading = True
        try:
            for number, edit in self.answers.items():
                text = card.profile.get(number, "")
                if edit.text() != text:
                    edit.setText(text)
                box = self.private[number]
                if box.isEnabled():
                    box.setChecked(number in card.profile_private)
            self.filled_by.setText(card.profile_filled_by)
        finally:
            self._loading = False
            self.blockSignals(False)
        self._loaded = stored_answers(card.profile)
        self.show_card(card)

    def store(self, card: ClientCard) -> None:
        card.profile = stored_answers(self._current_answers())
        card.profile_private = {
            n for n, box in self.private.items() if box.isEnabled() and box.isChecked()
        }
        filler = self.filled_by.text().strip()
        if not filler and card.profile and card.profile != self._loaded:
            filler = self._default_filler  # whoever answers first fills it in
        card.profile_filled_by = filler
