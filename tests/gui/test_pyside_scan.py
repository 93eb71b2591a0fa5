"""PySide's look at each module imported after it reads the module's bytes
(``ui/pyside_scan.py``), not its source through linecache, and gives the
answer PySide's own check gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from desktop_crm.services.demo import generate
from desktop_crm.storage.database import Database
from desktop_crm.ui.pyside_scan import FEATURE_MODULE, uses_pyside


def module_at(path: Path, name: str = "sample") -> types.ModuleType:
    module = types.ModuleType(name)
    module.__file__ = str(path)
    return module


def test_a_module_whose_source_names_pyside6_uses_it(tmp_path: Path) -> None:
    uses = tmp_path / "uses.py"
    uses.write_text("# 界面\nfrom PySide6.QtCore import QObject\n", encoding="utf-8")
    mentions = tmp_path / "mentions.py"
    mentions.write_text('"""Works with PySide6 or without."""\n', encoding="utf-8")
    plain = tmp_path / "plain.py"
    plain.write_text("import sqlite3  # PySide2 is another thing\n", encoding="utf-8")
    assert uses_pyside(module_at(uses)) and uses_pyside(module_at(mentions))
    assert not uses_pyside(module_at(plain))


def test_a_module_without_a_source_file_does_not(tmp_path: Path) -> None:
    binary = tmp_path / "ext.so"
    binary.write_bytes(b"\x7fELF ... PySide6 ...")  # a compiled module naming it
    assert not uses_pyside(module_at(binary))
    assert not uses_pyside(module_at(tmp_path / "gone.py"))  # no file (a frozen bundle)
    assert not uses_pyside(types.ModuleType("builtin_like"))  # no __file__
    assert not uses_pyside(sys)


CHILD = """
import inspect, json, linecache, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])
from desktop_crm.app import AppWindow, choose_language
import desktop_crm.ui.pyside_scan

# what was imported before the start (and read by PySide's own check)
before = {getattr(m, "__file__", None) for m in list(sys.modules.values())}
settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
choose_language("zh", settings)
keeper = AppWindow(app, sys.argv[1], settings, None)
keeper.start()
window = keeper.window
while not (window.attached and window.today.loaded):
    app.processEvents()
read = sorted(path for path in linecache.cache  # source files, not generated code
              if path.endswith(".py") and path not in before)

def pyside_answer(module):  # PySide 6.10's own check (shibokensupport/feature.py)
    try:
        return 0 if "PySide6" in inspect.getsource(module) else -1
    except (TypeError, OSError, SyntaxError):
        return -1

feature = sys.modules["shibokensupport.feature"]
answers = {name: flag for name, flag in feature.pyside_feature_dict.items()
           if name.startswith(("sqlalchemy", "desktop_crm")) and name in sys.modules}
differ = sorted(name for name, flag in answers.items()
                if flag != pyside_answer(sys.modules[name]))
print(json.dumps([read, differ, answers.get("desktop_crm.ui.main_window"),
                  answers.get("desktop_crm.storage.tables"), len(answers)]))
"""


def test_the_start_reads_no_module_source_for_pyside_and_gets_its_answers(
        tmp_path: Path) -> None:
    """The app's start (``AppWindow.start``) to Today filled: PySide's
    check kept the source of no module loaded since in linecache, and every
    module of the app and of SQLAlchemy got the answer PySide's own check
    gives (the window's module uses PySide6, the tables do not)."""
    import PySide6.QtCore  # noqa: F401  # loads PySide's __feature__ support

    if not callable(getattr(sys.modules.get(FEATURE_MODULE), "_mod_uses_pyside", None)):
        pytest.skip("this PySide has no per-module source check")
    db_path = tmp_path / "book.db"
    db = Database.open(db_path, create=True)
    try:
        generate(db, 30, seed=1)
    finally:
        db.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(db_path), str(tmp_path / "settings.ini")],
        capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    read, differ, main_window, tables, checked = json.loads(
        done.stdout.strip().splitlines()[-1])
    assert read == []
    assert differ == []
    assert (main_window, tables) == (0, -1)
    assert checked > 100  # SQLAlchemy's modules and the app's, loaded after PySide
