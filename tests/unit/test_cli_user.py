"""The command line's user: --user / $DESKTOP_CRM_USER, and --mine / --owner on
search and agenda, on both engines."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop_crm.cli import main
from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.dates import DateSpec
from desktop_crm.services.importing import ImportService
from desktop_crm.services.registry import Services
from desktop_crm.storage.database import Database


@pytest.fixture
def book(db: Database, db_target: str) -> str:
    """王芳 and 陈静 are 李娜's, 赵磊 is 张伟's; each has a birthday tomorrow."""
    tomorrow = date.today() + timedelta(days=1)
    services = Services.build(db, user="seed")
    for name, owner in (("王芳", "李娜"), ("陈静", "李娜"), ("赵磊", "张伟")):
        services.clients.save(ClientCard(
            name=name, owner=owner,
            birthday=DateSpec.solar(tomorrow.month, tomorrow.day, year=1980)))
    return db_target


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> list[dict[str, object]]:
    assert main(argv) == 0
    return list(json.loads(capsys.readouterr().out))


def test_search_mine_and_owner(book: str, capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DESKTOP_CRM_USER", raising=False)
    everyone = _json(capsys, ["search", "", "--db", book, "--json"])
    assert {r["name"] for r in everyone} == {"王芳", "陈静", "赵磊"}
    mine = _json(capsys, ["search", "", "--db", book, "--json", "--mine", "--user", "李娜"])
    assert {r["name"] for r in mine} == {"王芳", "陈静"}
    owner = _json(capsys, ["search", "", "--db", book, "--json", "--owner", "张伟"])
    assert {r["name"] for r in owner} == {"赵磊"}
    monkeypatch.setenv("DESKTOP_CRM_USER", "张伟")
    by_env = _json(capsys, ["search", "", "--db", book, "--json", "--mine"])
    assert {r["name"] for r in by_env} == {"赵磊"}
    over_env = _json(capsys, ["search", "", "--db", book, "--json", "--mine", "--user", "李娜"])
    assert {r["name"] for r in over_env} == {"王芳", "陈静"}


def test_agenda_mine_and_owner(book: str, capsys: pytest.CaptureFixture[str]) -> None:
    def clients(items: list[dict[str, object]]) -> set[object]:
        return {i["client"] for i in items if i["kind"] == "birthday"}

    assert clients(_json(capsys, ["agenda", "--db", book, "--json", "--days", "7"])) \
        == {"王芳", "陈静", "赵磊"}
    assert clients(_json(capsys, ["agenda", "--db", book, "--json", "--days", "7", "--mine",
                                  "--user", "李娜"])) == {"王芳", "陈静"}
    assert clients(_json(capsys, ["agenda", "--db", book, "--json", "--days", "7",
                                  "--owner", "张伟"])) == {"赵磊"}


def test_import_records_the_user(book: str, db: Database, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "clients.csv"
    csv.write_text("客户名称,手机\n孙强,13800138000\n", encoding="utf-8")
    assert main(["import", str(csv), "--db", book, "--user", "王经理"]) == 0
    batches = ImportService(db, backup_first=False).batches()
    assert [b.user for b in batches] == ["王经理"]


@pytest.mark.parametrize("argv", [["--user", "  "], ["--mine", "--owner", "张伟"],
                                  ["--owner", ""]])
def test_a_bad_user_option_is_one_line_and_exit_2(book: str, argv: list[str],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(["search", "", "--db", book, *argv])
    except SystemExit as exc:  # argparse: --mine and --owner together
        code = int(exc.code or 0)
    assert code == 2
    err = capsys.readouterr().err
    assert err.strip() and "\n" not in err.strip() and "Traceback" not in err
    assert capsys.readouterr().out == ""
