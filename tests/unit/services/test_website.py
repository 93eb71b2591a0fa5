"""The client's website (网址, issue 18) on both engines: stored and read back,
in the history, through the workbook and vCard there and back, and by `copy`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import vobject

from desktop_crm import i18n
from desktop_crm.cli import main
from desktop_crm.domain.changes import field_label
from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.import_mapping import match_header
from desktop_crm.domain.validation import validate_card
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.services.exporting import export_xlsx
from desktop_crm.services.importing import ImportService
from desktop_crm.services.vcard_export import export_vcf
from desktop_crm.storage.database import Database
from tests.conftest import NewDatabases

NOW = datetime(2026, 11, 24, 9, 30)


@pytest.fixture
def clients(db: Database) -> ClientService:
    return ClientService(db, lambda: NOW, "tester")


def _star(clients: ClientService) -> int:
    return clients.save(ClientCard(name="张伟", company="北京星河科技有限公司",
                                   phones=[Phone("138 0013 8000")],
                                   website="www.xinghe.com.cn"))


def _all(db: Database) -> dict[str, ClientCard]:
    service = ClientService(db)
    return {c.name: c for c in (service.get(i) for i in service.list_ids(ClientFilter()))}


def test_the_website_is_stored_and_its_change_is_in_the_history(clients: ClientService) -> None:
    client_id = _star(clients)
    card = clients.get(client_id)
    assert card.website == "www.xinghe.com.cn"
    card.website = "  https://xinghe.example/zh  "
    clients.save(card)
    assert clients.get(client_id).website == "https://xinghe.example/zh"
    change = next(h for h in clients.history(client_id) if h.field == "website")
    assert (change.old, change.new) == ("www.xinghe.com.cn", "https://xinghe.example/zh")
    assert field_label("website") == "Website"
    i18n.set_language("zh")
    assert field_label("website") == "网址"


def test_a_website_longer_than_the_column_is_refused() -> None:
    errors = validate_card(ClientCard(name="x", website="www." + "a" * 300 + ".com"))
    assert [e.field for e in errors] == ["website"]


@pytest.mark.parametrize(("lang", "header"), [("en", "Website"), ("zh", "网址")])
def test_the_workbook_has_the_website_and_imports_it_back(
        db: Database, clients: ClientService, new_db: NewDatabases, tmp_path: Path,
        lang: str, header: str) -> None:
    _star(clients)
    book = tmp_path / "book.xlsx"
    export_xlsx(db, book, lang=lang, clock=lambda: NOW)
    sheet = openpyxl.load_workbook(book)["Clients" if lang == "en" else "客户"]
    headers = [c.value for c in sheet[1]]
    assert sheet.cell(2, headers.index(header) + 1).value == "www.xinghe.com.cn"
    target = new_db.open("other.db")
    importer = ImportService(target, lambda: NOW, backup_first=False)
    importer.commit(importer.open(book), None, "keep")
    assert _all(target)["张伟"].website == "www.xinghe.com.cn"


@pytest.mark.parametrize("header", ["网址", "主页", "官网", "URL", "Website", "Web site", "网站"])
def test_website_headers_are_recognised(header: str) -> None:
    assert match_header(header) == "website"


def test_a_sheet_with_a_website_column_fills_it(db: Database, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "手机", "主页"])
    sheet.append(["李娜", "13900139000", "www.lina.cn"])
    path = tmp_path / "sheet.xlsx"
    book.save(path)
    importer = ImportService(db, lambda: NOW, backup_first=False)
    importer.commit(importer.open(path), None, "keep")
    assert _all(db)["李娜"].website == "www.lina.cn"


def test_vcard_carries_the_website_as_url_and_back(
        db: Database, clients: ClientService, new_db: NewDatabases, tmp_path: Path) -> None:
    _star(clients)
    out = tmp_path / "cards.vcf"
    export_vcf(db, out)
    card = next(vobject.readComponents(out.read_text(encoding="utf-8")))
    assert card.url.value == "www.xinghe.com.cn"
    target = new_db.open("other.db")
    importer = ImportService(target, lambda: NOW, backup_first=False)
    importer.commit(importer.open(out), None, "keep")
    assert _all(target)["张伟"].website == "www.xinghe.com.cn"


@pytest.mark.sqlite_only("copies one SQLite file into another")
def test_copy_moves_the_website(db: Database, db_target: str, clients: ClientService,
                                tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _star(clients)
    db.close()
    copied = tmp_path / "copy.db"
    assert main(["copy", "--from", db_target, "--to", str(copied)]) == 0
    capsys.readouterr()
    target = Database.open(copied)
    try:
        assert _all(target)["张伟"].website == "www.xinghe.com.cn"
    finally:
        target.close()
