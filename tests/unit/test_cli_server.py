"""The command line on a server database (PostgreSQL): what is a SQLite-file
feature (backups, restore, the integrity check) is refused with one line
naming the server's own backups, and the rest works without them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from desktop_crm.cli import main
from desktop_crm.services.importing import ImportService
from desktop_crm.storage.database import Database
from tests.conftest import one_line
from tests.unit.services.test_import import messy_sheet


def _with_password(url: str, password: str) -> str:
    return make_url(url).set(password=password).render_as_string(hide_password=False)


@pytest.mark.parametrize("argv", [
    ["backup"],
    ["backup", "--list"],
    ["backup", "--list", "--json"],
    ["backup", "--to", "{tmp}/copy.db"],
    ["restore", "{tmp}/old.db", "--yes"],
])
def test_backup_and_restore_on_a_server_are_one_line_naming_its_own_backups(
        pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        argv: list[str]) -> None:
    (tmp_path / "old.db").write_bytes(b"SQLite format 3\0")
    url = _with_password(pg_url, "s3cret-pw")
    code = main([a.format(tmp=tmp_path) for a in argv] + ["--db", url])
    captured = capsys.readouterr()
    line = one_line(captured.err)
    assert code == 2 and captured.out == ""
    assert "server's own backups apply" in line and "pg_dump" in line
    assert "s3cret-pw" not in line and "***" in line
    assert not (tmp_path / "copy.db").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.db"]


def test_import_on_a_server_makes_no_file_backup_and_can_be_undone(
        pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    sheet = messy_sheet(tmp_path / "m.xlsx")
    assert main(["import", str(sheet), "--db", pg_url]) == 0
    assert "4 new clients" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.xlsx"]  # no backups folder
    db = Database.open(pg_url)
    try:
        service = ImportService(db)
        [batch] = service.batches()
        assert service.undo(batch.id) == 4
    finally:
        db.close()
    assert main(["stats", "--json", "--db", pg_url]) == 0
    assert '"clients": 0' in capsys.readouterr().out


def test_demo_if_missing_on_a_server_adds_nothing_once_it_holds_clients(
        pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--clients", "3", "--if-missing", "--db", pg_url]) == 0
    assert "Wrote 3 demo clients" in capsys.readouterr().out
    assert main(["demo", "--clients", "3", "--if-missing", "--db", pg_url]) == 0
    assert "already holds clients; no demo data added" in capsys.readouterr().out
    assert main(["stats", "--json", "--db", pg_url]) == 0
    assert '"clients": 3' in capsys.readouterr().out
