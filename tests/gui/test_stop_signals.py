"""SIGTERM and Ctrl+C end the running app as File > Quit does (ui/stop_signals.py):
exit code 0, the exit backup made, nothing on standard error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_crm.cli import main
from desktop_crm.services.backup import backup_dir

ROOT = Path(__file__).resolve().parents[2]
OFFSCREEN_NOTE = "This plugin does not support propagateSizeHints()"


def _backups(db: Path, reason: str) -> list[Path]:
    folder = backup_dir(db)
    return sorted(folder.glob(f"*-{reason}.db")) if folder.is_dir() else []


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_quits_the_window(tmp_path: Path, stop: signal.Signals) -> None:
    db = tmp_path / "book.db"
    assert main(["demo", "--clients", "5", "--db", str(db)]) == 0
    home = tmp_path / "home"
    env = {key: value for key, value in os.environ.items() if not key.startswith("XDG_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=str(ROOT), DESKTOP_CRM_USER="tester")
    window = subprocess.Popen([sys.executable, "-m", "desktop_crm", "--db", str(db)],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env)
    try:
        # the daily backup is made a few seconds after the window shows, by
        # which time the handler is in place
        deadline = time.monotonic() + 180
        while not _backups(db, "daily") and window.poll() is None \
                and time.monotonic() < deadline:
            time.sleep(0.2)
        assert window.poll() is None and _backups(db, "daily")
        window.send_signal(stop)
        _out, err = window.communicate(timeout=120)
    finally:
        if window.poll() is None:
            window.kill()
            window.communicate()
    assert window.returncode == 0, err
    assert [line for line in err.splitlines() if line != OFFSCREEN_NOTE] == []
    assert len(_backups(db, "exit")) == 1
