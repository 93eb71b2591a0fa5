"""``desktop-crm copy --from SOURCE --to TARGET``: a laptop's SQLite book into
a PostgreSQL database and back, with nothing lost, and what it refuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop_crm.cli import main
from desktop_crm.domain.care import Source
from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.services.demo import generate
from desktop_crm.services.importing import ImportService
from desktop_crm.services.photos import PhotoService
from desktop_crm.storage import copy_repo
from desktop_crm.storage.database import Database
from tests.conftest import FIXED_NOW, one_line
from tests.pg_server import PgCluster
from tests.photo_images import halves
from tests.unit.services.test_import import messy_sheet

QUERIES = ["张", "zhang", "zw", "138", "华为", "Acme", "@example.com", "li na", "VIP"]


def _rich_book(path: Path, tmp_path: Path) -> Path:
    """A few hundred demo clients (interactions, evaluations, complaints,
    family, answers ...), an import batch, care marked done, a card in
    the trash and photos."""
    db = Database.open(path, create=True)
    try:
        generate(db, 300, seed=7, now=FIXED_NOW)
        service = ImportService(db)
        source = service.open(messy_sheet(tmp_path / "m.xlsx"))
        service.commit(source, dict(source.suggested_mapping), "keep")
        agenda = AgendaService(db, lambda: FIXED_NOW)
        items = agenda.agenda(60, agenda.today(), include_overdue=True)
        # both kinds: a care_done row (a birthday, a festival) and a follow-up
        for source in (Source.INTERACTION, Source.IMPORTANT_DATE, Source.FAMILY_MEMBER):
            for item in [i for i in items if i.source == source][:3]:
                agenda.mark_done(item, "called")
        clients = ClientService(db, user="tester")
        gone = clients.save(ClientCard(name="回收站", phones=[Phone("13912345678")]))
        clients.delete(gone)
        photos = PhotoService(db, user="tester")  # more than one batch of photos
        for client_id in range(1, 2 * copy_repo.BATCHES["client_photos"] + 6):
            photos.set_photo(client_id, halves(40 + client_id, 30, "PNG"))
    finally:
        db.close()
    return path


def _tables(target: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    db = Database.open(target)
    try:
        with db.read() as s:
            return {t.name: [tuple(r) for r in s.execute(
                select(t).order_by(*t.primary_key.columns))] for t in copy_repo.tables()}
    finally:
        db.close()


def _answers(target: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """What the commands say about a book: stats, searches, the agenda."""
    out: dict[str, Any] = {}
    commands = [("stats", ["stats", "--json"]), ("agenda", ["agenda", "--json"]),
                *((f"search {q}", ["search", q, "--json"]) for q in QUERIES)]
    for name, argv in commands:
        assert main([*argv, "--db", target]) == 0, name
        out[name] = json.loads(capsys.readouterr().out)
    # items of one day and kind come in the order the engine returns them (the
    # agenda sorts by day and kind only): compared as a list sorted by date,
    # then as a multiset
    out["agenda"] = ([i["date"] for i in out["agenda"]],
                     sorted(json.dumps(i, sort_keys=True) for i in out["agenda"]))
    return out


def test_copy_to_postgresql_and_back_loses_nothing(
        tmp_path: Path, pg_cluster: PgCluster, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AgendaService, "today", lambda self: FIXED_NOW.date())
    laptop = str(_rich_book(tmp_path / "laptop.db", tmp_path))
    before = _tables(laptop)
    assert len(before["clients"]) == 306 and before["complaints"] and before["care_done"]
    assert before["evaluations"] and before["import_batches"] and before["interactions"]
    assert len(before["client_photos"]) > 2 * copy_repo.BATCHES["client_photos"]
    answers = _answers(laptop, capsys)
    assert answers["stats"]["trash"] == 1 and answers["search 张"]
    assert answers["stats"]["photos"] == len(before["client_photos"])

    server = pg_cluster.empty_database()  # no schema yet: copy makes it
    try:
        assert main(["copy", "--from", laptop, "--to", server]) == 0
        captured = capsys.readouterr()
        assert one_line(captured.out).startswith("Copied 306 clients (")
        assert captured.err == ""  # progress only for large books
        assert _tables(server) == before
        assert _answers(server, capsys) == answers  # stats, agenda, every search
        # the sequences continue after the copied ids: a new card gets a new id
        db = Database.open(server)
        try:
            service = ClientService(db, user="tester")
            new_id = service.save(ClientCard(name="新客户"))
            service.delete(new_id)
            service.purge(new_id)  # gone again: the book is as it was copied
        finally:
            db.close()
        assert new_id == max(r[0] for r in before["clients"]) + 1

        back = str(tmp_path / "back.db")
        assert main(["copy", "--from", server, "--to", back]) == 0
        capsys.readouterr()
        assert _tables(back) == _tables(server) == before
        assert _answers(back, capsys) == answers
    finally:
        pg_cluster.drop(server)


def test_a_target_holding_clients_is_refused_and_left_as_it_was(
        tmp_path: Path, db_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    laptop = str(_rich_book(tmp_path / "laptop.db", tmp_path))
    db = Database.open(db_target)
    try:
        ClientService(db, user="tester").save(ClientCard(name="已有客户"))
    finally:
        db.close()
    before = _tables(db_target)
    assert main(["copy", "--from", laptop, "--to", db_target]) == 2
    line = one_line(capsys.readouterr().err)
    assert "already holds clients" in line
    assert _tables(db_target) == before


def test_refusals_are_one_line_and_write_nothing(
        tmp_path: Path, db_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database\n")
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    new = tmp_path / "new.db"
    cases = [
        ([str(text_file), str(new)], "is not a database file"),
        ([str(empty), str(new)], "is not a Desktop CRM database"),
        ([str(tmp_path / "missing.db"), str(new)], "No database at"),
        ([db_target, db_target], "are the same database"),
    ]
    for (source, target), expected in cases:
        assert main(["copy", "--from", source, "--to", target]) == 2
        assert expected in one_line(capsys.readouterr().err), (source, expected)
    assert not new.exists() and empty.read_bytes() == b""


@pytest.mark.sqlite_only("a second name (a symbolic link) of one SQLite file")
def test_the_same_file_by_another_name_is_refused(
        tmp_path: Path, db_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    link = tmp_path / "link.db"
    link.symlink_to(db_target)
    assert main(["copy", "--from", str(link), "--to", db_target]) == 2
    assert "are the same database" in one_line(capsys.readouterr().err)


def test_an_empty_server_database_is_not_a_source(
        tmp_path: Path, pg_cluster: PgCluster, capsys: pytest.CaptureFixture[str]) -> None:
    empty = pg_cluster.empty_database()
    try:
        assert main(["copy", "--from", empty, "--to", str(tmp_path / "new.db")]) == 2
        assert "is not a Desktop CRM database" in one_line(capsys.readouterr().err)
        assert not (tmp_path / "new.db").exists()
        db = Database(empty)
        try:
            assert db.current_revision() is None  # no schema was written into it
        finally:
            db.close()
    finally:
        pg_cluster.drop(empty)


def test_into_a_database_with_the_schema_and_no_clients(
        tmp_path: Path, db_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    laptop = str(_rich_book(tmp_path / "laptop.db", tmp_path))
    assert _database_uuid(db_target) != _database_uuid(laptop)
    assert main(["copy", "--from", laptop, "--to", db_target]) == 0
    assert _tables(db_target) == _tables(laptop)
    assert _database_uuid(db_target) == _database_uuid(laptop)


def _database_uuid(target: str) -> str:
    from desktop_crm.storage import identity_repo

    db = Database.open(target)
    try:
        with db.read() as s:
            return identity_repo.database_uuid(s)
    finally:
        db.close()


def test_a_failed_copy_is_undone(
        tmp_path: Path, db_target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    laptop = str(_rich_book(tmp_path / "laptop.db", tmp_path))
    before = _tables(db_target)

    def fail(target: Any) -> None:
        raise _LateError

    monkeypatch.setattr(copy_repo, "advance_sequences", fail)
    with pytest.raises(_LateError):
        main(["copy", "--from", laptop, "--to", db_target])
    assert _tables(db_target) == before
    new = tmp_path / "new.db"  # a file the copy made is removed again
    with pytest.raises(_LateError):
        main(["copy", "--from", laptop, "--to", str(new)])
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("new")) == []


class _LateError(Exception):
    """Stands for anything going wrong after every row was written."""


def test_progress_on_stderr_for_a_large_book(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import desktop_crm.cli as cli

    laptop = str(_rich_book(tmp_path / "laptop.db", tmp_path))
    monkeypatch.setattr(cli, "PROGRESS_FROM_ROWS", 100)
    monkeypatch.setattr(copy_repo, "BATCH", 500)
    assert main(["copy", "--from", laptop, "--to", str(tmp_path / "new.db")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) >= 3 and all(line.startswith("Copied ") for line in err)
    assert err[-1].split(" of ")[0].split()[-1] == err[-1].split(" of ")[1].split()[0]
