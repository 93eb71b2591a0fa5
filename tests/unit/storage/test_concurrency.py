"""Two processes on one database file: nothing is lost, nothing is corrupted,
and neither side fails with "database is locked".

A second window, or ``desktop-crm import`` run while the window is open, is a
second process with its own connections. The processes here are real ones
(``tests/helpers/crm_child.py``), started together behind a file flag.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database
from tests.children import reaped, spawn, wait_ready

START_LIMIT = 30.0  # seconds for a child to start and say it is ready




def _finish(child: subprocess.Popen[str], timeout: float = 60) -> str:
    """Wait for a child; fail with its output unless it exits with 0."""
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        out, err = child.communicate()
        raise AssertionError(f"child still running after {timeout} s:\n{out}\n{err}") from None
    assert child.returncode == 0, f"child exited {child.returncode}:\n{out}\n{err}"
    assert "locked" not in err, err
    return out



def _check_file(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("INSERT INTO client_fts(client_fts) VALUES ('integrity-check')")
    finally:
        conn.close()


def _query(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _seed(path: Path) -> int:
    db = Database.open(path, create=True)
    try:
        return ClientService(db, user="seed").save(
            ClientCard(name="种子客户", phones=[Phone("13600000000")]))
    finally:
        db.close()


def _csv(path: Path, rows: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["客户名称", "手机", "公司", "邮箱", "标签"])
        for n in range(rows):
            writer.writerow([f"导入客户{n:04d}", f"139{n:08d}", f"导入公司{n % 17}",
                             f"import{n}@example.com", "导入"])
    return path


@pytest.mark.slow
def test_clients_written_by_the_service_and_an_import_by_the_cli_at_once_all_land(
        tmp_path: Path) -> None:
    """Protects concurrent writers (a window and ``desktop-crm import`` on the
    same file): every client and interaction one process adds one by one, and
    every row the other imports in one transaction, is in the database
    afterwards, with its search entry, and the file passes SQLite's integrity
    and foreign-key checks. Neither side may fail with "database is locked"
    (the busy timeout makes it wait instead)."""
    db_path = tmp_path / "clients.db"
    seeded = _seed(db_path)
    source = _csv(tmp_path / "import.csv", 400)
    go = tmp_path / "go"
    ready_a, ready_b = tmp_path / "ready-a", tmp_path / "ready-b"
    out_a, out_b = tmp_path / "a.json", tmp_path / "b.json"
    writer = spawn("clients", db_path, "--count", "60", "--prefix", "窗口客户", "--seed", "1",
                    "--ready", ready_a, "--go", go, "--out", out_a)
    importer = spawn("cli", "--ready", ready_b, "--go", go, "--out", out_b, "--",
                      "import", source, "--db", db_path)
    with reaped(writer, importer):
        wait_ready(ready_a, writer, START_LIMIT)
        wait_ready(ready_b, importer, START_LIMIT)
        go.touch()  # the barrier: both start writing now
        _finish(importer)
        _finish(writer)
    a = json.loads(out_a.read_text(encoding="utf-8"))
    b = json.loads(out_b.read_text(encoding="utf-8"))
    assert b["code"] == 0
    # the two really wrote at the same time (else this test proves nothing)
    assert a["started"] < b["finished"] and b["started"] < a["finished"], (a, b)

    _check_file(db_path)
    names = dict(_query(db_path, "SELECT id, name FROM clients"))
    assert len(names) == 1 + 60 + 400
    assert names[seeded] == "种子客户"
    assert [names[i] for i in a["ids"]] == [f"窗口客户{n:04d}" for n in range(60)]
    imported = sorted(n for n in names.values() if n.startswith("导入客户"))
    assert imported == [f"导入客户{n:04d}" for n in range(400)]
    summaries = dict(_query(db_path, "SELECT id, summary FROM interactions"))
    assert sorted(summaries) == sorted(a["interactions"])
    assert sorted(summaries.values()) == sorted(
        f"窗口客户{n:04d} call {k}" for n in range(60) for k in range(2))
    assert _query(db_path, "SELECT created, count(*) FROM import_batches") == [(400, 1)]
    assert _query(db_path, "SELECT count(*) FROM import_items") == [(400,)]
    # every client kept its search entry, whichever process wrote it
    assert _query(db_path, "SELECT count(*) FROM client_fts") == [(len(names),)]
    db = Database.open(db_path)
    try:
        service = ClientService(db)
        assert [r.name for r in service.search("窗口客户0059")] == ["窗口客户0059"]
        assert [r.name for r in service.search("13900000399")] == ["导入客户0399"]
    finally:
        db.close()


def test_a_long_read_transaction_does_not_block_writers(tmp_path: Path) -> None:
    """Protects WAL mode: while another process holds a read transaction open
    (a second window reading a long list), this process still writes at once
    instead of waiting for the reader and then failing; the reader keeps its
    consistent snapshot until it ends."""
    db_path = tmp_path / "clients.db"
    _seed(db_path)
    ready, release, out = tmp_path / "ready", tmp_path / "release", tmp_path / "out.json"
    reader = spawn("read-hold", db_path, "--ready", ready, "--release", release, "--out", out)
    with reaped(reader):
        wait_ready(ready, reader, START_LIMIT)
        db = Database.open(db_path)
        try:
            service = ClientService(db, user="writer")
            for n in range(5):
                started = time.monotonic()
                service.save(ClientCard(name=f"写入客户{n}", phones=[Phone(f"1350000000{n}")]))
                # far below the busy timeout: the writer did not wait for the reader
                assert time.monotonic() - started < 2.0
            assert len(service.search("写入客户")) == 5  # and reads its own writes
        finally:
            db.close()
        assert reader.poll() is None, "the reader ended before the writes"
        release.touch()
        _finish(reader)
    seen = json.loads(out.read_text(encoding="utf-8"))
    assert seen == {"first": 1, "second": 1, "after": 6}
    _check_file(db_path)


def test_a_second_writer_waits_for_the_first_instead_of_failing(tmp_path: Path) -> None:
    """Protects the busy timeout: while another process holds the write lock
    for a second, a save here waits for it and then succeeds, rather than
    failing at once with "database is locked"; both writes are kept."""
    db_path = tmp_path / "clients.db"
    _seed(db_path)
    ready, release = tmp_path / "ready", tmp_path / "release"
    holder = spawn("write-hold", db_path, "--ready", ready, "--release", release)
    with reaped(holder):
        wait_ready(ready, holder, START_LIMIT)
        hold = 1.0
        timer = threading.Timer(hold, release.touch)
        db = Database.open(db_path)
        try:
            service = ClientService(db, user="second")
            timer.start()
            started = time.monotonic()
            new_id = service.save(ClientCard(name="第二个写入者", phones=[Phone("13511112222")]))
            waited = time.monotonic() - started
        finally:
            timer.join()
            db.close()
        _finish(holder)
    assert waited >= hold * 0.8, f"the save did not wait for the lock ({waited:.2f} s)"
    assert _query(db_path, "SELECT name FROM clients WHERE id = ?", new_id) == [("第二个写入者",)]
    assert _query(db_path, "SELECT name FROM tags") == [("held by the other writer",)]
    _check_file(db_path)
