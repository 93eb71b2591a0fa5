"""Counts in the window: "1 client", not "1 clients"; one Chinese form; grade
changes on Today without brackets inside brackets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop_crm.domain.client import ClientCard
from desktop_crm.services.clients import ClientService
from desktop_crm.services.evaluations import EvaluationService
from desktop_crm.ui.main_window import MainWindow
from tests.gui.conftest import today_filled

pytestmark = pytest.mark.usefixtures("everyone")


def test_client_count_is_singular_for_one(qtbot, db, settings):  # type: ignore[no-untyped-def]
    service = ClientService(db)
    first = service.save(ClientCard(name="周杰"))
    window = MainWindow(db, settings)
    qtbot.addWidget(window)
    window.show()
    window.clients.apply_filter()
    assert window.clients.count_label.text() == "1 client"
    window.switch_language("zh")
    assert window.clients.count_label.text() == "共 1 个客户"
    window.switch_language("en")
    service.save(ClientCard(name="吴敏"))
    window.clients.apply_filter()
    assert window.clients.count_label.text() == "2 clients"
    assert first


def test_grade_change_on_today_has_no_nested_brackets(qtbot, db, settings):  # type: ignore[no-untyped-def]
    clients, evaluations = ClientService(db), EvaluationService(db)
    falling = clients.save(ClientCard(name="周杰"))
    example = {"sales_attainment": 80, "cooperation": "good", "late_payments": 3,
               "information": "valuable"}
    today = date.today()
    evaluations.evaluate_client(falling, dict(example, sales_attainment=100, late_payments=0),
                                evaluated_on=today - timedelta(days=100))
    evaluations.evaluate_client(falling, dict(example, sales_attainment=0, late_payments=9,
                                              cooperation="poor", information="none"),
                                evaluated_on=today - timedelta(days=2))
    window = MainWindow(db, settings)
    qtbot.addWidget(window)
    window.show()
    today_filled(qtbot, window)
    text = window.today.changes.item(0).text()
    assert "A→C · Ordinary client (C) · evaluated" in text, text
    assert "((" not in text and "))" not in text
    window.switch_language("zh")
    text = window.today.changes.item(0).text()
    assert "周杰：A→C（一般客户），评估于" in text, text  # the Chinese title has no letter
