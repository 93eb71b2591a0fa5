"""The SQLite files this process holds open, and the one rule that keeps their
locks: nothing in the process opens them outside SQLite.

SQLite guards a database with POSIX advisory locks (``fcntl``). Those locks
belong to the process, not to a file descriptor: when *any* code in the
process opens the database file, its ``-wal`` or its ``-shm`` and closes that
descriptor again, the kernel drops every lock the process holds on the file
(SQLite's "How To Corrupt An SQLite Database File", section 2.2). Another
program then believes nobody uses the file, may delete the ``-wal`` and
``-shm`` and lose what this process wrote. A header read, an ``fsync``, a
hash, a copy, a file dialog sniffing a file's type: any of them does it.

So ``Database`` registers each SQLite file it opens here (``hold``) and
forgets it on close (``release``), and every piece of code that opens files by
path asks ``held_database`` (or calls ``refuse_held``) first:

- readers of user-chosen files (import, header checks) refuse a held file;
- writers of user-chosen paths (exports, reports, ``backup --to``) refuse a
  held file, its companions and its backups (``protected_output``);
- the window's file dialogs hide these files and never read a file's content.

The registry is process-wide on purpose: the locks it protects are too.
Comparisons use the path and, when the file exists, ``os.stat`` (device and
inode; a stat opens nothing), so another spelling of the same file (a
symbolic link, ``..``, another case on a case-insensitive disk) is caught.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from pathlib import Path

from desktop_crm.i18n import _

# The files SQLite keeps beside a database: WAL, shared memory, rollback journal.
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")

_lock = threading.Lock()
_held: Counter[Path] = Counter()


class HeldFileError(OSError):
    """A path names a database file this process holds open through SQLite;
    the message is for the user."""


def _key(path: Path) -> Path:
    return Path(os.path.abspath(os.fspath(path)))


def hold(db_path: Path) -> None:
    """Record that SQLite holds ``db_path`` (and so its companions) open."""
    with _lock:
        _held[_key(db_path)] += 1


def release(db_path: Path) -> None:
    """Undo one ``hold`` of ``db_path``."""
    key = _key(db_path)
    with _lock:
        if _held[key] <= 1:
            _held.pop(key, None)
        else:
            _held[key] -= 1


def held_databases() -> list[Path]:
    """The database files held open now."""
    with _lock:
        return list(_held)


def companions(db_path: Path) -> tuple[Path, ...]:
    """``db_path`` and the files SQLite may keep beside it."""
    return (db_path, *(db_path.with_name(db_path.name + s) for s in COMPANION_SUFFIXES))


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def _match(path: Path) -> tuple[Path, Path] | None:
    """(held database, which of its files) that ``path`` names, else None.

    By spelling first, then by identity: the same device and inode (a
    symbolic or hard link, ``..``), or the same name in the same folder
    reached another way (for a companion that does not exist yet).
    """
    path = Path(path)
    key = os.path.normcase(_key(path))
    held = held_databases()
    for db in held:
        for file in companions(db):
            if os.path.normcase(_key(file)) == key:
                return db, file
    if not held:
        return None
    found, parent = _stat(path), _stat(path.parent)
    for db in held:
        files = companions(db)
        if found is not None:
            for file in files:
                other = _stat(file)
                if other is not None and os.path.samestat(found, other):
                    return db, file
        folder = _stat(db.parent)
        if parent is not None and folder is not None and os.path.samestat(parent, folder):
            for file in files:
                if file.name == path.name:
                    return db, file
    return None


def held_database(path: Path) -> Path | None:
    """The held database that ``path`` is, or is a companion file of; else None."""
    match = _match(path)
    return match[0] if match is not None else None


def is_held_database(path: Path) -> bool:
    """True when ``path`` is a held database file itself (not a companion):
    SQLite has it open, so it is known to be a SQLite database without
    reading it."""
    match = _match(path)
    return match is not None and match[0] == match[1]


def refuse_held(path: Path) -> None:
    """Raise HeldFileError when ``path`` is a held database or one of its
    companions: opening it outside SQLite would cost this process its locks."""
    db = held_database(path)
    if db is not None:
        raise HeldFileError(
            _("{path} is the database this program has open; choose another file",
              path=path))


def backup_folder_of_held(path: Path) -> Path | None:
    """The held database whose backups folder holds ``path``; else None."""
    from desktop_crm.storage.snapshot import backup_dir_for

    parent = _stat(Path(path).parent)
    if parent is None:
        return None
    for db in held_databases():
        folder = _stat(backup_dir_for(db))
        if folder is not None and os.path.samestat(parent, folder):
            return db
    return None
