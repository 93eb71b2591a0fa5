"""``desktop-crm import-contacts FILE [--dry-run] [--sheet] [--skip-invalid]``
on both engines: people attached to existing organisations; bad input exits
2 with one line naming file, row and column, and writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from desktop_crm.cli import main
from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.enums import ClientKind
from desktop_crm.services.clients import ClientService
from desktop_crm.services.contacts import ContactService
from desktop_crm.storage.database import Database
from tests.conftest import one_line
from tests.unit.book import book_rows


def _xlsx(path: Path, rows: list[list[Any]], sheet: str = "联系人") -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


@pytest.fixture
def book(db_target: str) -> str:
    """Two organisations and an individual."""
    db = Database.open(db_target)
    try:
        clients = ClientService(db, user="王磊")
        for name in ("远航贸易", "华为"):
            clients.save(ClientCard(name=name, kind=ClientKind.ORGANISATION))
        clients.save(ClientCard(name="张伟"))
    finally:
        db.close()
    return db_target


def _people(target: str) -> list[tuple[int, str, str, list[str]]]:
    db = Database.open(target)
    try:
        contacts = ContactService(db)
        return [(p.client_id, p.name, p.role.value, p.phones)
                for cid in (1, 2) for p in contacts.people_of(cid)]
    finally:
        db.close()


ROWS = [["单位", "联系人", "职务", "采购角色", "手机"],
        ["远航贸易", "周远", "采购经理", "采购者", "13900139000"],
        ["华为", "吴强", None, "决策者", None]]


def test_import_contacts(tmp_path: Path, book: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    path = _xlsx(tmp_path / "contacts.xlsx", ROWS)
    assert main(["import-contacts", str(path), "--db", book]) == 0
    out = capsys.readouterr().out
    assert "Column 单位 -> Organisation" in out and "Column 联系人 -> Name" in out
    assert "2 rows: 2 new contact people, 0 skipped, 0 with errors, 0 warnings" in out
    assert _people(book) == [(1, "周远", "buyer", ["13900139000"]),
                             (2, "吴强", "decision_maker", [])]
    assert main(["import-contacts", str(path), "--db", book]) == 0
    assert "2 rows: 0 new contact people, 2 skipped" in capsys.readouterr().out


def test_a_dry_run_writes_nothing(tmp_path: Path, book: str,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    before = book_rows(book)
    path = _xlsx(tmp_path / "contacts.xlsx", ROWS)
    assert main(["import-contacts", str(path), "--dry-run", "--db", book]) == 0
    out = capsys.readouterr().out
    assert "2 new contact people" in out and "Dry run: nothing was written" in out
    assert book_rows(book) == before and _people(book) == []


@pytest.mark.parametrize("rows, expected", [
    ([*ROWS, ["腾讯", "马化腾", None, None, None]],
     "contacts.xlsx: row 4, column 单位: No organisation is named 腾讯"),
    ([*ROWS, ["张伟", "任正非", None, None, None]],
     "contacts.xlsx: row 4, column 单位: No organisation is named 张伟"),
    ([*ROWS, ["华为", "任正非", None, "老板", None]],
     "contacts.xlsx: row 4, column 采购角色: Unknown role"),
    ([["联系人", "手机"], ["周远", "13900139000"]],
     "contacts.xlsx: no column is mapped to organisation (name or UUID)"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(
        tmp_path: Path, book: str, capsys: pytest.CaptureFixture[str], rows: list[list[Any]],
        expected: str) -> None:
    before = book_rows(book)
    path = _xlsx(tmp_path / "contacts.xlsx", rows)
    capsys.readouterr()
    assert main(["import-contacts", str(path), "--db", book]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and expected in one_line(err)
    assert book_rows(book) == before


def test_skip_invalid_imports_the_good_rows(tmp_path: Path, book: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = _xlsx(tmp_path / "contacts.xlsx", [*ROWS, ["腾讯", "马化腾", None, None, None]])
    assert main(["import-contacts", str(path), "--skip-invalid", "--db", book]) == 0
    assert "3 rows: 2 new contact people, 0 skipped, 1 with errors" in capsys.readouterr().out
    assert len(_people(book)) == 2


def test_a_file_that_is_not_a_spreadsheet(tmp_path: Path, book: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "contacts.xlsx"
    path.write_bytes(b"not a workbook")
    assert main(["import-contacts", str(path), "--db", book]) == 2
    assert "contacts.xlsx" in one_line(capsys.readouterr().err)
