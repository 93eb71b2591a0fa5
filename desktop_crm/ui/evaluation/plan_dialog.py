"""Editing the loyalty plan (忠诚计划): for each loyalty state, the actions of
A-class and of B-class service, one action a line. OK stores the plan in the
database; "Reset to the source's plan" puts the starting text back in every
cell (stored on OK); a cell too long is refused in the dialog."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.enums import Loyalty
from desktop_crm.domain.loyalty_plan import (
    PLAN_STATES,
    SERVICE_CLASSES,
    LoyaltyPlan,
    PlanError,
    default_actions,
)
from desktop_crm.i18n import _
from desktop_crm.services.loyalty_plan import LoyaltyPlanService
from desktop_crm.ui.widgets import error_label, mark_invalid, ok_cancel_buttons


class LoyaltyPlanDialog(QDialog):
    """Edits the loyalty plan; OK saves it, Escape cancels.

    Attributes:
        cells: (state, service class) -> its editor.
        reset_button: puts the source's plan back in the editors.
        error: why OK was refused.
        saved_plan: the stored plan after OK, else None.
    """

    def __init__(self, service: LoyaltyPlanService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.saved_plan: LoyaltyPlan | None = None
        self.cells: dict[tuple[Loyalty, str], QPlainTextEdit] = {}
        self._state_labels: dict[Loyalty, QLabel] = {}
        self._class_heads: dict[str, QLabel] = {}
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)

        grid_holder = QWidget(self)
        grid = QGridLayout(grid_holder)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        for column, cls in enumerate(SERVICE_CLASSES, start=1):
            self._class_heads[cls] = QLabel(grid_holder)
            grid.addWidget(self._class_heads[cls], 0, column)
        for row, state in enumerate(PLAN_STATES, start=1):
            label = QLabel(grid_holder)
            label.setWordWrap(True)
            self._state_labels[state] = label
            grid.addWidget(label, row, 0)
            for column, cls in enumerate(SERVICE_CLASSES, start=1):
                edit = QPlainTextEdit(grid_holder)
                edit.setTabChangesFocus(True)
                lines = edit.fontMetrics().lineSpacing()
                edit.setFixedHeight(lines * 4 + 12)
                edit.textChanged.connect(self._clear_error)
                self.cells[(state, cls)] = edit
                grid.addWidget(edit, row, column)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_holder)

        self.error = error_label(self)
        self.buttons = ok_cancel_buttons(self)
        self.reset_button = QPushButton(self)
        self.buttons.addButton(self.reset_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.reset_button.clicked.connect(self.reset_to_source)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.load(service.plan())
        self.retranslate()
        self.resize(880, 640)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Loyalty plan"))
        self.intro.setText(_("For each loyalty state, the actions of A-class service (for "
                             "grade A clients) and of B-class service (grade B). One action "
                             "a line; the client card shows the actions for the client's "
                             "state and grade."))
        for cls, head in self._class_heads.items():
            head.setText("<b>" + _("{cls}-class service", cls=cls) + "</b>")
        for state, label in self._state_labels.items():
            label.setText(state.label)
        self.reset_button.setText(_("Reset to the source's plan"))

    def load(self, plan: LoyaltyPlan) -> None:
        for (state, cls), edit in self.cells.items():
            edit.setPlainText("\n".join(plan.actions(state, cls)))

    def reset_to_source(self) -> None:
        """Put the source's plan in every cell (OK stores it)."""
        for (state, cls), edit in self.cells.items():
            edit.setPlainText("\n".join(default_actions(state, cls)))

    def _clear_error(self) -> None:
        if self.error.isVisible():
            self.error.hide()
            for edit in self.cells.values():
                if edit.property("invalid"):
                    mark_invalid(edit, None)

    def accept(self) -> None:
        """Override QDialog::accept: store the plan, or say why not and stay open."""
        texts = {key: edit.toPlainText() for key, edit in self.cells.items()}
        try:
            self.saved_plan = self._service.save(texts)
        except PlanError as exc:
            for key, text in texts.items():  # mark the cells that are too long
                try:
                    LoyaltyPlan().with_texts({key: text})
                except PlanError:
                    mark_invalid(self.cells[key], str(exc))
            self.error.setText(_("Not saved: {reason}", reason=str(exc)))
            self.error.show()
            return
        super().accept()
