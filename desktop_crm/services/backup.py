"""Backups made with SQLite's online backup API (never a file copy of a live
database). Rotation and restore come with the data-safety work."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from desktop_crm.i18n import _
from desktop_crm.storage.database import Database, DatabaseError


def backup_dir(db: Database) -> Path:
    if db.path is None:
        raise DatabaseError(_("Backups are only made of SQLite databases"))
    return db.path.parent / "backups"


def default_backup_path(db: Database, now: datetime) -> Path:
    assert db.path is not None
    return backup_dir(db) / f"{db.path.stem}-{now:%Y%m%d-%H%M%S}.db"


def backup(db: Database, target: Path | None = None, now: datetime | None = None) -> Path:
    """Copy the open database to ``target`` (default: the backups folder)."""
    now = now or datetime.now()
    if db.path is None:
        raise DatabaseError(_("Backups are only made of SQLite databases"))
    target = target or default_backup_path(db, now)
    if target.resolve() == db.path.resolve():
        raise DatabaseError(_("A backup cannot overwrite the database itself"))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        os.close(fd)
        with sqlite3.connect(db.path) as src, sqlite3.connect(tmp) as dst:
            src.backup(dst)
        dst.close()
        src.close()
        os.replace(tmp, target)
    except OSError as exc:
        raise DatabaseError(
            _("Cannot write the backup {path}: {reason}", path=target, reason=exc.strerror)
        ) from exc
    return target
