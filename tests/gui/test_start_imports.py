"""The window's start loads only what the window shows: the code behind a
menu action (the workbook's openpyxl, the calendar's icalendar, vCard's
vobject, Pillow for photos and business cards) loads when the action runs,
and a tab not shown at start (on the first start, every tab but Today) when
it is first shown. Each check runs in a fresh
interpreter, so that what other tests imported does not count."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from desktop_crm.services.demo import generate
from desktop_crm.storage.database import Database

BEHIND_A_MENU = ("openpyxl", "icalendar", "vobject", "PIL", "pillow_heif",
                 "desktop_crm.ui.care.done_dialog",  # Today's "Mark as done…" dialog
                 # File > Settings…: the start reads the user's name without it
                 # (ui.user_setting), and its "Start with the computer" file
                 "desktop_crm.ui.settings_dialog", "desktop_crm.services.autostart",
                 # the bulk actions' dialogs, and the date and lunar fields of the
                 # tabs and dialogs (Today's list is set up by ui.view_setup)
                 "desktop_crm.ui.bulk_dialogs", "desktop_crm.ui.widgets",
                 # the bulk actions' services (Today enables its buttons with
                 # domain.care.why_not)
                 "desktop_crm.services.agenda_bulk", "desktop_crm.services.bulk")
HIDDEN_TABS = ("desktop_crm.ui.clients.tab", "desktop_crm.ui.clients.editor",
               "desktop_crm.ui.evaluation.tab", "desktop_crm.ui.care.tab",
               "desktop_crm.ui.complaints.tab", "desktop_crm.ui.loyalty.tab",
               # what the orders feed into an evaluation (Today reads only the
               # recent grade changes through services.evaluations)
               "desktop_crm.domain.evaluation_sources", "desktop_crm.domain.sales",
               # complaints' record, categories and checks (Today reads the
               # resolved ones' follow-ups with domain.complaint_status)
               "desktop_crm.domain.complaint",
               # the scoring schemes (Today names the grades with domain.grades)
               "desktop_crm.domain.scoring")

CHILD = """
import json, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])
if sys.argv[3] == "import":
    import desktop_crm.ui.main_window  # noqa: F401
else:
    from desktop_crm.app import create_window

    settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
    window = create_window(sys.argv[1], "zh", settings)
    window.show()
    while not window.today.loaded:
        app.processEvents()
    window.grab()
    built = [type(window.tabs.widget(i)).__name__ for i in range(window.tabs.count())]
    print(json.dumps(built))
def loaded(name):
    # a module loaded, or a PySide class's Python type made ("PySide6.QtGui.QPainter")
    module, _, attr = name.rpartition(".")
    return name in sys.modules or (name.startswith("PySide6.") and module in sys.modules
                                   and attr in vars(sys.modules[module]))
print(json.dumps(sorted(m for m in sys.argv[4].split(",") if loaded(m))))
"""


def _child_lines(script: str, *args: str) -> list[str]:
    """``script`` run in a fresh interpreter (offscreen) with ``args``: its
    output lines (it must exit with 0)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", script, *args],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()


def _on_demo_book(tmp_path: Path, script: str, *args: str) -> Any:
    """``script`` run on a demo book (its argv[1]) with a settings file of
    its own (argv[2]) and ``args``: its last line, read as JSON."""
    return json.loads(_child_lines(script, str(demo_book(tmp_path)),
                                   str(tmp_path / "settings.ini"), *args)[-1])


def start(tmp_path: Path, how: str, db_path: Path, modules: tuple[str, ...]) -> list[str]:
    """The child's output lines: with "build", the tabs' classes; last, which
    of ``modules`` were loaded once the window showed with Today filled."""
    return _child_lines(CHILD, str(db_path), str(tmp_path / "settings.ini"), how,
                        ",".join(modules))


def loaded_at_start(tmp_path: Path, how: str, db_path: Path,
                    modules: tuple[str, ...] = BEHIND_A_MENU) -> list[str]:
    loaded: list[str] = json.loads(start(tmp_path, how, db_path, modules)[-1])
    return loaded


def demo_book(tmp_path: Path) -> Path:
    db_path = tmp_path / "book.db"
    db = Database.open(db_path, create=True)
    try:
        generate(db, 30, seed=1)  # Today and the list have rows to show
    finally:
        db.close()
    return db_path


@pytest.mark.parametrize("how", ["import", "build"])
def test_the_window_starts_without_what_only_a_menu_needs(tmp_path: Path, how: str) -> None:
    assert loaded_at_start(tmp_path, how, demo_book(tmp_path)) == []


def test_the_window_starts_without_building_the_hidden_tabs(tmp_path: Path) -> None:
    lines = start(tmp_path, "build", demo_book(tmp_path), HIDDEN_TABS)
    assert json.loads(lines[-1]) == []  # not even their code is loaded
    # the first start shows Today (the demo book has things to do): only Today
    # is built, each other tab is a stand-in
    assert json.loads(lines[-2]) == ["TodayTab", "QWidget", "QWidget", "QWidget", "QWidget",
                                     "QWidget"]


# PySide makes a Qt class's Python type when it is first named: the tray's
# badge (ui.app_icon.badged_icon) names QPainter and QRectF when it is drawn
NOT_MADE_AT_START = ("PySide6.QtGui.QPainter", "PySide6.QtCore.QRectF")


@pytest.mark.parametrize("how", ["import", "build"])
def test_the_start_makes_no_python_type_for_the_badges_painter(tmp_path: Path,
                                                                how: str) -> None:
    assert loaded_at_start(tmp_path, how, demo_book(tmp_path), NOT_MADE_AT_START) == []


@pytest.mark.parametrize("how", ["import", "build"])
def test_a_start_on_a_sqlite_file_loads_no_postgresql_code(tmp_path: Path, how: str) -> None:
    """The models name PostgreSQL's index options only once a PostgreSQL
    database is opened (storage.models.use_postgresql_options): SQLAlchemy
    loads a dialect's modules for its options, and a SQLite start has no use
    for PostgreSQL's."""
    assert loaded_at_start(tmp_path, how, demo_book(tmp_path),
                           ("sqlalchemy.dialects.postgresql", "psycopg")) == []


COLLECTOR_CHILD = """
import gc, json, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])
from desktop_crm.app import create_window

settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
window = create_window(sys.argv[1], "zh", settings)
states = [gc.isenabled()]
window.show()
window.grab()
states.append(gc.isenabled())
while not window.today.loaded:
    app.processEvents()
states.append(gc.isenabled())
print(json.dumps([states, gc.get_freeze_count() > 10_000]))
"""


def test_the_start_pauses_the_cycle_collector_until_today_is_filled(tmp_path: Path) -> None:
    """Built, shown, then Today filled: the collector is off until then, and
    back on after, with what the start made set aside (frozen)."""
    assert _on_demo_book(tmp_path, COLLECTOR_CHILD) == [[False, False, True], True]


START_CHILD = """
import json, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])
from desktop_crm.app import AppWindow, choose_language

settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
choose_language("zh", settings)
keeper = AppWindow(app, sys.argv[1], settings, None)
loaded = []
# what was loaded when the window was on screen, just before its database opened
keeper.window_on_screen = lambda: loaded.append(sorted(
    m for m in sys.argv[3].split(",") if m in sys.modules))
open_shown = AppWindow._open_shown
def on_screen(self):
    self.window_on_screen()
    open_shown(self)
AppWindow._open_shown = on_screen
# what was loaded right as Today was filled (before any later timer of the window)
from desktop_crm.ui.main_window import MainWindow
filled = []
fill = MainWindow._fill_after_show
def fill_after_show(self):
    fill(self)
    if not filled and self.attached and self.today.loaded:
        filled.append(sorted(m for m in sys.argv[3].split(",") if m in sys.modules))
MainWindow._fill_after_show = fill_after_show
keeper.start()
window = keeper.window
window.grab()  # the first paint
first_paint = sorted(m for m in sys.argv[3].split(",") if m in sys.modules)
while not filled:
    app.processEvents()
filled = filled[0]
from desktop_crm.storage.models import Base
print(json.dumps([first_paint, loaded[0], filled,
    sorted(m.class_.__name__ for m in Base.registry.mappers if m.configured)]))
"""
BEFORE_THE_FIRST_PAINT = ("sqlalchemy", "desktop_crm.storage.database",
                          "desktop_crm.storage.tables", "desktop_crm.services.registry",
                          "desktop_crm.services.agenda", "desktop_crm.ui.today.tab",
                          "lunar_python")


def _start(tmp_path: Path, modules: tuple[str, ...]) -> list[list[str]]:
    """The app's start in a child process (``START_CHILD``) on a demo book:
    which of ``modules`` were loaded at the first paint, once on screen and
    once Today was filled, and the mappers configured by then."""
    found: list[list[str]] = _on_demo_book(tmp_path, START_CHILD, ",".join(modules))
    return found

def test_the_window_paints_itself_before_sqlalchemy_and_the_services_load(
        tmp_path: Path) -> None:
    """The app's start (``AppWindow.start``, what ``desktop-crm`` runs): the
    window paints its tabs and menus, saying "Loading…", and is on screen
    before SQLAlchemy, the models, the services and Today's code are loaded;
    they load then, and Today is filled over the database. Its reads go
    through the tables alone (storage/tables.py): no mapper is configured yet,
    none is even declared (NOT_BEFORE_TODAY)."""
    first_paint, on_screen, filled, configured = _start(tmp_path, BEFORE_THE_FIRST_PAINT)
    assert first_paint == [] and on_screen == []
    assert filled == sorted(BEFORE_THE_FIRST_PAINT)
    assert configured == []


# Not needed to open a sound database and fill Today: the backup and restore
# code and its dialogs (ui.backups, loaded when a backup is listed or
# restored, or the file was found damaged), the sales and card code (the
# evaluation form's), the standard library's plistlib (the macOS
# start-at-login file) and secrets, and SQLAlchemy's ORM with the mapped
# classes (Today, its recent grade changes, the database's UUID and the
# title read through the tables alone, Database.connect: about 0.1 s of CPU;
# they load once Today is on screen), with Alembic (the file is at the head
# revision: nothing to migrate)
NOT_BEFORE_TODAY = ("desktop_crm.services.backup", "desktop_crm.services.restore",
                    # the restore dialog (ui.open_book opens a sound file without it)
                    "desktop_crm.ui.backups",
                    "desktop_crm.services.sales", "desktop_crm.services.clients",
                    "desktop_crm.storage.card_read", "plistlib", "secrets",
                    "sqlalchemy.orm", "desktop_crm.storage.models",
                    "desktop_crm.storage.client_repo", "alembic")


def test_the_start_loads_no_backup_sales_or_card_code(tmp_path: Path) -> None:
    first_paint, on_screen, filled, _configured = _start(tmp_path, NOT_BEFORE_TODAY)
    assert first_paint == on_screen == filled == []


PREPARED_CHILD = """
import json, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])
from desktop_crm.app import AppWindow, choose_language
from desktop_crm.ui import main_window
from desktop_crm.ui.today.tab import TodayTab

main_window.SESSIONS_AFTER_MS = 50
filled = []  # whether the ORM was loaded when Today had been filled
read = TodayTab.refresh
def refresh(self):
    read(self)
    filled.append("sqlalchemy.orm" in sys.modules)
TodayTab.refresh = refresh
settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
choose_language("zh", settings)
keeper = AppWindow(app, sys.argv[1], settings, None)
keeper.start()
window = keeper.window
while not (window.attached and window.today.loaded):
    app.processEvents()
while "desktop_crm.storage.models" not in sys.modules:
    app.processEvents()
from desktop_crm.storage.models import Base

print(json.dumps([filled[0], all(m.configured for m in Base.registry.mappers)]))
"""


def test_the_orm_loads_once_today_is_on_screen(tmp_path: Path) -> None:
    """The ORM and the mapped classes, left out of Today's fill, load on a
    timer once Today is on screen, their mappers configured, so that the
    first card opened does not wait for them (MainWindow.SESSIONS_AFTER_MS)."""
    assert _on_demo_book(tmp_path, PREPARED_CHILD) == [False, True]
