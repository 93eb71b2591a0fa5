"""Complaint use cases (desktop_crm.services.complaints) on real SQLite files."""

from __future__ import annotations

import multiprocessing
from datetime import date, datetime
from typing import Any

import pytest

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.complaint import (
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    Temperament,
    TransitionError,
)
from desktop_crm.domain.enums import AgendaKind, Channel
from desktop_crm.domain.validation import ValidationError
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService, NotFoundError
from desktop_crm.services.complaints import ComplaintFilter, ComplaintService
from desktop_crm.services.stats import stats
from desktop_crm.storage.database import Database
from tests.conftest import Clock

S = ComplaintStatus


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 2, 9, 0))


@pytest.fixture
def client_id(db: Database, clock: Clock) -> int:
    return ClientService(db, clock, user="t").save(ClientCard(name="王芳"))


@pytest.fixture
def service(db: Database, clock: Clock) -> ComplaintService:
    return ComplaintService(db, clock, user="李娜")


def register(service: ComplaintService, client_id: int, **kw: object) -> Complaint:
    values: dict[str, object] = {"client_id": client_id, "received_at": service.now(),
                                 "words": "收到的货有破损", "category": ComplaintCategory.PACKAGING,
                                 "department": "物流部", "temperament": Temperament.ANGRY}
    values.update(kw)
    return service.register(Complaint(**values))  # type: ignore[arg-type]


def test_register_numbers_per_year_and_records_the_start(
        service: ComplaintService, client_id: int, clock: Clock) -> None:
    first = register(service, client_id)
    second = register(service, client_id)
    assert (first.number, second.number) == ("TS-2026-0001", "TS-2026-0002")
    assert first.status == S.NEW and first.client == "王芳"
    assert [(h.old, h.new) for h in first.history] == [(None, S.NEW)]
    clock.now = datetime(2027, 1, 3, 10)
    next_year = register(service, client_id, received_at=datetime(2027, 1, 3, 9))
    assert next_year.number == "TS-2027-0001"


def test_a_failed_registration_gives_its_number_back(service: ComplaintService,
                                                      client_id: int) -> None:
    with pytest.raises(NotFoundError):
        register(service, client_id + 99)
    with pytest.raises(ValidationError):
        register(service, client_id, words=" ")
    assert register(service, client_id).number == "TS-2026-0001"


def _register_many(path: str, client_id: int, count: int, start: Any, out: Any) -> None:
    db = Database.open(path)
    try:
        service = ComplaintService(db, lambda: datetime(2026, 11, 2, 9, 0), user="p")
        start.wait()  # both processes begin writing at the same moment
        out.put([register(service, client_id).number for _ in range(count)])
    finally:
        db.close()


def test_numbers_stay_unique_and_gap_free_with_two_processes_writing(
        db_target: str, client_id: int) -> None:
    context = multiprocessing.get_context("spawn")
    start, out = context.Event(), context.Queue()
    workers = [context.Process(target=_register_many,
                               args=(db_target, client_id, 60, start, out))
               for _ in range(2)]
    for worker in workers:
        worker.start()
    start.set()
    results = [out.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    numbers = sorted(results[0] + results[1])
    assert numbers == [f"TS-2026-{n:04d}" for n in range(1, 121)]


def test_workflow_timestamps_each_move_and_refuses_illegal_ones(
        service: ComplaintService, client_id: int, clock: Clock) -> None:
    c = register(service, client_id)
    with pytest.raises(TransitionError):
        service.transition(c.id or 0, S.RESOLVED)
    clock.advance(hours=2)
    c = service.transition(c.id or 0, S.IN_PROGRESS, "已电话回复客户")
    assert c.first_reply_at == datetime(2026, 11, 2, 11, 0)
    clock.advance(days=1)
    c = service.transition(c.id or 0, S.RESOLVED)
    assert c.resolved_at == datetime(2026, 11, 3, 11, 0)
    clock.advance(days=2)
    c = service.transition(c.id or 0, S.IN_PROGRESS, "客户说问题又出现了")  # reopen
    assert c.resolved_at is None
    assert c.first_reply_at == datetime(2026, 11, 2, 11, 0)  # the first reply stays
    assert [(h.old, h.new, h.note) for h in c.history][-1] == (
        S.RESOLVED, S.IN_PROGRESS, "客户说问题又出现了")
    assert [h.at for h in c.history] == sorted(h.at for h in c.history)


def test_handling_log_and_edits(service: ComplaintService, client_id: int,
                                clock: Clock) -> None:
    c = register(service, client_id)
    clock.advance(minutes=30)
    c = service.add_log(c.id or 0, "联系物流部核实")
    assert [(e.at, e.text, e.author) for e in c.log] == [
        (datetime(2026, 11, 2, 9, 30), "联系物流部核实", "李娜")]
    with pytest.raises(ValidationError):
        service.add_log(c.id or 0, "  ")
    c.solution, c.compensation, c.satisfaction = "补发新货", 200.0, 5
    c.status = S.CLOSED  # the status is not edited by save()
    saved = service.save(c)
    assert (saved.solution, saved.compensation, saved.satisfaction, saved.status) == (
        "补发新货", 200.0, 5, S.NEW)
    c.satisfaction = 9
    with pytest.raises(ValidationError):
        service.save(c)
    assert service.get(c.id or 0).satisfaction == 5


def test_filters(service: ComplaintService, client_id: int, clock: Clock) -> None:
    a = register(service, client_id)
    b = register(service, client_id, category=ComplaintCategory.BILLING, department="财务部",
                 received_at=datetime(2026, 10, 5, 9), satisfaction=4)
    service.transition(b.id or 0, S.IN_PROGRESS)
    service.transition(b.id or 0, S.RESOLVED)
    service.transition(b.id or 0, S.FOLLOWED_UP)
    service.transition(b.id or 0, S.CLOSED)

    def numbers(**kw: object) -> list[str]:
        return [c.number for c in service.find(ComplaintFilter(**kw))]  # type: ignore[arg-type]

    assert numbers() == [a.number, b.number]  # newest first
    assert numbers(status="open") == [a.number]
    assert numbers(status="closed") == [b.number]
    assert numbers(category="billing") == [b.number]
    assert numbers(department="物流部") == [a.number]
    assert numbers(since=date(2026, 11, 1)) == [a.number]
    assert numbers(until=date(2026, 10, 31)) == [b.number]
    assert service.departments() == ["物流部", "财务部"]
    assert [c.number for c in service.for_client(client_id)] == [a.number, b.number]


def test_overdue_uses_the_clock_and_the_reply_target(
        service: ComplaintService, client_id: int, clock: Clock) -> None:
    c = register(service, client_id)
    assert not service.is_overdue(c)
    service.set_reply_hours(2)
    assert service.reply_hours() == 2
    clock.advance(hours=3)
    assert service.is_overdue(c, service.reply_hours())
    with pytest.raises(ValidationError):
        service.set_reply_hours(100)


def test_resolving_puts_the_follow_up_on_the_agenda_and_done_follows_up(
        db: Database, service: ComplaintService, client_id: int, clock: Clock) -> None:
    c = register(service, client_id)
    service.transition(c.id or 0, S.IN_PROGRESS)
    service.transition(c.id or 0, S.RESOLVED)
    agenda = AgendaService(db, clock)
    items = [i for i in agenda.agenda(30) if i.kind == AgendaKind.COMPLAINT_FOLLOW_UP]
    assert [(i.day, i.client_id, i.detail) for i in items] == [
        (date(2026, 11, 9), client_id, c.number)]
    assert items[0].title == f"王芳: follow up complaint {c.number}"
    assert items[0] not in agenda.due_today()  # reminder from the 4th
    clock.advance(days=3)
    assert items[0] in agenda.due_today()
    receipt = agenda.mark_done(items[0], "回访：客户满意", satisfaction=5)
    followed = service.get(c.id or 0)
    assert followed.status == S.FOLLOWED_UP
    assert followed.history[-1].note == "回访：客户满意"
    timeline = ClientService(db).interactions(client_id)
    assert (timeline[0].channel, timeline[0].summary) == (Channel.CALL, "回访：客户满意")
    assert not [i for i in agenda.agenda(30) if i.kind == AgendaKind.COMPLAINT_FOLLOW_UP]
    agenda.undo_done(receipt)
    assert service.get(c.id or 0).status == S.RESOLVED
    assert [i.ref for i in agenda.agenda(30) if i.kind == AgendaKind.COMPLAINT_FOLLOW_UP] == [
        c.id]


def test_stats_report_complaints(db: Database, service: ComplaintService,
                                 client_id: int) -> None:
    a = register(service, client_id, satisfaction=4)  # asked at the follow-up
    register(service, client_id, category=ComplaintCategory.BILLING)
    for target in (S.IN_PROGRESS, S.RESOLVED, S.FOLLOWED_UP, S.CLOSED):
        service.transition(a.id or 0, target)
    assert stats(db)["complaints"] == {"open": 1, "total": 2,
                                       "by_category": {"packaging": 1, "billing": 1}}
