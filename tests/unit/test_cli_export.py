"""`desktop-crm export xlsx|vcf` (README, command line), run in-process."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import vobject
from openpyxl import load_workbook

from desktop_crm.cli import main
from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.profile import questions
from desktop_crm.i18n import translate
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database
from tests.conftest import one_line
from tests.unit.book import book_rows

CONFIDENTIAL = next(q.number for q in questions() if q.confidential)



@pytest.fixture
def seeded(db_target: str) -> str:
    """A small book, on SQLite and on PostgreSQL (``db_target``)."""
    db = Database.open(db_target)
    try:
        service = ClientService(db, clock=lambda: datetime(2026, 11, 24, 9), user="tester")
        service.save(ClientCard(name="曾国方", phones=[Phone("138 0013 8000")],
                                profile={1: "老曾", CONFIDENTIAL: "秘密"}))
        service.save(ClientCard(name="=1+1"))
        gone = service.save(ClientCard(name="曾小贤"))
        service.delete(gone)
    finally:
        db.close()
    return db_target


def test_export_xlsx(seeded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "book.xlsx"
    before = book_rows(seeded)
    assert main(["export", "xlsx", str(out), "--db", str(seeded), "--lang", "en"]) == 0
    assert one_line(capsys.readouterr().out) == f"Wrote 2 clients to {out}"
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["Summary", "Clients"]
    values = [v for row in wb["Mackay 66"].iter_rows(values_only=True) for v in row]
    assert "老曾" in values and "秘密" not in values
    assert book_rows(seeded) == before  # reading only


def test_export_xlsx_in_chinese_with_confidential(seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    assert main(["export", "xlsx", str(out), "--db", str(seeded), "--lang", "zh",
                 "--include-confidential"]) == 0
    wb = load_workbook(out)
    assert wb.sheetnames[1] == translate("Clients", "zh")
    values = [v for row in wb[translate("Mackay 66", "zh")].iter_rows(values_only=True)
              for v in row]
    assert "秘密" in values


def test_export_xlsx_lang_after_the_format(seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    assert main(["--lang", "zh", "export", "xlsx", str(out), "--db", str(seeded)]) == 0
    assert load_workbook(out).sheetnames[1] == translate("Clients", "zh")


@pytest.mark.parametrize("fmt", ["xlsx", "vcf"])
@pytest.mark.parametrize("target", ["no/such/folder/out", "."])
def test_export_to_a_bad_path_exits_2(seeded: str, tmp_path: Path, fmt: str, target: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(tmp_path.iterdir())
    out = tmp_path / (f"{target}.{fmt}" if target != "." else target)
    assert main(["export", fmt, str(out), "--db", str(seeded)]) == 2
    captured = capsys.readouterr()
    assert str(out) in one_line(captured.err)
    assert "Traceback" not in captured.err and captured.out == ""
    assert sorted(tmp_path.iterdir()) == before


@pytest.mark.parametrize("fmt", ["xlsx", "vcf"])
def test_export_refuses_a_missing_database(tmp_path: Path, fmt: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.db"
    assert main(["export", fmt, str(tmp_path / f"out.{fmt}"), "--db", str(missing)]) == 2
    assert str(missing) in one_line(capsys.readouterr().err)
    assert not missing.exists() and not (tmp_path / f"out.{fmt}").exists()


def test_export_xlsx_bad_language_exits_2(seeded: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["export", "xlsx", str(tmp_path / "b.xlsx"), "--db", str(seeded), "--lang", "fr"])
    assert info.value.code == 2
    assert "invalid choice" in one_line(capsys.readouterr().err)
    assert not (tmp_path / "b.xlsx").exists()


def test_export_vcf(seeded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "contacts.vcf"
    assert main(["export", "vcf", str(out), "--db", str(seeded)]) == 0
    assert one_line(capsys.readouterr().out) == f"Wrote 2 contacts to {out}"
    cards = {c.fn.value: c for c in vobject.readComponents(out.read_text(encoding="utf-8"))}
    assert set(cards) == {"曾国方", "=1+1"}
    assert cards["曾国方"].tel.value == "138 0013 8000"
    assert not any("秘密" in c.serialize() for c in cards.values())


def test_vcf_round_trips_through_import(tmp_path: Path, db_target: str) -> None:
    """Export a person's card as vCard, import the file into a new database: the
    fields a vCard carries come back."""
    from desktop_crm.domain.dates import DateSpec
    from desktop_crm.domain.enums import PhoneKind
    from desktop_crm.storage.client_repo import ClientFilter

    source, copy = db_target, tmp_path / "b.db"
    db = Database.open(source)
    try:
        ClientService(db, user="t").save(ClientCard(
            name="欧阳晓明", company="北京宏图科技有限公司", title="总经理",
            phones=[Phone("13800138000", PhoneKind.MOBILE),
                    Phone("010-6552 9988", PhoneKind.OFFICE)],
            email="xm@hongtu.cn", address="北京市朝阳区建国路1号", home_address="北京市海淀区",
            tags=["VIP", "老客户"], notes="喜欢喝茶", birthday=DateSpec.solar(3, 22, 1985)))
    finally:
        db.close()
    out = tmp_path / "c.vcf"
    assert main(["export", "vcf", str(out), "--db", str(source)]) == 0
    assert main(["import", str(out), "--db", str(copy)]) == 0
    db = Database.open(copy, create=False)
    try:
        service = ClientService(db, user="t")
        [card] = [service.get(i) for i in service.list_ids(ClientFilter())]
    finally:
        db.close()
    assert (card.name, card.company, card.title, card.email) == (
        "欧阳晓明", "北京宏图科技有限公司", "总经理", "xm@hongtu.cn")
    assert [p.number for p in card.phones] == ["13800138000", "010-6552 9988"]
    assert (card.address, card.home_address) == ("北京市朝阳区建国路1号", "北京市海淀区")
    assert sorted(card.tags) == ["VIP", "老客户"] and card.notes == "喜欢喝茶"
    assert card.birthday == DateSpec.solar(3, 22, 1985)
