"""Export files are written all or nothing, owner-only, never over the open
database, its files or its backups, and temporary files that a killed write
left behind are cleaned up by the next write to the same name."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from desktop_crm.services.files import (
    STALE_SECONDS,
    ExportError,
    OutputRefusedError,
    atomic_file,
    protected_output,
    remove_stale_folders,
    remove_stale_parts,
    write_atomically,
)
from desktop_crm.storage.database import Database


def test_write_replaces_the_file_whole(tmp_path: Path) -> None:
    out = tmp_path / "客户.xlsx"
    out.write_bytes(b"old")
    write_atomically(out, b"new")
    assert out.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["客户.xlsx"]


def test_an_error_inside_keeps_the_old_file_and_removes_the_temporary_one(
        tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    out.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_file(out) as fh:
        fh.write(b"half")
        raise RuntimeError("stopped")
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError):
        write_atomically(tmp_path, b"x")


def test_stale_temporary_files_of_the_same_name_are_removed_and_nothing_else(
        tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    stale = tmp_path / ".book.xlsx.0a1b2c3d.part"
    fresh = tmp_path / ".book.xlsx.99999999.part"
    other_name = tmp_path / ".other.xlsx.0a1b2c3d.part"
    not_ours = tmp_path / ".book.xlsx.notours.part"
    for path in (stale, fresh, other_name, not_ours):
        path.write_bytes(b"client data")
    old = time.time() - STALE_SECONDS - 60
    for path in (stale, other_name, not_ours):
        os.utime(path, (old, old))
    assert remove_stale_parts(out) == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in (fresh, other_name, not_ours))
    write_atomically(out, b"new")  # the next write cleans up the same way
    assert out.read_bytes() == b"new"


def test_stale_temporary_folders_of_killed_exports_are_removed_and_nothing_else(
        tmp_path: Path) -> None:
    def folder(name: str, *, age: float, file_age: float | None = None) -> Path:
        path = tmp_path / name
        path.mkdir()
        part = path / "sheet1.xml"
        part.write_bytes(b"<row>client data</row>")
        old = time.time() - age
        os.utime(part, (old, old) if file_age is None else
                 (time.time() - file_age,) * 2)
        os.utime(path, (old, old))
        return path

    stale = folder("desktop-crm-export-ab12_x9z", age=STALE_SECONDS + 60)
    running = folder("desktop-crm-export-cd34efgh", age=STALE_SECONDS + 60, file_age=5)
    fresh = folder("desktop-crm-export-ij56klmn", age=10)
    not_ours = folder("desktop-crm-export-backup-2026", age=STALE_SECONDS + 60)
    other = folder("other-tool-ab12_x9z", age=STALE_SECONDS + 60)
    a_file = tmp_path / "desktop-crm-export-op78qrst"
    a_file.write_bytes(b"x")
    os.utime(a_file, (time.time() - STALE_SECONDS - 60,) * 2)

    assert remove_stale_folders(tmp_path, "desktop-crm-export-") == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in (running, fresh, not_ours, other, a_file))


@pytest.mark.sqlite_only("about the database file, its journal files and backups folder")
def test_the_open_database_its_files_and_backups_are_refused_before_anything_is_written(
        db: Database, tmp_path: Path) -> None:
    assert db.path is not None
    backups = tmp_path / "backups"
    backups.mkdir()
    for target in (db.path, db.path.with_name(db.path.name + "-shm"),
                   db.path.with_name(db.path.name + "-journal"), backups / "any.xlsx"):
        assert protected_output(target) is not None
        before = sorted(tmp_path.rglob("*"))
        with pytest.raises(OutputRefusedError, match="open database"):
            write_atomically(target, b"x")
        assert sorted(tmp_path.rglob("*")) == before  # not even a temporary file
    assert protected_output(tmp_path / "clients.xlsx") is None


def test_a_file_is_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        write_atomically(tmp_path / "book.xlsx", b"client data")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "book.xlsx").stat().st_mode) == 0o600
