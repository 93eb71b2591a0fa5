"""The workbook's Contacts sheet on both engines: every contact person of the
exported organisations, with the organisation's name and UUID, in the
chosen language; a filtered export holds only its organisations' people."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.contact import ContactPerson, PurchaseRole
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import ClientKind
from desktop_crm.services.clients import ClientService
from desktop_crm.services.contacts import ContactService
from desktop_crm.services.exporting import export_xlsx
from desktop_crm.storage.database import Database


def clock() -> datetime:
    return datetime(2026, 11, 24, 9, 30)


@pytest.fixture
def book(db: Database) -> dict[str, int]:
    clients = ClientService(db, clock, user="王磊")
    contacts = ContactService(db, clock)
    ids = {"远航": clients.save(ClientCard(name="远航贸易", kind=ClientKind.ORGANISATION)),
           "华为": clients.save(ClientCard(name="华为", kind=ClientKind.ORGANISATION)),
           "张伟": clients.save(ClientCard(name="张伟"))}
    contacts.save(ContactPerson(ids["远航"], "周远", "采购经理", PurchaseRole.BUYER,
                                ["139 0013 9000", "021-64881235"], "zy@example.cn", "zy_wx",
                                DateSpec.lunar(8, 15), "=每周三在"))
    contacts.save(ContactPerson(ids["华为"], "吴强", role=PurchaseRole.DECISION_MAKER))
    contacts.save(ContactPerson(ids["远航"], "李丽"))
    return ids


def rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    wb = load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def test_the_contacts_sheet_in_english(db: Database, tmp_path: Path,
                                       book: dict[str, int]) -> None:
    path = tmp_path / "book.xlsx"
    result = export_xlsx(db, path, lang="en", clock=clock)
    assert result.rows["Contacts"] == 3
    got = rows(path, "Contacts")
    assert got[0] == ("Client ID", "Organisation", "Name", "Title", "Role in the purchase",
                      "Phones", "E-mail", "WeChat", "Birthday", "Notes", "UUID", "Client UUID")
    org_uuid = ClientService(db).get(book["华为"]).uuid
    people = ContactService(db).people_of(book["远航"])
    # organisations by name (华为 before 远航贸易), people in the order added
    assert [r[:10] for r in got[1:]] == [
        (book["华为"], "华为", "吴强", None, "Decision maker", None, None, None, None, None),
        (book["远航"], "远航贸易", "周远", "采购经理", "Purchaser",
         "139 0013 9000, 021-64881235", "zy@example.cn", "zy_wx", "Lunar 8/15", "=每周三在"),
        (book["远航"], "远航贸易", "李丽", None, "Other role", None, None, None, None, None)]
    assert got[1][11] == org_uuid and got[2][10] == people[0].uuid


def test_chinese_and_filtered(db: Database, tmp_path: Path, book: dict[str, int]) -> None:
    path = tmp_path / "book.xlsx"
    export_xlsx(db, path, lang="zh", clock=clock, client_ids=[book["远航"], book["张伟"]])
    got = rows(path, "联系人")
    assert got[0][:5] == ("客户编号", "单位", "姓名", "职务", "采购角色")
    assert [(r[1], r[2], r[4], r[8]) for r in got[1:]] == [
        ("远航贸易", "周远", "采购者", "农历八月十五"), ("远航贸易", "李丽", "其他角色", None)]
