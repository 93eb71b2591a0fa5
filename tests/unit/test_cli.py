"""Tests for the command line contract of the README, run in-process (desktop_crm.cli)."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from desktop_crm import __version__
from desktop_crm.cli import main
from desktop_crm.domain.client import ClientCard, Interaction, Phone
from desktop_crm.domain.enums import Channel
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database
from tests.conftest import one_line
from tests.pg_server import PgCluster
from tests.unit.book import book_rows

HAS_DEMO = importlib.util.find_spec("desktop_crm.services.demo") is not None



@pytest.fixture
def seeded(db_target: str) -> str:
    """A small book, on SQLite and on PostgreSQL (``db_target``)."""
    db = Database.open(db_target)
    try:
        service = ClientService(db, clock=lambda: datetime(2026, 11, 24, 9), user="tester")
        zeng = service.save(ClientCard(name="曾国方", company="华为技术有限公司",
                                       phones=[Phone("138 0013 8000")]))
        service.save(ClientCard(name="张伟", company="腾讯", phones=[Phone("13912345678")]))
        service.save(ClientCard(name="李娜"))
        gone = service.save(ClientCard(name="曾小贤"))
        service.delete(gone)
        service.log_interaction(Interaction(client_id=zeng, occurred_at=datetime(2026, 11, 20),
                                            channel=Channel.CALL, summary="电话"))
    finally:
        db.close()
    return db_target


def _file_count(path: Path) -> int:
    """Live clients in a SQLite file (a backup), read with sqlite3 itself."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return int(conn.execute("SELECT count(*) FROM clients WHERE deleted_at IS NULL")
                   .fetchone()[0])
    finally:
        conn.close()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_read_only_command_refuses_a_missing_file(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "missing.db"
    assert main(["stats", "--db", str(path), "--lang", "en"]) == 2
    captured = capsys.readouterr()
    assert str(path) in one_line(captured.err)
    assert captured.out == ""
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["search", "zgf"], ["stats", "--json"], ["backup"],
                                     ["agenda"], ["agenda", "--json"],
                                     ["export", "ics", "out.ics"]])
def test_every_read_only_command_refuses_a_missing_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    path = tmp_path / "missing.db"
    assert main([*command, "--db", str(path)]) == 2
    assert str(path) in one_line(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


def test_a_directory_as_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--db", str(tmp_path), "--json"]) == 2
    captured = capsys.readouterr()
    assert str(tmp_path) in one_line(captured.err)
    assert "Traceback" not in captured.err
    assert list(tmp_path.iterdir()) == []


def test_a_text_file_as_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database", encoding="utf-8")
    assert main(["search", "x", "--db", str(path)]) == 2
    assert str(path) in one_line(capsys.readouterr().err)
    assert path.read_text(encoding="utf-8") == "not a database"


def test_search_json(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "zgf", "--db", str(seeded), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) and len(data) == 1
    assert {"id", "name", "company", "phone"} <= set(data[0])
    assert isinstance(data[0]["id"], int)
    assert (data[0]["name"], data[0]["company"], data[0]["phone"]) == (
        "曾国方", "华为技术有限公司", "138 0013 8000")


@pytest.mark.parametrize(("query", "names"), [
    ("曾", ["曾国方"]),          # one Chinese character; the deleted 曾小贤 is not listed
    ("华为", ["曾国方"]),
    ("8000", ["曾国方"]),
    ("z", ["曾国方", "张伟"]),
    ("nobody", []),
])
def test_search_matches_like_the_search_box(seeded: str, capsys: pytest.CaptureFixture[str],
                                            query: str, names: list[str]) -> None:
    assert main(["search", query, "--db", str(seeded), "--json"]) == 0
    assert [r["name"] for r in json.loads(capsys.readouterr().out)] == names


def test_search_plain_text(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "张伟", "--db", str(seeded)]) == 0
    line = one_line(capsys.readouterr().out)
    assert line.split("\t")[1:] == ["张伟", "腾讯", "13912345678"]


def test_stats_json(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--db", str(seeded), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["clients"] == 3
    assert set(data["grades"]) >= {"A", "B", "C", "unrated"}
    assert sum(data["grades"][g] for g in ("A", "B", "C", "unrated")) == 3
    assert set(data["complaints"]) >= {"open", "total", "by_category"}
    assert isinstance(data["complaints"]["by_category"], dict)
    assert data["interactions"] == 1


def test_reading_commands_do_not_write(seeded: str, tmp_path: Path) -> None:
    before = book_rows(seeded)
    assert main(["stats", "--db", seeded, "--json"]) == 0
    assert main(["search", "zgf", "--db", seeded]) == 0
    assert main(["agenda", "--db", seeded]) == 0
    assert main(["export", "xlsx", str(tmp_path / "out.xlsx"), "--db", seeded]) == 0
    assert book_rows(seeded) == before


@pytest.mark.parametrize("value", ["abc", "-1", "2.5", ""])
def test_bad_clients_value_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   value: str) -> None:
    path = tmp_path / "new.db"
    with pytest.raises(SystemExit) as info:
        main(["demo", "--db", str(path), "--clients", value])
    assert info.value.code == 2
    assert "--clients" in one_line(capsys.readouterr().err)
    assert not path.exists()


def test_unknown_command_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2


@pytest.mark.sqlite_only("a backup is a copy of the SQLite file")
def test_backup_to_file(seeded: str, tmp_path: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "copy.db"
    assert main(["backup", "--db", str(seeded), "--to", str(target)]) == 0
    assert str(target) in capsys.readouterr().out
    assert _file_count(target) == _file_count(Path(seeded)) == 3
    assert not list(target.parent.glob("*.part"))


@pytest.mark.sqlite_only("a backup is a copy of the SQLite file")
def test_backup_default_location(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backup", "--db", str(seeded)]) == 0
    [copy] = list((Path(seeded).parent / "backups").glob("*.db"))
    assert str(copy) in capsys.readouterr().out
    assert _file_count(copy) == 3


@pytest.mark.sqlite_only("a backup is a copy of the SQLite file")
def test_backup_cannot_overwrite_the_database(seeded: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backup", "--db", str(seeded), "--to", str(seeded)]) == 2
    assert one_line(capsys.readouterr().err)
    assert _file_count(Path(seeded)) == 3


@pytest.mark.skipif(not HAS_DEMO, reason="desktop_crm.services.demo not written yet")
def test_demo_creates_the_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "new.db"
    assert main(["demo", "--db", str(path), "--clients", "20", "--seed", "3"]) == 0
    assert path.is_file()
    capsys.readouterr()
    assert main(["stats", "--db", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["clients"] == 20


@pytest.mark.skipif(not HAS_DEMO, reason="desktop_crm.services.demo not written yet")
def test_demo_if_missing_leaves_an_existing_database(
        seeded: str, engine: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = book_rows(seeded)
    data = Path(seeded).read_bytes() if engine == "sqlite" else b""
    assert main(["demo", "--db", seeded, "--clients", "20", "--if-missing"]) == 0
    assert "no demo data added" in one_line(capsys.readouterr().out)
    assert book_rows(seeded) == before
    if engine == "sqlite":
        assert Path(seeded).read_bytes() == data


def test_demo_makes_the_schema_in_an_empty_server_database(
        pg_cluster: PgCluster, capsys: pytest.CaptureFixture[str]) -> None:
    url = pg_cluster.empty_database()
    try:
        assert main(["demo", "--db", url, "--clients", "20", "--seed", "3"]) == 0
        capsys.readouterr()
        assert main(["stats", "--db", url, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["clients"] == 20
    finally:
        pg_cluster.drop(url)


# -- agenda and export ics ---------------------------------------------------------

@pytest.fixture
def care(db_target: str) -> str:
    """Follow-ups relative to the real today (the command line runs on the system clock)."""
    today = date.today()
    db = Database.open(db_target)
    try:
        service = ClientService(db, user="tester")
        cid = service.save(ClientCard(name="王芳"))
        long_ago = datetime.combine(today - timedelta(days=10), datetime.min.time())
        service.log_interaction(Interaction(cid, long_ago, Channel.VISIT, "拜访", "发送报价",
                                            follow_up_on=today + timedelta(days=3)))
        service.log_interaction(Interaction(cid, long_ago, Channel.CALL, "电话", "确认回款",
                                            follow_up_on=today - timedelta(days=2)))
    finally:
        db.close()
    return db_target


def test_agenda_json(care: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agenda", "--db", str(care), "--json", "--lang", "en"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list)
    for entry in data:
        assert {"date", "kind", "client_id", "client", "title"} <= set(entry)
    follow_ups = [e for e in data if e["kind"] == "follow_up"]
    today = date.today()
    assert [(e["date"], e["client"], e["title"], e["overdue"]) for e in follow_ups] == [
        ((today - timedelta(days=2)).isoformat(), "王芳", "王芳: follow up - 确认回款", True),
        ((today + timedelta(days=3)).isoformat(), "王芳", "王芳: follow up - 发送报价", False),
    ]
    assert isinstance(follow_ups[0]["client_id"], int)


def test_agenda_plain_text_and_days(care: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agenda", "--db", str(care), "--days", "2", "--lang", "en"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "follow_up" in line]
    overdue = (date.today() - timedelta(days=2)).isoformat()
    assert lines == [f"{overdue}  follow_up  王芳: follow up - 确认回款  (2 days overdue)"]


@pytest.mark.parametrize("days", ["0", "-3", "x", "99999"])
def test_agenda_bad_days_exits_2(care: str, capsys: pytest.CaptureFixture[str],
                                 days: str) -> None:
    with pytest.raises(SystemExit) as info:
        main(["agenda", "--db", str(care), "--days", days])
    assert info.value.code == 2
    assert "--days" in one_line(capsys.readouterr().err)


def test_export_ics(care: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "关怀.ics"
    assert main(["export", "ics", str(out), "--db", str(care), "--lang", "zh"]) == 0
    line = one_line(capsys.readouterr().out)
    calendar = Calendar.from_ical(out.read_bytes().decode("utf-8"))
    events = list(calendar.walk("VEVENT"))
    assert str(len(events)) in line and str(out) in line
    assert str(calendar["X-WR-CALNAME"]) == "客户卡片管理"
    follow_ups = [e for e in events if "发送报价" in str(e["SUMMARY"])]
    assert [e.decoded("DTSTART") for e in follow_ups] == [date.today() + timedelta(days=3)]
    assert not [e for e in events if "确认回款" in str(e["SUMMARY"])]  # overdue


def test_export_ics_message_and_days(care: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "care.ics"
    assert main(["export", "--lang", "en", "ics", str(out), "--db", str(care),
                 "--days", "1"]) == 0
    written = len(Calendar.from_ical(out.read_bytes()).walk("VEVENT"))
    assert one_line(capsys.readouterr().out) == f"Wrote {written} events to {out}"


@pytest.mark.parametrize("target", ["no/such/folder/care.ics", "."])
def test_export_ics_to_a_bad_path_exits_2(care: str, tmp_path: Path, target: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(tmp_path.iterdir())
    out = tmp_path / target
    assert main(["export", "ics", str(out), "--db", str(care)]) == 2
    captured = capsys.readouterr()
    assert str(out) in one_line(captured.err)
    assert "Traceback" not in captured.err and captured.out == ""
    assert sorted(tmp_path.iterdir()) == before


def test_export_needs_a_format(care: str) -> None:
    with pytest.raises(SystemExit) as info:
        main(["export", "--db", str(care)])
    assert info.value.code == 2


@pytest.mark.sqlite_only("SQLite's busy timeout")
def test_a_database_busy_past_the_timeout_is_one_line_not_a_traceback(
        seeded: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite gives up after the busy timeout while another process holds the
    write lock; the command says so in one line and exits 3."""
    from sqlalchemy.exc import OperationalError

    from desktop_crm import cli
    from desktop_crm.services import stats as stats_module

    def locked(db: Database) -> dict[str, object]:
        raise OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(stats_module, "stats", locked)
    assert main(["stats", "--db", str(seeded), "--json"]) == cli.EXIT_BUSY
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "busy" in err and "Traceback" not in err

    def broken(db: Database) -> dict[str, object]:
        raise OperationalError("SELECT ...", {}, sqlite3.OperationalError("no such table: x"))

    monkeypatch.setattr(stats_module, "stats", broken)
    with pytest.raises(OperationalError):  # a real bug still surfaces
        main(["stats", "--db", str(seeded), "--json"])


def test_an_error_for_the_user_is_one_line_and_a_bug_is_not_hidden(
        seeded: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Any CrmError that reaches main() is one line and exit 2, whatever the
    command; any other exception is a bug and keeps its traceback."""
    from desktop_crm import cli
    from desktop_crm.services.importing.service import ImportUndoError

    def refuse(args: object) -> int:
        raise ImportUndoError("nothing to undo: the last import was undone already")

    monkeypatch.setitem(cli.COMMANDS, "stats", refuse)
    assert main(["stats", "--db", str(seeded), "--json"]) == 2
    assert one_line(capsys.readouterr().err) == (
        "desktop-crm: nothing to undo: the last import was undone already")

    def bug(args: object) -> int:
        raise KeyError("a bug")

    monkeypatch.setitem(cli.COMMANDS, "stats", bug)
    with pytest.raises(KeyError):
        main(["stats", "--db", str(seeded), "--json"])
