"""Evaluation inputs from the orders (EvaluationService.from_orders and the
sources of evaluate_client) on both engines: the sales-target attainment from
won orders against the period's target, late payments for the credit
criterion, overriding by hand, and what the stored evaluation records."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.evaluation_sources import BY_HAND, FROM_ORDERS
from desktop_crm.domain.sales import Order, OrderStatus, SalesTarget
from desktop_crm.domain.scoring import ScoringError
from desktop_crm.services.clients import ClientService
from desktop_crm.services.evaluations import EvaluationService
from desktop_crm.services.sales import SalesService
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import EvaluationRow
from tests.conftest import Clock

Q4 = (date(2026, 10, 1), date(2026, 12, 31))
HAND = {"sales_attainment": 55, "cooperation": "good", "late_payments": 0,
        "information": "valuable"}


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2027, 1, 10, 9, 0))


@pytest.fixture
def evaluations(db: Database, clock: Clock) -> EvaluationService:
    return EvaluationService(db, clock, user="t")


@pytest.fixture
def client_id(db: Database, clock: Clock) -> int:
    return ClientService(db, clock, user="t").save(ClientCard(name="王芳"))


def _book(sales: SalesService, client_id: int) -> None:
    """Q4 target 100,000; won 60,000 + 20,000 in Q4 (one paid late, one overdue),
    plus orders that must not count."""
    sales.set_target(SalesTarget(client_id, *Q4, Decimal("100000")))
    for day, amount, status, due, paid in (
            (date(2026, 10, 8), "60000", OrderStatus.PAID, date(2026, 11, 1), date(2026, 11, 20)),
            (date(2026, 12, 1), "20000", OrderStatus.DELIVERED, date(2026, 12, 31), None),
            (date(2026, 11, 5), "5000", OrderStatus.PAID, date(2026, 12, 1), date(2026, 11, 30)),
            (date(2026, 11, 9), "90000", OrderStatus.QUOTED, None, None),
            (date(2026, 11, 9), "7000", OrderStatus.LOST, None, None),
            (date(2026, 9, 30), "40000", OrderStatus.WON, date(2026, 10, 1), None),
            (date(2026, 11, 12), "300", OrderStatus.WON, None, None)):
        sales.save(Order(client_id, day, "服务器", Decimal(amount), status=status,
                         payment_due=due, paid_on=paid,
                         lost_reason="价格" if status is OrderStatus.LOST else "",
                         currency="USD" if amount == "300" else "CNY"))


def test_attainment_and_late_payments_come_from_the_period_s_orders(
        evaluations: EvaluationService, client_id: int) -> None:
    _book(evaluations.sales, client_id)
    found = evaluations.from_orders(client_id, *Q4)
    sales, credit = found["sales_attainment"], found["late_payments"]
    assert sales.value == 85.0  # (60,000 + 20,000 + 5,000) / 100,000
    assert sales.facts["won"] == "85000.00" and sales.facts["target"] == "100000.00"
    assert sales.facts["orders"] == 3
    # paid after due (Oct 8), and unpaid past due as of the evaluation date (Dec 1)
    assert credit.value == 2 and credit.facts == {"late": 2, "orders": 4}
    # evaluated before the December order fell due: only the one paid late
    assert evaluations.from_orders(client_id, *Q4, evaluated_on=date(2026, 12, 20)
                                   )["late_payments"].value == 1


def test_saving_from_the_orders_stores_the_computed_figures_and_their_source(
        db: Database, evaluations: EvaluationService, client_id: int) -> None:
    _book(evaluations.sales, client_id)
    saved = evaluations.evaluate_client(
        client_id, HAND, period=Q4,
        sources={"sales_attainment": FROM_ORDERS, "late_payments": FROM_ORDERS})
    # 85% -> 34, good 15, two late payments -> 60% of 20 = 12, valuable 20
    assert saved.inputs["sales_attainment"] == 85.0 and saved.inputs["late_payments"] == 2
    assert saved.total == 81.0 and saved.grade == "A"
    assert saved.sources["sales_attainment"]["source"] == "orders"
    assert saved.sources["sales_attainment"]["won"] == "85000.00"
    assert saved.sources["late_payments"] == {"source": "orders", "late": 2, "orders": 4}
    [again] = evaluations.history(client_id)
    assert again == saved and again.sources == saved.sources
    assert "_sources" not in again.inputs


def test_an_override_by_hand_is_kept_and_records_what_the_orders_said(
        evaluations: EvaluationService, client_id: int) -> None:
    _book(evaluations.sales, client_id)
    saved = evaluations.evaluate_client(client_id, HAND, period=Q4,
                                        sources={"sales_attainment": BY_HAND})
    assert saved.inputs == HAND
    assert saved.sources == {
        "sales_attainment": {"source": "hand", "from_orders": 85.0},
        "late_payments": {"source": "hand", "from_orders": 2}}


def test_no_target_in_the_period_refuses_from_orders_and_writes_nothing(
        db: Database, evaluations: EvaluationService, client_id: int) -> None:
    _book(evaluations.sales, client_id)
    spring = (date(2026, 4, 1), date(2026, 6, 30))
    assert evaluations.from_orders(client_id, *spring)["sales_attainment"].value is None
    with pytest.raises(ScoringError, match="no sales target"):
        evaluations.evaluate_client(client_id, HAND, period=spring,
                                    sources={"sales_attainment": FROM_ORDERS})
    with pytest.raises(ScoringError, match="cannot give"):
        evaluations.evaluate_client(client_id, HAND, period=Q4, sources={"cooperation": "orders"})
    with db.read() as s:
        assert s.scalar(select(func.count(EvaluationRow.id))) == 0


def test_a_target_set_for_the_period_then_feeds_the_attainment(
        evaluations: EvaluationService, client_id: int) -> None:
    evaluations.sales.save(Order(client_id, date(2026, 11, 2), "维保", Decimal("4500")))
    period = (date(2026, 11, 1), date(2026, 11, 30))
    assert evaluations.from_orders(client_id, *period)["sales_attainment"].value is None
    evaluations.sales.set_target(SalesTarget(client_id, *period, Decimal("6000")))
    assert evaluations.from_orders(client_id, *period)["sales_attainment"].value == 75.0


def test_evaluations_stored_before_sources_existed_still_read(
        db: Database, evaluations: EvaluationService, client_id: int) -> None:
    saved = evaluations.evaluate_client(client_id, HAND)
    with db.session() as s:  # as the app wrote rows before: inputs only
        s.execute(update(EvaluationRow).values(inputs=json.dumps(HAND)))
    [old] = evaluations.history(client_id)
    assert old.inputs == HAND and old.sources == {} and old.total == saved.total
