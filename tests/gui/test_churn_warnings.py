"""Churn warnings (流失预警) in the window: on Today and in the care calendar
with their kind's label, colour and icon, opening the client's card, and
their thresholds in the care settings dialog."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QIcon

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.enums import AgendaKind
from desktop_crm.domain.sales import Order, OrderStatus
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.services.sales import SalesService
from desktop_crm.storage.database import Database
from desktop_crm.ui.care.kind_style import CHURN_COLOUR
from desktop_crm.ui.main_window import MainWindow
from tests.gui.conftest import shown

pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]

NOW = datetime(2026, 9, 20, 9, 0)
WARNING = "王芳: sales down 60% month on month"


def clock() -> datetime:
    return NOW


@pytest.fixture
def book(db: Database) -> dict[str, int]:
    """王芳 bought 5,000 yuan in July and 2,000 in August: a 60% drop; 赵磊 bought
    steadily."""
    clients = ClientService(db, clock, user="test")
    sales = SalesService(db, clock, user="test")
    ids = {name: clients.save(ClientCard(name=name)) for name in ("王芳", "赵磊")}
    for name, day, amount in [("王芳", date(2026, 7, 8), "5000"),
                              ("王芳", date(2026, 8, 12), "2000"),
                              ("赵磊", date(2026, 7, 8), "3000"),
                              ("赵磊", date(2026, 8, 12), "3000"),
                              ("赵磊", date(2026, 9, 12), "3000")]:
        sales.save(Order(ids[name], day, "服务器", Decimal(amount), status=OrderStatus.PAID))
    return ids


@pytest.fixture
def win(qtbot, db: Database, settings: QSettings, book: dict[str, int]  # type: ignore[no-untyped-def]
        ) -> Iterator[MainWindow]:
    yield from shown(qtbot, MainWindow(db, settings, clock))


def rows(panel) -> list[str]:  # type: ignore[no-untyped-def]
    model = panel.model
    return [model.data(model.index(r, 3)) for r in range(model.rowCount())]


def test_a_client_whose_sales_dropped_is_warned_about_on_today(
        qtbot, win: MainWindow, book: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    panel = win.today.panel
    # oldest first: the drop became known on 1 September (Mid-Autumn follows)
    assert rows(panel)[0] == WARNING and not any("赵磊" in t for t in rows(panel))
    model = panel.model
    assert model.data(model.index(0, 1)) == "Churn warning"
    assert isinstance(model.data(model.index(0, 1), Qt.ItemDataRole.DecorationRole), QIcon)
    assert model.data(model.index(0, 1), Qt.ItemDataRole.ForegroundRole) == CHURN_COLOUR
    assert model.data(model.index(0, 0)) == "2026-09-01 Tue · 19 days overdue"
    # double-clicking the row opens the client's card
    rect = panel.view.visualRect(model.index(0, 2))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert win.tabs.currentWidget() is win.clients
    assert win.clients.editor.client_id == book["王芳"]


def test_raising_the_threshold_in_settings_takes_the_warning_away(
        win: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_crm.ui.care import settings_dialog

    def run(self: settings_dialog.CareSettingsDialog) -> int:
        assert self.drop_percent.value() == 40 and self.drop_minimum.value() == 1000
        assert self.no_order[""].value() == 120
        self.drop_percent.setValue(0)  # below the range: held at 1
        assert self.drop_percent.value() == 1
        self.drop_percent.setValue(70)
        self.save()
        return int(self.result())

    monkeypatch.setattr(settings_dialog.CareSettingsDialog, "exec", run)
    assert WARNING in rows(win.today.panel)
    win.tabs.setCurrentWidget(win.calendar)
    win.calendar.edit_settings()
    assert AgendaService(win.db, clock).churn_settings().drop_percent == 70
    assert WARNING not in rows(win.today.panel)
    assert WARNING not in rows(win.calendar.panel)


def test_settings_dialog_shows_service_errors_and_restores_defaults(win: MainWindow) -> None:
    from PySide6.QtWidgets import QDialog, QDialogButtonBox

    from desktop_crm.domain.churn import ChurnSettings
    from desktop_crm.ui.care.settings_dialog import CareSettingsDialog

    service = AgendaService(win.db, clock)
    service.save_settings(service.settings(), ChurnSettings(drop_minimum=5000))
    dialog = CareSettingsDialog(service, win)
    assert dialog.drop_minimum.value() == 5000
    assert dialog.no_order["A"].value() == 60
    dialog.no_order["A"].setValue(0)
    assert dialog.no_order["A"].text() == "No warning"
    dialog.keep.setValue(0)  # held at 1
    assert dialog.churn_settings() == ChurnSettings(40, 5000, {"A": 0, "B": 90, "C": 180,
                                                               "": 120}, 1)
    restore = QDialogButtonBox.StandardButton.RestoreDefaults
    dialog.findChild(QDialogButtonBox).button(restore).click()
    assert dialog.churn_settings() == ChurnSettings()
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert service.churn_settings() == ChurnSettings()


def test_the_calendar_lists_warnings_as_their_own_kind(qtbot, win: MainWindow,  # type: ignore[no-untyped-def]
                                                        book: dict[str, int]) -> None:
    win.tabs.setCurrentWidget(win.calendar)
    tab = win.calendar
    index = tab.kind.findData(AgendaKind.CHURN_WARNING.value)
    assert tab.kind.itemText(index) == "Churn warning"
    tab.kind.setCurrentIndex(index)
    assert rows(tab.panel) == [WARNING]
    tab.go_to(date(2026, 9, 1))
    assert tab.month.counts[date(2026, 9, 1)] == 1
    entry = tab.day_list.item(0)
    assert entry.text() == "Churn warning · " + WARNING
    assert not entry.icon().isNull() and entry.foreground().color() == CHURN_COLOUR
    tab.day_list.itemActivated.emit(entry)
    assert win.tabs.currentWidget() is win.clients
    assert win.clients.editor.client_id == book["王芳"]


def test_chinese_texts(win: MainWindow) -> None:
    win.switch_language("zh")
    assert rows(win.today.panel)[0] == "王芳：销售额环比下降 60%"
    model = win.today.panel.model
    assert model.data(model.index(0, 1)) == "流失预警"
