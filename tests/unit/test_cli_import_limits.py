"""``desktop-crm import``: files without a name column, rows with nothing but
an ID, ``--sheet`` where there are no sheets, and malformed ``--mapping``
files. Each refusal is exit 2 with one line and the database untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_crm.cli import main
from tests.conftest import one_line, write_ods
from tests.unit.services.test_import import dump
from tests.unit.test_cli_import import _names, _seeded

NOME = "nome,telefono,email\nMario Rossi,13800138000,mario@example.com\n" \
       "Luigi Verdi,13900139000,luigi@example.com\n"


def _refused(capsys: pytest.CaptureFixture[str], db_path: Path | str, *args: str) -> str:
    before = dump(Path(db_path))
    code = main(["import", *args, "--db", str(db_path)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert dump(Path(db_path)) == before
    return one_line(err)


def test_a_file_without_a_name_column_is_refused_before_any_row(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A CSV whose name column is headed ``nome`` created clients named by their
    e-mail (or nameless): now it is refused, naming the columns and saying how
    to map one; with that mapping it imports."""
    db_path = _seeded(tmp_path / "clients.db")
    path = tmp_path / "contatti.csv"
    path.write_text(NOME, encoding="utf-8")
    line = _refused(capsys, db_path, str(path))
    assert "contatti.csv: no column is mapped to the client's name" in line
    assert "columns found: nome, telefono, email" in line
    assert '--mapping FILE.json' in line and '{"nome": "name"}' in line
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"nome": "name"}), encoding="utf-8")
    assert main(["import", str(path), "--db", str(db_path), "--mapping", str(mapping)]) == 0
    assert _names(db_path) == ["张伟", "Mario Rossi", "Luigi Verdi"]


def test_a_mapping_that_leaves_out_the_name_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_path = _seeded(tmp_path / "clients.db")
    path = tmp_path / "clients.csv"
    path.write_text("姓名,手机\n李娜,13900139000\n", encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"姓名": None}), encoding="utf-8")
    line = _refused(capsys, db_path, str(path), "--mapping", str(mapping))
    assert "no column is mapped to the client's name (columns found: 姓名, 手机)" in line


def _template(path: Path, header: list[str], rows: int) -> Path:
    """An .ods template: a header row, then rows that hold only an ID."""
    def row(cells: list[str]) -> str:
        return "<table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{c}</text:p>'
            "</table:table-cell>" if c else "<table:table-cell/>" for c in cells
        ) + "</table:table-row>"

    body = row(header) + "".join(row([str(i + 1)] + [""] * (len(header) - 1))
                                 for i in range(rows))
    return write_ods(path, (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:'
        'oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:'
        'opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
        'text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table '
        f'table:name="客户">{body}</table:table></office:spreadsheet></office:body>'
        "</office:document-content>"))


def test_template_rows_that_hold_only_an_id_are_skipped_as_empty(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An .ods template whose 50 rows hold only an ID created 50 clients with
    empty names."""
    db_path = _seeded(tmp_path / "clients.db")
    path = _template(tmp_path / "template.ods", ["ID", "姓名", "手机", "备注"], 50)
    assert main(["import", str(path), "--db", str(db_path)]) == 0
    assert "0 new clients" in capsys.readouterr().out
    assert _names(db_path) == ["张伟"]
    # the same template without a name column is refused before any row
    bare = _template(tmp_path / "ids.ods", ["ID", "备注"], 50)
    line = _refused(capsys, db_path, str(bare))
    assert "ids.ods: no column is mapped to the client's name (columns found: ID, 备注)" in line


def test_a_row_with_an_id_but_no_name_is_an_error_naming_the_name_column(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_path = _seeded(tmp_path / "clients.db")
    path = tmp_path / "edited.csv"
    path.write_text("ID,客户名称,备注\n1,张伟,改过\n77,,没有名字\n", encoding="utf-8")
    line = _refused(capsys, db_path, str(path))
    assert "edited.csv: row 3, column 客户名称: Name is required" in line


@pytest.mark.parametrize(("name", "text"), [
    ("clients.csv", "姓名,手机\n李娜,13900139000\n"),
    ("phone.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:李娜\r\nEND:VCARD\r\n"),
])
def test_sheet_on_a_file_without_sheets_is_an_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str) -> None:
    db_path = _seeded(tmp_path / "clients.db")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    line = _refused(capsys, db_path, str(path), "--sheet", "客户")
    assert f"{name} is a {path.suffix[1:].upper()} file, which has no sheets" in line
    assert "--sheet" in line


MALFORMED = {
    "nested.json": "[" * 100_000 + "]" * 100_000,
    "nested-object.json": '{"a":' * 100_000 + "1" + "}" * 100_000,
    "list.json": '["name"]',
    "list-value.json": '{"姓名": ["name"]}',
    "number-value.json": '{"姓名": 1}',
    "object-value.json": '{"姓名": {"field": "name"}}',
    "truncated.json": '{"姓名": "na',
    "huge.json": '{"姓名": "name", "x": "' + "a" * (2 << 20) + '"}',
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_mapping_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         name: str) -> None:
    """Deeply nested JSON raised RecursionError (a traceback); a list where a
    field belongs raised TypeError."""
    db_path = _seeded(tmp_path / "clients.db")
    path = tmp_path / "clients.csv"
    path.write_text("姓名,手机\n李娜,13900139000\n", encoding="utf-8")
    mapping = tmp_path / name
    mapping.write_text(MALFORMED[name], encoding="utf-8")
    line = _refused(capsys, db_path, str(path), "--mapping", str(mapping))
    assert name in line and "mapping" in line


def test_a_mapping_in_invalid_utf8_is_one_line(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    db_path = _seeded(tmp_path / "clients.db")
    path = tmp_path / "clients.csv"
    path.write_text("姓名,手机\n李娜,13900139000\n", encoding="utf-8")
    mapping = tmp_path / "gbk.json"
    mapping.write_bytes('{"姓名": "name"}'.encode("gbk"))
    line = _refused(capsys, db_path, str(path), "--mapping", str(mapping))
    assert "Cannot read the mapping" in line and "gbk.json" in line
