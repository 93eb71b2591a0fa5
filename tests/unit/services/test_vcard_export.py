"""Client cards as vCard 3.0 (desktop_crm.services.vcard_export): written from a
real SQLite file and parsed back with vobject."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import vobject

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import ClientKind, PhoneKind
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.services.files import ExportError
from desktop_crm.services.vcard_export import LUNAR_BIRTHDAY, export_vcf
from desktop_crm.storage.database import Database
from tests.conftest import NewDatabases


def parse(path: Path) -> dict[str, Any]:
    """FN -> vCard component."""
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # strict: the file is UTF-8
    return {card.fn.value: card for card in vobject.readComponents(text)}


@pytest.fixture
def service(db: Database) -> ClientService:
    return ClientService(db, user="test")


def test_a_person_round_trips(db: Database, service: ClientService, tmp_path: Path) -> None:
    client_id = service.save(ClientCard(
        name="欧阳晓明", company="北京宏图科技有限公司", title="总经理",
        phones=[Phone("+86 138 0013 8000", PhoneKind.MOBILE),
                Phone("010-6500 1234", PhoneKind.OFFICE), Phone("010-6500 9999", PhoneKind.FAX)],
        email="xm@hongtu.cn", wechat="ouyang_xm", address="北京市朝阳区建国路1号, 5层",
        home_address="北京市海淀区", tags=["VIP", "老客户"], notes="喜欢喝茶；\n周末勿扰",
        birthday=DateSpec.solar(3, 22, 1985)))
    out = tmp_path / "contacts.vcf"
    assert export_vcf(db, out) == 1
    assert out.read_bytes().startswith(b"BEGIN:VCARD\r\nVERSION:3.0\r\n")
    card = parse(out)["欧阳晓明"]
    assert card.version.value == "3.0"
    assert (card.n.value.family, card.n.value.given) == ("欧阳", "晓明")
    assert card.org.value == ["北京宏图科技有限公司"]
    assert card.title.value == "总经理"
    phones = {t.value: t.type_paramlist for t in card.tel_list}
    assert phones["+86 138 0013 8000"] == ["CELL", "VOICE", "PREF"]
    assert "WORK" in phones["010-6500 1234"] and "FAX" in phones["010-6500 9999"]
    assert card.email.value == "xm@hongtu.cn"
    adrs = {a.type_param: a.value.street for a in card.adr_list}
    assert adrs == {"WORK": "北京市朝阳区建国路1号, 5层", "HOME": "北京市海淀区"}
    assert card.bday.value == "1985-03-22"
    assert card.categories.value == ["VIP", "老客户"]
    assert card.note.value == "喜欢喝茶；\n周末勿扰"
    assert card.x_wechat.value == "ouyang_xm"
    assert card.uid.value == f"urn:uuid:{service.get(client_id).uuid}"


def test_an_organisation_and_birthdays_without_year_or_lunar(
        db: Database, service: ClientService, tmp_path: Path) -> None:
    service.save(ClientCard(name="宏图集团", kind=ClientKind.ORGANISATION,
                            founded_on=date(2001, 1, 1)))
    service.save(ClientCard(name="李娜", birthday=DateSpec.solar(2, 29)))
    service.save(ClientCard(name="王芳", birthday=DateSpec.lunar(5, 8, leap=True, year=1990)))
    out = tmp_path / "contacts.vcf"
    assert export_vcf(db, out) == 3
    cards = parse(out)
    org = cards["宏图集团"]
    assert org.org.value == ["宏图集团"] and org.x_abshowas.value == "COMPANY"
    assert cards["李娜"].bday.value == "--02-29"
    wang = cards["王芳"]
    assert wang.bday.value == "1990-06-30"  # the Gregorian date of birth
    assert wang.note.value == "Birthday: Lunar leap 5/8 (1990)"
    lunar = wang.contents[LUNAR_BIRTHDAY.lower()][0]
    assert lunar.value == "1990-05-08" and lunar.params["LEAP"] == ["TRUE"]


def test_only_given_ids_and_never_the_trash(db: Database, service: ClientService,
                                            tmp_path: Path) -> None:
    a = service.save(ClientCard(name="甲"))
    b = service.save(ClientCard(name="乙"))
    c = service.save(ClientCard(name="丙"))
    service.delete(c)
    out = tmp_path / "all.vcf"
    assert export_vcf(db, out) == 2
    assert set(parse(out)) == {"甲", "乙"}
    assert export_vcf(db, out, client_ids=[b, c]) == 1
    assert set(parse(out)) == {"乙"}
    assert a


def test_long_lines_fold_without_breaking_utf8(db: Database, service: ClientService,
                                               tmp_path: Path) -> None:
    notes = "长" * 200
    service.save(ClientCard(name="张伟", notes=notes))
    out = tmp_path / "c.vcf"
    export_vcf(db, out)
    assert all(len(line) <= 75 for line in out.read_bytes().split(b"\r\n"))
    assert parse(out)["张伟"].note.value == notes


def test_a_bad_path(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="Cannot write"):
        export_vcf(db, tmp_path / "no" / "such.vcf")


def test_wechat_and_lunar_birthdays_come_back_through_import(
        db: Database, service: ClientService, tmp_path: Path, new_db: NewDatabases) -> None:
    from desktop_crm.services.importing import ImportService

    service.save(ClientCard(name="王芳", wechat="wangfang88", phones=[Phone("13800138000")],
                            birthday=DateSpec.lunar(5, 8, leap=True, year=1990)))
    service.save(ClientCard(name="李娜", phones=[Phone("13900139000")],
                            birthday=DateSpec.lunar(8, 15)))
    out = tmp_path / "contacts.vcf"
    export_vcf(db, out)
    target = new_db.open("empty.db")
    try:
        importer = ImportService(target, backup_first=False)
        importer.commit(importer.open(out), None, "keep")
        back = {c.name: c for c in (ClientService(target).get(i) for i in
                                    ClientService(target).list_ids(ClientFilter()))}
    finally:
        target.close()
    assert back["王芳"].wechat == "wangfang88"
    assert back["王芳"].birthday == DateSpec.lunar(5, 8, leap=True, year=1990)
    assert back["李娜"].birthday == DateSpec.lunar(8, 15)
