"""Checks on open (desktop_crm.storage.integrity and Database.open): a damaged
file is refused and never written to, each kind of unusable file gets its own
error and message, and a database of an earlier release is backed up before
it is migrated."""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import threading
from pathlib import Path

import pytest

from desktop_crm import i18n
from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.services.clients import ClientService
from desktop_crm.storage import integrity
from desktop_crm.storage.database import (
    HEAD_REVISION,
    Database,
    DatabaseDamagedError,
    DatabaseError,
    ForeignDatabaseError,
    NewerDatabaseError,
    NotADatabaseError,
)
from desktop_crm.storage.integrity import check_file
from desktop_crm.storage.snapshot import BackupReason, backup_dir_for, parse_backup_name
from tests.conftest import build_at, corrupt_clients_table
from tests.helpers.damage import orphan_phone

PREVIOUS_REVISION = "20261124_05"


def make_database(path: Path, clients: int = 300) -> Path:
    """A database at head with enough clients that their table spans many pages."""
    db = Database.open(path, create=True)
    try:
        service = ClientService(db)
        for i in range(clients):
            service.save(ClientCard(name=f"客户{i}", company="华为技术有限公司",
                                    notes="老客户，每月拜访一次。" * 8,
                                    phones=[Phone(f"1380013{i:04d}")]))
    finally:
        db.close()
    return path


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def sound_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_database(tmp_path_factory.mktemp("sound") / "clients.db")


@pytest.fixture
def damaged(tmp_path: Path, sound_db: Path) -> Path:
    path = tmp_path / "clients.db"
    shutil.copy(sound_db, path)
    corrupt_clients_table(path)
    return path


# -- damage ----------------------------------------------------------------------

def test_a_sound_database_passes(sound_db: Path) -> None:
    report = check_file(sound_db)
    assert report.ok and report.full
    assert report.revision == HEAD_REVISION
    assert "clients" in report.tables


def test_open_refuses_a_damaged_file_and_leaves_it_unchanged(damaged: Path) -> None:
    before = damaged.read_bytes()
    with pytest.raises(DatabaseDamagedError) as info:
        Database.open(damaged)
    assert damaged.read_bytes() == before
    wal = damaged.with_name(damaged.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert not backup_dir_for(damaged).exists()
    error = info.value
    assert error.path == damaged
    assert error.problems and all(isinstance(p, str) and p for p in error.problems)
    assert str(damaged) in str(error)
    assert error.problems[0] in str(error)
    assert "damaged" in str(error)


def test_quick_check_for_large_files_also_finds_the_damage(
        damaged: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(integrity, "FULL_CHECK_MAX_BYTES", 0)
    report = check_file(damaged)
    assert not report.full
    assert not report.ok
    with pytest.raises(DatabaseDamagedError):
        Database.open(damaged)


def test_full_check_chosen_by_size(sound_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    size = sound_db.stat().st_size
    monkeypatch.setattr(integrity, "FULL_CHECK_MAX_BYTES", size)
    assert check_file(sound_db).full
    monkeypatch.setattr(integrity, "FULL_CHECK_MAX_BYTES", size - 1)
    assert not check_file(sound_db).full
    assert check_file(sound_db, full=True).full


def test_a_foreign_key_violation_is_reported(tmp_path: Path, sound_db: Path) -> None:
    path = tmp_path / "clients.db"
    shutil.copy(sound_db, path)
    orphan_phone(path)
    before = path.read_bytes()
    with pytest.raises(DatabaseDamagedError) as info:
        Database.open(path)
    assert any("client_phones" in p and "clients" in p for p in info.value.problems)
    assert path.read_bytes() == before


def test_a_damaged_schema_page_is_damage_not_a_crash(tmp_path: Path, sound_db: Path) -> None:
    path = tmp_path / "clients.db"
    shutil.copy(sound_db, path)
    with path.open("r+b") as fh:  # page 1 after the 100-byte header: the schema
        fh.seek(100)
        fh.write(b"\xff" * 2000)
    before = path.read_bytes()
    with pytest.raises(DatabaseDamagedError):
        Database.open(path)
    assert path.read_bytes() == before


# -- the four kinds of unusable file ------------------------------------------------

def _four_errors(folder: Path, sound_db: Path) -> list[DatabaseError]:
    text = folder / "notes.db"
    text.write_text("客户名单\n张三 13800138000\n", encoding="utf-8")
    other = folder / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE songs (title TEXT)")
    conn.close()
    newer = folder / "newer.db"
    shutil.copy(sound_db, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '29991231_99'")
    conn.close()
    damaged = folder / "damaged.db"
    shutil.copy(sound_db, damaged)
    corrupt_clients_table(damaged)

    errors = []
    for path in (text, other, newer, damaged):
        before = path.read_bytes()
        with pytest.raises(DatabaseError) as info:
            Database.open(path)
        assert path.read_bytes() == before, path  # none of them is written to
        assert info.value.path == path
        errors.append(info.value)
    return errors


def test_each_kind_has_its_own_error_and_message(tmp_path: Path, sound_db: Path) -> None:
    errors = _four_errors(tmp_path, sound_db)
    kinds = [NotADatabaseError, ForeignDatabaseError, NewerDatabaseError,
             DatabaseDamagedError]
    for error, kind in zip(errors, kinds, strict=True):
        assert type(error) is kind
    assert isinstance(errors[2], NewerDatabaseError) and errors[2].revision == "29991231_99"
    # the messages differ once the file name is taken out
    texts = [str(e).replace(str(e.path), "FILE") for e in errors]
    assert len(set(texts)) == 4
    assert "not a database file" in texts[0]
    assert "another program" in texts[1]
    assert "newer version" in texts[2]
    assert "damaged" in texts[3]


def test_the_four_messages_are_translated(tmp_path: Path, sound_db: Path) -> None:
    i18n.set_language("zh")
    errors = _four_errors(tmp_path, sound_db)
    texts = [str(e).replace(str(e.path), "FILE") for e in errors]
    assert len(set(texts)) == 4
    for text in texts:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text


# -- backup before migration --------------------------------------------------------

def old_database(path: Path) -> Path:
    build_at(path, PREVIOUS_REVISION)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO clients (id, kind, name, sort_key, gender, title, company, "
            "primary_phone, email, wechat, address, home_address, industry, source, owner, "
            "notes, legal_representative, scale, assets, org_form, profile_filled_by, "
            "created_at, updated_at) VALUES (1, 'person', '曾国方', 'zeng guo fang', 'male', "
            "'经理', '华为', '13800138000', '', '', '', '', '', '', '', '', '', '', '', '', "
            "'', '2025-06-01 10:00:00', '2025-06-01 10:00:00')")
    conn.close()
    return path


def test_an_older_database_is_backed_up_before_it_is_migrated(tmp_path: Path) -> None:
    path = old_database(tmp_path / "clients.db")
    original = path.read_bytes()
    db = Database.open(path)
    try:
        assert db.current_revision() == HEAD_REVISION
    finally:
        db.close()
    backups = list(backup_dir_for(path).iterdir())
    assert len(backups) == 1
    parsed = parse_backup_name(backups[0].name)
    assert parsed is not None and parsed.reason is BackupReason.BEFORE_MIGRATION
    assert parsed.stem == "clients"
    with sqlite3.connect(f"file:{backups[0]}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (PREVIOUS_REVISION,)]
        assert conn.execute("SELECT name FROM clients").fetchall() == [("曾国方",)]
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    if os.name == "posix":
        assert backups[0].stat().st_mode & 0o777 == 0o600
    # the backup is the old file, page for page
    assert backups[0].read_bytes()[100:] == original[100:]

    Database.open(path).close()  # at head now: no second backup
    assert len(list(backup_dir_for(path).iterdir())) == 1


def test_a_new_database_is_not_backed_up(tmp_path: Path) -> None:
    path = tmp_path / "clients.db"
    Database.open(path, create=True).close()
    empty = tmp_path / "empty.db"
    empty.touch()
    Database.open(empty).close()
    assert not backup_dir_for(path).exists()


def test_no_migration_without_a_backup(tmp_path: Path) -> None:
    path = old_database(tmp_path / "clients.db")
    backup_dir_for(path).write_text("a file where the backups folder should be")
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="not upgraded") as info:
        Database.open(path)
    assert info.value.path == path
    assert path.read_bytes() == before
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            PREVIOUS_REVISION,)
    conn.close()


# -- the check in the background, while the window is built ---------------------

def test_check_later_reads_at_once_and_a_write_waits_for_the_check(
        tmp_path: Path, sound_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window shows while the check runs; a write made meanwhile waits for
    the check and is then written (nothing reaches an unchecked file)."""
    path = tmp_path / "clients.db"
    shutil.copy(sound_db, path)
    gate = threading.Event()
    real_check = integrity.check_file

    def held_check(checked: Path, full: bool | None = None) -> integrity.FileReport:
        gate.wait(60)
        return real_check(checked, full=full)

    monkeypatch.setattr(integrity, "check_file", held_check)
    db = Database.open(path, check_later=True)
    try:
        assert db.checking and not db.check_finished
        service = ClientService(db)
        assert service.counts()["clients"] == 300  # reading does not wait
        saved: list[int] = []
        writer = threading.Thread(target=lambda: saved.append(
            service.save(ClientCard(name="检查之后"))))
        writer.start()
        writer.join(0.5)
        assert writer.is_alive() and not saved  # held until the check has passed
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            assert conn.execute("SELECT count(*) FROM clients").fetchone() == (300,)
        conn.close()
        gate.set()
        writer.join(60)
        assert saved and db.check_finished and not db.checking
        assert service.counts()["clients"] == 301
    finally:
        gate.set()
        db.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own nice value")
def test_the_check_in_the_background_yields_the_cpu_to_the_window(
        tmp_path: Path, sound_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a busy machine the window thread comes first: the check's thread runs
    at a higher nice value than the thread that opened the database, which
    keeps its own."""
    path = tmp_path / "clients.db"
    shutil.copy(sound_db, path)
    seen: list[int] = []
    real_check = integrity.check_file

    def watched_check(checked: Path, full: bool | None = None) -> integrity.FileReport:
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return real_check(checked, full=full)

    monkeypatch.setattr(integrity, "check_file", watched_check)
    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    db = Database.open(path, check_later=True)
    try:
        db.finish_check()
        assert seen == [min(own + integrity.CHECK_NICENESS, 19)]
        assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == own
    finally:
        db.close()


def test_a_write_after_a_failed_check_raises_and_writes_nothing(
        tmp_path: Path, sound_db: Path) -> None:
    path = tmp_path / "clients.db"
    shutil.copy(sound_db, path)
    orphan_phone(path)  # sound pages, but a row the foreign-key check refuses
    before = path.read_bytes()
    db = Database.open(path, check_later=True)
    service = ClientService(db)
    for _attempt in range(2):  # and again: the verdict stays
        with pytest.raises(DatabaseDamagedError) as caught:
            service.save(ClientCard(name="不该写入"))
        assert caught.value.path == path and caught.value.problems
    db.close()
    assert path.read_bytes() == before


def test_without_a_check_in_the_background_nothing_waits(db: Database) -> None:
    """Opened the ordinary way (the command line; a server database), the
    checks are done when open returns: writes go straight in."""
    assert not db.checking and db.check_finished
    db.finish_check()  # nothing to wait for
    ClientService(db).save(ClientCard(name="直接写入"))
    assert ClientService(db).counts()["clients"] == 1


def test_check_later_finds_the_damage_and_leaves_the_file_as_it_was(damaged: Path) -> None:
    before = damaged.read_bytes()
    db = Database.open(damaged, check_later=True)
    with pytest.raises(DatabaseDamagedError) as caught:
        db.finish_check()
    assert caught.value.path == damaged and caught.value.problems
    assert damaged.read_bytes() == before


def test_check_later_checks_first_when_the_file_must_be_migrated_or_is_not_wal(
        tmp_path: Path, sound_db: Path) -> None:
    old = tmp_path / "old.db"
    build_at(old, "20261124_05")
    db = Database.open(old, check_later=True)
    assert not db.checking and db.current_revision() == HEAD_REVISION
    db.close()
    rollback = tmp_path / "rollback.db"
    shutil.copy(sound_db, rollback)
    conn = sqlite3.connect(rollback)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    assert not integrity.in_wal_mode(rollback)
    db = Database.open(rollback, check_later=True)  # connecting would switch it to WAL
    assert not db.checking
    db.close()
