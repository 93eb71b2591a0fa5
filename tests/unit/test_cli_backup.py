"""``desktop-crm backup [--to FILE | --list [--json]]`` and
``desktop-crm restore BACKUP [--db PATH] [--yes]``."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import sys
from datetime import datetime
from pathlib import Path

import pytest

from desktop_crm.cli import main
from desktop_crm.domain.client import ClientCard
from desktop_crm.services.backup import BackupReason, backup, backup_dir
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database
from tests.conftest import names_in_file, one_line, sqlite_book


class _Terminal:
    """Standard input that is a terminal; what the user types comes from input()."""

    def isatty(self) -> bool:
        return True



def _add(path: Path, name: str) -> None:
    db = Database.open(path)
    try:
        ClientService(db).save(ClientCard(name=name))
    finally:
        db.close()



def _corrupt(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'clients'"
                            ).fetchone()[0]
    finally:
        conn.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * page_size + page_size // 2)
        fh.write(b"\xa5" * (page_size // 2 - 8))


@pytest.fixture
def with_backups(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A database of three clients, a daily backup of two clients and, the next
    day, an exit backup of three."""
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方", "张伟"], datetime(2026, 11, 24, 9))
    daily = backup(db_path, now=datetime(2026, 11, 22, 8), reason=BackupReason.DAILY)
    _add(db_path, "李娜")
    on_exit = backup(db_path, now=datetime(2026, 11, 23, 18), reason=BackupReason.EXIT)
    return db_path, daily, on_exit


# -- backup ------------------------------------------------------------------------

def test_backup_writes_a_private_copy(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方"], datetime(2026, 11, 24, 9))
    assert main(["backup", "--db", str(db_path)]) == 0
    made = list(backup_dir(db_path).iterdir())
    assert len(made) == 1 and "-manual.db" in made[0].name
    assert str(made[0]) in capsys.readouterr().out
    assert names_in_file(made[0]) == ["曾国方"]
    if os.name == "posix":
        assert stat.S_IMODE(made[0].stat().st_mode) == 0o600
    target = tmp_path / "elsewhere" / "copy.db"
    assert main(["backup", "--db", str(db_path), "--to", str(target)]) == 0
    assert names_in_file(target) == ["曾国方"]


def test_backup_list(with_backups: tuple[Path, Path, Path],
                     capsys: pytest.CaptureFixture[str]) -> None:
    db_path, daily, on_exit = with_backups
    assert main(["backup", "--list", "--db", str(db_path)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    newest = lines[0].split("\t")
    assert newest[:3] == ["2026-11-23 18:00:00", "exit", "3 clients"]
    assert newest[3].endswith(" KB") and newest[4] == str(on_exit)
    assert lines[1].split("\t")[:3] == ["2026-11-22 08:00:00", "daily", "2 clients"]
    assert lines[1].endswith(str(daily))


def test_backup_list_json(with_backups: tuple[Path, Path, Path],
                          capsys: pytest.CaptureFixture[str]) -> None:
    db_path, daily, on_exit = with_backups
    _corrupt(on_exit)
    assert main(["backup", "--list", "--json", "--db", str(db_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["path"] for d in data] == [str(on_exit), str(daily)]
    broken, good = data
    assert good == {"path": str(daily), "taken_at": "2026-11-22T08:00:00", "reason": "daily",
                    "clients": 2, "size": daily.stat().st_size,
                    "revision": good["revision"], "ok": True, "problem": ""}
    assert broken["ok"] is False and broken["clients"] is None
    assert "damaged" in broken["problem"]


def test_backup_list_marks_a_broken_backup(with_backups: tuple[Path, Path, Path],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    db_path, _daily, on_exit = with_backups
    on_exit.write_bytes(b"garbage" * 1000)
    assert main(["backup", "--list", "--db", str(db_path)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.endswith("UNUSABLE: not a database file")
    assert "\t-\t" in first  # no client count


def test_backup_list_works_when_the_database_is_damaged(
        with_backups: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    db_path, _daily, _on_exit = with_backups
    _corrupt(db_path)
    assert main(["stats", "--db", str(db_path)]) == 2
    error = one_line(capsys.readouterr().err)
    assert "damaged" in error and "desktop-crm backup --list" in error
    assert main(["backup", "--list", "--db", str(db_path)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    db_path.unlink()  # the database gone: its backups are still listed
    assert main(["backup", "--list", "--db", str(db_path)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def _exit_code(argv: list[str]) -> int | str | None:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's own errors
        return exc.code


@pytest.mark.parametrize("args", [["--list", "--to", "x.db"], ["--json"]])
def test_backup_bad_options(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                            args: list[str]) -> None:
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方"], datetime(2026, 11, 24, 9))
    assert _exit_code(["backup", *args, "--db", str(db_path)]) == 2
    assert one_line(capsys.readouterr().err)
    assert not backup_dir(db_path).exists()


def test_backup_list_of_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.db"
    assert main(["backup", "--list", "--db", str(missing)]) == 2
    assert str(missing) in one_line(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方"], datetime(2026, 11, 24, 9))
    assert main(["backup", "--list", "--json", "--db", str(db_path)]) == 0
    assert json.loads(capsys.readouterr().out) == []


# -- restore -------------------------------------------------------------------------

def test_restore_with_yes(with_backups: tuple[Path, Path, Path],
                          capsys: pytest.CaptureFixture[str]) -> None:
    db_path, daily, _on_exit = with_backups
    assert main(["restore", str(daily), "--db", str(db_path), "--yes"]) == 0
    out = capsys.readouterr().out
    assert names_in_file(db_path) == ["曾国方", "张伟"]
    kept = [p for p in backup_dir(db_path).iterdir() if "before-restore" in p.name]
    assert len(kept) == 1 and names_in_file(kept[0]) == ["曾国方", "张伟", "李娜"]
    assert str(kept[0]) in out and str(daily) in out
    if os.name == "posix":
        assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_restore_without_a_terminal_needs_yes(with_backups: tuple[Path, Path, Path],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    db_path, daily, _on_exit = with_backups
    before = db_path.read_bytes()
    assert main(["restore", str(daily), "--db", str(db_path)]) == 2
    assert "--yes" in one_line(capsys.readouterr().err)
    assert db_path.read_bytes() == before


@pytest.mark.parametrize(("answer", "code"), [("n", 1), ("", 1), ("y", 0), ("是", 0)])
def test_restore_asks_on_the_terminal(with_backups: tuple[Path, Path, Path],
                                      capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch,
                                      answer: str, code: int) -> None:
    db_path, daily, _on_exit = with_backups
    asked: list[str] = []
    monkeypatch.setattr(sys, "stdin", _Terminal())
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or answer)
    assert main(["restore", str(daily), "--db", str(db_path)]) == code
    assert len(asked) == 1 and str(db_path) in asked[0] and str(daily) in asked[0]
    if code == 0:
        assert names_in_file(db_path) == ["曾国方", "张伟"]
    else:
        assert names_in_file(db_path) == ["曾国方", "张伟", "李娜"]
        assert "Nothing was changed" in capsys.readouterr().err


def test_restore_bad_input(with_backups: tuple[Path, Path, Path],
                           capsys: pytest.CaptureFixture[str]) -> None:
    db_path, daily, _on_exit = with_backups
    before = db_path.read_bytes()
    missing = db_path.parent / "nope.db"
    assert main(["restore", str(missing), "--db", str(db_path), "--yes"]) == 2
    assert str(missing) in one_line(capsys.readouterr().err)
    _corrupt(daily)
    assert main(["restore", str(daily), "--db", str(db_path), "--yes"]) == 2
    assert "cannot be restored" in one_line(capsys.readouterr().err)
    assert _exit_code(["restore", "--db", str(db_path), "--yes"]) == 2  # no BACKUP
    assert one_line(capsys.readouterr().err)
    assert main(["restore", str(daily), "--db", "postgresql://u@h/crm", "--yes"]) == 2
    assert "SQLite" in one_line(capsys.readouterr().err)
    assert db_path.read_bytes() == before


def test_restore_over_a_damaged_database(with_backups: tuple[Path, Path, Path],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    db_path, _daily, on_exit = with_backups
    _corrupt(db_path)
    damaged = db_path.read_bytes()
    assert main(["restore", str(on_exit), "--db", str(db_path), "--yes"]) == 0
    out = capsys.readouterr().out
    aside = [p for p in db_path.parent.iterdir()
             if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1 and aside[0].read_bytes() == damaged
    assert str(aside[0]) in out
    assert names_in_file(db_path) == ["曾国方", "张伟", "李娜"]
    assert main(["stats", "--db", str(db_path), "--json"]) == 0
