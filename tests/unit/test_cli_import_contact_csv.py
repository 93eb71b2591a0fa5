"""``desktop-crm import`` of contact CSV exports (Google Contacts, Outlook)
and of a file whose columns are all unknown, on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_crm.cli import main
from tests.conftest import TESTDATA, one_line
from tests.unit.book import book_rows, client_names
from tests.unit.test_cli_import import _seeded


def test_google_contacts_csv_in_utf16(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      db_target: str) -> None:
    """Google's own form: UTF-16LE with a byte-order mark, CRLF."""
    text = (TESTDATA / "csv" / "roundcube_gmail.csv").read_text(encoding="utf-8")
    path = tmp_path / "contacts.csv"
    path.write_bytes(b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"))
    db = _seeded(db_target)
    assert main(["import", str(path), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "contacts.csv is an export of Google Contacts: its columns are read as below" in out
    assert "Column Fax -> Fax" in out and "1 new client" in out
    assert client_names(db) == ["张伟", "Firstname Middle Lastname"]


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "desktop-crm: kunden.csv: none of its columns is one the app knows, so none of "
           "them holds the client's name (columns found: Kundennummer, Vorname Nachname, "
           "Telefonnummer); map the column that holds it with --mapping FILE.json, a JSON "
           'object such as {"Kundennummer": "name"}'),
    ("zh", "desktop-crm: kunden.csv：没有一列是本软件认识的，因此没有一列存放客户姓名（文件中的列："
           "Kundennummer, Vorname Nachname, Telefonnummer）；请用 --mapping FILE.json（列对应文件，"
           'JSON 对象）指定存放姓名的列，例如 {"Kundennummer": "name"}'),
])
def test_a_file_whose_columns_are_all_unknown(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              db_target: str, lang: str, expected: str) -> None:
    """Before, such a file said only that it had no name column; now it says
    that none of its columns is known, which ones there are, and how to map."""
    db = _seeded(db_target)
    path = tmp_path / "kunden.csv"
    path.write_text("Kundennummer,Vorname Nachname,Telefonnummer\n"
                    "K-1,Max Mustermann,+49 30 1234567\n", encoding="utf-8")
    before = book_rows(db)
    assert main(["--lang", lang, "import", str(path), "--db", db]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert one_line(err) == expected
    assert book_rows(db) == before
