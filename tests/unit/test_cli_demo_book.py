"""Demo data lives in a book of its own (issue 17, item 11): ``desktop-crm demo``
without ``--db`` writes the demo book beside the default database, never the
default database itself, and never adds to a book that holds clients unless
told ``--add``; ``desktop-crm --demo`` opens the demo book."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from desktop_crm import app, cli
from desktop_crm.cli import main
from desktop_crm.domain.client import ClientCard
from desktop_crm.services.clients import ClientService
from desktop_crm.services.demo_book import demo_book_path, is_demo_book
from desktop_crm.storage.database import Database, default_db_path
from tests.conftest import one_line
from tests.unit.book import book_rows


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user data folder (where the default database lives) in ``tmp_path``."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db_path() == tmp_path / "data" / "desktop-crm" / "clients.db"
    return tmp_path / "data" / "desktop-crm"


def _clients(target: str | Path) -> int:
    db = Database.open(target)
    try:
        return ClientService(db).counts()["clients"]
    finally:
        db.close()


def test_demo_without_db_writes_the_demo_book_not_the_default_database(
        data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--clients", "5", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert f"Wrote 5 demo clients to {data_home / 'demo.db'}" in out
    assert "desktop-crm --demo" in out
    assert demo_book_path() == data_home / "demo.db"
    assert _clients(data_home / "demo.db") == 5
    assert not (data_home / "clients.db").exists()
    # make run's first line, run again: the demo book exists, nothing added
    assert main(["demo", "--clients", "5", "--if-missing"]) == 0
    assert "no demo data added" in capsys.readouterr().out
    assert _clients(data_home / "demo.db") == 5
    # without --if-missing: refused, and said how to open it or add more
    assert main(["demo", "--clients", "5"]) == 2
    assert one_line(capsys.readouterr().err) == (
        f"desktop-crm: The demo book {data_home / 'demo.db'} already holds clients; no demo "
        "data added. Open it with desktop-crm --demo, or add more with --add")
    assert main(["demo", "--clients", "5", "--add"]) == 0
    assert _clients(data_home / "demo.db") == 10


@pytest.mark.parametrize("extra", [[], ["--add"], ["--if-missing"]])
def test_demo_never_writes_the_default_database(
        data_home: Path, capsys: pytest.CaptureFixture[str], extra: list[str]) -> None:
    default = data_home / "clients.db"
    assert main(["demo", "--clients", "5", "--db", str(default), *extra]) == 2
    line = one_line(capsys.readouterr().err)
    assert line == (f"desktop-crm: {default} is your own client book; demo data is never "
                    f"written into it. Leave out --db to write the demo book "
                    f"({data_home / 'demo.db'}), which desktop-crm --demo opens")
    assert not default.exists()


def test_demo_refuses_a_book_that_holds_clients_unless_told_to_add(
        db_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = Database.open(db_target)
    try:
        ClientService(db, clock=lambda: datetime(2026, 11, 24, 9)).save(ClientCard(name="王芳"))
    finally:
        db.close()
    before = book_rows(db_target)
    assert main(["demo", "--clients", "5", "--db", db_target]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith("desktop-crm: ") and "already holds clients" in line
    assert "--add" in line
    assert book_rows(db_target) == before
    assert main(["demo", "--clients", "5", "--db", db_target, "--add"]) == 0
    assert _clients(db_target) == 6


def test_a_book_demo_data_was_written_into_is_marked(db_target: str) -> None:
    db = Database.open(db_target)
    try:
        assert not is_demo_book(db)
    finally:
        db.close()
    assert main(["demo", "--clients", "3", "--db", db_target]) == 0
    db = Database.open(db_target)
    try:
        assert is_demo_book(db)
    finally:
        db.close()


def test_the_window_with_demo_opens_the_demo_book_made_when_missing(
        data_home: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    opened: list[str | None] = []
    monkeypatch.setattr(app, "run", lambda db, lang, user=None: opened.append(db) or 0)
    assert main(["--demo"]) == 0
    assert opened == [str(data_home / "demo.db")]
    assert _clients(data_home / "demo.db") == 300
    assert not (data_home / "clients.db").exists()
    assert "Writing 300 demo clients" in capsys.readouterr().out
    assert main(["--demo"]) == 0  # made once: opened as it is
    assert capsys.readouterr().out == ""
    assert _clients(data_home / "demo.db") == 300


def test_demo_and_db_together_are_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--demo", "--db", str(tmp_path / "x.db")]) == 2
    assert one_line(capsys.readouterr().err) == (
        "desktop-crm: --demo opens the demo book; give either --demo or --db, not both")
    assert not (tmp_path / "x.db").exists()


def test_make_run_opens_the_demo_book() -> None:
    """`make run` makes the demo book if missing and opens it: never the user's book."""
    makefile = (Path(cli.__file__).parents[1] / "Makefile").read_text(encoding="utf-8")
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    commands = [line.strip() for line in run.splitlines()[1:]]
    assert "$(BIN)/desktop-crm demo --clients $(DEMO_CLIENTS) --seed 1 --if-missing" in commands
    assert commands[-1] == "$(BIN)/desktop-crm --demo"
    assert not any("--db" in c for c in commands)
