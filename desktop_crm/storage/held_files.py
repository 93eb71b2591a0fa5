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

from desktop_crm.domain.errors import CrmError
from desktop_crm.i18n import _

# The files SQLite keeps beside a database: WAL, shared memory, rollback journal.
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")

_lock = threading.Lock()
_held: Counter[Path] = Counter()


class HeldFileError(OSError, CrmError):
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


def _stat(path: Path | str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


class HeldFiles:
    """The held files as they are now, to recognise many paths quickly (a
    folder listing in a file dialog): their identities are read once.

    A path is matched by spelling first, then by identity: the same device
    and inode (a symbolic or hard link, ``..``), or a companion's name in
    the database's folder reached another way (for a companion that does
    not exist yet).
    """

    def __init__(self) -> None:
        self._by_key: dict[str, tuple[Path, Path]] = {}
        self._by_inode: dict[tuple[int, int], tuple[Path, Path]] = {}
        self._by_folder: dict[tuple[int, int], dict[str, tuple[Path, Path]]] = {}
        self._folders: dict[str, tuple[int, int] | None] = {}
        for db in held_databases():
            for file in companions(db):
                self._by_key[os.path.normcase(_key(file))] = (db, file)
                found = _stat(file)
                if found is not None:
                    self._by_inode[(found.st_dev, found.st_ino)] = (db, file)
            folder = _stat(db.parent)
            if folder is not None:
                names = self._by_folder.setdefault((folder.st_dev, folder.st_ino), {})
                # any case: on Windows' and macOS's disks CLIENTS.DB-wal is
                # the same file (refusing it on a Linux disk costs nothing)
                names.update({file.name.casefold(): (db, file) for file in companions(db)})

    def _folder(self, folder: str) -> tuple[int, int] | None:
        if folder not in self._folders:
            found = _stat(folder)
            self._folders[folder] = None if found is None else (found.st_dev, found.st_ino)
        return self._folders[folder]

    def match(self, path: Path | str) -> tuple[Path, Path] | None:
        """(held database, which of its files) that ``path`` names, else None."""
        if not self._by_key:
            return None
        # plain strings: a folder listing asks for thousands of paths
        text = os.path.abspath(os.fspath(path))
        known = self._by_key.get(os.path.normcase(text))
        if known is not None:
            return known
        found = _stat(text)
        if found is not None and (found.st_dev, found.st_ino) in self._by_inode:
            return self._by_inode[(found.st_dev, found.st_ino)]
        folder, name = os.path.split(text)
        identity = self._folder(folder)
        return None if identity is None else \
            self._by_folder.get(identity, {}).get(name.casefold())

    def database_of(self, path: Path) -> Path | None:
        """The held database that ``path`` is, or is a companion file of; else None."""
        match = self.match(path)
        return match[0] if match is not None else None


def _match(path: Path) -> tuple[Path, Path] | None:
    return HeldFiles().match(path)


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
