"""Backups: made with SQLite's online backup API (never a file copy of a live
database), rotated, and listed with their health; restoring one is in
``desktop_crm.services.restore``.

Automatic backups live in a ``backups`` folder next to the database, named
``{stem}-YYYYmmdd-HHMMSS-{reason}.db`` (see ``desktop_crm.storage.snapshot``).
Every function takes the database as a ``Database`` or as a path, so they
also work when the database itself cannot be opened (the way back from a
damaged file is ``newest_good_backup`` then ``restore``).

When the app calls what:
- on start and on exit: ``backup_if_due(db, now, reason)`` (a daily backup
  when the newest one is older than today);
- "Back up now": ``backup(db)``; before an import: ``backup(db, reason=
  BackupReason.BEFORE_IMPORT)``; ``Database.open`` backs up before a migration;
- when ``Database.open`` raises ``DatabaseDamagedError``: ``newest_good_backup
  (exc.path)``, ask the user, ``restore.restore(exc.path, info.path)``, open again;
- a list of backups to choose from: ``list_backups(db)``.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from desktop_crm.i18n import _
from desktop_crm.services.files import protected_output
from desktop_crm.storage.database import (
    Database,
    DatabaseDamagedError,
    DatabaseError,
    ForeignDatabaseError,
    NewerDatabaseError,
    NotADatabaseError,
    inspect_file,
    shown_url,
)
from desktop_crm.storage.integrity import FileReport, count_live_clients
from desktop_crm.storage.snapshot import (
    BackupName,
    BackupReason,
    backup_dir_for,
    copy_database,
    new_backup_path,
    parse_backup_name,
)

__all__ = [
    "DEFAULT_POLICY",
    "BackupInfo",
    "BackupName",
    "BackupReason",
    "RetentionPolicy",
    "backup",
    "backup_dir",
    "backup_files",
    "backup_if_due",
    "backups_to_keep",
    "daily_backup_due",
    "describe_problem",
    "inspect_backup",
    "list_backups",
    "newest_good_backup",
    "prune",
    "server_backups_line",
    "server_backups_message",
]

DbRef = Database | str | os.PathLike[str]

# Backups the user asked for, or made just before something that changes many
# rows at once: the rotation keeps them for RetentionPolicy.safety_days
# whatever else it keeps, so the exit backup of the same day (the newest of
# the day) does not push out the way back.
SAFETY_REASONS = frozenset({BackupReason.MANUAL, BackupReason.BEFORE_MIGRATION,
                            BackupReason.BEFORE_IMPORT, BackupReason.BEFORE_RESTORE})


@dataclass(frozen=True)
class RetentionPolicy:
    """How many backups the rotation keeps.

    Attributes:
        daily: the newest backup of each of the last ``daily`` days (today included).
        weekly: the newest of each of the last ``weekly`` ISO weeks (this one included).
        monthly: the newest of each of the last ``monthly`` months (this one included).
        safety_days: backups made by hand or before a migration, an import or
            a restore are kept this many days.
    """

    daily: int = 7
    weekly: int = 4
    monthly: int = 12
    safety_days: int = 7


DEFAULT_POLICY = RetentionPolicy()


@dataclass(frozen=True)
class BackupInfo:
    """One backup file and what a read-only look at it found.

    Attributes:
        path: the file.
        taken_at: when it was made (from its name; local time).
        reason: why it was made; None for backups named before reasons existed.
        size: bytes.
        clients: clients not in the trash, or None when it could not be read.
        revision: its schema revision (an older one is migrated after restoring).
        ok: it opens, passes the check and can be restored by this release.
        problem: why not, for the user; "" when ok.
    """

    path: Path
    taken_at: datetime
    reason: BackupReason | None
    size: int
    clients: int | None
    revision: str | None
    ok: bool
    problem: str


# -- where backups are ---------------------------------------------------------------

def server_backups_message(where: object) -> str:
    """What to say when a backup, a restore or the integrity check is asked of
    a database on a server: those are this app's SQLite-file features, and a
    server database is backed up by the server (the app runs no pg_dump)."""
    return _("{db} is a database on a server: the server's own backups apply (pg_dump or "
             "the server's backup routine); this app backs up, checks and restores SQLite "
             "database files only", db=where)


def server_backups_line() -> str:
    """``server_backups_message`` short enough for the window's status bar at
    1,280 pixels (the URL of a server on a socket alone can fill it)."""
    return _("A database on a server: the server's own backups apply (pg_dump or its "
             "backup routine), not this app's")


def _db_file(db: DbRef) -> Path:
    if isinstance(db, Database):
        if db.path is None:
            raise DatabaseError(server_backups_message(shown_url(db.url)))
        return db.path
    return Path(db).expanduser().resolve()


def backup_dir(db: DbRef) -> Path:
    """The folder automatic backups of ``db`` go to."""
    return backup_dir_for(_db_file(db))


def default_backup_path(db: DbRef, now: datetime,
                        reason: BackupReason = BackupReason.MANUAL) -> Path:
    """A new file name in the backups folder (never one that exists)."""
    return new_backup_path(_db_file(db), now, reason)


def _ours(folder: Path, stem: str | None) -> list[tuple[Path, BackupName]]:
    """Backup files in ``folder`` (of the database ``stem``, or of any), oldest first.
    Only regular files whose names parse: anything else is not ours."""
    try:
        entries = list(folder.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = []
    for entry in entries:
        parsed = parse_backup_name(entry.name)
        if parsed is None or (stem is not None and parsed.stem != stem):
            continue
        if entry.is_symlink() or not entry.is_file():
            continue
        found.append((entry, parsed))
    found.sort(key=lambda item: _age_key(item[1]))
    return found


def _age_key(name: BackupName) -> tuple[datetime, int, str]:
    return (name.taken_at, name.serial, name.name)


# -- rotation ----------------------------------------------------------------------

def _month_back(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + (day.month - 1) - months
    return index // 12, index % 12 + 1


def backups_to_keep(backups: Iterable[BackupName], now: datetime,
                    policy: RetentionPolicy = DEFAULT_POLICY) -> set[BackupName]:
    """The backups of one database the rotation keeps (pure: no files touched).

    The newest of each of the last ``policy.daily`` days, ``policy.weekly``
    ISO weeks and ``policy.monthly`` months (calendar periods counted back
    from ``now``, the current one included); the newest backup of all; any
    dated after ``now`` (a clock that was wrong); and backups made by hand or
    before a migration, import or restore (SAFETY_REASONS) younger than
    ``policy.safety_days``.
    """
    ordered = sorted(backups, key=_age_key)
    if not ordered:
        return set()
    today = now.date()
    days = {today - timedelta(days=i) for i in range(policy.daily)}
    weeks = {(today - timedelta(weeks=i)).isocalendar()[:2] for i in range(policy.weekly)}
    months = {_month_back(today, i) for i in range(policy.monthly)}
    newest_of: dict[object, BackupName] = {}
    for backup in ordered:  # oldest first: a later one replaces the one before
        taken = backup.taken_at.date()
        if taken in days:
            newest_of[("day", taken)] = backup
        week = taken.isocalendar()[:2]
        if week in weeks:
            newest_of[("week", week)] = backup
        if (taken.year, taken.month) in months:
            newest_of[("month", taken.year, taken.month)] = backup
    keep = set(newest_of.values())
    keep.add(ordered[-1])
    safety_since = now - timedelta(days=policy.safety_days)
    for backup in ordered:
        if backup.taken_at > now or (backup.reason in SAFETY_REASONS
                                     and backup.taken_at >= safety_since):
            keep.add(backup)
    return keep


def prune(db_or_dir: DbRef, policy: RetentionPolicy = DEFAULT_POLICY,
          now: datetime | None = None) -> list[Path]:
    """Delete the backups the rotation does not keep; returns the deleted files.

    ``db_or_dir``: a database (its backups folder, its own backups only) or a
    folder (every database's backups in it, each rotated on its own). Files
    whose names are not backup names are never touched, nor is the newest
    backup. A file that cannot be deleted is left and skipped.
    """
    now = now or datetime.now()
    if not isinstance(db_or_dir, Database) and Path(db_or_dir).is_dir():
        folder, stem = Path(db_or_dir), None
    else:
        path = _db_file(db_or_dir)
        folder, stem = backup_dir_for(path), path.stem
    by_stem: dict[str, list[tuple[Path, BackupName]]] = {}
    for entry, parsed in _ours(folder, stem):
        by_stem.setdefault(parsed.stem, []).append((entry, parsed))
    deleted = _remove_stale_parts(folder, stem)
    for group in by_stem.values():
        keep = backups_to_keep([parsed for _entry, parsed in group], now, policy)
        for entry, parsed in group:
            if parsed in keep:
                continue
            try:
                entry.unlink()
            except OSError:
                continue
            deleted.append(entry)
    return deleted


# A partial copy untouched this long belongs to no running backup.
STALE_PART_SECONDS = 3600
_PART_SUFFIXES = (".part", ".part-journal")


def _remove_stale_parts(folder: Path, stem: str | None) -> list[Path]:
    """Delete the partial copies (``NAME.db.part`` and its journal) that a
    backup killed mid-copy left behind: only of our backup names, only when
    untouched for STALE_PART_SECONDS."""
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    cutoff = time.time() - STALE_PART_SECONDS
    for entry in entries:
        suffix = next((x for x in _PART_SUFFIXES if entry.name.endswith(x)), None)
        if suffix is None:
            continue
        parsed = parse_backup_name(entry.name[:-len(suffix)])
        if parsed is None or (stem is not None and parsed.stem != stem):
            continue
        try:
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                entry.unlink()
                removed.append(entry)
        except OSError:
            continue
    return removed


# -- making backups ----------------------------------------------------------------

def backup(db: DbRef, target: Path | None = None, now: datetime | None = None,
           reason: BackupReason = BackupReason.MANUAL,
           policy: RetentionPolicy = DEFAULT_POLICY) -> Path:
    """Copy the database with the online backup API; returns the backup file.

    Without ``target`` the copy goes to the backups folder under a new name
    with ``reason``, and the folder is pruned with ``policy`` afterwards.
    Safe while the database is open and in use. The file is owner-only (0600).
    Raises DatabaseError (nothing written) when the database is missing or
    unreadable, ``target`` is a path no output may replace
    (``desktop_crm.services.files.protected_output``: the open database or
    its files, its backups folder, a folder, device or pipe), or the backup
    cannot be written.
    """
    now = now or datetime.now()
    path = _db_file(db)
    if not path.is_file():
        raise DatabaseError(_("No database at {path}", path=path), path)
    into_folder = target is None
    if target is None:
        try:
            target = new_backup_path(path, now, reason)
        except OSError as exc:  # the backups folder cannot be made
            raise DatabaseError(
                _("Cannot write the backup {path}: {reason}", path=backup_dir_for(path),
                  reason=exc.strerror or exc), path) from exc
    refused = None if into_folder else protected_output(target)
    if refused is not None:
        raise DatabaseError(refused, path)
    if target.exists() and target.resolve() == path.resolve():  # a database not held open
        raise DatabaseError(_("A backup cannot overwrite the database itself"), path)
    try:
        copy_database(path, target)
    except OSError as exc:
        raise DatabaseError(
            _("Cannot write the backup {path}: {reason}", path=target,
              reason=exc.strerror or exc), path) from exc
    except sqlite3.Error as exc:
        raise DatabaseError(
            _("Cannot read {path}: {reason}", path=path, reason=exc), path) from exc
    if into_folder:
        prune(path, policy, now)
    return target


def newest_backup(db: DbRef) -> BackupName | None:
    """The newest backup of ``db`` by its name (not checked)."""
    found = _ours(backup_dir(db), _db_file(db).stem)
    return found[-1][1] if found else None


def daily_backup_due(db: DbRef, now: datetime | None = None) -> bool:
    """True when the database has data and its newest backup was made before today."""
    now = now or datetime.now()
    path = _db_file(db)
    try:
        if path.stat().st_size == 0:
            return False
    except OSError:
        return False
    newest = newest_backup(path)
    return newest is None or newest.taken_at.date() < now.date()


def backup_if_due(db: DbRef, now: datetime | None = None,
                  reason: BackupReason = BackupReason.DAILY) -> Path | None:
    """Make a backup (and prune) when ``daily_backup_due``; returns it, or None."""
    now = now or datetime.now()
    if not daily_backup_due(db, now):
        return None
    return backup(db, now=now, reason=reason)


# -- looking at backups --------------------------------------------------------------

def describe_problem(exc: DatabaseError) -> str:
    """A short reason for a backup list; the exception's message names the path."""
    if isinstance(exc, DatabaseDamagedError):
        return _("damaged: {problem}", problem=exc.problems[0] if exc.problems else "")
    if isinstance(exc, NotADatabaseError):
        return _("not a database file")
    if isinstance(exc, ForeignDatabaseError):
        return _("not a Desktop CRM database")
    if isinstance(exc, NewerDatabaseError):
        return _("made by a newer version of Desktop CRM")
    return str(exc)


def inspect_backup(path: Path, name: BackupName, full: bool = True) -> BackupInfo:
    """One backup opened read-only and checked (``full``: integrity_check, the
    check ``restore`` makes, so a backup called ok is one restore accepts;
    else quick_check): 2-3 s at 100,000 clients (quick_check 0.8 s), 0.15 s
    at 10,000, so off the UI thread."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    revision = None
    try:
        report: FileReport = inspect_file(path, full=full)
        revision = report.revision
        if revision is None:  # an empty database
            return BackupInfo(path, name.taken_at, name.reason, size, None, None, False,
                              _("not a Desktop CRM database"))
        clients = count_live_clients(path)
    except DatabaseError as exc:
        return BackupInfo(path, name.taken_at, name.reason, size, None, revision, False,
                          describe_problem(exc))
    except sqlite3.Error as exc:
        return BackupInfo(path, name.taken_at, name.reason, size, None, revision, False,
                          _("cannot be read: {reason}", reason=exc))
    return BackupInfo(path, name.taken_at, name.reason, size, clients, revision, True, "")


def list_backups(db: DbRef, *, full: bool = True) -> list[BackupInfo]:
    """The backups of ``db`` in its backups folder, newest first, each opened
    read-only and checked (``full``: integrity_check, the same check
    ``restore`` makes, so "ok" means restore accepts it; else quick_check,
    which misses an index that disagrees with its table); one that cannot be
    opened or fails is listed with ok False and a problem.

    Reads every backup whole: 2-3 s per backup at 100,000 clients (325 MB;
    integrity_check 1.9-3.1 s, foreign keys 0.15 s, the count; with
    quick_check about 0.8 s), so run it off the UI thread.
    """
    return [inspect_backup(entry, parsed, full) for entry, parsed in backup_files(db)]


def backup_files(db: DbRef) -> list[tuple[Path, BackupName]]:
    """The backup files of ``db`` with their parsed names, newest first, without
    opening them (a directory listing)."""
    path = _db_file(db)
    return list(reversed(_ours(backup_dir_for(path), path.stem)))


def newest_good_backup(db: DbRef, *, full: bool = True) -> BackupInfo | None:
    """The newest backup of ``db`` that passes the check (``full``: integrity_check,
    the same check ``restore`` makes), or None. Checks newest first and stops
    at the first good one."""
    for entry, parsed in backup_files(db):
        info = inspect_backup(entry, parsed, full)
        if info.ok:
            return info
    return None
