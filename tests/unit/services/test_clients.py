"""Tests for the client-card use cases (desktop_crm.services.clients) on real
databases (a SQLite file and a PostgreSQL server)."""

from __future__ import annotations

import contextlib
import copy
from dataclasses import fields
from datetime import date, datetime

import pytest
from sqlalchemy import text

from desktop_crm.domain.client import (
    CARD_FIELDS,
    ClientCard,
    FamilyMember,
    ImportantDate,
    Interaction,
    Phone,
)
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import (
    Channel,
    ClientKind,
    DateKind,
    Gender,
    Loyalty,
    Milestone,
    Nature,
    PhoneKind,
    Stage,
    Tenure,
    VolumeTier,
)
from desktop_crm.domain.validation import ValidationError
from desktop_crm.services.clients import ClientFilter, ClientService, NotFoundError
from desktop_crm.storage import client_repo
from desktop_crm.storage.database import Database

NOW = datetime(2026, 11, 24, 9, 0)
TABLES = ("clients", "client_phones", "tags", "client_tags", "family_members",
          "important_dates", "profile_answers", "interactions", "change_log", "client_fts")


@pytest.fixture
def service(db: Database) -> ClientService:
    return ClientService(db, clock=lambda: NOW, user="tester")


def _row_counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def full_card() -> ClientCard:
    return ClientCard(
        name="曾国方", kind=ClientKind.ORGANISATION, gender=Gender.MALE, title="总经理",
        company="华为技术有限公司",
        phones=[Phone("138 0013 8000"), Phone("010-65529988", PhoneKind.OFFICE),
                Phone("+1 415 555 2671", PhoneKind.OTHER)],
        email="zeng@example.com", wechat="zgf_wx", address="深圳市龙岗区坂田",
        home_address="深圳市南山区", industry="通信", source="展会", tags=["vip", "老客户"],
        owner="李娜", notes="喜欢喝茶",
        legal_representative="任正非", founded_on=date(1987, 9, 15), scale="大型",
        assets="很多", org_form="民营企业", relationship_since=date(2015, 3, 1),
        nature=Nature.ENTERPRISE, stage=Stage.ACTIVE, tenure=Tenure.OLD,
        volume_tier=VolumeTier.KEY, loyalty=Loyalty.CORE,
        birthday=DateSpec.lunar(8, 15, year=1975), birthday_remind_days=7,
        dates=[ImportantDate(DateKind.WEDDING_ANNIVERSARY, DateSpec.solar(5, 20, year=2000)),
               ImportantDate(DateKind.CUSTOM, DateSpec.lunar(6, 10, leap=True), "入职纪念",
                             remind_days=0)],
        family=[FamilyMember("妻子", "王芳", DateSpec.solar(2, 29), "爱好瑜伽", remind_days=14),
                FamilyMember("儿子", "", None)],
        profile={1: "曾国方", 12: "清华大学", 40: "高血压"}, profile_private={40, 41},
        profile_filled_by="李娜",
    )


# -- save and load ----------------------------------------------------------------

def test_full_card_round_trips(service: ClientService) -> None:
    card = full_card()
    client_id = service.save(copy.deepcopy(card))
    loaded = service.get(client_id)
    for name in CARD_FIELDS:
        if name == "profile_private":
            continue
        assert getattr(loaded, name) == getattr(card, name), name
    # a private mark without an answer is kept
    assert loaded.profile_private == {40, 41}
    assert loaded.id == client_id
    assert loaded.created_at == NOW and loaded.updated_at == NOW
    assert loaded.deleted_at is None
    assert {f.name for f in fields(ClientCard)} - set(CARD_FIELDS) == {
        "id", "uuid", "birthday_uuid", "grade", "created_at", "updated_at", "deleted_at",
        "version"}
    assert loaded.version == 1
    assert loaded.grade is None  # read-only: set by evaluations, never by saving a card


def test_identities_never_change_on_save_trash_and_restore(service: ClientService) -> None:
    """A card's UUID and those of its dates and family members are given on
    the first save and kept by every later save, by the trash and by restore;
    a UUID the card brings (an import's) is kept, a changed one is not taken."""
    brought = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
    client_id = service.save(_with_uuid(brought))
    first = service.get(client_id)
    assert first.uuid == brought
    ids = [first.uuid, first.birthday_uuid, *(d.uuid for d in first.dates),
           *(m.uuid for m in first.family)]
    assert all(ids) and len(set(ids)) == len(ids)
    first.name, first.uuid = "改名", "11111111-2222-4333-8444-555555555555"
    service.save(first)
    service.delete(client_id)
    service.restore(client_id)
    again = service.get(client_id)
    assert again.name == "改名"
    assert [again.uuid, again.birthday_uuid, *(d.uuid for d in again.dates),
            *(m.uuid for m in again.family)] == ids


def _with_uuid(uid: str) -> ClientCard:
    card = full_card()
    card.uuid = uid
    return card


def test_unknown_client(service: ClientService) -> None:
    with pytest.raises(NotFoundError):
        service.get(12345)


def test_new_card_is_recorded_as_created(service: ClientService) -> None:
    client_id = service.save(ClientCard(name="张伟"))
    [entry] = service.history(client_id)
    assert (entry.field, entry.old, entry.new, entry.user, entry.changed_at) == (
        "created", "", "张伟", "tester", NOW)


def test_edit_records_changes(db: Database) -> None:
    service = ClientService(db, clock=lambda: NOW, user="tester")
    client_id = service.save(full_card())
    later = datetime(2026, 11, 25, 10, 30)
    editor = ClientService(db, clock=lambda: later, user="boss")
    card = editor.get(client_id)
    card.company = "腾讯"
    card.loyalty = Loyalty.AT_RISK
    card.profile[12] = "北京大学"
    editor.save(card)
    entries = editor.history(client_id)
    newest = [(e.field, e.old, e.new, e.user) for e in entries if e.changed_at == later]
    assert sorted(newest) == sorted([
        ("company", "华为技术有限公司", "腾讯", "boss"),
        ("loyalty", "core", "at_risk", "boss"),
        ("profile.12", "清华大学", "北京大学", "boss"),
    ])
    assert entries[-1].field == "created"
    assert editor.get(client_id).updated_at == later


def test_unchanged_save_adds_no_history(service: ClientService, db: Database) -> None:
    client_id = service.save(full_card())
    before = _row_counts(db)
    assert service.save(service.get(client_id)) == client_id
    assert _row_counts(db) == before
    assert len(service.history(client_id)) == 1


def test_invalid_card_writes_nothing(service: ClientService, db: Database) -> None:
    service.save(full_card())
    before = _row_counts(db)
    bad = full_card()
    bad.phones.append(Phone("12345"))
    bad.email = "nope"
    with pytest.raises(ValidationError) as info:
        service.save(bad)
    assert [e.field for e in info.value.errors] == ["phones.3", "email"]
    assert _row_counts(db) == before


def test_invalid_edit_leaves_the_stored_card(service: ClientService, db: Database) -> None:
    client_id = service.save(full_card())
    before = _row_counts(db)
    card = service.get(client_id)
    card.name = ""
    card.company = "腾讯"
    with pytest.raises(ValidationError):
        service.save(card)
    assert service.get(client_id).company == "华为技术有限公司"
    assert _row_counts(db) == before


def test_future_dates_use_the_clock(service: ClientService) -> None:
    with pytest.raises(ValidationError):
        service.save(ClientCard(name="张伟", founded_on=date(2026, 11, 25)))
    assert service.save(ClientCard(name="张伟", founded_on=date(2026, 11, 24)))


# -- search -------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "zeng", "ceng", "zgf", "cgf", "曾", "曾国", "国方", "曾国方", "guofang", "ZENG",
    "8000", "138 0013", "13800138000", "138-0013-8000", "华为", "华", "vip", "老客户",
    "zeng@example.com", "2671",
])
def test_search_finds_a_client(service: ClientService, query: str) -> None:
    client_id = service.save(full_card())
    service.save(ClientCard(name="张伟", company="腾讯", phones=[Phone("13912345678")]))
    assert [r.id for r in service.search(query)] == [client_id]


def test_search_row_content(service: ClientService) -> None:
    client_id = service.save(full_card())
    [row] = service.search("zgf")
    assert (row.id, row.name, row.company, row.phone, row.owner, row.loyalty) == (
        client_id, "曾国方", "华为技术有限公司", "138 0013 8000", "李娜", Loyalty.CORE)
    assert row.tags == "vip, 老客户"


def test_search_follows_edits(service: ClientService) -> None:
    client_id = service.save(full_card())
    card = service.get(client_id)
    card.company = "腾讯"
    card.phones = [Phone("13912345678")]
    service.save(card)
    assert service.search("华为") == []
    assert service.search("8000") == []
    assert [r.id for r in service.search("腾讯")] == [client_id]
    assert [r.id for r in service.search("5678")] == [client_id]


def test_search_skips_deleted_clients(service: ClientService) -> None:
    client_id = service.save(full_card())
    service.delete(client_id)
    assert service.search("zgf") == []
    assert service.search("曾") == []
    assert service.list_ids(ClientFilter(text="zgf", trash=True)) == [client_id]


def test_search_punctuation_only_finds_nothing(service: ClientService) -> None:
    service.save(full_card())
    assert service.search("!!!") == []
    assert service.search("") != []


NAMES = ["张伟", "张伟明", "张伟", "李伟", "王芳", "张三", "王伟", "伟大", "张小伟", "赵敏",
         "刘伟强", "陈芳", "张明伟", "伟张", "孙伟", "周杰", "吴伟", "郑张伟", "冯芳", "张维",
         "张卫", "章伟", "王芳芳", "黄伟", "何伟明", "林芳", "张", "伟", "张 伟", "郭张"]


@pytest.fixture
def crowd(service: ClientService) -> dict[int, str]:
    return {service.save(ClientCard(name=name)): name for name in NAMES}


def test_two_character_chinese_query_is_exact(service: ClientService,
                                              crowd: dict[int, str]) -> None:
    found = sorted(crowd[i] for i in service.list_ids(ClientFilter(text="张伟")))
    # a space between the characters of a name does not hide it
    assert found == sorted(n for n in NAMES if "张伟" in n.replace(" ", ""))
    assert found == ["张 伟", "张伟", "张伟", "张伟明", "郑张伟"]


def test_one_character_chinese_query(service: ClientService, crowd: dict[int, str]) -> None:
    found = sorted(crowd[i] for i in service.list_ids(ClientFilter(text="伟")))
    assert found == sorted(n for n in NAMES if "伟" in n)
    found = sorted(crowd[i] for i in service.list_ids(ClientFilter(text="芳")))
    assert found == sorted(n for n in NAMES if "芳" in n)


def test_pinyin_initials_query(service: ClientService, crowd: dict[int, str]) -> None:
    found = sorted(crowd[i] for i in service.list_ids(ClientFilter(text="zw")))
    # 张伟, 张维, 张卫, 章伟 and longer names starting zw...
    assert {"张伟", "张维", "张卫", "章伟", "张伟明"} <= set(found)
    assert "李伟" not in found and "王芳" not in found


def test_search_limit(service: ClientService, crowd: dict[int, str]) -> None:
    assert len(service.search("伟", limit=3)) == 3


# -- filters and sorting ------------------------------------------------------------------

@pytest.fixture
def mixed(service: ClientService) -> dict[str, int]:
    cards = {
        "张伟": ClientCard(name="张伟", owner="李娜", tags=["vip"], loyalty=Loyalty.CORE),
        "安娜": ClientCard(name="安娜", owner="王强", tags=["vip", "新"], stage=Stage.POTENTIAL),
        "Zoe": ClientCard(name="Zoe", owner="李娜", loyalty=Loyalty.LOST),
        "华为": ClientCard(name="华为", kind=ClientKind.ORGANISATION, nature=Nature.ENTERPRISE,
                         owner="王强"),
        "曾国方": ClientCard(name="曾国方", tags=["新"], loyalty=Loyalty.CORE),
        "bob": ClientCard(name="bob"),
    }
    return {name: service.save(card) for name, card in cards.items()}


def _names(service: ClientService, flt: ClientFilter) -> list[str]:
    return [r.name for r in service.rows(service.list_ids(flt))]


def test_sort_by_name_follows_pinyin(service: ClientService, mixed: dict[str, int]) -> None:
    assert _names(service, ClientFilter()) == ["安娜", "bob", "华为", "曾国方", "张伟", "Zoe"]
    assert _names(service, ClientFilter(descending=True)) == [
        "Zoe", "张伟", "曾国方", "华为", "bob", "安娜"]


def test_filters(service: ClientService, mixed: dict[str, int]) -> None:
    assert _names(service, ClientFilter(kind="organisation")) == ["华为"]
    assert set(_names(service, ClientFilter(kind="person"))) == set(mixed) - {"华为"}
    assert _names(service, ClientFilter(classification=("loyalty", "core"))) == ["曾国方",
                                                                                  "张伟"]
    assert _names(service, ClientFilter(classification=("nature", "enterprise"))) == ["华为"]
    assert _names(service, ClientFilter(classification=("stage", "potential"))) == ["安娜"]
    assert _names(service, ClientFilter(tag="vip")) == ["安娜", "张伟"]
    assert _names(service, ClientFilter(tag="新")) == ["安娜", "曾国方"]
    assert _names(service, ClientFilter(tag="nope")) == []
    assert _names(service, ClientFilter(owner="李娜")) == ["张伟", "Zoe"]
    assert _names(service, ClientFilter(owner="李娜", classification=("loyalty", "core"))) == [
        "张伟"]
    assert _names(service, ClientFilter(text="z", owner="李娜", sort="name")) == ["张伟", "Zoe"]


def test_unknown_classification_is_refused(service: ClientService) -> None:
    with pytest.raises(ValueError, match="name"):
        service.list_ids(ClientFilter(classification=("name", "x")))


def test_other_sort_columns(service: ClientService, mixed: dict[str, int]) -> None:
    by_id = service.list_ids(ClientFilter(sort="id"))
    assert by_id == sorted(mixed.values())
    assert service.list_ids(ClientFilter(sort="id", descending=True)) == by_id[::-1]
    owners = [r.owner for r in service.rows(service.list_ids(ClientFilter(sort="owner")))]
    assert owners == sorted(owners)


def test_owners_and_tags(service: ClientService, mixed: dict[str, int]) -> None:
    assert service.owners() == sorted(["李娜", "王强"])
    assert set(service.tags()) == {"vip", "新"}


def test_rows_keep_the_order_given(service: ClientService, mixed: dict[str, int]) -> None:
    ids = [mixed["Zoe"], mixed["安娜"], 99999, mixed["张伟"]]
    assert [r.name for r in service.rows(ids)] == ["Zoe", "安娜", "张伟"]
    assert service.rows([]) == []


def test_count_agrees_with_list_ids(db: Database, service: ClientService,
                                    mixed: dict[str, int]) -> None:
    for flt in (ClientFilter(), ClientFilter(text="z"), ClientFilter(tag="vip"),
                ClientFilter(text="!!!")):
        with db.read() as s:
            assert client_repo.count(s, flt) == len(client_repo.list_ids(s, flt)), flt


# -- trash -----------------------------------------------------------------------------

def _interaction(client_id: int, **kw: object) -> Interaction:
    values: dict[str, object] = {"client_id": client_id, "occurred_at": datetime(2026, 11, 20, 15),
                                 "channel": Channel.VISIT, "summary": "拜访，谈了新合同"}
    values.update(kw)
    return Interaction(**values)  # type: ignore[arg-type]


def test_delete_moves_to_trash_and_restore_brings_everything_back(
        service: ClientService, db: Database) -> None:
    client_id = service.save(full_card())
    service.log_interaction(_interaction(client_id))
    before = service.get(client_id)
    counts = _row_counts(db)

    service.delete(client_id)
    assert service.list_ids(ClientFilter()) == []
    assert service.list_ids(ClientFilter(trash=True)) == [client_id]
    assert service.get(client_id).deleted_at == NOW
    assert service.counts() == {"clients": 0, "trash": 1, "interactions": 0}

    service.restore(client_id)
    assert service.list_ids(ClientFilter()) == [client_id]
    assert service.list_ids(ClientFilter(trash=True)) == []
    after = service.get(client_id)
    for name in CARD_FIELDS:
        assert getattr(after, name) == getattr(before, name), name
    assert after.deleted_at is None
    assert len(service.interactions(client_id)) == 1
    assert [r.id for r in service.search("zgf")] == [client_id]
    assert _row_counts(db)["change_log"] == counts["change_log"] + 2


def test_a_deleted_card_cannot_be_edited(service: ClientService) -> None:
    client_id = service.save(ClientCard(name="张伟"))
    service.delete(client_id)
    card = service.get(client_id)
    card.company = "腾讯"
    with pytest.raises(ValidationError):
        service.save(card)


def test_purge_only_from_trash(service: ClientService, db: Database) -> None:
    client_id = service.save(full_card())
    service.log_interaction(_interaction(client_id))
    with pytest.raises(ValueError):
        service.purge(client_id)
    assert service.get(client_id).name == "曾国方"
    service.delete(client_id)
    service.purge(client_id)
    with pytest.raises(NotFoundError):
        service.get(client_id)
    counts = _row_counts(db)
    assert {t: n for t, n in counts.items() if t != "tags"} == dict.fromkeys(
        (t for t in TABLES if t != "tags"), 0)
    with pytest.raises(NotFoundError):
        service.purge(client_id)


def test_missing_clients(service: ClientService) -> None:
    for action in (service.delete, service.restore, service.purge):
        with pytest.raises(NotFoundError):
            action(4242)
    with pytest.raises(NotFoundError):
        service.save(ClientCard(name="张伟", id=4242))


def test_restore_of_a_live_client_changes_nothing(service: ClientService) -> None:
    client_id = service.save(ClientCard(name="张伟"))
    with contextlib.suppress(NotFoundError, ValueError):
        service.restore(client_id)
    assert [e.field for e in service.history(client_id)] == ["created"]


def test_history_lists_created_deleted_restored(db: Database) -> None:
    times = iter([datetime(2026, 11, 24, 9), datetime(2026, 11, 24, 10),
                  datetime(2026, 11, 24, 11)])
    service = ClientService(db, clock=lambda: next(times), user="tester")
    client_id = service.save(ClientCard(name="张伟"))
    service.delete(client_id)
    service.restore(client_id)
    entries = service.history(client_id)
    assert [e.field for e in entries] == ["restored", "deleted", "created"]
    assert [e.changed_at.hour for e in entries] == [11, 10, 9]
    assert {e.user for e in entries} == {"tester"}


# -- interactions --------------------------------------------------------------------------

def test_log_interaction_updates_last_contact(service: ClientService) -> None:
    client_id = service.save(ClientCard(name="张伟"))
    assert service.rows([client_id])[0].last_contact is None
    first = service.log_interaction(_interaction(client_id, follow_up_on=date(2026, 11, 27),
                                                 next_step="送报价"))
    service.log_interaction(_interaction(client_id, occurred_at=datetime(2026, 10, 1, 9),
                                         channel=Channel.CALL, summary="电话问候",
                                         milestone=Milestone.DEAL))
    assert service.rows([client_id])[0].last_contact == datetime(2026, 11, 20, 15)
    items = service.interactions(client_id)
    assert [i.summary for i in items] == ["拜访，谈了新合同", "电话问候"]
    assert items[0].id == first
    assert [i.milestone for i in items] == [None, Milestone.DEAL]
    assert (items[0].channel, items[0].next_step, items[0].follow_up_on) == (
        Channel.VISIT, "送报价", date(2026, 11, 27))
    service.delete_interaction(first)
    assert service.rows([client_id])[0].last_contact == datetime(2026, 10, 1, 9)
    assert service.counts()["interactions"] == 1


def test_interaction_needs_a_summary(service: ClientService, db: Database) -> None:
    client_id = service.save(ClientCard(name="张伟"))
    before = _row_counts(db)
    with pytest.raises(ValidationError) as info:
        service.log_interaction(_interaction(client_id, summary="  "))
    assert [e.field for e in info.value.errors] == ["summary"]
    assert _row_counts(db) == before


def test_follow_up_cannot_be_before_the_interaction(service: ClientService) -> None:
    client_id = service.save(ClientCard(name="张伟"))
    with pytest.raises(ValidationError) as info:
        service.log_interaction(_interaction(client_id, follow_up_on=date(2026, 11, 19)))
    assert [e.field for e in info.value.errors] == ["follow_up_on"]
    # the same day is fine
    service.log_interaction(_interaction(client_id, follow_up_on=date(2026, 11, 20)))
    assert len(service.interactions(client_id)) == 1


def test_interaction_refuses_a_deleted_or_missing_client(service: ClientService) -> None:
    client_id = service.save(ClientCard(name="张伟"))
    service.delete(client_id)
    with pytest.raises(NotFoundError):
        service.log_interaction(_interaction(client_id))
    with pytest.raises(NotFoundError):
        service.log_interaction(_interaction(4242))
    assert service.interactions(client_id) == []


def test_changing_only_a_reminder_is_saved_and_recorded(service: ClientService) -> None:
    client_id = service.save(ClientCard(name="王芳", birthday=DateSpec.solar(3, 8)))
    card = service.get(client_id)
    card.birthday_remind_days = 10
    service.save(card)
    assert service.get(client_id).birthday_remind_days == 10
    assert service.history(client_id)[0].field == "birthday_remind_days"


def test_reminders_out_of_range_are_refused(service: ClientService) -> None:
    card = ClientCard(name="王芳", dates=[ImportantDate(DateKind.CUSTOM, DateSpec.solar(3, 8),
                                                       remind_days=61)])
    with pytest.raises(ValidationError) as info:
        service.save(card)
    assert info.value.errors[0].field == "dates.0"


def test_nul_characters_are_dropped_from_cards_and_interactions(service: ClientService) -> None:
    """A NUL is never text (PostgreSQL cannot even store one): dropped on both engines."""
    card = ClientCard(name="张\x00伟", tags=["vip\x00", "vip"], phones=[Phone("13800138000")],
                      notes="a\x00b", family=[FamilyMember("妻子", "王\x00芳", None, "x\x00y")],
                      profile={12: "清\x00华"})
    client_id = service.save(card)
    service.log_interaction(Interaction(client_id, NOW, Channel.CALL, "电\x00话", "回\x00访"))
    loaded = service.get(client_id)
    assert (loaded.name, loaded.tags, loaded.phones[0].number, loaded.notes) == (
        "张伟", ["vip"], "13800138000", "ab")
    assert (loaded.family[0].name, loaded.family[0].notes, loaded.profile) == (
        "王芳", "xy", {12: "清华"})
    [item] = service.interactions(client_id)
    assert (item.summary, item.next_step) == ("电话", "回访")
