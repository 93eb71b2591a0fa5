""""Mine / Everyone" below the window: the client search, the agenda (Today,
the calendar, festivals and the not-contacted backlog), grade changes and
complaints filtered to the user's clients in storage queries, on both engines."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import update

from desktop_crm.domain.client import ClientCard, FamilyMember, Interaction
from desktop_crm.domain.complaint import Complaint, ComplaintCategory, ComplaintStatus
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import AgendaKind, Channel, Milestone
from desktop_crm.services.complaints import ComplaintFilter
from desktop_crm.services.registry import Services
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client
from tests.conftest import Clock

TODAY = date(2026, 9, 20)


@pytest.fixture
def book(db: Database) -> tuple[Services, dict[str, int]]:
    """李娜's services over clients of 李娜 and of 张伟, each with a birthday
    today, a complaint, a grade change and no contact for years."""
    services = Services.build(db, Clock(datetime(2026, 9, 20, 9, 0)), user="李娜")
    ids = {}
    for name, owner in (("王芳", "李娜"), ("陈静", "李娜"), ("赵磊", "张伟"), ("孙强", "")):
        ids[name] = services.clients.save(ClientCard(
            name=name, owner=owner, birthday=DateSpec.solar(9, 20, year=1980)))
        services.complaints.register(Complaint(
            client_id=ids[name], received_at=datetime(2026, 9, 19, 10, 0),
            words="发票开错了", category=ComplaintCategory.OTHER))
    with db.session() as s:  # created long ago, never contacted: the backlog
        s.execute(update(Client).values(created_at=datetime(2020, 1, 1, 9, 0)))
        s.execute(update(Client).values(grade="A", previous_grade="B",
                                        last_evaluated_on=date(2026, 9, 10)))
    return services, ids


def _clients(items: list, ids: dict[str, int]) -> set[str]:  # type: ignore[type-arg]
    names = {v: k for k, v in ids.items()}
    return {names[i.client_id] for i in items if i.client_id is not None}


def test_search_mine_lists_only_the_users_clients(book: tuple[Services, dict[str, int]]
                                                  ) -> None:
    services, _ids = book
    assert {r.name for r in services.clients.search("")} == {"王芳", "陈静", "赵磊", "孙强"}
    assert {r.name for r in services.clients.search("", mine=True)} == {"王芳", "陈静"}
    assert {r.name for r in services.clients.search("", owner="张伟")} == {"赵磊"}
    assert [r.name for r in services.clients.search("zl", mine=True)] == []


def test_agenda_mine_keeps_the_users_clients_and_counts_their_groups(
        book: tuple[Services, dict[str, int]]) -> None:
    services, ids = book
    agenda = services.agenda
    everyone = agenda.agenda(7, TODAY)
    mine = agenda.agenda(7, TODAY, mine=True)
    assert _clients(everyone, ids) == {"王芳", "陈静", "赵磊", "孙强"}
    assert _clients(mine, ids) == {"王芳", "陈静"}
    birthdays = [i for i in mine if i.kind == AgendaKind.BIRTHDAY]
    assert {i.client for i in birthdays} == {"王芳", "陈静"}
    assert _clients(agenda.due_today(mine=True), ids) == {"王芳", "陈静"}
    assert _clients(agenda.due_today(), ids) == {"王芳", "陈静", "赵磊", "孙强"}
    # the not-contacted backlog row counts (and opens) only the user's clients
    backlog = [i for i in agenda.agenda(7, TODAY, mine=True) if not i.can_be_done]
    assert [i.group_size for i in backlog] == [2]
    assert [i.group_size for i in everyone if not i.can_be_done] == [4]
    with services.db.read() as s:
        from desktop_crm.storage import client_repo
        assert client_repo.count(s, agenda.backlog_filter(mine=True)) == 2
    assert {r.name for r in agenda.greeting_list(birthdays[0], mine=True)} == {"王芳", "陈静"}


def test_a_festival_done_under_mine_greets_only_the_users_clients(
        book: tuple[Services, dict[str, int]]) -> None:
    services, ids = book
    festivals = [i for i in services.agenda.agenda(30, TODAY, mine=True)
                 if i.kind == AgendaKind.FESTIVAL]
    assert festivals and festivals[0].group_size == 2
    receipt = services.agenda.mark_done(festivals[0], mine=True)
    assert len(receipt.interaction_ids) == 2
    assert [len(services.clients.interactions(ids[n])) for n in ("王芳", "陈静", "赵磊")] \
        == [1, 1, 0]


def test_complaints_mine_are_those_of_the_users_clients(
        book: tuple[Services, dict[str, int]]) -> None:
    services, _ids = book
    assert {c.client for c in services.complaints.find()} == {"王芳", "陈静", "赵磊", "孙强"}
    assert {c.client for c in services.complaints.find(mine=True)} == {"王芳", "陈静"}
    open_mine = services.complaints.find(ComplaintFilter(status="open"), mine=True)
    assert {c.client for c in open_mine} == {"王芳", "陈静"}
    assert {c.client for c in services.complaints.find(ComplaintFilter(owner="张伟"))} \
        == {"赵磊"}


def test_grade_changes_mine(book: tuple[Services, dict[str, int]]) -> None:
    services, _ids = book
    rows, total = services.evaluations.recent_grade_changes(30, 100, mine=True)
    assert ({r.name for r in rows}, total) == ({"王芳", "陈静"}, 2)
    assert services.evaluations.recent_grade_changes(30, 100)[1] == 4


def test_mine_follows_a_new_name(book: tuple[Services, dict[str, int]]) -> None:
    services, ids = book
    services.set_user("张伟")
    assert {r.name for r in services.clients.search("", mine=True)} == {"赵磊"}
    assert _clients(services.agenda.agenda(7, TODAY, mine=True), ids) == {"赵磊"}
    assert {c.client for c in services.complaints.find(mine=True)} == {"赵磊"}


def test_mine_by_default_only_on_a_shared_database(db: Database, engine: str) -> None:
    assert Services.build(db).mine_by_default is (engine == "postgresql")


def test_every_kind_of_agenda_item_under_mine_is_the_users(db: Database) -> None:
    """Each care query takes the owner: dates, family birthdays, anniversaries,
    follow-ups, thank-yous, clients passing their contact limit, complaint
    follow-ups."""
    clock = Clock(datetime(2026, 9, 20, 9, 0))
    services = Services.build(db, clock, user="李娜")
    ids = {}
    for name, owner in (("王芳", "李娜"), ("赵磊", "张伟")):
        ids[name] = client_id = services.clients.save(ClientCard(
            name=name, owner=owner, founded_on=date(2010, 9, 22),
            relationship_since=date(2015, 9, 23),
            family=[FamilyMember("女儿", "小" + name, DateSpec.solar(9, 21, year=2012))]))
        services.clients.log_interaction(Interaction(
            client_id, datetime(2026, 9, 18, 10, 0), Channel.VISIT, "交付第一批货",
            next_step="回访", follow_up_on=date(2026, 9, 22), milestone=Milestone.DELIVERY))
        complaint = services.complaints.register(Complaint(
            client_id=client_id, received_at=datetime(2026, 9, 10, 10, 0),
            words="发票开错了", category=ComplaintCategory.OTHER))
        assert complaint.id is not None
        services.complaints.transition(complaint.id, ComplaintStatus.IN_PROGRESS)
        services.complaints.transition(complaint.id, ComplaintStatus.RESOLVED)
    with db.session() as s:  # last contact 85 days ago: both pass the 90-day limit soon
        s.execute(update(Client).values(last_contact_at=datetime(2026, 6, 27, 9, 0)))
    everyone = services.agenda.agenda(30, TODAY)
    kinds = {i.kind for i in everyone if i.client_id == ids["赵磊"]}
    assert kinds >= {AgendaKind.FAMILY_BIRTHDAY, AgendaKind.FOUNDING_ANNIVERSARY,
                     AgendaKind.RELATIONSHIP_ANNIVERSARY, AgendaKind.FOLLOW_UP,
                     AgendaKind.NO_CONTACT, AgendaKind.COMPLAINT_FOLLOW_UP}
    assert {i.source for i in everyone if i.client_id == ids["赵磊"]} >= {"thank_you"}
    mine = services.agenda.agenda(30, TODAY, mine=True)
    assert {i.kind for i in mine if i.client_id} == {
        i.kind for i in everyone if i.client_id == ids["王芳"]}
    assert {i.client_id for i in mine if i.client_id} == {ids["王芳"]}
    assert len([i for i in mine if i.client_id]) == len(
        [i for i in everyone if i.client_id == ids["王芳"]])
