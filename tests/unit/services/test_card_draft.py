"""Business card to client card (services.card_draft) on both engines: the
draft, the existing clients it matches and the merge into one of them."""

from __future__ import annotations

from datetime import datetime

import pytest

from desktop_crm import i18n
from desktop_crm.domain.business_card import CardFields
from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.enums import ClientKind, PhoneKind
from desktop_crm.domain.validation import validate_card
from desktop_crm.services.card_draft import CardDifference, CardDraftService, CardMatch
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database

NOW = datetime(2026, 11, 24, 9, 30)

ZHANG = CardFields(
    name="张伟", title="销售总监", company="北京星河科技有限公司",
    mobiles=("138 0013 8000",), office_phones=("010-6552 9988 转 801",),
    faxes=("010-6552 9989",), emails=("zhang.wei@xinghe.com.cn", "zw@163.com"),
    wechat="zw_138", address="北京市朝阳区建国路88号", website="www.xinghe.com.cn")


@pytest.fixture
def service(db: Database) -> CardDraftService:
    return CardDraftService(db, lambda: NOW, "李娜")


@pytest.fixture
def clients(db: Database) -> ClientService:
    return ClientService(db, lambda: NOW, "李娜")


def test_draft_fills_a_new_unsaved_card_of_the_user(service: CardDraftService) -> None:
    card = service.draft(ZHANG)
    assert card.id is None and card.kind == ClientKind.PERSON and card.owner == "李娜"
    assert (card.name, card.title, card.company, card.wechat, card.address) == (
        "张伟", "销售总监", "北京星河科技有限公司", "zw_138", "北京市朝阳区建国路88号")
    assert card.phones == [Phone("138 0013 8000", PhoneKind.MOBILE),
                           Phone("010-6552 9988 转 801", PhoneKind.OFFICE),
                           Phone("010-6552 9989", PhoneKind.FAX)]
    assert card.email == "zhang.wei@xinghe.com.cn"
    assert card.notes == "E-mail on the business card: zw@163.com"
    assert card.website == "www.xinghe.com.cn"
    assert validate_card(card) == []


def test_draft_keeps_a_number_without_area_code_in_the_notes(service: CardDraftService) -> None:
    i18n.set_language("zh")
    card = service.draft(CardFields(name="周敏", office_phones=("8765 4321",)))
    assert card.phones == []
    assert card.notes == "名片上的电话：8765 4321"
    assert validate_card(card) == []


def test_draft_saves_and_reads_back(service: CardDraftService, clients: ClientService) -> None:
    client_id = clients.save(service.draft(ZHANG))
    card = clients.get(client_id)
    assert [p.kind for p in card.phones] == [PhoneKind.MOBILE, PhoneKind.OFFICE, PhoneKind.FAX]
    assert card.owner == "李娜"


def _client(clients: ClientService, **values: object) -> int:
    return clients.save(ClientCard(**values))  # type: ignore[arg-type]


def test_matches_by_phone_email_and_name_with_company(service: CardDraftService,
                                                      clients: ClientService) -> None:
    by_mobile = _client(clients, name="张先生", phones=[Phone("+86 138-0013-8000")])
    by_email = _client(clients, name="Zhang Wei", email="Zhang.Wei@XINGHE.com.cn")
    by_name = _client(clients, name="张 伟", company="北京星河科技有限公司")
    by_both = _client(clients, name="张伟", company="北京星河科技有限公司",
                      phones=[Phone("010 6552 9989", PhoneKind.FAX)])
    _client(clients, name="张伟", company="别的公司")  # a name alone is no match
    _client(clients, name="王芳", phones=[Phone("139 1234 5678")])
    trashed = _client(clients, name="张伟", email="zw@163.com")
    clients.delete(trashed)

    found = service.matches(ZHANG)
    assert [m.client_id for m in found] == [by_both, by_mobile, by_email, by_name]
    assert found[0] == CardMatch(by_both, "张伟", "北京星河科技有限公司",
                                 "same fax 010-6552 9989",
                                 ("same fax 010-6552 9989", "same name and company"))
    assert found[1].reason == "same mobile 138 0013 8000"
    assert found[2].reason == "same e-mail zhang.wei@xinghe.com.cn"
    assert found[3].reasons == ("same name and company",)


def test_match_reasons_are_translated(service: CardDraftService, clients: ClientService) -> None:
    _client(clients, name="张先生", phones=[Phone("13800138000")])
    i18n.set_language("zh")
    assert [m.reason for m in service.matches(ZHANG)] == ["手机相同：138 0013 8000"]


def test_no_match_for_an_empty_card_or_a_new_person(service: CardDraftService,
                                                    clients: ClientService) -> None:
    _client(clients, name="张伟", company="北京星河科技有限公司")
    assert service.matches(CardFields()) == []
    assert service.matches(CardFields(name="张伟", mobiles=("139 0000 0000",))) == []


def test_merge_adds_what_is_new_and_reports_what_differs(service: CardDraftService,
                                                         clients: ClientService) -> None:
    client_id = _client(clients, name="张伟", title="销售经理", email="zw@163.com",
                        phones=[Phone("13800138000")], notes="老客户")
    card = clients.get(client_id)
    result = service.merge(card, ZHANG)
    merged = result.card
    assert merged.title == "销售经理"  # the user's value stays
    assert merged.company == "北京星河科技有限公司" and merged.address == "北京市朝阳区建国路88号"
    assert [p.number for p in merged.phones] == ["13800138000", "010-6552 9988 转 801",
                                                 "010-6552 9989"]
    assert merged.email == "zw@163.com"
    assert merged.notes == "老客户\nE-mail on the business card: zhang.wei@xinghe.com.cn"
    assert result.differing == (CardDifference("title", "销售经理", "销售总监"),)
    assert set(result.added) >= {"company", "address", "wechat", "phones", "notes"}
    assert card.company == "" and len(card.phones) == 1  # the card given is not changed
    assert service.merge_into(card, ZHANG) == merged
    clients.save(merged)
    assert clients.get(client_id).company == "北京星河科技有限公司"


def test_merging_the_same_card_twice_adds_nothing(service: CardDraftService) -> None:
    once = service.merge_into(ClientCard(name="张伟"), ZHANG)
    again = service.merge(once, ZHANG)
    assert again.card == once and again.added == () and again.differing == ()


def test_merge_reports_another_e_mail_and_name(service: CardDraftService) -> None:
    card = ClientCard(name="Zhang Wei", email="old@xinghe.com.cn")
    result = service.merge(card, CardFields(name="张伟", emails=("new@xinghe.com.cn",)))
    assert result.differing == (CardDifference("name", "Zhang Wei", "张伟"),
                                CardDifference("email", "old@xinghe.com.cn",
                                               "new@xinghe.com.cn"))
    assert result.card.email == "old@xinghe.com.cn"
    assert "new@xinghe.com.cn" in result.card.notes
