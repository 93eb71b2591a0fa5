"""Evaluation service against a real SQLite file: versioned schemes, history,
grades on the client row, due filters, and errors that write nothing."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.scoring import PERCENT, Criterion, Scheme, ScoringError
from desktop_crm.services.clients import ClientFilter, ClientService, NotFoundError
from desktop_crm.services.evaluations import EvaluationService
from desktop_crm.services.stats import stats
from desktop_crm.storage.models import EvaluationRow

NOW = datetime(2026, 11, 24, 9, 0)
EXAMPLE = {"sales_attainment": 80, "cooperation": "good", "late_payments": 3,
           "information": "valuable"}


@pytest.fixture
def services(db):  # type: ignore[no-untyped-def]
    clients = ClientService(db, clock=lambda: NOW, user="tester")
    return clients, EvaluationService(db, clock=lambda: NOW, user="tester")


def _evaluation_count(db) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return int(s.scalar(select(func.count(EvaluationRow.id))))


def test_worked_example_is_stored_with_points_scheme_and_grade(db, services) -> None:  # type: ignore[no-untyped-def]
    clients, evaluations = services
    cid = clients.save(ClientCard(name="王芳"))
    stored = evaluations.evaluate_client(cid, EXAMPLE)
    assert (stored.total, stored.grade, stored.scheme_version) == (75.0, "B", 1)
    assert stored.period_end == NOW.date() and stored.evaluator == "tester"
    [again] = evaluations.history(cid)
    assert again == stored
    assert again.inputs == EXAMPLE
    assert again.points["late_payments"] == 40.0
    row = clients.rows([cid])[0]
    assert (row.grade, row.previous_grade, row.last_evaluated_on) == ("B", None, NOW.date())
    assert clients.get(cid).grade == "B"


def test_editing_the_scheme_leaves_past_evaluations_unchanged(db, services) -> None:  # type: ignore[no-untyped-def]
    clients, evaluations = services
    cid = clients.save(ClientCard(name="李静"))
    first = evaluations.evaluate_client(cid, EXAMPLE, evaluated_on=date(2026, 8, 1))
    new = evaluations.save_scheme(Scheme((Criterion("sales_attainment", 100, PERCENT),),
                                         threshold_a=70, threshold_b=50))
    assert new.version == 2
    assert evaluations.scheme() == new
    assert evaluations.scheme_version(1).criteria[0].weight == 40
    second = evaluations.evaluate_client(cid, {"sales_attainment": 80})
    old, latest = evaluations.history(cid)
    assert old == first and (old.total, old.grade, old.scheme_version) == (75.0, "B", 1)
    assert (latest.total, latest.grade, latest.scheme_version) == (80.0, "A", 2)
    assert latest == second
    row = clients.rows([cid])[0]
    assert (row.grade, row.previous_grade) == ("A", "B")


def test_saving_the_same_scheme_twice_makes_no_new_version(services) -> None:  # type: ignore[no-untyped-def]
    _clients, evaluations = services
    scheme = Scheme((Criterion("sales_attainment", 100, PERCENT),))
    assert evaluations.save_scheme(scheme).version == 1
    assert evaluations.save_scheme(scheme).version == 1


def test_invalid_scheme_and_inputs_write_nothing(db, services) -> None:  # type: ignore[no-untyped-def]
    clients, evaluations = services
    cid = clients.save(ClientCard(name="赵敏"))
    with pytest.raises(ScoringError, match="add up to 50"):
        evaluations.save_scheme(Scheme((Criterion("sales_attainment", 50, PERCENT),)))
    with pytest.raises(ScoringError, match="negative"):
        evaluations.evaluate_client(cid, dict(EXAMPLE, sales_attainment=-1))
    with pytest.raises(ScoringError, match="starts after"):
        evaluations.evaluate_client(cid, EXAMPLE, period=(date(2026, 9, 1), date(2026, 8, 1)))
    with pytest.raises(ScoringError, match="future"):
        evaluations.evaluate_client(cid, EXAMPLE, evaluated_on=date(2026, 12, 1))
    with pytest.raises(NotFoundError):
        evaluations.evaluate_client(999, EXAMPLE)
    clients.delete(cid)
    with pytest.raises(NotFoundError):
        evaluations.evaluate_client(cid, EXAMPLE)
    assert _evaluation_count(db) == 0
    assert evaluations.scheme().version == 1  # still the default, nothing stored


def test_distribution_due_filter_and_stats(db, services) -> None:  # type: ignore[no-untyped-def]
    clients, evaluations = services
    a = clients.save(ClientCard(name="甲"))
    b = clients.save(ClientCard(name="乙"))
    c = clients.save(ClientCard(name="丙"))
    clients.save(ClientCard(name="丁"))
    evaluations.evaluate_client(a, dict(EXAMPLE, sales_attainment=130, late_payments=0,
                                        cooperation="excellent"))
    evaluations.evaluate_client(b, EXAMPLE, evaluated_on=date(2026, 5, 1))
    evaluations.evaluate_client(c, dict(EXAMPLE, sales_attainment=10, information="none"))
    assert evaluations.distribution() == {"A": 1, "B": 1, "C": 1, "unrated": 1}
    assert stats(db)["grades"] == {"A": 1, "B": 1, "C": 1, "unrated": 1}
    due = clients.list_ids(evaluations.due_filter(only_due=True))
    names = {r.name for r in clients.rows(due)}
    assert names == {"乙", "丁"}  # evaluated long ago, or never
    assert clients.list_ids(ClientFilter(grade="A")) == [a]
    assert clients.list_ids(ClientFilter(grade="unrated")) == clients.list_ids(
        evaluations.due_filter(grade="unrated"))
    assert evaluations.is_due(None) and evaluations.is_due(date(2026, 5, 1))
    assert not evaluations.is_due(NOW.date())


def test_grade_sort_puts_a_first(services) -> None:  # type: ignore[no-untyped-def]
    clients, evaluations = services
    ids = {}
    for name, sales in (("甲", 10), ("乙", 100), ("丙", 80)):
        ids[name] = clients.save(ClientCard(name=name))
        evaluations.evaluate_client(ids[name], dict(EXAMPLE, sales_attainment=sales,
                                                    late_payments=0))
    ordered = clients.list_ids(ClientFilter(sort="grade"))
    grades = [r.grade for r in clients.rows(ordered)]
    assert grades == sorted(grades)


def test_recent_grade_changes_are_newest_first_and_capped(services) -> None:  # type: ignore[no-untyped-def]
    clients, evaluations = services
    example_b = EXAMPLE
    example_a = dict(EXAMPLE, sales_attainment=100, late_payments=0)
    for day in range(1, 6):
        cid = clients.save(ClientCard(name=f"客户{day}"))
        evaluations.evaluate_client(cid, example_b, evaluated_on=date(2026, 6, 1))
        evaluations.evaluate_client(cid, example_a, evaluated_on=date(2026, 11, day))
    unchanged = clients.save(ClientCard(name="不变"))
    for when in (date(2026, 6, 1), date(2026, 11, 20)):
        evaluations.evaluate_client(unchanged, example_b, evaluated_on=when)
    rows, total = evaluations.recent_grade_changes(days=30, limit=3)
    assert total == 5
    assert [r.name for r in rows] == ["客户5", "客户4", "客户3"]
    assert all((r.previous_grade, r.grade) == ("B", "A") for r in rows)
    assert evaluations.recent_grade_changes(days=10)[1] == 0  # all before Nov 14


def test_recent_grade_changes_read_only_the_changed_clients(services, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Today's section asks for the changed clients alone: it never lists
    every client's id (at 100,000 clients that list alone took 84 ms). Ties on
    the day come by id; trashed clients are left out."""
    from desktop_crm.storage import client_repo

    clients, evaluations = services
    example_b = EXAMPLE
    example_a = dict(EXAMPLE, sales_attainment=100, late_payments=0)
    ids = []
    for n in range(4):
        cid = clients.save(ClientCard(name=f"同日{n}"))
        evaluations.evaluate_client(cid, example_b, evaluated_on=date(2026, 6, 1))
        evaluations.evaluate_client(cid, example_a, evaluated_on=date(2026, 11, 10))
        ids.append(cid)
    clients.delete(ids[1])

    def every_id(*_args: object, **_kwargs: object) -> list[int]:
        raise AssertionError("recent_grade_changes listed every client's id")

    monkeypatch.setattr(client_repo, "list_ids", every_id)
    rows, total = evaluations.recent_grade_changes(days=30, limit=2)
    assert total == 3
    assert [r.id for r in rows] == [ids[0], ids[2]]


def test_grade_changes_and_falls_read_the_changed_clients_index(services, db) -> None:  # type: ignore[no-untyped-def]
    """Today's recent grade changes and the "grade fell" warnings read the
    partial index of changed grades (migration 20261213_21), which the
    database keeps right on every write: a new evaluation, the trash and a
    restore. On SQLite their statements name that index, not every live
    client through ix_clients_deleted_at."""
    from sqlalchemy import event

    from desktop_crm.domain.enums import AgendaKind
    from desktop_crm.services.agenda import AgendaService

    clients, evaluations = services
    agenda = AgendaService(db, clock=lambda: NOW, user="tester")
    example_a = dict(EXAMPLE, sales_attainment=100, late_payments=0)
    rose, fell = clients.save(ClientCard(name="升")), clients.save(ClientCard(name="降"))
    for cid, first, then in ((rose, EXAMPLE, example_a), (fell, example_a, EXAMPLE)):
        evaluations.evaluate_client(cid, first, evaluated_on=date(2026, 6, 1))
        evaluations.evaluate_client(cid, then, evaluated_on=date(2026, 11, 20))
    statements: list[str] = []
    if db.engine.dialect.name == "sqlite":
        # the driver's own trace: the agenda's reads (the fallen grades among
        # them) run on the driver's cursor there, not through SQLAlchemy
        event.listen(db.engine.pool, "checkout", lambda dbapi_conn, *_a:
                     dbapi_conn.set_trace_callback(statements.append))
        event.listen(db.engine.pool, "checkin", lambda dbapi_conn, *_a:
                     dbapi_conn is not None and dbapi_conn.set_trace_callback(None))
    else:
        event.listen(db.engine, "before_cursor_execute",
                     lambda _c, _cur, sql, *_a: statements.append(sql))

    def fallen() -> set[int | None]:
        return {i.client_id for i in agenda.agenda(7, kinds=[AgendaKind.CHURN_WARNING])}

    assert evaluations.recent_grade_changes(days=30)[1] == 2 and fallen() == {fell}
    if db.engine.dialect.name == "sqlite":
        reads = [sql for sql in statements if "last_evaluated_on >=" in sql]
        assert len(reads) == 3
        assert all("INDEXED BY ix_clients_grade_changed" in sql for sql in reads)
    clients.delete(fell)
    assert evaluations.recent_grade_changes(days=30)[1] == 1 and fallen() == set()
    clients.restore(fell)
    assert evaluations.recent_grade_changes(days=30)[1] == 2 and fallen() == {fell}
    evaluations.evaluate_client(fell, EXAMPLE, evaluated_on=date(2026, 11, 22))  # B again
    rows, total = evaluations.recent_grade_changes(days=30)
    assert total == 1 and [r.id for r in rows] == [rose] and fallen() == set()
