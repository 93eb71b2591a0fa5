"""``desktop-crm import FILE [--dry-run] [--on-duplicate ...] [--mapping FILE.json]``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_crm.cli import main
from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database
from tests.conftest import TESTDATA
from tests.unit.book import book_rows, client_field, client_names
from tests.unit.services.test_import import BAD_MESSAGES, _bad_files, messy_sheet


def _names(target: Path | str) -> list[str]:
    return client_names(str(target), with_trash=True)


def test_import_creates_the_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_path = tmp_path / "new" / "clients.db"
    code = main(["import", str(messy_sheet(tmp_path / "m.xlsx")), "--db", str(db_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Column 客户名称 -> Name" in out and "4 new clients" in out and "batch 1" in out
    assert _names(db_path) == ["张伟", "李娜", "王芳", "赵磊"]


@pytest.mark.parametrize("name", ["xlsx/calamine_issue444.xls",
                                  "vcf/ezvcard_John_Doe_ANDROID.vcf"])
def test_import_real_files(tmp_path: Path, name: str) -> None:
    db_path = tmp_path / "clients.db"
    assert main(["import", str(TESTDATA / name), "--db", str(db_path)]) == 0
    assert len(_names(db_path)) in (9, 6)


def _seeded(path: Path | str) -> str:
    """One client in the book at ``path`` (a file, made when missing, or a URL)."""
    db = Database.open(path, create=True)
    try:
        ClientService(db, user="tester").save(ClientCard(
            name="张伟", company="华为", phones=[Phone("13800138000")], notes="原有"))
    finally:
        db.close()
    return str(path)


@pytest.mark.parametrize("policy", ["skip", "merge", "keep"])
def test_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                policy: str, db_target: str) -> None:
    db_path = _seeded(db_target)
    before = book_rows(db_path)
    code = main(["import", str(messy_sheet(tmp_path / "m.xlsx")), "--db", str(db_path),
                 "--dry-run", "--on-duplicate", policy])
    out = capsys.readouterr().out
    assert code == 0 and "Dry run: nothing was written" in out
    assert {"skip": "3 new clients, 0 clients updated, 2 skipped",
            "merge": "3 new clients, 1 client updated, 0 skipped",
            "keep": "5 new clients"}[policy] in out
    assert book_rows(db_path) == before
    assert not (tmp_path / "backups").exists()
    # each existing client that would change is named before anything is written
    changed = [line for line in out.splitlines() if "(ID 1)" in line]
    assert changed == ([] if policy != "merge" else
                       [next(line for line in changed if "is merged into 张伟 (ID 1)" in line)])


def test_the_result_line_says_what_the_import_did_not_what_was_planned(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, db_target: str) -> None:
    """Issue 13: two simultaneous imports of one file both printed "N new
    clients" although the second created none. Here the other import commits
    between this one's plan and its commit, which plans again inside its
    transaction: the line must give the counts of what was written."""
    from desktop_crm.services.importing import ImportService, open_source

    db_path = db_target
    sheet = messy_sheet(tmp_path / "m.xlsx")
    real_plan = ImportService.plan

    def plan_then_race(self: ImportService, *args: object, **kwargs: object) -> object:
        planned = real_plan(self, *args, **kwargs)  # type: ignore[arg-type]
        other = Database.open(db_path)
        try:  # another process imports the same file meanwhile
            ImportService(other, backup_first=False).commit(open_source(sheet))
        finally:
            other.close()
        return planned

    monkeypatch.setattr(ImportService, "plan", plan_then_race)
    assert main(["import", str(sheet), "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "0 new clients" in out and "4 new clients" not in out
    assert _names(db_path) == ["张伟", "李娜", "王芳", "赵磊"]


def test_dry_run_does_not_create_the_database(tmp_path: Path) -> None:
    db_path = tmp_path / "clients.db"
    assert main(["import", str(messy_sheet(tmp_path / "m.xlsx")), "--db", str(db_path),
                 "--dry-run"]) == 0
    assert not db_path.exists()


@pytest.mark.parametrize("policy", ["skip", "merge", "keep"])
def test_on_duplicate(tmp_path: Path, policy: str, db_target: str) -> None:
    db_path = _seeded(db_target)
    assert main(["import", str(messy_sheet(tmp_path / "m.xlsx")), "--db", str(db_path),
                 "--on-duplicate", policy]) == 0
    names = _names(db_path)
    assert names.count("张伟") == {"skip": 1, "merge": 1, "keep": 3}[policy]
    notes = client_field(db_path, 1, "notes")
    assert notes == {"skip": "原有", "merge": "原有\n老客户\n重复的行", "keep": "原有"}[policy]


@pytest.mark.parametrize("name", sorted(BAD_MESSAGES))
def test_bad_files_exit_2_and_leave_the_database(tmp_path: Path, name: str,
                                                 capsys: pytest.CaptureFixture[str],
                                                 db_target: str) -> None:
    db_path = _seeded(db_target)
    before = book_rows(db_path)
    path = _bad_files(tmp_path)[name]
    assert main(["import", str(path), "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and BAD_MESSAGES[name] in err and name in err
    assert book_rows(db_path) == before
    missing = tmp_path / "none.db"
    assert main(["import", str(path), "--db", str(missing)]) == 2
    assert not missing.exists()


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path / "nope.xlsx"), "--db", str(tmp_path / "c.db")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_row_errors_name_file_row_and_column(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str],
                                             db_target: str) -> None:
    db_path = _seeded(db_target)
    before = book_rows(db_path)
    csv = tmp_path / "c.csv"
    csv.write_text("客户名称,生日,备注\n张伟,1980-01-01,\n,1980-02-02,只有备注\n", encoding="utf-8")
    report = tmp_path / "report.xlsx"
    assert main(["import", str(csv), "--db", str(db_path), "--report", str(report)]) == 2
    err = capsys.readouterr().err
    assert err == "desktop-crm: c.csv: row 3, column 客户名称: Name is required\n"
    assert book_rows(db_path) == before
    assert report.exists()
    assert main(["import", str(csv), "--db", str(db_path), "--skip-invalid"]) == 0


def test_mapping_file_overrides_the_suggestion(tmp_path: Path, db_target: str) -> None:
    csv = tmp_path / "c.csv"
    csv.write_text("Kunde,Handy,Age\n张伟,13800138000,40\n", encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"Kunde": "name", "Handy": "mobile", "3": "notes"}),
                       encoding="utf-8")
    db_path = db_target
    assert main(["import", str(csv), "--db", str(db_path), "--mapping", str(mapping)]) == 0
    assert [client_field(db_path, 1, c) for c in ("name", "primary_phone", "notes")] == [
        "张伟", "13800138000", "40"]


def test_bad_mapping_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "c.csv"
    csv.write_text("姓名,手机\n张伟,13800138000\n", encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text('{"Nope": "name"}', encoding="utf-8")
    db_path = tmp_path / "clients.db"
    assert main(["import", str(csv), "--db", str(db_path), "--mapping", str(mapping)]) == 2
    assert "Nope" in capsys.readouterr().err
    assert not db_path.exists()
    mapping.write_text("[1, 2", encoding="utf-8")
    assert main(["import", str(csv), "--db", str(db_path), "--mapping", str(mapping)]) == 2
