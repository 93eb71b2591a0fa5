"""Editing and deleting timeline entries through the service, on both
engines: the entry changes, the card's history keeps before and after, and
the client's last contact follows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from desktop_crm.domain.changes import TIMELINE, field_label
from desktop_crm.domain.client import ClientCard, Interaction
from desktop_crm.domain.enums import Channel, Milestone
from desktop_crm.domain.validation import ValidationError
from desktop_crm.services.clients import ClientService, NotFoundError
from desktop_crm.storage.database import Database

NOW = datetime(2026, 11, 24, 9, 0)
VISIT = datetime(2026, 11, 20, 14, 30)


@pytest.fixture
def service(db: Database) -> ClientService:
    return ClientService(db, clock=lambda: NOW, user="李娜")


@pytest.fixture
def logged(service: ClientService) -> Interaction:
    client = service.save(ClientCard(name="王芳"))
    entry_id = service.log_interaction(Interaction(
        client_id=client, occurred_at=VISIT, channel=Channel.VISIT, summary="拜访，介绍新产品",
        next_step="寄样品", follow_up_on=date(2026, 11, 27)))
    return service.interaction(entry_id)


def timeline_history(service: ClientService, client_id: int) -> list[tuple[str, str, str]]:
    return [(e.old, e.new, e.user) for e in service.history(client_id) if e.field == TIMELINE]


def test_an_edited_entry_is_saved_and_its_history_has_before_and_after(
        service: ClientService, logged: Interaction) -> None:
    edited = replace(logged, occurred_at=datetime(2026, 11, 21, 10, 0), channel=Channel.CALL,
                     summary="电话确认样品已寄出", milestone=Milestone.DELIVERY)
    assert service.edit_interaction(edited) is True
    stored = service.interaction(logged.id or 0)
    assert (stored.occurred_at, stored.channel, stored.summary, stored.milestone) == (
        datetime(2026, 11, 21, 10, 0), Channel.CALL, "电话确认样品已寄出", Milestone.DELIVERY)
    assert stored.next_step == "寄样品" and stored.uuid == logged.uuid
    assert service.interactions(logged.client_id) == [stored]
    assert timeline_history(service, logged.client_id) == [(
        "2026-11-20 14:30 · Visit · 拜访，介绍新产品 · Next step: 寄样品 · Follow up on 2026-11-27",
        "2026-11-21 10:00 · Call · Delivery · 电话确认样品已寄出 · Next step: 寄样品 · "
        "Follow up on 2026-11-27",
        "李娜")]
    assert field_label(TIMELINE) == "Timeline entry"
    # the last contact follows the entry's new time
    assert service.rows([logged.client_id])[0].last_contact == datetime(2026, 11, 21, 10, 0)


def test_an_unchanged_entry_writes_nothing(service: ClientService, logged: Interaction) -> None:
    version = service.get(logged.client_id).version
    assert service.edit_interaction(replace(logged)) is False
    assert timeline_history(service, logged.client_id) == []
    assert service.get(logged.client_id).version == version


def test_a_new_follow_up_date_is_to_be_done_again(service: ClientService, db: Database,
                                                 logged: Interaction) -> None:
    from sqlalchemy import text
    with db.session() as s:
        s.execute(text("UPDATE interactions SET follow_up_done = :t"), {"t": True})
    done = service.interaction(logged.id or 0)
    assert done.follow_up_done
    service.edit_interaction(replace(done, summary="拜访，介绍新产品和价格"))
    assert service.interaction(logged.id or 0).follow_up_done  # same date: still done
    service.edit_interaction(replace(done, follow_up_on=date(2026, 12, 4)))
    assert not service.interaction(logged.id or 0).follow_up_done


@pytest.mark.parametrize(("change", "field"), [
    ({"summary": "  "}, "summary"),
    ({"follow_up_on": date(2026, 11, 1)}, "follow_up_on"),
])
def test_an_edit_is_checked_as_a_new_entry_is(service: ClientService, logged: Interaction,
                                             change: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        service.edit_interaction(replace(logged, **change))  # type: ignore[arg-type]
    assert [e.field for e in caught.value.errors] == [field]
    assert service.interaction(logged.id or 0) == logged
    assert timeline_history(service, logged.client_id) == []


def test_editing_a_deleted_entry_is_refused(service: ClientService, logged: Interaction) -> None:
    service.delete_interaction(logged.id or 0)
    with pytest.raises(NotFoundError):
        service.edit_interaction(replace(logged, summary="改了"))
    with pytest.raises(NotFoundError):
        service.interaction(logged.id or 0)


def test_a_deleted_entry_stays_in_the_history(service: ClientService,
                                              logged: Interaction) -> None:
    service.delete_interaction(logged.id or 0)
    assert service.interactions(logged.client_id) == []
    assert timeline_history(service, logged.client_id) == [(
        "2026-11-20 14:30 · Visit · 拜访，介绍新产品 · Next step: 寄样品 · Follow up on 2026-11-27",
        "", "李娜")]
