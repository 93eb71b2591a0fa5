"""held_files: the SQLite files this process holds open, recognised however
their path is spelled, and the storage code that never opens them outside
SQLite (header checks, copies, restores), so the process keeps its locks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_crm.domain.client import ClientCard
from desktop_crm.services.backup import backup
from desktop_crm.services.clients import ClientService
from desktop_crm.services.restore import RestoreError, restore
from desktop_crm.storage import held_files, integrity
from desktop_crm.storage.database import Database, DatabaseError, inspect_file
from desktop_crm.storage.held_files import HeldFileError
from desktop_crm.storage.snapshot import backup_dir_for, copy_database
from tests.conftest import posix_locks

pytestmark = pytest.mark.sqlite_only("the files and locks of an open SQLite database")


@pytest.fixture
def held(db: Database, db_path: Path) -> Iterator[Path]:
    """``db_path`` held open by ``db``, with a client written (so -wal and -shm exist)."""
    ClientService(db, user="test").save(ClientCard(name="张三"))
    yield db_path


def test_database_holds_its_file_until_closed(db_path: Path) -> None:
    assert held_files.held_database(db_path) is None
    first = Database.open(db_path, create=True)
    second = Database.open(db_path)
    assert held_files.held_database(db_path) == db_path.resolve()
    first.close()
    first.close()  # twice: releases once
    assert held_files.held_database(db_path) == db_path.resolve()
    second.close()
    assert held_files.held_database(db_path) is None
    assert db_path.resolve() not in held_files.held_databases()


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_the_database_and_its_companions_are_held(held: Path, suffix: str) -> None:
    path = held.with_name(held.name + suffix)
    assert held_files.held_database(path) == held.resolve()
    assert held_files.is_held_database(path) == (suffix == "")
    with pytest.raises(HeldFileError, match="is the database this program has open"):
        held_files.refuse_held(path)


@pytest.mark.parametrize("name", ["clients.db.bak", "clients.db-walx", "clients.dbx",
                                  "other.db", "clients"])
def test_other_files_beside_it_are_not(held: Path, name: str) -> None:
    (held.parent / name).write_bytes(b"x")
    assert held_files.held_database(held.parent / name) is None
    held_files.refuse_held(held.parent / name)


def test_other_spellings_of_the_same_files_are_held(held: Path, tmp_path: Path) -> None:
    dotted = tmp_path / "sub" / ".." / held.name
    (tmp_path / "sub").mkdir()
    assert held_files.held_database(dotted) == held.resolve()
    relative = Path(os.path.relpath(held.with_name(held.name + "-wal")))
    assert held_files.held_database(relative) == held.resolve()
    file_link = tmp_path / "elsewhere.sqlite"
    file_link.symlink_to(held)
    assert held_files.held_database(file_link) == held.resolve()
    assert held_files.is_held_database(file_link)
    hard = tmp_path / "hard-link-to-shm"
    os.link(held.with_name(held.name + "-shm"), hard)
    assert held_files.held_database(hard) == held.resolve()
    folder_link = tmp_path.parent / f"{tmp_path.name}-link"
    folder_link.symlink_to(tmp_path, target_is_directory=True)
    try:
        # a companion that does not exist yet, through another folder name
        assert not held.with_name(held.name + "-journal").exists()
        assert held_files.held_database(folder_link / (held.name + "-journal")) == \
            held.resolve()
        assert held_files.held_database(folder_link / "notes.xlsx") is None
    finally:
        folder_link.unlink()


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_another_case_of_a_companion_not_made_yet_is_held(held: Path, suffix: str) -> None:
    """Windows and macOS disks ignore case: CLIENTS.DB-JOURNAL is the journal."""
    other_case = held.with_name((held.name + suffix).upper())
    if other_case.exists():
        pytest.skip("this disk ignores case: the file exists under the other spelling")
    assert held_files.held_database(other_case) == held.resolve()
    with pytest.raises(HeldFileError):
        held_files.refuse_held(other_case)


def test_a_backups_folder_is_recognised(held: Path, tmp_path: Path) -> None:
    target = backup(held)
    assert held_files.backup_folder_of_held(target) == held.resolve()
    assert held_files.backup_folder_of_held(tmp_path / "notes.xlsx") is None
    assert target.parent == backup_dir_for(held)


def test_header_checks_of_the_open_database_read_nothing(held: Path) -> None:
    """Before, has_sqlite_header and in_wal_mode opened and closed the file,
    which dropped the process's locks; now SQLite is asked instead."""
    locks = posix_locks(held)
    assert {"clients.db", "clients.db-shm"} <= locks
    assert integrity.has_sqlite_header(held)
    assert integrity.in_wal_mode(held)
    assert posix_locks(held) == locks
    for suffix in ("-wal", "-shm"):
        with pytest.raises(HeldFileError):
            integrity.has_sqlite_header(held.with_name(held.name + suffix))
        with pytest.raises(HeldFileError):
            integrity.in_wal_mode(held.with_name(held.name + suffix))
    assert posix_locks(held) == locks


def test_opening_the_open_database_again_keeps_the_locks(held: Path) -> None:
    locks = posix_locks(held)
    assert inspect_file(held).revision is not None
    again = Database.open(held, check_later=True)
    try:
        again.finish_check()
        assert ClientService(again).get(1).name == "张三"
    finally:
        again.close()
    assert posix_locks(held) == locks
    with pytest.raises(DatabaseError, match="is the database this program has open"):
        Database.open(held.with_name(held.name + "-wal"))
    assert posix_locks(held) == locks


def test_a_copy_never_lands_on_the_open_database(held: Path) -> None:
    locks = posix_locks(held)
    wal = held.with_name(held.name + "-wal")
    before = wal.stat().st_size  # a stat opens nothing
    for target in (held, wal):
        with pytest.raises(HeldFileError):
            copy_database(held, target)
    assert not list(held.parent.glob("*.part"))
    assert wal.stat().st_size == before
    assert posix_locks(held) == locks


def test_a_restore_onto_the_open_database_is_refused_without_reading_it(held: Path) -> None:
    good = backup(held)
    locks = posix_locks(held)
    with pytest.raises(RestoreError, match="is open in another window or program"):
        restore(held, good)
    assert posix_locks(held) == locks


def test_a_listing_snapshot_still_knows_a_companion_made_after_it(held: Path) -> None:
    journal = held.with_name(held.name + "-journal")
    listing = held_files.HeldFiles()
    journal.write_bytes(b"")  # SQLite may create it while a dialog is open
    try:
        assert listing.match(str(journal)) == (held.resolve(), held.resolve().with_name(
            journal.name))
        assert listing.database_of(held.parent / "notes.xlsx") is None
    finally:
        journal.unlink()
