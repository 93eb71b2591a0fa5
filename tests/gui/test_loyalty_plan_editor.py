"""The loyalty plan driven like a user: open its editor from the Evaluation
tab (Ctrl+Shift+L), change the A-class actions for core clients, then open a
core client of grade A and see the strategy and those actions on the card;
a grade B client sees the B-class actions; reset brings the source's plan back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialogButtonBox

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.enums import Loyalty
from desktop_crm.domain.loyalty_plan import default_actions
from desktop_crm.services.clients import ClientService
from desktop_crm.services.evaluations import EvaluationService
from desktop_crm.services.loyalty_plan import LoyaltyPlanService
from tests.gui.conftest import type_text

pytestmark = pytest.mark.usefixtures("everyone")
GRADE_A = {"sales_attainment": 100, "cooperation": "excellent", "late_payments": 0,
           "information": "valuable"}
GRADE_B = {"sales_attainment": 70, "cooperation": "good", "late_payments": 1,
           "information": "some"}


@pytest.fixture
def core_clients(db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    clients, evaluations = ClientService(db, user="t"), EvaluationService(db, user="t")
    ids = {}
    for name, inputs in (("赵敏", GRADE_A), ("钱进", GRADE_B)):
        ids[name] = clients.save(ClientCard(name=name, loyalty=Loyalty.CORE))
        evaluations.evaluate_client(ids[name], inputs)
    return ids


def test_edit_the_plan_then_a_core_grade_a_client_shows_its_actions(
        qtbot, db, core_clients, window):  # type: ignore[no-untyped-def]
    tab = window.evaluation
    window.tabs.setCurrentWidget(tab)
    tab.search.setFocus()
    qtbot.keyClick(tab.search, Qt.Key.Key_L,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = tab.plan_dialog
    assert dialog is not None and dialog.isVisible()
    cell = dialog.cells[(Loyalty.CORE, "A")]
    assert cell.toPlainText().splitlines() == default_actions(Loyalty.CORE, "A")
    cell.selectAll()
    cell.textCursor().removeSelectedText()
    type_text(cell, "专属客户经理")
    cell.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(cell, Qt.Key.Key_Return)
    type_text(cell, "每月上门回访")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert tab.plan_dialog is None or not tab.plan_dialog.isVisible()
    assert LoyaltyPlanService(db).plan().actions(Loyalty.CORE, "A") == ["专属客户经理",
                                                                        "每月上门回访"]

    clients = window.clients
    window.tabs.setCurrentWidget(clients)
    clients._select(core_clients["赵敏"])
    editor = clients.editor
    editor.pages.setCurrentIndex(2)  # Classification
    panel = editor.loyalty_advice
    qtbot.waitUntil(panel.isVisible)
    assert "pyramid" in panel.advice.text() and "Cross-sell" in panel.advice.text()
    assert "A-class service (grade A)" in panel.plan_actions.text()
    assert "专属客户经理" in panel.plan_actions.text()
    assert "每月上门回访" in panel.plan_actions.text()

    clients._select(core_clients["钱进"])
    assert "B-class service (grade B)" in panel.plan_actions.text()
    assert default_actions(Loyalty.CORE, "B")[0] in panel.plan_actions.text()
    # another state chosen on the card: its advice at once, nothing saved yet
    editor.classification.loyalty.set_value(Loyalty.ADVOCATE)
    assert "refer clients" in panel.advice.text()
    editor.revert()

    # reset to the source's plan
    window.tabs.setCurrentWidget(tab)
    dialog = tab.edit_plan()
    dialog.reset_button.click()
    assert cell is not dialog.cells[(Loyalty.CORE, "A")]
    assert dialog.cells[(Loyalty.CORE, "A")].toPlainText().splitlines() == default_actions(
        Loyalty.CORE, "A")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not LoyaltyPlanService(db).plan().edited


def test_a_cell_too_long_is_refused_in_the_dialog(qtbot, db, window):  # type: ignore[no-untyped-def]
    window.tabs.setCurrentWidget(window.evaluation)
    dialog = window.evaluation.edit_plan()
    cell = dialog.cells[(Loyalty.NEW, "B")]
    cell.setPlainText("长" * 2500)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible() and dialog.error.isVisible()
    assert cell.property("invalid")
    assert not LoyaltyPlanService(db).plan().edited
    dialog.reject()
