"""Importing contact people and attaching them to existing organisations
(services.importing.contacts) on both engines: the workbook's own Contacts
sheet round-trips; a plain sheet matches organisations by name; rows that
match no organisation (or several, or an individual) are clear problems in
the plan, and nothing is written while any row has errors."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.contact import ContactPerson, PurchaseRole
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import ClientKind
from desktop_crm.services.clients import ClientService
from desktop_crm.services.contacts import ContactService
from desktop_crm.services.exporting import export_xlsx
from desktop_crm.services.importing import ImportFileError, ImportRowError
from desktop_crm.services.importing.contacts import ContactImportService
from desktop_crm.storage.database import Database


def clock() -> datetime:
    return datetime(2026, 11, 24, 9, 30)


@pytest.fixture
def orgs(db: Database) -> dict[str, int]:
    clients = ClientService(db, clock, user="王磊")
    return {"远航": clients.save(ClientCard(name="远航贸易", kind=ClientKind.ORGANISATION,
                                          company="上海远航贸易有限公司")),
            "华为": clients.save(ClientCard(name="华为", kind=ClientKind.ORGANISATION)),
            "张伟": clients.save(ClientCard(name="张伟"))}


def write_csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_workbooks_contacts_sheet_round_trips(db: Database, tmp_path: Path,
                                                 orgs: dict[str, int], lang: str) -> None:
    contacts = ContactService(db, clock)
    contacts.save(ContactPerson(orgs["远航"], "周远", "采购经理", PurchaseRole.BUYER,
                                ["139 0013 9000", "021-64881235"], "zy@example.cn", "zy_wx",
                                DateSpec.lunar(8, 15), "每周三在"))
    contacts.save(ContactPerson(orgs["华为"], "吴强", role=PurchaseRole.DECISION_MAKER,
                                birthday=DateSpec.solar(3, 8, 1980)))
    before = {p.uuid: p for i in orgs.values() for p in contacts.people_of(i)}
    path = tmp_path / "book.xlsx"
    export_xlsx(db, path, lang=lang, clock=clock)
    for person in before.values():
        assert person.id is not None
        contacts.remove(person.id)
    service = ContactImportService(db, clock, user="王磊", backup_first=False)
    source = service.open(path)
    assert source.table.sheet in ("Contacts", "联系人")
    plan = service.plan(source)
    assert plan.counts == {"rows": 2, "created": 2, "skipped": 0, "invalid": 0}
    assert plan.problems == []
    service.commit(source)
    after = {p.uuid: p for i in orgs.values() for p in contacts.people_of(i)}
    assert after.keys() == before.keys()
    for uuid, person in before.items():
        assert after[uuid] == ContactPerson(**{**person.__dict__, "id": after[uuid].id})
    history = ClientService(db).history(orgs["远航"])
    assert history[0].field == "contacts" and history[0].user == "王磊"
    # imported again: everyone is there already
    again = service.plan(service.open(path))
    assert again.counts == {"rows": 2, "created": 0, "skipped": 2, "invalid": 0}


def test_rows_match_organisations_by_name_and_problems_are_named(
        db: Database, tmp_path: Path, orgs: dict[str, int]) -> None:
    path = write_csv(tmp_path, "公司,联系人,职务,角色,手机,生日\n"
                               "远航贸易,周远,采购经理,采购者,13900139000,1986-09-22\n"
                               "上海远航贸易有限公司,李丽,,决策者,,\n"
                               "不存在公司,王五,,,,\n"
                               "张伟,赵六,,,,\n"
                               "华为,吴强,,老板,12345,\n"
                               "远航贸易,周远,,,,\n")
    service = ContactImportService(db, clock, backup_first=False)
    source = service.open(path)
    plan = service.plan(source)
    assert plan.counts == {"rows": 6, "created": 2, "skipped": 1, "invalid": 3}
    errors = [(p.row, p.column, p.message) for p in plan.errors]
    assert errors[0] == (4, "公司", "No organisation is named 不存在公司: add its card first, "
                                    "or give its UUID")
    assert errors[1][:2] == (5, "公司")  # 张伟 is an individual, not an organisation
    assert {(r, c) for r, c, _m in errors[2:]} == {(6, "角色"), (6, "手机")}
    assert "skipped" in plan.warnings[0].message and plan.warnings[0].row == 7
    with pytest.raises(ImportRowError) as caught:
        service.commit(source)
    assert "row 4" in str(caught.value) and "不存在公司" in str(caught.value)
    contacts = ContactService(db)
    assert contacts.people_of(orgs["远航"]) == []
    result = service.commit(source, skip_invalid=True)
    assert result.counts["created"] == 2
    people = contacts.people_of(orgs["远航"])
    assert [(p.name, p.role, p.phones, p.birthday) for p in people] == [
        ("周远", PurchaseRole.BUYER, ["13900139000"], DateSpec.solar(9, 22, 1986)),
        ("李丽", PurchaseRole.DECISION_MAKER, [], None)]


def test_uuid_names_the_organisation_and_must_be_one(
        db: Database, tmp_path: Path, orgs: dict[str, int]) -> None:
    clients = ClientService(db, clock)
    huawei, person = clients.get(orgs["华为"]).uuid, clients.get(orgs["张伟"]).uuid
    path = write_csv(tmp_path, "Client UUID,Name\n"
                               f"{huawei},Wu Qiang\n{person},Zhao Liu\n"
                               "00000000-0000-4000-8000-000000000999,Nobody\nnot-a-uuid,X\n")
    service = ContactImportService(db, clock, backup_first=False)
    plan = service.plan(service.open(path))
    assert [r.action for r in plan.rows] == ["create", "invalid", "invalid", "invalid"]
    assert [p.message for p in plan.errors] == [
        "张伟 is an individual client, not an organisation", "No client has this UUID",
        "Not a UUID"]
    clients.delete(orgs["华为"])
    plan = service.plan(service.open(path))
    assert plan.errors[0].message.startswith("The organisation is in the trash")


def test_a_sheet_without_organisation_or_name_is_refused(db: Database, tmp_path: Path,
                                                        orgs: dict[str, int]) -> None:
    service = ContactImportService(db, clock, backup_first=False)
    source = service.open(write_csv(tmp_path, "联系人,手机\n周远,13900139000\n"))
    with pytest.raises(ImportFileError) as caught:
        service.plan(source)
    assert "organisation (name or UUID)" in str(caught.value)
