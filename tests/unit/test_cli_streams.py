"""The command line prints Chinese names whatever the stream's encoding: on
Windows a redirected stream (cp1252 on a Western system) writes UTF-8, and
elsewhere a stream that cannot hold a character replaces it; never a
traceback (desktop_crm/cli_streams.py)."""

from __future__ import annotations

import io
import json
import sys
from datetime import datetime

import pytest

from desktop_crm.cli import main
from desktop_crm.domain.client import ClientCard
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database


@pytest.fixture
def book(db_target: str) -> str:
    db = Database.open(db_target)
    try:
        ClientService(db, clock=lambda: datetime(2026, 11, 24, 9)).save(ClientCard(name="曾国方"))
    finally:
        db.close()
    return db_target


def _redirected(monkeypatch: pytest.MonkeyPatch, encoding: str) -> tuple[io.BytesIO, io.BytesIO]:
    out, err = io.BytesIO(), io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(out, encoding=encoding))
    monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(err, encoding=encoding))
    return out, err


def test_a_redirected_stream_on_a_western_windows_writes_utf8(
        book: str, monkeypatch: pytest.MonkeyPatch) -> None:
    out, err = _redirected(monkeypatch, "cp1252")
    monkeypatch.setattr(sys, "platform", "win32")
    code = main(["search", "曾", "--db", book, "--json"])
    sys.stdout.flush()
    sys.stderr.flush()
    written, errors = out.getvalue(), err.getvalue()
    monkeypatch.undo()
    assert code == 0, errors
    found = json.loads(written.decode("utf-8"))
    assert "曾国方" in json.dumps(found, ensure_ascii=False)


def test_elsewhere_a_stream_that_cannot_hold_a_name_replaces_it(
        book: str, monkeypatch: pytest.MonkeyPatch) -> None:
    out, err = _redirected(monkeypatch, "latin-1")
    monkeypatch.setattr(sys, "platform", "linux")
    code = main(["search", "曾", "--db", book])
    sys.stdout.flush()
    sys.stderr.flush()
    written, errors = out.getvalue(), err.getvalue()
    monkeypatch.undo()
    assert code == 0, errors
    assert b"???" in written and b"Traceback" not in errors


def test_utf8_streams_and_a_windowed_program_are_left_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_crm.cli_streams import portable_streams

    utf8 = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    monkeypatch.setattr(sys, "stdout", utf8)
    monkeypatch.setattr(sys, "stderr", None)  # pythonw.exe, a windowed bundle
    portable_streams("win32")
    assert (utf8.encoding, utf8.errors) == ("utf-8", "strict")
