"""Every output path of the command line (``export xlsx|ics|vcf OUT``,
``import --report``, ``backup --to``) refuses what it must not replace: the
open database, its -wal, its backups, a folder, a pipe, a device (through a
link: the tests never write to a real device node) and links to any of them.
Exit 2, one line, and the target and the database left exactly as they were.
Exports are owner-only (0600) whatever the umask."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from desktop_crm.cli import main
from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.services.backup import backup_dir
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database
from tests.conftest import one_line


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "crm.db"
    db = Database.open(path, create=True)
    try:
        ClientService(db, clock=lambda: datetime(2026, 11, 24, 9)).save(
            ClientCard(name="曾国方", phones=[Phone("138 0013 8000")]))
    finally:
        db.close()
    return path


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "new.csv"
    path.write_text("name,phone\n王小明,13700001111\n,\n", encoding="utf-8")
    return path


# Each output option as argv for a database and an output path.
COMMANDS: dict[str, Callable[[Path, Path], list[str]]] = {
    "export xlsx": lambda db, out: ["export", "xlsx", str(out), "--db", str(db)],
    "export xlsx confidential": lambda db, out: ["export", "xlsx", str(out), "--db", str(db),
                                                 "--include-confidential"],
    "export ics": lambda db, out: ["export", "ics", str(out), "--db", str(db)],
    "export vcf": lambda db, out: ["export", "vcf", str(out), "--db", str(db)],
    "import --report": lambda db, out: ["import", str(_csv(db.parent)), "--db", str(db),
                                        "--report", str(out)],
    "import --dry-run --report": lambda db, out: ["import", str(_csv(db.parent)), "--dry-run",
                                                  "--db", str(db), "--report", str(out)],
    "backup --to": lambda db, out: ["backup", "--to", str(out), "--db", str(db)],
}


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _fifo(tmp_path: Path, db: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def _link(name: str, to: Callable[[Path, Path], Path]) -> Callable[[Path, Path], Path]:
    def make(tmp_path: Path, db: Path) -> Path:
        link = tmp_path / name
        link.symlink_to(to(tmp_path, db))
        return link
    return make


def _a_backup(tmp_path: Path, db: Path) -> Path:
    assert main(["backup", "--db", str(db)]) == 0  # leaves no -wal or -shm behind
    [made] = backup_dir(db).iterdir()
    return made


# Each target: a function of (tmp_path, database) that makes it and returns it.
TARGETS: dict[str, Callable[[Path, Path], Path]] = {
    "the database": lambda tmp_path, db: db,
    "the database, spelt another way": lambda tmp_path, db: (
        _folder(tmp_path / "x") / ".." / db.name),
    "its -wal": lambda tmp_path, db: db.with_name(db.name + "-wal"),
    "its -journal": lambda tmp_path, db: db.with_name(db.name + "-journal"),
    "a backup": _a_backup,
    "a new file in the backups folder": lambda tmp_path, db: (
        _a_backup(tmp_path, db).with_name("new.xlsx")),
    "a fifo": _fifo,
    "a folder": lambda tmp_path, db: tmp_path,
    "a link to /dev/null": _link("null", lambda tmp_path, db: Path(os.devnull)),
    "a link to the database": _link("link.xlsx", lambda tmp_path, db: db),
    "a dangling link to its -journal": _link(
        "dangling.xlsx", lambda tmp_path, db: db.with_name(db.name + "-journal")),
}


def _snapshot(folder: Path) -> dict[str, tuple[int, int, str, str]]:
    """Every entry under ``folder`` (without following links): type and mode,
    mtime, content digest of regular files, link target. Never opens a fifo."""
    seen = {}
    for path in sorted(folder.rglob("*")):
        st = os.lstat(path)
        digest = (hashlib.sha256(path.read_bytes()).hexdigest()
                  if stat.S_ISREG(st.st_mode) else "")
        target = os.readlink(path) if stat.S_ISLNK(st.st_mode) else ""
        seen[str(path.relative_to(folder))] = (st.st_mode, st.st_mtime_ns, digest, target)
    return seen


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_output_that_must_not_be_replaced_is_refused(
        book: Path, tmp_path: Path, command: str, target: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = TARGETS[target](tmp_path, book)
    argv = COMMANDS[command](book, out)  # makes the input files first
    before = _snapshot(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert str(out) in one_line(err)
    assert "Traceback" not in err
    assert _snapshot(tmp_path) == before


def test_the_refusal_names_the_reason(book: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    pipe = _fifo(tmp_path, book)
    cases = {
        book: "is the open database or one of its files",
        _a_backup(tmp_path, book): "is in the backups folder of the open database",
        pipe: "is not a regular file (a device, pipe or socket)",
        tmp_path: "is a folder",
    }
    for out, reason in cases.items():
        assert main(["export", "vcf", str(out), "--db", str(book)]) == 2
        assert one_line(capsys.readouterr().err) == f"desktop-crm: {out} {reason}; " + (
            "choose another folder" if "backups" in reason else
            "choose another file name" if "open database" in reason else "choose a file name")


@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_ordinary_file_is_still_replaced(book: Path, tmp_path: Path, command: str) -> None:
    out = tmp_path / "out.file"
    out.write_bytes(b"old")
    assert main(COMMANDS[command](book, out)) == 0
    assert out.read_bytes() != b"old"


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077], ids=["000", "022", "077"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_output_is_owner_only_whatever_the_umask(book: Path, tmp_path: Path,
                                                       command: str, umask: int) -> None:
    out = tmp_path / "out.file"
    out.write_bytes(b"old")
    os.chmod(out, 0o666)  # replacing a looser file does not keep its mode either
    new = tmp_path / "new.file"
    old_umask = os.umask(umask)
    try:
        assert main(COMMANDS[command](book, out)) == 0
        assert main(COMMANDS[command](book, new)) == 0
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
