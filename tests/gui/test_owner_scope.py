"""Mine / Everyone (只看我的 / 全部) in the client list, Today, the care calendar
and the complaint list, driven through the real widgets over a book of two
salespeople's clients."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import update

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.complaint import Complaint, ComplaintCategory
from desktop_crm.domain.dates import DateSpec
from desktop_crm.services.registry import Services
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client
from desktop_crm.ui.main_window import MainWindow
from desktop_crm.ui.settings_dialog import USER_NAME_KEY
from tests.conftest import Clock
from tests.gui.conftest import today_filled

NOW = datetime(2026, 9, 20, 9, 0)
MINE = {"王芳", "陈静"}
EVERYONE = {"王芳", "陈静", "赵磊"}


@pytest.fixture
def two_owners(db: Database) -> None:
    """王芳 and 陈静 are 李娜's, 赵磊 is 张伟's; each has a birthday today and a complaint."""
    services = Services.build(db, Clock(NOW), user="seed")
    for name, owner in (("王芳", "李娜"), ("陈静", "李娜"), ("赵磊", "张伟")):
        client_id = services.clients.save(ClientCard(
            name=name, owner=owner, birthday=DateSpec.solar(9, 20, year=1980)))
        services.complaints.register(Complaint(
            client_id=client_id, received_at=datetime(2026, 9, 19, 10, 0),
            words="发票开错了", category=ComplaintCategory.OTHER))


def _window(qtbot, db, settings) -> MainWindow:  # type: ignore[no-untyped-def]
    settings.setValue(USER_NAME_KEY, "李娜")
    window = MainWindow(db, settings, Clock(NOW))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    today_filled(qtbot, window)
    return window


def _choose(qtbot, combo, mine: bool) -> None:  # type: ignore[no-untyped-def]
    """Pick Mine or Everyone with the keyboard, as a user would."""
    combo.setFocus()
    key = Qt.Key.Key_Up if mine else Qt.Key.Key_Down
    qtbot.keyClick(combo, key)
    assert combo.is_mine() is mine


def _client_names(window) -> set[str]:  # type: ignore[no-untyped-def]
    model = window.clients.model
    return {model.data(model.index(r, 0)) for r in range(model.rowCount())}


def _agenda_clients(panel) -> set[str]:  # type: ignore[no-untyped-def]
    return {i.client for i in panel.model.items if i.client}


def _complaint_clients(window) -> set[str]:  # type: ignore[no-untyped-def]
    return {c.client for c in window.complaints.model.items}


def test_mine_and_everyone_in_each_of_the_four_tabs(qtbot, db, settings, two_owners):  # type: ignore[no-untyped-def]
    window = _window(qtbot, db, settings)
    # a SQLite file of one's own: everyone's by default
    for tab in (window.clients, window.today, window.calendar, window.complaints):
        assert not tab.scope.is_mine()
        assert tab.scope.currentText() == "Everyone"

    window.tabs.setCurrentWidget(window.clients)
    assert _client_names(window) == EVERYONE
    _choose(qtbot, window.clients.scope, mine=True)
    assert _client_names(window) == MINE
    assert window.clients.owner.currentText() == "李娜"  # Mine sets the owner filter
    _choose(qtbot, window.clients.scope, mine=False)
    assert _client_names(window) == EVERYONE
    assert window.clients.owner.currentIndex() == 0  # All owners

    window.tabs.setCurrentWidget(window.today)
    assert _agenda_clients(window.today.panel) == EVERYONE
    _choose(qtbot, window.today.scope, mine=True)
    assert _agenda_clients(window.today.panel) == MINE
    _choose(qtbot, window.today.scope, mine=False)
    assert _agenda_clients(window.today.panel) == EVERYONE

    window.tabs.setCurrentWidget(window.calendar)
    assert _agenda_clients(window.calendar.panel) == EVERYONE
    assert {window.calendar.day_list.item(r).text().split(" · ")[1].split(":")[0]
            for r in range(window.calendar.day_list.count())} >= EVERYONE
    _choose(qtbot, window.calendar.scope, mine=True)
    assert _agenda_clients(window.calendar.panel) == MINE
    day = {window.calendar.day_list.item(r).text()
           for r in range(window.calendar.day_list.count())}
    assert not any("赵磊" in text for text in day) and any("王芳" in text for text in day)
    _choose(qtbot, window.calendar.scope, mine=False)
    assert _agenda_clients(window.calendar.panel) == EVERYONE

    window.tabs.setCurrentWidget(window.complaints)
    assert _complaint_clients(window) == EVERYONE
    _choose(qtbot, window.complaints.scope, mine=True)
    assert _complaint_clients(window) == MINE
    assert window.complaints.count_label.text().startswith("2 complaints")
    _choose(qtbot, window.complaints.scope, mine=False)
    assert _complaint_clients(window) == EVERYONE


def test_choosing_the_users_name_as_owner_is_mine(qtbot, db, settings, two_owners):  # type: ignore[no-untyped-def]
    window = _window(qtbot, db, settings)
    tab = window.clients
    tab.owner.setCurrentIndex(tab.owner.findData("张伟"))
    assert _client_names(window) == {"赵磊"} and not tab.scope.is_mine()
    tab.owner.setCurrentIndex(tab.owner.findData("李娜"))
    assert _client_names(window) == MINE and tab.scope.is_mine()


def test_the_choice_is_remembered_per_database(qtbot, db, settings, two_owners, tmp_path):  # type: ignore[no-untyped-def]
    window = _window(qtbot, db, settings)
    _choose(qtbot, window.complaints.scope, mine=True)
    _choose(qtbot, window.clients.scope, mine=True)
    window.close()
    again = MainWindow(db, settings, Clock(NOW))
    qtbot.addWidget(again)
    assert again.complaints.scope.is_mine() and again.clients.scope.is_mine()
    assert not again.today.scope.is_mine() and not again.calendar.scope.is_mine()
    again.clients.apply_filter()
    assert _client_names(again) == MINE
    other = Database.open(tmp_path / "other.db", create=True)  # its own choices
    try:
        third = MainWindow(other, settings, Clock(NOW))
        qtbot.addWidget(third)
        assert not third.complaints.scope.is_mine()
    finally:
        third.close()
        other.close()


def test_a_shared_database_shows_mine_by_default(  # type: ignore[no-untyped-def]
        qtbot, db, settings, two_owners, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(Database, "shared", property(lambda self: True))
    window = _window(qtbot, db, settings)
    for tab in (window.clients, window.today, window.calendar, window.complaints):
        assert tab.scope.is_mine()
    window.tabs.setCurrentWidget(window.calendar)
    assert _agenda_clients(window.today.panel) == MINE
    assert _agenda_clients(window.calendar.panel) == MINE
    window.clients.apply_filter()
    assert _client_names(window) == MINE
    window.tabs.setCurrentWidget(window.complaints)
    assert _complaint_clients(window) == MINE


def test_a_new_name_changes_what_mine_lists(qtbot, db, settings, two_owners):  # type: ignore[no-untyped-def]
    window = _window(qtbot, db, settings)
    window.tabs.setCurrentWidget(window.complaints)
    _choose(qtbot, window.complaints.scope, mine=True)
    _choose(qtbot, window.today.scope, mine=True)
    _choose(qtbot, window.clients.scope, mine=True)
    dialog = window.edit_settings()
    dialog.user_name.setText("张伟")
    dialog.accept()
    assert _complaint_clients(window) == {"赵磊"}
    assert _agenda_clients(window.today.panel) == {"赵磊"}
    assert _client_names(window) == {"赵磊"}
    assert window.clients.owner.currentText() == "张伟"


def test_the_backlog_of_a_mine_agenda_opens_the_users_clients(  # type: ignore[no-untyped-def]
        qtbot, db, settings, two_owners):
    with db.session() as s:  # created long ago and never contacted: the backlog
        s.execute(update(Client).values(created_at=datetime(2020, 1, 1, 9, 0)))
    window = _window(qtbot, db, settings)
    window.tabs.setCurrentWidget(window.today)
    _choose(qtbot, window.today.scope, mine=True)
    panel = window.today.panel
    backlog = [row for row, item in enumerate(panel.model.items) if not item.can_be_done]
    assert [panel.model.items[row].group_size for row in backlog] == [2]
    panel.view.setCurrentIndex(panel.model.index(backlog[0], 0))
    panel.open_selected()
    assert window.tabs.currentWidget() is window.clients
    assert _client_names(window) == MINE
    assert window.clients.scope.is_mine() and window.clients.owner.currentText() == "李娜"


@pytest.mark.both_engines
def test_the_default_follows_the_engine(qtbot, db, settings, two_owners, engine):  # type: ignore[no-untyped-def]
    """Mine on a server database, Everyone on a SQLite file: each tab, unchosen."""
    window = _window(qtbot, db, settings)
    shared = engine == "postgresql"
    for tab in (window.clients, window.today, window.calendar, window.complaints):
        assert tab.scope.is_mine() is shared
    expected = MINE if shared else EVERYONE
    assert _agenda_clients(window.today.panel) == expected
    window.clients.apply_filter()
    assert _client_names(window) == expected
    window.tabs.setCurrentWidget(window.calendar)
    assert _agenda_clients(window.calendar.panel) == expected
    window.tabs.setCurrentWidget(window.complaints)
    assert _complaint_clients(window) == expected
    window.clients.editor.revert()
