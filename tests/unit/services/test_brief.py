"""The pre-visit brief's data (services.brief, domain.brief) on both engines:
what it shows of a client with much data, what it leaves out (confidential
answers, mass greetings, closed complaints, dates further than 30 days), the
caps that keep a full card short, and finding the client a command names."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from desktop_crm.domain import brief as domain
from desktop_crm.domain.enums import AgendaKind
from desktop_crm.domain.errors import NotFoundError
from desktop_crm.services.brief import AmbiguousClientError, BriefService
from desktop_crm.services.registry import Services
from desktop_crm.storage.database import Database
from tests.conftest import Clock
from tests.unit.brief_book import (
    NOW,
    OTHER_ANSWER,
    PRIVATE_ANSWER,
    PUBLIC_ANSWER,
    SECRET_ANSWER,
    bare_client,
    full_client,
    rich_client,
)


@pytest.fixture
def services(db: Database) -> Services:
    return Services.build(db, Clock(NOW), user="李销售")


def _service(services: Services) -> BriefService:
    return BriefService(services.db, services.clock, services.user)


def test_a_rich_client_brief_holds_what_the_visit_needs(services: Services) -> None:
    client_id = rich_client(services)
    brief = _service(services).brief(client_id)
    assert (brief.name, brief.company, brief.title) == ("王建国", "华东机电有限公司", "采购总监")
    assert brief.phones == ("138 0013 8000 (Mobile)", "021-6234 5678 (Office)")
    assert brief.grade == "A" and "Best service" in brief.grade_strategy
    assert brief.loyalty == "Core client" and brief.loyalty_advice and brief.plan_actions
    # the ordinary answers only, with their questions
    assert [a.text for a in brief.answers] == [OTHER_ANSWER, PUBLIC_ANSWER]
    assert brief.confidential_left_out == 2
    # the last five interactions, newest first, with their next steps
    assert [i.next_step for i in brief.interactions] == [f"寄送报价单{n}" for n in range(1, 6)]
    assert brief.interactions[0].follow_up_on == date(2026, 6, 13)
    # both open complaints, the new one with its reply deadline
    assert len(brief.complaints) == 2
    new = brief.complaints[0]
    assert new.words == "交货晚了三天，影响生产" and new.deadline is not None
    assert new.deadline.date() == NOW.date() and not new.overdue
    assert brief.complaints[1].deadline is None and brief.complaints[1].status == "In progress"
    # dates of the next 30 days, soonest first: the contact's birthday, the
    # client's (turning 50), the founding day, the wedding anniversary; the
    # daughter's lunar birthday (5/10 lunar = 2026-06-24)
    texts = [(d.day, d.text) for d in brief.dates]
    assert (date(2026, 6, 20), "birthday, turns 50") in texts
    assert (date(2026, 7, 1), "wedding anniversary, year 25") in texts
    lunar = [d for d in brief.dates if d.kind == AgendaKind.FAMILY_BIRTHDAY]
    assert lunar and lunar[0].day == date(2026, 6, 24) and lunar[0].spec_text
    assert "turns 21" in lunar[0].text
    assert [d.day for d in brief.dates] == sorted(d.day for d in brief.dates)
    assert brief.dates[0].kind == AgendaKind.CONTACT_BIRTHDAY
    # sales: this year, the last twelve months, the open quote, a late payment
    sales = brief.sales
    assert sales is not None
    assert sales.won_this_year == {"CNY": Decimal("120000.00")}
    assert sales.won_last_12_months == {"CNY": Decimal("200000.00")}
    assert sales.orders_last_12_months == 2 and sales.late_payments == 1
    assert sales.last_order is not None and sales.last_order.ordered_on == date(2026, 5, 28)
    assert [o.amount for o in sales.open_orders] == [Decimal("30000.00")]
    assert [c.name for c in brief.contacts] == ["陈静", "赵总"]
    assert brief.contacts[0].role == "Purchaser"


def test_confidential_answers_only_when_asked(services: Services) -> None:
    client_id = rich_client(services)
    brief = _service(services).brief(client_id, include_confidential=True)
    texts = {a.text: a.confidential for a in brief.answers}
    assert texts == {PUBLIC_ANSWER: False, PRIVATE_ANSWER: True, SECRET_ANSWER: True,
                     OTHER_ANSWER: False}
    assert brief.confidential_left_out == 0


def test_a_bare_client_brief_is_short(services: Services) -> None:
    brief = _service(services).brief(bare_client(services))
    assert brief.name == "Ann Lee" and brief.grade is None and not brief.grade_strategy
    assert brief.sales is None and not brief.answers and not brief.dates
    assert not brief.interactions and not brief.complaints and not brief.contacts


def test_a_full_card_is_capped_and_says_how_much_more(services: Services) -> None:
    brief = _service(services).brief(full_client(services), include_confidential=True)
    assert len(brief.name) == domain.MAX_NAME and brief.name.endswith(domain.ELLIPSIS)
    assert len(brief.address) == domain.MAX_LINE and len(brief.website) == domain.MAX_SHORT
    assert len(brief.phones) == domain.MAX_PHONES and brief.more_phones == 16
    assert len(brief.answers) == domain.MAX_ANSWERS
    assert brief.more_answers == 66 - domain.MAX_ANSWERS
    assert all(len(a.text) <= domain.MAX_ANSWER for a in brief.answers)
    assert len(brief.interactions) == 5
    assert all(len(i.summary) <= domain.MAX_SUMMARY for i in brief.interactions)
    assert len(brief.complaints) == 3 and brief.more_complaints == 9
    assert len(brief.dates) == domain.MAX_DATES and brief.more_dates > 40
    assert len(brief.contacts) == 5 and brief.more_contacts == 20
    assert brief.sales is not None and len(brief.sales.open_orders) == 3
    assert all(len(o.product) == domain.MAX_SHORT for o in brief.sales.open_orders)
    assert all(len(d.text) <= domain.MAX_LINE for d in brief.dates)
    assert set(brief.sales.won_last_12_months) == {"CNY", "USD", "EUR"}


def test_the_client_is_found_by_uuid_id_or_one_search(services: Services) -> None:
    client_id = rich_client(services)
    other = bare_client(services)
    service = _service(services)
    uuid = services.clients.get(client_id).uuid
    assert service.find_client(uuid.upper()) == client_id
    assert service.find_client(str(other)) == other
    assert service.find_client("华东机电") == client_id
    services.clients.save(services.clients.get(other).__class__(name="王建国二"))
    with pytest.raises(AmbiguousClientError) as many:
        service.find_client("王建国")
    assert many.value.total == 2 and "name one by its id or UUID" in str(many.value)
    with pytest.raises(NotFoundError):
        service.find_client("nobody at all")
    with pytest.raises(NotFoundError):
        service.find_client("00000000-0000-4000-8000-000000000001")
    services.clients.delete(other)
    with pytest.raises(NotFoundError):
        service.brief(other)
