"""One mapping between cards and rows: a card saved one by one or in bulk reads
back the same, whether loaded alone or in an export page."""

from __future__ import annotations

from datetime import date, datetime

from desktop_crm.domain.client import ClientCard, FamilyMember, ImportantDate, Phone
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import DateKind, Gender, Loyalty, PhoneKind, Stage
from desktop_crm.storage import client_repo, export_repo, import_repo
from desktop_crm.storage.database import Database

NOW = datetime(2026, 12, 5, 9, 0)


def _card() -> ClientCard:
    return ClientCard(
        name=" 曾国方 ", gender=Gender.MALE, title="经理", company="重庆长安汽车 ",
        email="zeng@example.com", wechat="wx_zeng", address="解放路 7 号", industry="汽车",
        owner="王磊", notes="喜欢喝茶", founded_on=date(2001, 3, 4),
        relationship_since=date(2020, 1, 2), stage=Stage.ACTIVE, loyalty=Loyalty.CORE,
        phones=[Phone(" 138 0013 8000 "), Phone("  "), Phone("027-8765 4321", PhoneKind.OFFICE)],
        tags=["VIP", " 老客户", "VIP", ""],
        birthday=DateSpec.lunar(8, 15, year=1980), birthday_remind_days=5,
        dates=[ImportantDate(DateKind.WEDDING_ANNIVERSARY, DateSpec.solar(5, 20, 2010), "婚礼", 3)],
        family=[FamilyMember("女儿", "曾小雨", DateSpec.solar(6, 1, 2012), "学钢琴", 7)],
        profile={3: "北京大学", 12: "不喝酒"}, profile_private={12},
        profile_filled_by="王磊",
    )


def _comparable(card: ClientCard) -> ClientCard:
    card.id = None
    card.created_at = card.updated_at = None
    return card


def test_saved_loaded_and_exported_cards_are_the_same(db: Database) -> None:
    with db.session() as s:
        saved = client_repo.save_card(s, _card(), NOW)
        plain = _card()  # what an import fills: no dates but the birthday, family, profile
        plain.dates, plain.family, plain.profile, plain.profile_private = [], [], {}, set()
        bulk = import_repo.insert_cards(s, [plain], NOW)[0]
    with db.read() as s:
        loaded = client_repo.load_card(s, saved)
        exported = export_repo.clients(s, [saved, bulk])
        bulk_loaded = client_repo.load_card(s, bulk)
    assert loaded is not None and bulk_loaded is not None
    assert loaded.name == "曾国方" and loaded.company == "重庆长安汽车"
    assert [p.number for p in loaded.phones] == ["138 0013 8000", "027-8765 4321"]
    assert loaded.tags == ["VIP", "老客户"]
    assert loaded.birthday == DateSpec.lunar(8, 15, year=1980)
    assert loaded.profile == {3: "北京大学", 12: "不喝酒"} and loaded.profile_private == {12}
    assert exported[0].card == loaded and exported[1].card == bulk_loaded
    # the bulk insert stores what one save stores (but for the parts it leaves out)
    one = _comparable(loaded)
    one.dates, one.family, one.profile, one.profile_private = [], [], {}, set()
    one.uuid = one.birthday_uuid = ""
    two = _comparable(bulk_loaded)
    two.uuid = two.birthday_uuid = ""
    assert two == one
