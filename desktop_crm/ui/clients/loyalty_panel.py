"""The card's loyalty advice, under the classification: the source's strategy
for the client's loyalty state and the loyalty plan's actions for its state
and grade (A -> A-class service, B -> B-class). Read-only: the plan is edited
from the Evaluation tab ("Loyalty plan…")."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout

from desktop_crm.domain.enums import Loyalty
from desktop_crm.i18n import _
from desktop_crm.services.loyalty_plan import LoyaltyPlanService
from desktop_crm.ui.clients.fields import ClassificationPage


def _bullets(lines: list[str]) -> str:
    return "<ul style='margin-left:-20px'>" + "".join(
        f"<li>{escape(line)}</li>" for line in lines) + "</ul>"


class LoyaltyAdvicePanel(QGroupBox):
    """Shows what to do for the client's loyalty state and grade.

    Attributes:
        advice: the strategy for the state.
        plan_actions: the plan's actions (or why there are none).
        grade: the client's grade (None: not evaluated).
    """

    def __init__(self, service: LoyaltyPlanService, page: ClassificationPage) -> None:
        super().__init__(page)
        self._service = service
        self._page = page
        self.grade: str | None = None
        # set while the editor loads a card: its loyalty state is shown once,
        # with its grade (set_grade), not first with the previous card's grade
        # (each showing may read the plan)
        self.held = False
        self.advice = QLabel(self)
        self.plan_actions = QLabel(self)
        for label in (self.advice, self.plan_actions):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.advice)
        layout.addWidget(self.plan_actions)
        page.form.addRow(self)  # below the five classifications, the full width
        page.loyalty.currentIndexChanged.connect(self.refresh)

    def set_grade(self, grade: str | None) -> None:
        self.grade = grade
        self.refresh()

    def retranslate(self) -> None:
        self.setTitle(_("Strategy by loyalty state"))
        self.refresh()

    def refresh(self) -> None:
        if self.held:
            return
        value = self._page.loyalty.value()
        state = Loyalty(value) if value else None
        if state is None:
            self.advice.setText(_("Choose the client's loyalty state above to see the "
                                  "strategy for it and the loyalty plan's actions."))
            self.plan_actions.clear()
            self.plan_actions.hide()
            return
        shown = self._service.for_client(state, self.grade)
        self.advice.setText(f"<b>{escape(state.label)}</b>" + _bullets(shown.advice))
        self.plan_actions.show()
        if not shown.in_plan:
            text = escape(_("The loyalty plan has no row for this state: follow the "
                            "strategy above."))
        elif shown.service_class is not None:
            head = _("Loyalty plan, {cls}-class service (grade {grade}):",
                     cls=shown.service_class, grade=self.grade)
            text = (f"<b>{escape(head)}</b>" + _bullets(shown.actions) if shown.actions
                    else f"<b>{escape(head)}</b><br>" + escape(_("No actions in the plan.")))
        elif self.grade == "C":
            text = escape(_("Grade C (ordinary client): the loyalty plan's A- and B-class "
                            "service is for grade A and B clients; give ordinary time and "
                            "effort."))
        else:
            text = escape(_("Not evaluated yet: evaluate the client to know whether A-class "
                            "or B-class service of the loyalty plan applies."))
        self.plan_actions.setText(text)

    def showEvent(self, event: QShowEvent) -> None:
        """Override QWidget::showEvent: the plan may have been edited meanwhile."""
        super().showEvent(event)
        self.refresh()

