"""A complaint's follow-up records the client's satisfaction (issue 17, item
7): the source's last step calls the client to confirm the problem is solved
and asks how satisfied they are. The workflow, the care calendar's "mark done"
and a save all refuse a follow-up without it, and write nothing."""

from __future__ import annotations

from datetime import datetime

import pytest

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.complaint import Complaint, ComplaintStatus, validate_complaint
from desktop_crm.domain.enums import AgendaKind
from desktop_crm.domain.validation import ValidationError
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.storage.database import Database
from tests.conftest import Clock

S = ComplaintStatus
MESSAGE = "Ask the client how satisfied they are: a follow-up records it"


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 2, 9, 0))


@pytest.fixture
def service(db: Database, clock: Clock) -> ComplaintService:
    return ComplaintService(db, clock, user="李娜")


@pytest.fixture
def resolved(db: Database, clock: Clock, service: ComplaintService) -> Complaint:
    client_id = ClientService(db, clock, user="t").save(ClientCard(name="王芳"))
    c = service.register(Complaint(client_id, clock(), "收到的货有破损"))
    service.transition(c.id or 0, S.IN_PROGRESS)
    return service.transition(c.id or 0, S.RESOLVED)


def test_following_up_without_the_satisfaction_is_refused(
        service: ComplaintService, resolved: Complaint) -> None:
    with pytest.raises(ValidationError) as caught:
        service.transition(resolved.id or 0, S.FOLLOWED_UP, "回访")
    assert [(e.field, e.message) for e in caught.value.errors] == [("satisfaction", MESSAGE)]
    stored = service.get(resolved.id or 0)
    assert stored.status == S.RESOLVED and stored.followed_up_at is None
    assert [h.new for h in stored.history] == [S.NEW, S.IN_PROGRESS, S.RESOLVED]

    resolved = service.get(resolved.id or 0)
    resolved.satisfaction = 4
    service.save(resolved)
    followed = service.transition(resolved.id or 0, S.FOLLOWED_UP, "回访")
    assert (followed.status, followed.satisfaction) == (S.FOLLOWED_UP, 4)


def test_a_followed_up_complaint_keeps_its_satisfaction(
        service: ComplaintService, resolved: Complaint, clock: Clock) -> None:
    resolved.satisfaction = 5
    service.save(resolved)
    followed = service.transition(resolved.id or 0, S.FOLLOWED_UP)
    followed.satisfaction = None
    with pytest.raises(ValidationError):
        service.save(followed)
    assert service.get(followed.id or 0).satisfaction == 5
    closed = Complaint(1, clock(), "x", status=S.CLOSED)
    assert [e.field for e in validate_complaint(closed, clock())] == ["satisfaction"]
    closed.satisfaction = 3
    assert validate_complaint(closed, clock()) == []


def test_marking_the_follow_up_done_on_the_calendar_needs_the_satisfaction(
        db: Database, service: ComplaintService, resolved: Complaint, clock: Clock) -> None:
    agenda = AgendaService(db, clock, user="李娜")
    [item] = [i for i in agenda.agenda(30) if i.kind == AgendaKind.COMPLAINT_FOLLOW_UP]
    with pytest.raises(ValidationError) as caught:
        agenda.mark_done(item, "回访：客户满意")
    assert caught.value.errors[0].field == "satisfaction"
    assert service.get(resolved.id or 0).status == S.RESOLVED
    assert ClientService(db).interactions(resolved.client_id) == []  # nothing written

    agenda.mark_done(item, "回访：客户满意", satisfaction=4)
    followed = service.get(resolved.id or 0)
    assert (followed.status, followed.satisfaction) == (S.FOLLOWED_UP, 4)
    [entry] = ClientService(db).interactions(resolved.client_id)
    assert entry.satisfaction is None  # the survey after service is the thank-you's
