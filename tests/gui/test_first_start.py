"""First start (issue 17, item 11): an empty book offers, in its empty client
list, to import the user's clients or to try the app with demo data; the demo
data opens in a book of its own, which the window's title names."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop_crm.services.clients import ClientService
from desktop_crm.services.demo import generate
from desktop_crm.storage.database import Database, default_db_path
from desktop_crm.ui import transfer
from desktop_crm.ui.main_window import MainWindow
from desktop_crm.ui.tray import due_text
from tests.gui.conftest import finished

TEXTS = {"en": ("Import your Excel or phone contacts…", "Try it with demo data", "Demo book"),
         "zh": ("导入您的 Excel 或手机通讯录…", "用演示数据试一试", "演示数据")}


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user data folder (the default database, the demo book) in ``tmp_path``."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return default_db_path().parent


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_empty_book_offers_import_and_demo_data_which_opens_the_demo_book(
        qtbot, window: MainWindow, db: Database, data_home: Path, lang: str,
        monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    window.switch_language(lang)
    import_text, demo_text, mark = TEXTS[lang]
    tab = window.clients
    window.tabs.setCurrentWidget(tab)
    panel = tab.first_start
    assert panel.isVisible() and tab.empty_label.isVisible()
    assert panel.import_button.text() == import_text
    assert panel.demo_button.text() == demo_text
    assert mark not in window.windowTitle()
    # the whole text of each button is shown
    for button in (panel.import_button, panel.demo_button):
        assert button.width() >= button.fontMetrics().horizontalAdvance(button.text())

    imports: list[object] = []
    monkeypatch.setattr(transfer, "import_file",
                        lambda *args, **kwargs: imports.append(args))
    qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    assert len(imports) == 1  # File > Import's own flow

    own = window.db
    demo_path = data_home / "demo.db"
    qtbot.mouseClick(panel.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.db.path == demo_path, timeout=120_000)
    assert window.db is not own and window.db.path == demo_path
    # (offscreen there is no tray: the day's count comes after the name)
    product, due, rest = window.windowTitle().split(" — ", 2)
    assert product == ('Desktop CRM' if lang == 'en' else '客户卡片管理')
    assert due == due_text(window.reminders.count) and rest == f"{mark} — {demo_path}"
    assert window.clients.model.rowCount() == 300
    assert not window.clients.first_start.isVisible()
    # the book the window had open is left as it was: empty
    assert ClientService(db).counts()["clients"] == 0
    assert not default_db_path().exists()
    # asked again: the demo book is open already
    assert window.open_demo_book() is None


def test_a_book_with_clients_shows_no_first_start_offer(
        qtbot, db: Database, settings, data_home: Path) -> None:  # type: ignore[no-untyped-def]
    generate(db, 3, seed=1)
    win = MainWindow(db, settings)
    win.show()
    qtbot.waitExposed(win)
    try:
        win.tabs.setCurrentWidget(win.clients)
        assert not win.clients.first_start.isVisible()
        assert "Demo book" in win.windowTitle()  # demo data was written into it
        win.clients.search.setText("zzzz-nobody")
        win.clients.apply_filter()
        assert not win.clients.first_start.isVisible()  # no match is not an empty book
    finally:
        win.close()
        win.deleteLater()


def test_the_demo_book_is_made_with_progress_when_missing(
        qtbot, window: MainWindow, data_home: Path) -> None:  # type: ignore[no-untyped-def]
    operation = window.open_demo_book()
    assert finished(qtbot, operation) == 300
    assert window.db.path == data_home / "demo.db"
    # made once: opening it again from an empty book adds nothing
    empty = Database.open(data_home / "empty.db", create=True)
    window._replace_database(empty, confirmed=True)
    assert finished(qtbot, window.open_demo_book()) == 0
    assert window.clients.model.rowCount() == 300
