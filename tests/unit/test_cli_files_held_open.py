"""The command line when the output file is open in another program on Windows
(a workbook in Excel or WPS, a backup or the database in a viewer):
exit 2, one line on stderr saying to close it there, the file, the database
and the folder unchanged. Windows' refusal is injected
(tests/helpers/windows_like.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from desktop_crm.cli import main
from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.services.backup import backup
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database
from tests.conftest import one_line
from tests.helpers.windows_like import hold_open
from tests.unit.book import book_rows

CLOSE_IT = {"en": "it is open in another program; close it in that program and try again",
            "zh": "它正在另一个程序中打开；请在该程序中关闭它后重试"}


@pytest.fixture
def seeded(db_target: str) -> str:
    db = Database.open(db_target)
    try:
        ClientService(db, clock=lambda: datetime(2026, 11, 24, 9), user="tester").save(
            ClientCard(name="曾国方", phones=[Phone("138 0013 8000")]))
    finally:
        db.close()
    return db_target


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", ["xlsx", "ics", "vcf"])
def test_export_over_a_file_open_in_another_program(
        seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], fmt: str, lang: str) -> None:
    out = tmp_path / "out" / f"book.{fmt}"
    out.parent.mkdir()
    out.write_bytes(b"open in Excel")
    before = book_rows(seeded)
    hold_open(monkeypatch, out)
    assert main(["export", fmt, str(out), "--db", seeded, "--lang", lang]) == 2
    captured = capsys.readouterr()
    line = one_line(captured.err)
    assert line.startswith("desktop-crm: ") and str(out) in line
    assert line.endswith(CLOSE_IT[lang])
    assert "Traceback" not in captured.err and captured.out == ""
    assert out.read_bytes() == b"open in Excel"
    assert [p.name for p in out.parent.iterdir()] == [out.name]
    assert book_rows(seeded) == before


def test_import_report_over_a_file_open_in_another_program_imports_nothing(
        seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "new.csv"
    source.write_text("姓名,手机\n王芳,13900139000\n", encoding="utf-8")
    report = tmp_path / "report.xlsx"
    report.write_bytes(b"last report, open in WPS")
    before = book_rows(seeded)
    hold_open(monkeypatch, report)
    assert main(["import", str(source), "--db", seeded, "--report", str(report),
                 "--lang", "en"]) == 2
    line = one_line(capsys.readouterr().err)
    assert line == f"desktop-crm: Cannot write {report}: {CLOSE_IT['en']}"
    assert report.read_bytes() == b"last report, open in WPS"
    assert book_rows(seeded) == before


@pytest.mark.sqlite_only("backups are copies of the SQLite file")
def test_backup_to_a_file_open_in_another_program(
        seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "usb" / "copy.db"
    out.parent.mkdir()
    out.write_bytes(b"older copy")
    hold_open(monkeypatch, out)
    assert main(["backup", "--to", str(out), "--db", seeded, "--lang", "zh"]) == 2
    line = one_line(capsys.readouterr().err)
    assert line == f"desktop-crm: 无法写入备份 {out}：{CLOSE_IT['zh']}"
    assert out.read_bytes() == b"older copy"
    assert [p.name for p in out.parent.iterdir()] == ["copy.db"]


@pytest.mark.sqlite_only("restore replaces the SQLite file")
def test_restore_over_a_database_open_in_another_program(
        seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    saved = backup(Path(seeded))
    db = Database.open(seeded)
    try:
        ClientService(db, user="tester").save(ClientCard(name="王芳"))
    finally:
        db.close()
    before = book_rows(seeded)
    hold_open(monkeypatch, Path(seeded))
    assert main(["restore", str(saved), "--db", seeded, "--yes", "--lang", "en"]) == 2
    captured = capsys.readouterr()
    assert one_line(captured.err) == f"desktop-crm: Cannot restore {seeded}: {CLOSE_IT['en']}"
    assert "Restored" not in captured.out
    assert book_rows(seeded) == before
