"""A small book with graded clients for the grade column, filter and
``search --grade`` tests: the latest evaluation decides (宋江 was A, is now C)."""

from __future__ import annotations

from datetime import date, datetime

from desktop_crm.domain.client import ClientCard
from desktop_crm.services.clients import ClientService
from desktop_crm.services.evaluations import EvaluationService
from desktop_crm.storage.database import Database

NOW = datetime(2026, 11, 24, 9, 30)
GRADE_A = {"sales_attainment": 100, "cooperation": "excellent", "late_payments": 0,
           "information": "valuable"}
GRADE_B = {"sales_attainment": 80, "cooperation": "good", "late_payments": 3,
           "information": "valuable"}  # the source's worked example: 75
GRADE_C = {"sales_attainment": 20, "cooperation": "poor", "late_payments": 3,
           "information": "none"}

# name: its evaluations, oldest first
BOOK: dict[str, list[dict[str, object]]] = {
    "张伟": [GRADE_A],
    "张三丰": [GRADE_B],
    "宋江": [GRADE_A, GRADE_C],
    "李娜": [GRADE_C, GRADE_A],
    "赵敏": [],
    "张无忌": [],
}
GRADES = {"张伟": "A", "张三丰": "B", "宋江": "C", "李娜": "A", "赵敏": None, "张无忌": None}


def fill(db: Database) -> dict[str, int]:
    clients = ClientService(db, clock=lambda: NOW, user="tester")
    evaluations = EvaluationService(db, clock=lambda: NOW, user="tester")
    ids: dict[str, int] = {}
    for name, inputs in BOOK.items():
        ids[name] = clients.save(ClientCard(name=name))
        for day, values in enumerate(inputs, start=1):
            evaluations.evaluate_client(ids[name], values, evaluated_on=date(2026, 11, day))
    return ids
