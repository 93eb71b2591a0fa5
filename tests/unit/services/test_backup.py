"""Backups (desktop_crm.services.backup): rotation, pruning that touches only
our own files, daily backups, the list with client counts and health, and
restore (desktop_crm.services.restore) that never loses the current file."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_crm.domain.client import ClientCard
from desktop_crm.services.backup import (
    BackupReason,
    RetentionPolicy,
    backup,
    backup_dir,
    backup_if_due,
    backups_to_keep,
    daily_backup_due,
    list_backups,
    newest_good_backup,
    prune,
)
from desktop_crm.services.clients import ClientService
from desktop_crm.services.restore import RestoreError, restore
from desktop_crm.storage.database import (
    HEAD_REVISION,
    Database,
    DatabaseDamagedError,
    DatabaseError,
)
from desktop_crm.storage.snapshot import backup_file_name, parse_backup_name
from tests.conftest import build_at, corrupt_clients_table, names_in_file, sqlite_book

NOW = datetime(2026, 11, 24, 10, 0)  # a Tuesday
POSIX = os.name == "posix"


def old_database(path: Path, revision: str = "20261124_05") -> Path:
    """A database of an earlier release with one client."""
    build_at(path, revision)
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO clients (id, kind, name, sort_key, gender, title, company, "
            "primary_phone, email, wechat, address, home_address, industry, source, owner, "
            "notes, legal_representative, scale, assets, org_form, profile_filled_by, "
            "created_at, updated_at) VALUES (1, 'person', '曾国方', 'zeng guo fang', 'male', "
            "'', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', "
            "'2025-06-01 10:00:00', '2025-06-01 10:00:00')")
    db.close()
    return path


def _names(stamps: list[datetime], reason: BackupReason = BackupReason.DAILY,
           stem: str = "clients") -> list[str]:
    return [backup_file_name(stem, s, reason) for s in stamps]


def _touch(folder: Path, names: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"")


def _stamps(folder: Path) -> set[datetime]:
    stamps = set()
    for path in folder.iterdir():
        parsed = parse_backup_name(path.name)
        if parsed is not None:
            stamps.add(parsed.taken_at)
    return stamps




# -- rotation ----------------------------------------------------------------------

def test_two_years_of_daily_backups_rotate_to_the_right_set(tmp_path: Path) -> None:
    """One backup a day at 03:00 for two years, pruned after each one as the app
    does: what is left is the newest of the last 7 days, 4 ISO weeks and 12
    months, counted by hand for Tuesday 24 November 2026."""
    db_path = tmp_path / "clients.db"
    folder = backup_dir(db_path)
    day = date(2024, 11, 25)
    most = 0
    while day <= NOW.date():
        taken = datetime.combine(day, datetime.min.time()) + timedelta(hours=3)
        _touch(folder, _names([taken]))
        prune(db_path, now=taken + timedelta(minutes=1))
        most = max(most, len(list(folder.iterdir())))
        day += timedelta(days=1)
    prune(db_path, now=NOW)
    kept = sorted(s.date() for s in _stamps(folder))
    expected = sorted([
        # the last 7 days
        date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20), date(2026, 11, 21),
        date(2026, 11, 22), date(2026, 11, 23), date(2026, 11, 24),
        # Sundays of the three weeks before this one (this week's newest is today;
        # 22 November, the last one's, is already among the days)
        date(2026, 11, 15), date(2026, 11, 8),
        # the last day of each of the 11 months before this one
        date(2026, 10, 31), date(2026, 9, 30), date(2026, 8, 31), date(2026, 7, 31),
        date(2026, 6, 30), date(2026, 5, 31), date(2026, 4, 30), date(2026, 3, 31),
        date(2026, 2, 28), date(2026, 1, 31), date(2025, 12, 31),
    ])
    assert kept == expected
    assert most <= 7 + 4 + 12 + 1


def test_rotation_is_the_same_when_decided_at_once() -> None:
    stamps = [datetime(2024, 11, 25, 3) + timedelta(days=i) for i in range(730)]
    names = [parse_backup_name(n) for n in _names(stamps)]
    keep = backups_to_keep([n for n in names if n is not None], NOW)
    assert len(keep) == 20
    assert max(k.taken_at for k in keep) == datetime(2026, 11, 24, 3)
    assert min(k.taken_at for k in keep) == datetime(2025, 12, 31, 3)


def test_the_newest_of_each_day_is_kept() -> None:
    stamps = [datetime(2026, 11, 24, h) for h in (8, 9)] + [
        datetime(2026, 11, 23, h) for h in (8, 18, 23)]
    names = [parse_backup_name(n) for n in _names(stamps, BackupReason.EXIT)]
    keep = backups_to_keep([n for n in names if n is not None], NOW)
    assert {k.taken_at for k in keep} == {datetime(2026, 11, 24, 9), datetime(2026, 11, 23, 23)}


def test_the_newest_backup_is_kept_however_old() -> None:
    old = parse_backup_name(_names([datetime(2019, 1, 1)])[0])
    older = parse_backup_name(_names([datetime(2018, 1, 1)])[0])
    assert old is not None and older is not None
    assert backups_to_keep([older, old], NOW) == {old}
    assert backups_to_keep([], NOW) == set()


def test_safety_backups_outlive_the_exit_backup_of_their_day() -> None:
    before_import = parse_backup_name(
        backup_file_name("clients", datetime(2026, 11, 20, 10), BackupReason.BEFORE_IMPORT))
    exit_backup = parse_backup_name(
        backup_file_name("clients", datetime(2026, 11, 20, 18), BackupReason.EXIT))
    assert before_import is not None and exit_backup is not None
    assert backups_to_keep([before_import, exit_backup], NOW) == {before_import, exit_backup}
    later = NOW + timedelta(days=10)
    assert backups_to_keep([before_import, exit_backup], later) == {exit_backup}
    none = RetentionPolicy(safety_days=0)
    assert backups_to_keep([before_import, exit_backup], NOW, none) == {exit_backup}


def test_a_backup_dated_in_the_future_is_kept() -> None:
    future = parse_backup_name(_names([NOW + timedelta(days=400)])[0])
    past = parse_backup_name(_names([NOW - timedelta(days=1)])[0])
    assert future is not None and past is not None
    assert backups_to_keep([future, past], NOW) == {future, past}


def test_names_with_and_without_reason_parse() -> None:
    parsed = parse_backup_name("clients-20261124-101500-before-import.db")
    assert parsed is not None
    assert (parsed.stem, parsed.taken_at, parsed.reason) == (
        "clients", datetime(2026, 11, 24, 10, 15), BackupReason.BEFORE_IMPORT)
    legacy = parse_backup_name("my-clients-20261124-101500.db")
    assert legacy is not None and (legacy.stem, legacy.reason) == ("my-clients", None)
    second = parse_backup_name("clients-20261124-101500-daily.2.db")
    assert second is not None and second.serial == 2
    for name in ("clients-20261124-101500-mine.db", "clients-20261340-101500-daily.db",
                 "clients-20261124-101500-daily.db.part", "clients.db", "notes.txt",
                 "clients-2026112-101500-daily.db", "clients-20261124-101500-daily.1.db"):
        assert parse_backup_name(name) is None, name


def test_prune_never_touches_files_that_are_not_ours(tmp_path: Path) -> None:
    db_path = tmp_path / "clients.db"
    folder = backup_dir(db_path)
    old = [datetime(2020, 1, d, 3) for d in range(1, 11)]
    _touch(folder, _names(old))
    foreign = ["notes.txt", "clients-20200101-030000-mine.db", "clients-20200101.db",
               "clients-20200102-030000-daily.db.part", "clients-20200103-030000-daily.db-wal"]
    _touch(folder, foreign)
    _touch(folder, _names(old, stem="work"))  # another database's backups
    (folder / "clients-20200104-030000-daily.2.db").mkdir()  # a folder named like one
    if POSIX:
        target = tmp_path / "precious.db"
        target.write_bytes(b"keep me")
        (folder / "clients-20200105-030000-daily.3.db").symlink_to(target)

    deleted = prune(db_path, now=NOW)

    assert len(deleted) == 9
    left = {p.name for p in folder.iterdir()}
    assert set(foreign) <= left
    assert set(_names(old, stem="work")) <= left
    assert "clients-20200104-030000-daily.2.db" in left
    assert _names(old)[-1] in left  # the newest of clients, years old, stays
    if POSIX:
        assert (tmp_path / "precious.db").read_bytes() == b"keep me"
        assert "clients-20200105-030000-daily.3.db" in left

    # a folder: every database's backups, each rotated on its own
    deleted = prune(folder, now=NOW)
    assert {p.name for p in deleted} == set(_names(old[:-1], stem="work"))
    assert _names(old, stem="work")[-1] in {p.name for p in folder.iterdir()}


# -- making backups ------------------------------------------------------------------

def test_backup_is_a_private_consistent_copy(tmp_path: Path) -> None:
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方", "张伟"], NOW)
    db = Database.open(db_path)
    try:
        with db.session() as s:  # a committed change still in the -wal
            s.execute(text("UPDATE clients SET name = '李娜' WHERE id = 2"))
        target = backup(db, now=NOW, reason=BackupReason.EXIT)
    finally:
        db.close()
    assert target.parent == tmp_path / "backups"
    assert target.name == "clients-20261124-100000-exit.db"
    assert names_in_file(target, live_only=True) == ["曾国方", "李娜"]
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
    if POSIX:
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.skipif(not POSIX, reason="folder modes are POSIX")
@pytest.mark.parametrize("how", ["backup", "before-migration", "before-restore"])
@pytest.mark.parametrize("umask", [0o000, 0o022, 0o277], ids=["000", "022", "277"])
def test_the_backups_folder_is_owner_only_whatever_the_umask(tmp_path: Path, how: str,
                                                             umask: int) -> None:
    """Made by any of the three writers of the folder; 0o277 would even leave
    the owner unable to write into a folder made with the umask."""
    db_path = tmp_path / "clients.db"
    if how == "before-migration":
        build_at(db_path, "20261124_01")
    else:
        sqlite_book(db_path, ["曾国方"], NOW)
    old = os.umask(umask)
    try:
        if how == "backup":
            made = backup(db_path, now=NOW)
        elif how == "before-migration":
            Database.open(db_path).close()
            [made] = backup_dir(db_path).iterdir()
        else:
            elsewhere = backup(db_path, tmp_path / "copy.db", now=NOW)
            made = restore(db_path, elsewhere, now=NOW).previous_backup
    finally:
        os.umask(old)
    assert made is not None and made.parent == backup_dir(db_path)
    assert stat.S_IMODE(backup_dir(db_path).stat().st_mode) == 0o700
    assert stat.S_IMODE(made.stat().st_mode) == 0o600


@pytest.mark.skipif(not POSIX, reason="folder modes are POSIX")
def test_a_looser_backups_folder_is_tightened_by_the_next_backup(tmp_path: Path) -> None:
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方"], NOW)
    folder = backup_dir(db_path)
    folder.mkdir()
    os.chmod(folder, 0o777)  # as an earlier release left it under umask 000
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    backup(db_path, now=NOW)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_backups_in_the_same_second_do_not_overwrite_each_other(tmp_path: Path) -> None:
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方"], NOW)
    first = backup(db_path, now=NOW, reason=BackupReason.BEFORE_IMPORT)
    second = backup(db_path, now=NOW, reason=BackupReason.BEFORE_IMPORT)
    assert first != second and first.exists() and second.exists()


def test_backup_into_the_folder_prunes_it(tmp_path: Path) -> None:
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方"], NOW)
    folder = backup_dir(db_path)
    old = [datetime(2024, 3, d, 3) for d in range(1, 6)]
    _touch(folder, [*_names(old), "notes.txt"])
    made = backup(db_path, now=NOW, reason=BackupReason.DAILY)
    assert sorted(p.name for p in folder.iterdir()) == sorted(["notes.txt", made.name])

    elsewhere = tmp_path / "copy.db"
    _touch(folder, _names(old))
    backup(db_path, elsewhere, now=NOW)  # an explicit target prunes nothing
    assert len(list(folder.iterdir())) == 2 + len(old)


def test_backup_refuses_to_overwrite_the_database(tmp_path: Path) -> None:
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方"], NOW)
    with pytest.raises(DatabaseError):
        backup(db_path, db_path)
    assert names_in_file(db_path, live_only=True) == ["曾国方"]


def test_daily_backup_is_due_once_a_day(tmp_path: Path) -> None:
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方"], NOW)
    assert daily_backup_due(db_path, NOW)
    made = backup_if_due(db_path, NOW)
    assert made is not None and BackupReason.DAILY.value in made.name
    assert not daily_backup_due(db_path, NOW + timedelta(hours=13))
    assert backup_if_due(db_path, NOW + timedelta(hours=13), BackupReason.EXIT) is None
    tomorrow = NOW + timedelta(days=1, hours=-9)  # 01:00 the next day
    assert daily_backup_due(db_path, tomorrow)
    on_exit = backup_if_due(db_path, tomorrow, BackupReason.EXIT)
    assert on_exit is not None and "-exit" in on_exit.name

    empty = tmp_path / "empty.db"
    empty.touch()
    assert not daily_backup_due(empty, NOW)
    assert not daily_backup_due(tmp_path / "missing.db", NOW)


# -- listing -------------------------------------------------------------------------

def test_list_backups_counts_clients_and_flags_broken_ones(tmp_path: Path) -> None:
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方", "张伟", "李娜"], NOW)
    db = Database.open(db_path)
    try:
        ClientService(db, clock=lambda: NOW).delete(3)  # in the trash: not counted
    finally:
        db.close()
    good = backup(db_path, now=NOW - timedelta(days=2), reason=BackupReason.DAILY)
    damaged = backup(db_path, now=NOW - timedelta(days=1), reason=BackupReason.EXIT)
    corrupt_clients_table(damaged)
    garbage = backup_dir(db_path) / backup_file_name("clients", NOW, BackupReason.MANUAL)
    garbage.write_bytes(b"not a database at all" * 100)

    infos = list_backups(db_path)

    assert [i.path for i in infos] == [garbage, damaged, good]  # newest first
    first, second, third = infos
    assert (third.ok, third.clients, third.problem) == (True, 2, "")
    assert third.reason is BackupReason.DAILY
    assert third.taken_at == NOW - timedelta(days=2)
    assert third.size == good.stat().st_size
    assert third.revision == HEAD_REVISION
    assert not second.ok and second.clients is None and "damaged" in second.problem
    assert not first.ok and first.problem == "not a database file"
    assert newest_good_backup(db_path) == third


def test_listing_a_database_that_cannot_be_opened(tmp_path: Path) -> None:
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方"], NOW)
    made = backup(db_path, now=NOW)
    corrupt_clients_table(db_path)
    with pytest.raises(DatabaseDamagedError):
        Database.open(db_path)
    assert [i.path for i in list_backups(db_path)] == [made]
    assert newest_good_backup(tmp_path / "nothing.db") is None


# -- restore -------------------------------------------------------------------------

def test_restore_keeps_the_current_file_first(tmp_path: Path) -> None:
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方", "张伟"], NOW)
    saved = backup(db_path, now=NOW - timedelta(hours=1))
    db = Database.open(db_path)
    try:
        ClientService(db, clock=lambda: NOW).save(ClientCard(name="王芳"))
    finally:
        db.close()

    result = restore(db_path, saved, now=NOW)

    assert result.database == db_path and result.restored_from == saved
    assert result.damaged_copy is None
    assert result.previous_backup is not None
    assert "before-restore" in result.previous_backup.name
    assert names_in_file(result.previous_backup, live_only=True) == ["曾国方", "张伟", "王芳"]
    assert names_in_file(db_path, live_only=True) == ["曾国方", "张伟"]
    assert saved.exists()  # the backup restored from is still there
    if POSIX:
        assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    for suffix in ("-wal", "-shm", ".restoring"):
        assert not db_path.with_name(db_path.name + suffix).exists()
    db = Database.open(db_path)  # and the app opens it again
    db.close()


def test_restore_sets_a_damaged_file_aside_unchanged(tmp_path: Path) -> None:
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方"], NOW)
    saved = backup(db_path, now=NOW - timedelta(hours=1))
    corrupt_clients_table(db_path)
    wal = db_path.with_name(db_path.name + "-wal")
    wal.write_bytes(b"the damaged file's last transactions")
    damaged_bytes = db_path.read_bytes()
    before = set(backup_dir(db_path).iterdir())

    result = restore(db_path, saved, now=NOW)

    assert result.previous_backup is None
    assert result.damaged_copy == tmp_path / "clients.db.damaged-20261124-100000"
    assert result.damaged_copy.read_bytes() == damaged_bytes
    assert (tmp_path / "clients.db.damaged-20261124-100000-wal").read_bytes() == (
        b"the damaged file's last transactions")
    assert not wal.exists()
    assert set(backup_dir(db_path).iterdir()) == before
    assert names_in_file(db_path, live_only=True) == ["曾国方"]

    corrupt_clients_table(db_path)  # damaged again in the same second: a new name
    second = restore(db_path, saved, now=NOW)
    assert second.damaged_copy is not None and second.damaged_copy != result.damaged_copy
    assert result.damaged_copy.read_bytes() == damaged_bytes


def test_restore_refuses_a_damaged_backup(tmp_path: Path) -> None:
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方"], NOW)
    saved = backup(db_path, now=NOW - timedelta(hours=1))
    corrupt_clients_table(saved)
    before = db_path.read_bytes()
    backups_before = set(backup_dir(db_path).iterdir())
    with pytest.raises(RestoreError, match="cannot be restored"):
        restore(db_path, saved, now=NOW)
    assert db_path.read_bytes() == before
    assert set(backup_dir(db_path).iterdir()) == backups_before
    assert not db_path.with_name("clients.db.restoring").exists()


@pytest.mark.parametrize("spoil", [
    "UPDATE alembic_version SET version_num = '29991231_99'",  # a newer release
    "DROP TABLE alembic_version",  # not (or no longer) a Desktop CRM database
    "INSERT INTO client_phones (client_id, position, kind, number, digits) "
    "VALUES (999, 0, 'mobile', '1', '1')",  # an orphan: fails the foreign-key check
])
def test_restore_refuses_a_backup_this_release_cannot_use(tmp_path: Path, spoil: str) -> None:
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方"], NOW)
    saved = backup(db_path, now=NOW - timedelta(hours=1))
    conn = sqlite3.connect(saved)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute(spoil)
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(RestoreError, match="cannot be restored"):
        restore(db_path, saved, now=NOW)
    assert db_path.read_bytes() == before
    assert not list_backups(db_path)[0].ok


def test_restore_refuses_a_database_that_is_in_use(tmp_path: Path) -> None:
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方", "张伟"], NOW)
    saved = backup(db_path, now=NOW - timedelta(hours=1))
    db = Database.open(db_path)
    try:
        ClientService(db, clock=lambda: NOW).save(ClientCard(name="王芳"))
        with pytest.raises(RestoreError, match="another window"):
            restore(db_path, saved, now=NOW)
        assert [c.name for c in ClientService(db).search("王芳")] == ["王芳"]
    finally:
        db.close()
    assert names_in_file(db_path, live_only=True) == ["曾国方", "张伟", "王芳"]


def test_restore_refuses_another_programs_database(tmp_path: Path) -> None:
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方"], NOW)
    saved = backup(db_path, now=NOW)
    other = tmp_path / "music.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE songs (title TEXT)")
    conn.close()
    before = other.read_bytes()
    with pytest.raises(RestoreError, match="another program"):
        restore(other, saved, now=NOW)
    assert other.read_bytes() == before


def test_restore_into_a_missing_file(tmp_path: Path) -> None:
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方"], NOW)
    saved = backup(db_path, now=NOW)
    gone = tmp_path / "new" / "clients.db"
    gone.parent.mkdir()
    result = restore(gone, saved, now=NOW)
    assert (result.previous_backup, result.damaged_copy) == (None, None)
    assert names_in_file(gone, live_only=True) == ["曾国方"]


def test_a_backup_of_an_older_release_is_restored_and_migrated(tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    old = old_database(tmp_path / "old" / "clients.db")
    shutil.copy(old, tmp_path / "old.db")
    db_path = sqlite_book(tmp_path / "clients.db", ["张伟"], NOW)
    restore(db_path, tmp_path / "old.db", now=NOW)
    db = Database.open(db_path)
    try:
        assert db.current_revision() == HEAD_REVISION
    finally:
        db.close()
    assert names_in_file(db_path, live_only=True) == ["曾国方"]


def test_prune_removes_partial_copies_a_killed_backup_left(tmp_path: Path) -> None:
    """A backup killed mid-copy leaves NAME.db.part and its journal; the next
    prune removes them once nothing can be writing them any more."""
    db_path = sqlite_book(tmp_path / "clients.db", ["曾国方"], NOW)
    folder = backup_dir(db_path)
    _touch(folder, ["clients-20261101-030000-daily.db.part",
                    "clients-20261101-030000-daily.db.part-journal",
                    "clients-20261124-093000-manual.db.part",  # still being written
                    "notes.db.part", "other-20261101-030000-daily.db.part"])
    hour_ago = time.time() - 2 * 3600
    for name in ("clients-20261101-030000-daily.db.part",
                 "clients-20261101-030000-daily.db.part-journal", "notes.db.part",
                 "other-20261101-030000-daily.db.part"):
        os.utime(folder / name, (hour_ago, hour_ago))
    made = backup(db_path, now=NOW, reason=BackupReason.DAILY)
    assert sorted(p.name for p in folder.iterdir()) == sorted([
        made.name, "clients-20261124-093000-manual.db.part", "notes.db.part",
        "other-20261101-030000-daily.db.part"])
