"""Every file the app writes, as Windows would see it (tests/helpers/windows_like.py):
binary descriptors (``O_BINARY``), a sync Windows accepts, and a target that
another program holds open (a workbook in Excel or WPS, the database in a
viewer) refused after brief retries with one message telling the user to
close it there; the old file, the database and the folder unchanged."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.dates import DateSpec
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.backup import backup
from desktop_crm.services.clients import ClientService
from desktop_crm.services.exporting import export_xlsx
from desktop_crm.services.files import (
    ExportError,
    OutputRefusedError,
    protected_output,
    write_atomically,
)
from desktop_crm.services.ics_export import export_ics
from desktop_crm.services.importing.service import RowProblem, save_report
from desktop_crm.services.restore import RestoreError, restore
from desktop_crm.services.vcard_export import export_vcf
from desktop_crm.storage.database import Database
from tests.conftest import all_rows, names_in_file, one_line, sqlite_book
from tests.helpers.windows_like import (
    WINDOWS_O_BINARY,
    OpenRecorder,
    hold_open,
    refuse_read_only_fsync,
)

NOW = datetime(2026, 11, 24, 10, 0)
CLOSE_IT = "it is open in another program; close it in that program and try again"


def _exports(db: Database) -> dict[str, Callable[[Path], object]]:
    return {
        "book.xlsx": lambda path: export_xlsx(db, path, lang="en", clock=lambda: NOW),
        "agenda.ics": lambda path: export_ics(AgendaService(db, lambda: NOW), path),
        "contacts.vcf": lambda path: export_vcf(db, path),
        "report.xlsx": lambda path: save_report(
            [RowProblem(2, "Name", "empty name", "error", "")], path),
    }


def _seed(db: Database) -> None:
    ClientService(db, clock=lambda: NOW).save(ClientCard(
        name="曾国方", phones=[Phone("138 0013 8000")], birthday=DateSpec.solar(12, 1, year=1980)))


@pytest.mark.parametrize("name", ["book.xlsx", "agenda.ics", "contacts.vcf", "report.xlsx"])
def test_every_export_is_written_through_a_binary_descriptor_and_synced(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    _seed(db)
    out = tmp_path / "out" / name
    out.parent.mkdir()
    recorder = OpenRecorder()
    recorder.install(monkeypatch, WINDOWS_O_BINARY)
    synced = refuse_read_only_fsync(monkeypatch, recorder)
    _exports(db)[name](out)
    written = [flags for path, flags in recorder.files() if path.parent == out.parent]
    assert written and all(flags & WINDOWS_O_BINARY for flags in written)
    assert synced
    assert b"\r\r\n" not in out.read_bytes()


@pytest.mark.parametrize("name", ["book.xlsx", "agenda.ics", "contacts.vcf", "report.xlsx"])
def test_an_export_over_a_file_open_in_another_program_says_to_close_it(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    _seed(db)
    out = tmp_path / "out" / name
    out.parent.mkdir()
    out.write_bytes(b"the copy open in Excel")
    before = all_rows(db)
    holder = hold_open(monkeypatch, out)
    with pytest.raises(ExportError) as caught:
        _exports(db)[name](out)
    assert str(caught.value) == f"Cannot write {out}: {CLOSE_IT}"
    assert holder.refused > 1  # retried first
    assert out.read_bytes() == b"the copy open in Excel"
    assert [p.name for p in out.parent.iterdir()] == [name]  # no temporary file left
    assert all_rows(db) == before


def test_an_export_waits_out_a_brief_hold(db: Database, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _seed(db)
    out = tmp_path / "contacts.vcf"
    out.write_bytes(b"old")
    hold_open(monkeypatch, out, release_after=2)  # the virus scanner lets go
    assert export_vcf(db, out) == 1
    assert out.read_bytes().startswith(b"BEGIN:VCARD")




@pytest.mark.sqlite_only("backups are copies of the SQLite file")
def test_a_backup_over_a_file_open_in_another_program_says_to_close_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方"], NOW)
    out = tmp_path / "usb" / "copy.db"
    out.parent.mkdir()
    out.write_bytes(b"an older copy, open in a viewer")
    hold_open(monkeypatch, out)
    from desktop_crm.storage.database import DatabaseError
    with pytest.raises(DatabaseError) as caught:
        backup(db_path, out, now=NOW)
    assert str(caught.value) == f"Cannot write the backup {out}: {CLOSE_IT}"
    assert out.read_bytes() == b"an older copy, open in a viewer"
    assert [p.name for p in out.parent.iterdir()] == ["copy.db"]
    assert names_in_file(db_path) == ["曾国方"]


@pytest.mark.sqlite_only("restore replaces the SQLite file")
def test_a_restore_over_a_database_open_in_another_program_leaves_it_unchanged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方"], NOW)
    saved = backup(db_path, now=NOW - timedelta(hours=1))
    db = Database.open(db_path)
    try:
        ClientService(db, clock=lambda: NOW).save(ClientCard(name="王芳"))
    finally:
        db.close()
    hold_open(monkeypatch, db_path)  # a database viewer has it open
    with pytest.raises(RestoreError) as caught:
        restore(db_path, saved, now=NOW)
    assert str(caught.value) == f"Cannot restore {db_path}: {CLOSE_IT}"
    assert names_in_file(db_path) == ["曾国方", "王芳"]
    assert not db_path.with_name("clients.db.restoring").exists()
    db = Database.open(db_path)  # still opens
    db.close()


@pytest.mark.parametrize("name", ["NUL.xlsx", "con.ics", "book.xlsx.", "Aux.vcf"])
def test_a_name_windows_would_misread_is_refused_there_before_anything_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    target = tmp_path / name
    monkeypatch.setattr(sys, "platform", "win32")
    assert protected_output(target) == (
        f"{target}: Windows does not allow this file name (a device name such as CON or "
        "NUL, or a name ending in a dot or a space); choose another file name")
    with pytest.raises(OutputRefusedError):
        write_atomically(target, b"x")
    assert list(tmp_path.iterdir()) == []


def test_the_same_names_are_files_like_any_other_elsewhere(tmp_path: Path) -> None:
    for name in ("NUL.xlsx", "book.xlsx."):
        write_atomically(tmp_path / name, b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["NUL.xlsx", "book.xlsx."]


@pytest.mark.parametrize("lang, start", [("en", "desktop-crm: "), ("zh", "desktop-crm: ")])
def test_the_command_line_refuses_a_device_name_on_windows_with_one_line(
        db_target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], lang: str, start: str) -> None:
    from desktop_crm.cli import main
    from desktop_crm.i18n import translate

    Database.open(db_target).close()
    target = tmp_path / "NUL.xlsx"
    monkeypatch.setattr(sys, "platform", "win32")
    assert main(["export", "xlsx", str(target), "--db", db_target, "--lang", lang]) == 2
    monkeypatch.undo()
    line = one_line(capsys.readouterr().err)
    assert line == start + translate(
        "{path}: Windows does not allow this file name (a device name such as CON or NUL, "
        "or a name ending in a dot or a space); choose another file name", lang, path=target)
    assert not target.exists()


@pytest.mark.parametrize("name", ["agenda.ics", "contacts.vcf"])
def test_calendar_and_contact_files_end_every_line_with_crlf_on_every_system(
        db: Database, tmp_path: Path, name: str) -> None:
    """RFC 5545 and RFC 6350 (and 2426) lines end with CR LF, whatever the
    system writes: Outlook and phones read them the same from any of them."""
    ClientService(db, clock=lambda: NOW).save(ClientCard(
        name="曾国方", phones=[Phone("138 0013 8000")], notes="第一行\n第二行",
        birthday=DateSpec.solar(12, 1, year=1980)))
    out = tmp_path / name
    _exports(db)[name](out)
    data = out.read_bytes()
    assert data.count(b"\n") > 3
    assert data.count(b"\n") == data.count(b"\r\n") and b"\r\r" not in data
