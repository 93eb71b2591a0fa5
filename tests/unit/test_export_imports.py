"""The spreadsheet libraries load only when a workbook is written or read:
the window and the command line start without them (openpyxl alone costs
about 140 ms)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECK = """
import sys
import desktop_crm.cli, desktop_crm.ui.main_window, desktop_crm.ui.transfer
import desktop_crm.services.exporting
print(sorted(m for m in ("openpyxl", "xlsxwriter") if m in sys.modules))
"""


def test_the_window_and_the_cli_start_without_the_spreadsheet_writers() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                          env=env, timeout=120, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
