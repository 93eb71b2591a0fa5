"""Importing real files written by other programs and messy sheets made here:
formats, mapping, validation, duplicates, re-import by client ID, undo."""

from __future__ import annotations

import sqlite3
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine, create_engine, inspect, text

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import Gender, PhoneKind
from desktop_crm.services.clients import ClientService
from desktop_crm.services.importing import (
    KEEP,
    MERGE,
    SKIP,
    ImportFileError,
    ImportRowError,
    ImportService,
    ImportUndoError,
    RowProblem,
    detect_format,
    open_source,
    save_report,
)
from desktop_crm.storage.client_repo import ClientFilter
from desktop_crm.storage.database import WRITE_LOCK, Database, to_url
from tests.conftest import FIXED_NOW, TESTDATA, write_ods

LATER = datetime(2026, 11, 25, 10, 0)


def _service(db: Database, now: datetime = FIXED_NOW) -> ImportService:
    return ImportService(db, clock=lambda: now, user="tester")


def _cards(db: Database) -> list[ClientCard]:
    clients = ClientService(db)
    return [clients.get(i) for i in clients.list_ids(ClientFilter(sort="id"))]


def _by_name(db: Database) -> dict[str, ClientCard]:
    return {c.name: c for c in _cards(db)}


def dump(db: Database | Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (child-table ids left out, the search index by
    its content), to compare a database (open, or a SQLite file the command
    line writes) before and after. Card versions are left out: an undo is one
    more write to a card, so its version moves on (an editor that opened the
    card before must not save over it)."""
    engine = db.engine if isinstance(db, Database) else create_engine(to_url(db))
    try:
        return _dump(engine)
    finally:
        if not isinstance(db, Database):
            engine.dispose()


def _dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        result: dict[str, list[tuple[Any, ...]]] = {}
        for table in inspect(conn).get_table_names():
            if table.startswith(("sqlite_", "client_fts", "import_")):
                continue
            cols = [c["name"] for c in inspect(conn).get_columns(table)]
            if table != "clients":
                cols = [c for c in cols if c != "id"]
            cols = [c for c in cols if c != "version"]
            select = ", ".join(f'"{c}"' for c in cols)
            result[table] = sorted(conn.execute(text(f"SELECT {select} FROM {table}")).all(),
                                   key=repr)
        fts = ("SELECT rowid, body FROM client_fts" if engine.dialect.name == "sqlite"
               else "SELECT id, CAST(body AS text) FROM client_fts")
        result["client_fts"] = sorted(tuple(r) for r in conn.execute(text(fts)))
        return result


def _xlsx(path: Path, rows: list[list[Any]], merge: list[str] | None = None,
          origin: Database | None = None) -> Path:
    """A workbook of ``rows``; with ``origin`` it names that database as the one
    it was exported from (the property the app's exports carry)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for cells in merge or []:
        sheet.merge_cells(cells)
    if origin is not None:
        from openpyxl.packaging.custom import StringProperty

        from desktop_crm.services.importing.origin import DATABASE_UUID_PROPERTY
        from desktop_crm.storage.identity_repo import database_uuid

        with origin.read() as s:
            book.custom_doc_props.append(StringProperty(name=DATABASE_UUID_PROPERTY,
                                                        value=database_uuid(s)))
    book.save(path)
    return path


def _csv(path: Path, rows: list[list[Any]]) -> Path:
    path.write_text("\n".join(",".join("" if v is None else str(v) for v in row)
                              for row in rows) + "\n", encoding="utf-8")
    return path


# -- every real file imports -----------------------------------------------------------

REAL_FILES: dict[str, dict[str, Any]] = {
    "csv/roundcube_gmail.csv": {"format": "csv", "created": 1},
    "xlsx/calamine_issue444.xls": {"format": "xls", "created": 9},
    "xlsx/calamine_issue_174.xlsx": {"format": "xlsx", "created": 1},
    "xlsx/exceldatareader_NoStyles_NoRAttribute.xlsx": {"format": "xlsx", "created": 9},
    "vcf/ezvcard_John_Doe_ANDROID.vcf": {"format": "vcf", "created": 6},
    "vcf/ezvcard_John_Doe_IPHONE.vcf": {"format": "vcf", "created": 1},
    "vcf/ezvcard_John_Doe_MS_OUTLOOK.vcf": {"format": "vcf", "created": 1},
    "vcf/vobject_vcard40_full.vcf": {"format": "vcf", "created": 1},
    "vcf/aosp_v21_japanese_1.vcf": {"format": "vcf", "created": 1},
    "vcf/aosp_v21_japanese_2.vcf": {"format": "vcf", "created": 1},
    "vcf/aosp_v21_japanese_3.vcf": {"format": "vcf", "created": 1},
    "vcf/folkerkinzel_v3Utf16Bom.vcf": {"format": "vcf", "created": 2},
    "vcf/folkerkinzel_Greek.vcf": {"format": "vcf", "created": 1},
    "vcf/folkerkinzel_Ukrainian.vcf": {"format": "vcf", "created": 1},
}


def test_every_shared_import_file_is_listed() -> None:
    found = {p.relative_to(TESTDATA).as_posix() for p in TESTDATA.glob("*/*")
             if p.suffix in (".xlsx", ".xls", ".ods", ".csv", ".vcf")}
    assert found == set(REAL_FILES)


@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_real_files_import(db: Database, name: str) -> None:
    expected = REAL_FILES[name]
    source = open_source(TESTDATA / name)
    assert source.format == expected["format"]
    plan = _service(db).plan(source)
    assert not plan.errors
    result = _service(db).commit(source)
    assert result.counts["created"] == expected["created"]
    assert len(_cards(db)) == expected["created"]


def test_legacy_xls_by_wps(db: Database) -> None:
    source = open_source(TESTDATA / "xlsx/calamine_issue444.xls")
    # the header row has a number in A1 and A2:A9 is merged: both ignored
    assert source.suggested_mapping == {1: "first_name", 2: "last_name", 3: "gender",
                                        7: "client_id"}
    _service(db).commit(source)
    cards = _by_name(db)
    assert "Dulce Abril" in cards and "Vincenza Weiland" in cards
    assert cards["Philip Gent"].gender == Gender.MALE
    assert cards["Mara Hashimoto"].gender == Gender.FEMALE


def test_sheet_that_claims_a_million_rows(db: Database) -> None:
    source = open_source(TESTDATA / "xlsx/calamine_issue_174.xlsx")
    assert len(source.table.rows) == 2
    plan = _service(db).plan(source)
    assert [(p.column, p.value) for p in plan.warnings] == [
        ("Contact Number", "Test Contact Number")]
    _service(db).commit(source)
    (card,) = _cards(db)
    assert (card.name, card.company) == ("Test Contact Name", "My Company?")
    assert card.address == "Hello Address My City"
    assert card.notes == "No Remarks\nContact Number: Test Contact Number"


def test_sheet_without_styles_with_blank_rows_and_repeated_emails(db: Database) -> None:
    source = open_source(TESTDATA / "xlsx/exceldatareader_NoStyles_NoRAttribute.xlsx")
    plan = _service(db).plan(source, policy=SKIP)
    # rows 2-4 are blank; every other row has something
    assert plan.rows[0].row == 5
    skipped = [r for r in plan.rows if r.action == "skip"]
    assert all(r.duplicate_of for r in skipped)
    _service(db).commit(source)
    names = set(_by_name(db))
    assert "s@gmail.com" in names  # row 5 has only an e-mail
    assert "9666936480" in names  # row 31 only an (Indian) phone number: kept in the notes


def test_android_vcard_21_quoted_printable(db: Database) -> None:
    _service(db).commit(open_source(TESTDATA / "vcf/ezvcard_John_Doe_ANDROID.vcf"))
    cards = _by_name(db)
    assert "Ñ Ñ Ñ Ñ Ñ" in cards  # =C3=91=20... decoded as UTF-8
    assert "Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ" in cards  # a soft line break inside the value
    john = cards["john.doe@company.com"]  # no N or FN: the e-mail is the name
    assert john.email == "john.doe@company.com" and john.tags == ["My Contacts"]


def test_iphone_and_outlook_vcards(db: Database) -> None:
    _service(db).commit(open_source(TESTDATA / "vcf/ezvcard_John_Doe_IPHONE.vcf"))
    (card,) = _cards(db)
    assert card.name == "Mr. John Richter James Doe Sr."
    assert (card.company, card.title, card.email) == ("IBM Accounting", "Money Counter",
                                                      "john.doe@ibm.com")
    assert card.birthday == DateSpec.solar(6, 6, 2012)
    assert "905-555-1234" in card.notes  # a North American number without +1
    assert card.home_address == "Silicon Alley 5 New York New York 12345 " \
                                "United States of America"


def test_outlook_vcard(db: Database) -> None:
    _service(db).commit(open_source(TESTDATA / "vcf/ezvcard_John_Doe_MS_OUTLOOK.vcf"))
    (card,) = _cards(db)
    assert card.birthday == DateSpec.solar(3, 22, 1980)
    assert card.email == "john.doe@ibm.cm"


def test_vcard_40(db: Database) -> None:
    _service(db).commit(open_source(TESTDATA / "vcf/vobject_vcard40_full.vcf"))
    (card,) = _cards(db)
    assert card.name == "Dr. John Q. Public, III"
    # PREF=1 first, then the cell phone; TYPE=voice alone does not give a kind
    assert [p.number for p in card.phones] == ["+1-555-555-5555", "+1-555-123-4567"]
    assert card.phones[1].kind == PhoneKind.MOBILE
    assert card.birthday == DateSpec.solar(4, 15, 1985)
    assert card.tags == ["BUSINESS", "NETWORKING"]


# -- messy sheets ------------------------------------------------------------------------

def messy_sheet(path: Path) -> Path:
    return _xlsx(path, [
        ["2026年 客户名单（华东区）"],
        [],
        ["客户名称", "联系方式", None, "生日", "公司", "备注"],
        [None, "手机", "邮箱", None, None, None],
        ["张伟", 13800138000.0, "zw@example.com", "农历八月十五", "华为", "老客户"],
        [],
        ["李娜", "139 0013 9000", None, 29486, "中兴", None],
        ["王芳", None, "wf@example.com", "2026/09/25", None, None],
        ["赵磊", "13700137000", None, datetime(1985, 3, 8), "", None],
        ["张伟", 13800138000.0, None, "1980年9月25日", "华为", "重复的行"],
        [None, None, None, None, None, None],
    ], merge=["A1:F1", "B3:C3", "A3:A4", "D3:D4", "E3:E4", "F3:F4"])


def test_messy_sheet(db: Database, tmp_path: Path) -> None:
    source = open_source(messy_sheet(tmp_path / "messy.xlsx"))
    assert source.header_row == 3
    assert source.headers == ["客户名称", "手机", "邮箱", "生日", "公司", "备注"]
    assert source.preview(2)[0][:3] == ["张伟", "13800138000", "zw@example.com"]
    plan = _service(db).plan(source, policy=SKIP)
    assert [(r.row, r.action) for r in plan.rows] == [
        (5, "create"), (7, "create"), (8, "create"), (9, "create"), (10, "skip")]
    assert plan.rows[-1].duplicate_of == 5
    assert not plan.problems
    _service(db).commit(source, policy=SKIP)
    cards = _by_name(db)
    assert cards["张伟"].birthday == DateSpec.lunar(8, 15)
    assert [p.number for p in cards["张伟"].phones] == ["13800138000"]
    assert cards["李娜"].birthday == DateSpec.solar(9, 22, 1980)  # Excel serial
    assert cards["王芳"].birthday == DateSpec.solar(9, 25, 2026)
    assert cards["赵磊"].birthday == DateSpec.solar(3, 8, 1985)  # a date cell
    assert ClientService(db).search("13900139000")[0].name == "李娜"


def test_in_file_duplicates_merge_or_keep(db: Database, tmp_path: Path) -> None:
    path = messy_sheet(tmp_path / "messy.xlsx")
    _service(db).commit(open_source(path), policy=MERGE)
    zhang = [c for c in _cards(db) if c.name == "张伟"]
    assert len(zhang) == 1
    assert zhang[0].notes == "老客户\n重复的行" and zhang[0].birthday == DateSpec.lunar(8, 15)


def test_keep_both(db: Database, tmp_path: Path) -> None:
    _service(db).commit(open_source(messy_sheet(tmp_path / "messy.xlsx")), policy=KEEP)
    assert [c.name for c in _cards(db)].count("张伟") == 2


def _existing(db: Database) -> int:
    return ClientService(db, clock=lambda: FIXED_NOW, user="tester").save(ClientCard(
        name="张伟", company="华为", phones=[Phone("+86 138 0013 8000")], notes="原有"))


def test_duplicates_against_the_database(db: Database, tmp_path: Path) -> None:
    client_id = _existing(db)
    path = messy_sheet(tmp_path / "messy.xlsx")
    plan = _service(db).plan(open_source(path), policy=SKIP)
    assert [(r.row, r.action, r.client_id) for r in plan.rows if r.client_id] == [
        (5, "skip", client_id), (10, "skip", client_id)]
    _service(db).commit(open_source(path), policy=MERGE)
    card = ClientService(db).get(client_id)
    assert card.email == "zw@example.com" and card.notes == "原有\n老客户\n重复的行"
    assert [p.number for p in card.phones] == ["+86 138 0013 8000"]
    assert [c.name for c in _cards(db)].count("张伟") == 1
    changes = {h.field for h in ClientService(db).history(client_id)}
    assert {"email", "notes", "birthday"} <= changes


def test_errors_stop_the_import_unless_skipped(db: Database, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "bad.xlsx", [["客户名称", "生日", "备注"],
                                          ["张伟", "1980-01-01", None],
                                          [None, "1980-02-02", "只有备注"],
                                          ["x" * 201, None, None]])
    source = open_source(path)
    plan = _service(db).plan(source)
    assert [(p.row, p.column, p.severity) for p in plan.errors] == [
        (3, "客户名称", "error"), (4, "客户名称", "error")]
    assert plan.first_error().startswith("bad.xlsx: row 3, column 客户名称: Name is required")
    before = dump(db)
    with pytest.raises(ImportRowError):
        _service(db).commit(source)
    assert dump(db) == before
    result = _service(db).commit(source, skip_invalid=True)
    assert result.counts["created"] == 1 and result.counts["invalid"] == 2


def test_report_saved_as_xlsx(db: Database, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "r.xlsx", [["客户名称", "手机"], ["张伟", "12"], [None, None],
                                        [None, "备注"]])
    plan = _service(db).plan(open_source(path))
    problems = [*plan.problems, RowProblem(9, "备注", "formula-like text", "warning", "=1+1")]
    out = tmp_path / "report.xlsx"
    save_report(problems, out)
    rows = list(load_workbook(out).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0] == ("Row", "Column", "Severity", "Problem", "Value")
    assert rows[1][:3] == (2, "手机", "Warning") and rows[1][4] == "12"
    assert rows[2][:3] == (4, "手机", "Warning")
    assert rows[-1] == (9, "备注", "Warning", "formula-like text", "=1+1")
    cell = load_workbook(out).active.cell(len(rows), 5)  # type: ignore[union-attr]
    assert cell.data_type == "s"  # text, not a formula
    assert cell.quotePrefix  # the export's guard: still text once the cell is edited


# -- CSV encodings ---------------------------------------------------------------------

CSV_TEXT = "客户名称,手机,邮箱,生日,备注\n张伟,13800138000,zw@example.com,农历八月十五,喜欢喝茶\n" \
           "李娜,13900139000,,1980-9-25,\"逗号,在引号里\"\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(db: Database, tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "clients.txt"  # the name says nothing; the bytes do
    path.write_bytes(CSV_TEXT.encode(encoding))
    source = open_source(path)
    assert source.format == "csv"
    _service(db).commit(source)
    cards = _by_name(db)
    assert cards["张伟"].birthday == DateSpec.lunar(8, 15)
    assert cards["李娜"].notes == "逗号,在引号里"


def test_gb18030_only_characters(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes("姓名;手机\n𠀀先生;13800138000\n".encode("gb18030"))  # not in GBK
    _service(db).commit(open_source(path))
    assert [c.name for c in _cards(db)] == ["𠀀先生"]


def test_vcard_21_quoted_printable_gbk(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "phone.vcf"
    qp = "".join(f"={b:02X}" for b in "张伟".encode("gbk"))
    note = "".join(f"={b:02X}" for b in "老客户，喜欢喝茶".encode())
    path.write_bytes((
        "BEGIN:VCARD\r\nVERSION:2.1\r\n"
        f"N;CHARSET=GBK;ENCODING=QUOTED-PRINTABLE:{qp};;;;\r\n"
        "TEL;CELL:13800138000\r\n"
        f"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{note[:20]}=\r\n{note[20:]}\r\n"
        "BDAY:1980-09-25\r\nEND:VCARD\r\n").encode("ascii"))
    _service(db).commit(open_source(path))
    (card,) = _cards(db)
    assert card.name == "张伟" and card.notes == "老客户，喜欢喝茶"
    assert [p.number for p in card.phones] == ["13800138000"]


def test_ods_written_by_libreoffice_format(db: Database, tmp_path: Path) -> None:
    """An .ods file (a zip with the OpenDocument mimetype) reads through calamine."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Sheet1">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>姓名</text:p>'
        '</table:table-cell><table:table-cell office:value-type="string"><text:p>手机</text:p>'
        '</table:table-cell></table:table-row>'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>张伟</text:p>'
        '</table:table-cell><table:table-cell office:value-type="float" office:value='
        '"13800138000"><text:p>13800138000</text:p></table:table-cell></table:table-row>'
        '</table:table></office:spreadsheet></office:body></office:document-content>')
    path = tmp_path / "clients.dat"
    write_ods(path, content)
    source = open_source(path)
    assert source.format == "ods"
    _service(db).commit(source)
    (card,) = _cards(db)
    assert card.name == "张伟" and [p.number for p in card.phones] == ["13800138000"]


# -- re-import of an edited export -------------------------------------------------------

def test_reimport_by_client_id_updates_without_duplicating(db: Database,
                                                           tmp_path: Path) -> None:
    clients = ClientService(db, clock=lambda: FIXED_NOW, user="tester")
    a = clients.save(ClientCard(name="张伟", company="华为", phones=[Phone("13800138000")],
                                email="zw@example.com", notes="A"))
    b = clients.save(ClientCard(name="李娜", company="中兴", phones=[Phone("13900139000")]))
    path = _xlsx(tmp_path / "export.xlsx", [
        ["客户ID", "姓名", "公司", "手机", "邮箱", "备注"],
        [a, "张伟", "华为集团", "13800138000", "zw@example.com", "A"],  # edited company
        [b, "李娜", "中兴", "13900139000", None, None],  # unchanged
        [None, "王芳", "腾讯", "13700137000", None, "new"],  # added in Excel
    ], origin=db)
    source = open_source(path)
    plan = _service(db, LATER).plan(source, policy=KEEP)
    assert [(r.row, r.action) for r in plan.rows] == [(2, "update"), (3, "unchanged"),
                                                      (4, "create")]
    result = _service(db, LATER).commit(source, policy=KEEP)
    assert result.counts["created"] == 1 and result.counts["updated"] == 1
    cards = _by_name(db)
    assert len(cards) == 3
    assert cards["张伟"].company == "华为集团" and cards["张伟"].id == a
    assert next(h.field for h in clients.history(a)) == "company"
    # importing the same file again changes nothing: the new row now matches by phone
    again = _service(db, LATER).plan(open_source(path), policy=SKIP)
    assert [r.action for r in again.rows] == ["unchanged", "unchanged", "skip"]


def test_client_ids_of_a_workbook_from_elsewhere_are_ignored(db: Database,
                                                             tmp_path: Path) -> None:
    """An integer ID means something only in the database that exported the
    workbook: a workbook that does not name this database (another program's,
    another database's, or a CSV) never updates a client by its ID column;
    its rows go through the duplicate rules instead."""
    clients = ClientService(db, clock=lambda: FIXED_NOW, user="tester")
    a = clients.save(ClientCard(name="张伟", company="华为", phones=[Phone("13800138000")]))
    rows = [["客户ID", "姓名", "公司", "手机"],
            [a, "Tom Smith", "Acme", "13911112222"],  # a different client, same number
            [a, "张伟", "华为集团", "13800138000"]]  # a duplicate by phone
    for path in (_xlsx(tmp_path / "other.xlsx", rows), _csv(tmp_path / "other.csv", rows)):
        plan = _service(db, LATER).plan(open_source(path), policy=SKIP)
        assert [(r.action, r.client_id) for r in plan.rows] == [("create", None),
                                                                ("skip", a)]
        assert plan.warnings == []
    _service(db, LATER).commit(open_source(tmp_path / "other.xlsx"), policy=SKIP)
    assert clients.get(a).name == "张伟" and clients.get(a).company == "华为"


# -- bad files ---------------------------------------------------------------------------

def _encrypted_ole(path: Path) -> Path:
    """What Excel writes for a password-protected .xlsx: an OLE2 compound file
    with an EncryptedPackage stream (header and directory entry names only)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    entry = "EncryptedPackage".encode("utf-16-le").ljust(64, b"\x00")
    path.write_bytes(header + entry + b"\x00" * 1024)
    return path


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    import os

    files = {}
    files["random.xlsx"] = tmp_path / "random.xlsx"
    files["random.xlsx"].write_bytes(os.urandom(4096) + b"\x00")
    good = messy_sheet(tmp_path / "good.xlsx").read_bytes()
    files["truncated.xlsx"] = tmp_path / "truncated.xlsx"
    files["truncated.xlsx"].write_bytes(good[: len(good) // 2])
    files["empty.csv"] = tmp_path / "empty.csv"
    files["empty.csv"].write_bytes(b"")
    files["headers.xlsx"] = _xlsx(tmp_path / "headers.xlsx", [["客户名称", "手机", "邮箱"]])
    files["headers.csv"] = tmp_path / "headers.csv"
    files["headers.csv"].write_text("客户名称,手机\n\n", encoding="utf-8")
    files["encrypted.xlsx"] = _encrypted_ole(tmp_path / "encrypted.xlsx")
    zipped = tmp_path / "encrypted-zip.xlsx"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("EncryptedPackage", b"\x01" * 100)
        z.writestr("EncryptionInfo", b"\x02" * 100)
    files["encrypted-zip.xlsx"] = zipped
    other_zip = tmp_path / "docs.xlsx"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("readme.txt", "hello")
    files["docs.xlsx"] = other_zip
    files["empty.vcf"] = tmp_path / "empty.vcf"
    files["empty.vcf"].write_text("BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n", encoding="utf-8")
    files["blank.xlsx"] = _xlsx(tmp_path / "blank.xlsx", [])
    # a note saved with a workbook's name: read as text (the bytes decide), one line
    files["text.xlsx"] = tmp_path / "text.xlsx"
    files["text.xlsx"].write_text("客户名单 2026\n", encoding="utf-8")
    return files


BAD_MESSAGES = {
    "random.xlsx": "is not a spreadsheet",
    "truncated.xlsx": "damaged or incomplete",
    "empty.csv": "is empty",
    "headers.xlsx": "no data rows",
    "headers.csv": "no data rows",
    "encrypted.xlsx": "protected by a password",
    "encrypted-zip.xlsx": "protected by a password",
    "docs.xlsx": "not a spreadsheet",
    "empty.vcf": "contains no contacts",
    "blank.xlsx": "is empty",
    "text.xlsx": "is not a workbook: it holds plain text",
}


@pytest.mark.parametrize("name", sorted(BAD_MESSAGES))
def test_bad_files_give_one_clear_message(tmp_path: Path, name: str) -> None:
    path = _bad_files(tmp_path)[name]
    with pytest.raises(ImportFileError) as info:
        open_source(path)
    message = str(info.value)
    assert BAD_MESSAGES[name] in message and name in message
    assert "\n" not in message


def test_format_from_bytes() -> None:
    assert detect_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest") == "xls"
    assert detect_format(b"PK\x03\x04rest") == "xlsx"
    assert detect_format(b"\xef\xbb\xbfBEGIN:VCARD\r\n") == "vcf"
    assert detect_format("姓名,手机\n".encode("gbk")) == "csv"
    assert detect_format(b"\x00\x01\x02\x03" * 100) is None


# -- dry run and undo ---------------------------------------------------------------------

def test_plan_writes_nothing(db: Database, tmp_path: Path) -> None:
    _existing(db)
    before = dump(db)
    plan = _service(db).plan(open_source(messy_sheet(tmp_path / "m.xlsx")), policy=MERGE)
    assert plan.counts["created"] == 3 and plan.counts["updated"] == 1
    assert dump(db) == before


def test_undo_restores_the_database(db: Database, tmp_path: Path) -> None:
    _existing(db)
    before = dump(db)
    result = _service(db).commit(open_source(messy_sheet(tmp_path / "m.xlsx")), policy=MERGE)
    assert dump(db) != before
    (batch,) = _service(db).batches()
    assert (batch.id, batch.created, batch.updated, batch.undone_at) == (
        result.batch_id, 3, 1, None)
    assert _service(db, LATER).undo(result.batch_id) == 4
    assert dump(db) == before
    assert _service(db).batches()[0].undone_at == LATER
    with pytest.raises(ImportUndoError, match="already undone"):
        _service(db).undo(result.batch_id)


def test_undo_removes_tags_the_import_added(db: Database, tmp_path: Path) -> None:
    before = dump(db)
    path = _xlsx(tmp_path / "t.xlsx", [["姓名", "标签"], ["张伟", "VIP、展会"]])
    result = _service(db).commit(open_source(path))
    assert ClientService(db).tags() == ["VIP", "展会"]
    _service(db).undo(result.batch_id)
    assert dump(db) == before


def test_undo_refuses_after_an_edit(db: Database, tmp_path: Path) -> None:
    result = _service(db).commit(open_source(messy_sheet(tmp_path / "m.xlsx")))
    clients = ClientService(db, clock=lambda: LATER, user="tester")
    card = _by_name(db)["李娜"]
    card.notes = "edited after the import"
    clients.save(card)
    after_edit = dump(db)
    with pytest.raises(ImportUndoError, match="李娜"):
        _service(db).undo(result.batch_id)
    assert dump(db) == after_edit


@pytest.mark.sqlite_only("backups are copies of the SQLite file")
def test_backup_before_import(db: Database, db_path: Path, tmp_path: Path) -> None:
    _existing(db)
    _service(db).commit(open_source(messy_sheet(tmp_path / "m.xlsx")))
    backups = list((db_path.parent / "backups").glob("*.db"))
    assert len(backups) == 1 and backups[0].name.endswith("-before-import.db")
    conn = sqlite3.connect(backups[0])
    try:
        assert conn.execute("SELECT count(*) FROM clients").fetchone()[0] == 1
    finally:
        conn.close()


def test_date_fields_use_the_clock(db: Database, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "d.xlsx", [["姓名", "生日"], ["张伟", date(2026, 12, 1)]])
    plan = _service(db).plan(open_source(path))  # FIXED_NOW is 2026-11-24
    assert [p.column for p in plan.warnings] == ["生日"]


def test_a_plan_is_reused_only_while_no_client_changed(db: Database, tmp_path: Path) -> None:
    source = open_source(messy_sheet(tmp_path / "m.xlsx"))
    plan = _service(db).plan(source, policy=SKIP)
    assert plan.counts["created"] == 4
    _existing(db)  # added after the plan was shown: the import must see it
    result = _service(db).commit(source, policy=SKIP, plan=plan)
    assert result.counts["created"] == 3
    assert [c.name for c in _cards(db)].count("张伟") == 1


def test_the_commit_holds_the_write_lock_from_its_first_read(
        db: Database, db_target: str, engine: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Protects the check that nothing changed since the plan: from that read
    on, no other program can write until the import is in, so it cannot add a
    client the plan did not see (a duplicate) in between (on PostgreSQL: no
    other copy of the app can take the write lock its writers take)."""
    from desktop_crm.storage import import_repo

    path = _xlsx(tmp_path / "a.xlsx", [["姓名", "手机"], ["王芳", "13700137000"]])
    service = _service(db)
    source = open_source(path)
    plan = service.plan(source)
    outcome: list[str] = []
    original = import_repo.fingerprint

    def another_program_writes(session):  # type: ignore[no-untyped-def]
        if engine == "postgresql":
            other_engine = create_engine(db_target)
            with other_engine.connect() as conn:
                got = conn.execute(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                   {"key": WRITE_LOCK}).scalar()
            other_engine.dispose()
            outcome.append("written" if got else "database is locked")
            return original(session)
        other = sqlite3.connect(db_target, timeout=0)
        try:
            other.execute("INSERT INTO tags (name) VALUES ('另一个窗口')")
            other.commit()
            outcome.append("written")
        except sqlite3.OperationalError as exc:
            outcome.append(str(exc))
        finally:
            other.close()
        return original(session)

    monkeypatch.setattr(import_repo, "fingerprint", another_program_writes)
    service.commit(source, plan=plan)
    assert outcome == ["database is locked"]
    assert {c.name for c in ClientService(db).search("")} >= {"王芳"}
