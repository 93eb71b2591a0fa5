"""The loyalty tab over a small hand-made book: the figures equal those
computed by hand, the definitions are the tooltips, the drill-down lists the
clients behind a figure and opens their card, switching the period or the
scope changes the figures, and the labels are Chinese in Chinese.

The book (orders through SalesService; "last quarter" is P = 2026-07-01 ..
2026-09-30, so P' = 2026-04-01 .. 2026-06-30; a won order is won, delivered
or paid):

    client      owner   orders
    曾国方 (A)   tester  05-10 ¥1,000 won · 08-05 ¥2,000 paid · 09-20 ¥4,000 delivered
    李娜 (B)     tester  06-01 ¥1,500 won · 08-15 ¥9,000 quoted · 09-01 ¥500 lost
    John Smith  tester  04-20 ¥3,000 won · 07-15 ¥3,000 won
    王芳 (D)     tester  02-01 ¥800 won
    张伟 (E)     other   08-10 ¥1,200 won (his first)

In P: 4 won orders (2,000 + 4,000 + 3,000 + 1,200 = 10,200) by A, John and E:
average purchase ¥2,550.00, purchase frequency 4 / 3 = 1.3. Bought in P': A,
B, John; B bought nothing in P: churn 1 / 3 = 33.3%, retention 66.7%. New
clients (first won order ever in P): E, 1 in 3 months = 0.3 a month.
In P': 3 won orders (1,000 + 1,500 + 3,000): average ¥1,833.33; D bought in
January-March and not in P': churn 100.0%.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from desktop_crm import i18n
from desktop_crm.domain.client import ClientCard, Interaction
from desktop_crm.domain.enums import Channel
from desktop_crm.domain.loyalty import KPI_KEYS, kpi_definition, kpi_label, previous_period
from desktop_crm.domain.sales import Order, OrderStatus
from desktop_crm.services.registry import Services
from desktop_crm.ui import operations
from desktop_crm.ui.loyalty.figures import DASH, reason_text
from desktop_crm.ui.loyalty.tab import LoyaltyTab
from tests.conftest import Clock

# on a server database too, showing everyone's clients (Mine is the default there)
pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]

NOW = datetime(2026, 11, 24, 9, 30)
S = OrderStatus
WAIT = 20_000


def _book(db) -> tuple[Services, dict[str, int]]:  # type: ignore[no-untyped-def]
    clock = Clock(NOW)
    services = Services.build(db, clock, "tester")
    ids = {name: services.clients.save(ClientCard(name=name, owner="tester"))
           for name in ("曾国方", "李娜", "John Smith", "王芳")}
    ids["张伟"] = services.clients.save(ClientCard(name="张伟", owner="other"))

    def order(name: str, day: str, amount: int, status: OrderStatus = S.WON,
              **fields: str) -> None:
        services.sales.save(Order(client_id=ids[name], ordered_on=date.fromisoformat(day),
                                  product="轴承", amount=Decimal(amount), status=status,
                                  **fields))  # type: ignore[arg-type]

    order("曾国方", "2026-05-10", 1000)
    order("曾国方", "2026-08-05", 2000, S.PAID)
    order("曾国方", "2026-09-20", 4000, S.DELIVERED)
    order("李娜", "2026-06-01", 1500)
    order("李娜", "2026-08-15", 9000, S.QUOTED)
    order("李娜", "2026-09-01", 500, S.LOST, lost_reason="价格")
    order("John Smith", "2026-04-20", 3000)
    order("John Smith", "2026-07-15", 3000)
    order("王芳", "2026-02-01", 800)
    order("张伟", "2026-08-10", 1200)
    # the thank-you calls' satisfaction: August 4 and 2
    for name, day, score in (("曾国方", 12, 4), ("张伟", 20, 2)):
        services.clients.log_interaction(Interaction(
            client_id=ids[name], occurred_at=datetime(2026, 8, day, 10), channel=Channel.CALL,
            summary="感谢回访", satisfaction=score))
    return services, ids


@pytest.fixture
def book(db):  # type: ignore[no-untyped-def]
    return _book(db)


@pytest.fixture
def tab(qtbot, book):  # type: ignore[no-untyped-def]
    services, _ids = book
    page = LoyaltyTab(services.loyalty, services.clients, services.clock)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.show()
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.period.set_period("last_quarter")
    return page


def _shown(page: LoyaltyTab) -> dict[str, str]:
    return {key: tile.value.text() for key, tile in page.tiles.items()}


def _previous(page: LoyaltyTab, key: str) -> str:
    return page.tiles[key].previous.text()


def test_the_figures_are_the_ones_computed_by_hand(tab) -> None:  # type: ignore[no-untyped-def]
    assert tab.period.dates() == (date(2026, 7, 1), date(2026, 9, 30))
    assert previous_period(date(2026, 7, 1), date(2026, 9, 30)) == (
        date(2026, 4, 1), date(2026, 6, 30))
    shown = _shown(tab)
    assert shown["average_purchase"] == "¥2,550.00"
    assert shown["purchase_frequency"] == "1.3"
    assert shown["churn_rate"] == "33.3%"
    assert shown["client_retention"] == "66.7%"
    assert shown["new_clients_per_month"] == "0.3"
    # what each divides
    assert tab.tiles["churn_rate"].detail.text() == "1 of 3 clients"
    assert tab.tiles["average_purchase"].detail.text() == "¥10,200 in 4 orders"
    assert tab.tiles["purchase_frequency"].detail.text() == "4 orders by 3 clients"
    assert tab.tiles["new_clients_per_month"].detail.text() == "1 new clients in 3 months"
    assert tab.tiles["client_base"].value.text() == "3"
    # P' beside each
    assert _previous(tab, "average_purchase") == "Previous period: ¥1,833.33"
    assert _previous(tab, "churn_rate") == "Previous period: 100.0%"
    assert "2026-04-01 – 2026-06-30" in tab.compared.text()
    # every tile shows a figure or "—" with its reason, and its definition
    for key in KPI_KEYS:
        tile = tab.tiles[key]
        assert tile.caption.text() == kpi_label(key)
        assert tile.toolTip() == kpi_definition(key) and tile.toolTip()
        if tile.value.text() == DASH:
            assert tile.why.text() == reason_text(key) and not tile.why.isHidden()
        else:
            assert tile.why.isHidden()


def test_the_trend_and_the_satisfaction_by_month(qtbot, tab) -> None:  # type: ignore[no-untyped-def]
    assert tab.chart_key == "churn_rate" and tab.tiles["churn_rate"].is_selected()
    assert [label for label, _v, _n in tab.trend_chart.points] == [
        "2026-07", "2026-08", "2026-09"]
    # a click on a figure shows its trend: won orders by month, averaged
    qtbot.mouseClick(tab.tiles["average_purchase"], Qt.MouseButton.LeftButton)
    assert tab.chart_key == "average_purchase"
    assert tab.tiles["average_purchase"].is_selected()
    assert not tab.tiles["churn_rate"].is_selected()
    assert [(label, value) for label, value, _n in tab.trend_chart.points] == [
        ("2026-07", 3000.0), ("2026-08", 1600.0), ("2026-09", 4000.0)]
    assert tab.trend_chart.title == f"{kpi_label('average_purchase')} by month"
    assert "2026-08: ¥1,600.00" in tab.trend_chart.toolTip()
    # the thank-you calls of August: (4 + 2) / 2
    august = [p for p in tab.satisfaction_chart.points if p[0] == "2026-08"]
    assert august and august[0][1] == pytest.approx(3.0)
    assert august[0][2] == "2 calls"
    assert tab.satisfaction_chart.grab().width() > 0


def test_switching_the_period_changes_the_figures(qtbot, tab) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(tab.loaded, timeout=WAIT):
        tab.period.set_period("this_year")
    assert tab.period.dates() == (date(2026, 1, 1), date(2026, 11, 24))
    # 8 won orders this year: 800 + 1,000 + 1,500 + 3,000 + 2,000 + 4,000 + 3,000 + 1,200
    assert tab.tiles["average_purchase"].value.text() == "¥2,062.50"
    assert len(tab.trend_chart.points) == 11
    # a period without orders: "—" and why
    with qtbot.waitSignal(tab.loaded, timeout=WAIT):
        tab.period.set_period("custom", date(2025, 1, 1), date(2025, 3, 31))
    assert tab.tiles["average_purchase"].value.text() == DASH
    assert tab.tiles["average_purchase"].why.text() == "No won orders in CNY in this period."
    assert tab.tiles["purchase_frequency"].value.text() == DASH


def test_custom_dates_the_wrong_way_round_are_refused(qtbot, tab) -> None:  # type: ignore[no-untyped-def]
    chooser = tab.period
    chooser.combo.setCurrentIndex(chooser.combo.findData("custom"))
    # the custom dates start as last quarter's: those figures are shown, nothing to read
    assert chooser.dates() == (date(2026, 7, 1), date(2026, 9, 30))
    assert tab._reading is None
    assert chooser.since_edit.isEnabled() and chooser.until_edit.isEnabled()
    with qtbot.assertNotEmitted(chooser.changed, wait=900):
        chooser.since_edit.setDate(date(2026, 10, 15))  # after the end date
    assert chooser.error.isVisible()
    assert chooser.error.text() == "The start date is after the end date."
    assert chooser.until_edit.property("invalid") is True
    assert tab.tiles["average_purchase"].value.text() == "¥2,550.00"  # unchanged
    # a valid date is read after a pause, not at once
    with qtbot.waitSignal(tab.loaded, timeout=WAIT):
        chooser.since_edit.setDate(date(2026, 8, 1))
        assert tab._reading is None  # nothing read at the keystroke itself
    assert chooser.error.isHidden()
    # August-September: 2,000 + 1,200 + 4,000
    assert tab.tiles["average_purchase"].value.text() == "¥2,400.00"


def test_drilling_into_churn_lists_the_churned_client(qtbot, book, tab) -> None:  # type: ignore[no-untyped-def]
    _services, ids = book
    # from the start the list shows the churned clients, for the period shown
    qtbot.waitUntil(lambda: tab.members.key == "churn_rate"
                    and tab.members.ids() == [ids["李娜"]], timeout=WAIT)
    # Tab goes from the scope to the first figure, which shows its trend
    tab.activateWindow()
    tab.scope.setFocus()
    qtbot.waitUntil(tab.scope.hasFocus)
    qtbot.keyClick(tab.scope, Qt.Key.Key_Tab)
    assert tab.focusWidget() is tab.tiles["client_base"]
    assert tab.chart_key == "client_base"
    tile = tab.tiles["churn_rate"]
    tile.setFocus()
    with qtbot.waitSignal(tab.members_loaded, timeout=WAIT):
        qtbot.keyClick(tile, Qt.Key.Key_Return)  # the keyboard way
    assert tab.chart_key == "churn_rate"
    assert tab.members.key == "churn_rate"
    assert tab.members.ids() == [ids["李娜"]]
    model = tab.members.model
    assert model.data(model.index(0, 0)) == "李娜"
    assert tab.members.title.text() == f"<b>Clients behind “{kpi_label('churn_rate')}”: 1</b>"
    with qtbot.waitSignal(tab.open_client) as opened:
        tab.members.view.activated.emit(model.index(0, 0))
    assert opened.args == [ids["李娜"]]
    # a double-click on another figure lists its clients: the new client
    with qtbot.waitSignal(tab.members_loaded, timeout=WAIT):
        qtbot.mouseDClick(tab.tiles["new_clients_per_month"], Qt.MouseButton.LeftButton)
    assert tab.members.ids() == [ids["张伟"]]
    # the list follows the period
    with qtbot.waitSignal(tab.members_loaded, timeout=WAIT):
        tab.period.set_period("custom", date(2026, 4, 1), date(2026, 6, 30))
    # (new in April-June: all three who bought then)
    assert sorted(tab.members.ids()) == sorted([ids["曾国方"], ids["李娜"], ids["John Smith"]])
    # two quick drill-downs: the list says it is working, and the last one wins
    with qtbot.waitSignal(tab.members_loaded, timeout=WAIT):
        tab.drill("client_base")
        assert tab.members.title.text() == (
            f"<b>Listing the clients behind “{kpi_label('client_base')}”…</b>")
        tab.drill("churn_rate")
    qtbot.wait(200)
    assert tab.members.key == "churn_rate"
    assert tab.members.ids() == [ids["王芳"]]  # bought in January-March, not in April-June


def test_mine_counts_only_my_clients(qtbot, tab) -> None:  # type: ignore[no-untyped-def]
    assert not tab.scope.is_mine()  # a SQLite file of one's own: everyone's
    with qtbot.waitSignal(tab.loaded, timeout=WAIT):
        tab.scope.set_mine(True)
    # without 张伟 (other's): 2,000 + 4,000 + 3,000 by 曾国方 and John Smith
    assert tab.tiles["average_purchase"].value.text() == "¥3,000.00"
    assert tab.tiles["purchase_frequency"].value.text() == "1.5"
    assert tab.tiles["new_clients_per_month"].value.text() == "0.0"


def test_a_change_elsewhere_is_read_when_shown_again(qtbot, book, tab) -> None:  # type: ignore[no-untyped-def]
    from desktop_crm.ui.changes import Changes

    services, ids = book
    tab.hide()
    services.sales.save(Order(client_id=ids["李娜"], ordered_on=date(2026, 9, 10),
                              product="轴承", amount=Decimal(2200), status=S.WON))
    tab.apply_changes(Changes(clients=frozenset({ids["李娜"]})))
    assert tab.tiles["churn_rate"].value.text() == "33.3%"  # hidden: not read yet
    with qtbot.waitSignal(tab.loaded, timeout=WAIT):
        tab.show()
    assert tab.tiles["churn_rate"].value.text() == "0.0%"
    assert tab.tiles["average_purchase"].value.text() == "¥2,480.00"  # 12,400 / 5


def test_chinese(qtbot, tab) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language("zh")
    try:
        tab.retranslate()
        assert "流失率" in tab.tiles["churn_rate"].caption.text()
        assert tab.tiles["churn_rate"].caption.text() == kpi_label("churn_rate")
        for key in KPI_KEYS:
            caption = tab.tiles[key].caption.text()
            assert any("\u4e00" <= ch <= "\u9fff" for ch in caption), caption
        assert tab.period.combo.currentText() == "上季度"
        assert tab.tiles["churn_rate"].previous.text() == "上一期间：100.0%"
        assert tab.satisfaction_chart.title == "感谢回访满意度（按月）"
        assert tab.scope.currentText() == "全部"
    finally:
        i18n.set_language("en")
        tab.retranslate()
    assert tab.period.combo.currentText() == "Last quarter"


def test_in_the_window_a_client_opens_its_card(qtbot, book, settings) -> None:  # type: ignore[no-untyped-def]
    from desktop_crm.ui.main_window import MainWindow

    services, ids = book
    win = MainWindow(services.db, settings, clock=services.clock, user="tester")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    page = win.loyalty
    assert page.figures is None  # nothing read before the tab is shown
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        win.tabs.setCurrentWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.period.set_period("custom", date(2026, 7, 1), date(2026, 9, 30))
    assert page.tiles["churn_rate"].value.text() == "33.3%"
    with qtbot.waitSignal(page.members_loaded, timeout=WAIT):
        page.tiles["churn_rate"].drill.emit("churn_rate")
    page.members.view.setCurrentIndex(page.members.model.index(0, 0))
    assert page.members.open_button.isEnabled()
    qtbot.mouseClick(page.members.open_button, Qt.MouseButton.LeftButton)
    assert win.tabs.currentWidget() is win.clients
    assert win.clients.editor.client_id == ids["李娜"]
    win.switch_language("zh")
    try:
        assert win.tabs.tabText(win.tabs.indexOf(page)) == "忠诚度"
        assert page.period.label.text() == "期间(&P)"
    finally:
        win.switch_language("en")
    win.clients.editor.revert()
    win.close()


def test_the_figures_show_before_the_trend_is_read(qtbot, book) -> None:  # type: ignore[no-untyped-def]
    """The read runs on a worker thread and hands over the KPIs first: while
    the (slower) trend is still being read, the tiles show their figures and
    the chart says it is computing."""
    import threading

    from desktop_crm.ui.loyalty.tab import COMPUTING

    services, _ids = book
    release = threading.Event()

    class SlowTrend:
        def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
            return getattr(services.loyalty, name)

        def trend(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            release.wait(30)
            return services.loyalty.trend(*args, **kwargs)

    page = LoyaltyTab(SlowTrend(), services.clients, services.clock)  # type: ignore[arg-type]
    qtbot.addWidget(page)
    try:
        page.period.set_period("last_quarter")
        page.show()
        qtbot.waitUntil(lambda: page.tiles["churn_rate"].previous.text() != "", timeout=WAIT)
        assert page.tiles["churn_rate"].value.text() == "33.3%"
        assert page.busy.text() == "Computing…"
        assert page.trend_chart.points == [] and page.trend_chart.empty_msgid == COMPUTING
    finally:
        with qtbot.waitSignal(page.loaded, timeout=WAIT):
            release.set()
        # the figures start the drill-down of the charted KPI: let it finish
        # within the test, before its widgets go
        qtbot.waitUntil(lambda: not operations.running(), timeout=WAIT)
    assert page.busy.text() == ""
    assert len(page.trend_chart.points) == 3
