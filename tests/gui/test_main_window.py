"""Main window: tabs, language switch, remembered layout, backup, and screenshots."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop_crm.domain.sales import Order, OrderStatus
from desktop_crm.i18n import language
from desktop_crm.ui import file_dialogs
from desktop_crm.ui.care.done_dialog import MarkDoneDialog
from desktop_crm.ui.care.settings_dialog import CareSettingsDialog
from desktop_crm.ui.care.tab import CareTab
from desktop_crm.ui.clients.orders.dialog import OrderDialog
from desktop_crm.ui.clients.tab import ClientsTab
from desktop_crm.ui.complaints.tab import ComplaintsTab
from desktop_crm.ui.evaluation.tab import EvaluationTab
from desktop_crm.ui.loyalty.tab import LoyaltyTab
from desktop_crm.ui.main_window import MainWindow
from desktop_crm.ui.today.tab import TodayTab
from tests.gui.conftest import finished, today_filled

# on a server database too, showing everyone's clients (Mine is the default there)
pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]


def test_every_tab_is_its_built_feature(window):  # type: ignore[no-untyped-def]
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["Today", "Client cards", "Evaluation", "Care calendar", "Complaints",
                      "Loyalty"]
    # each tab is its feature once shown (the hidden ones are built then)
    tabs = []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        tabs.append(window.tabs.currentWidget())
    window.tabs.setCurrentWidget(window.clients)
    built = [window.today, window.clients, window.evaluation, window.calendar, window.complaints,
             window.loyalty]
    assert tabs == built
    assert [type(tab) for tab in tabs] == [
        TodayTab, ClientsTab, EvaluationTab, CareTab, ComplaintsTab, LoyaltyTab]
    # No tab is a "not built yet" placeholder: none shows that text.
    texts = [label.text() for tab in tabs for label in tab.findChildren(QLabel)]
    assert texts  # the tabs do hold labels, so the check below looks at something
    assert not [text for text in texts if "not built yet" in text]
    assert window.tabs.currentWidget() is window.clients
    assert window.clients.delete_button.isVisible()
    assert not window.clients.restore_button.isVisible()  # only in the trash view


def test_tab_models_stay_valid_through_a_language_switch(qtmodeltester, seeded, window):  # type: ignore[no-untyped-def]
    window.clients.apply_filter()
    models = [window.today.panel.model, window.clients.model, window.evaluation.model,
              window.calendar.panel.model, window.complaints.model]
    for model in models:
        qtmodeltester.check(model)  # watches this model (only) from here on
        english = model.headerData(0, Qt.Orientation.Horizontal)
        window.switch_language("zh")
        assert model.headerData(0, Qt.Orientation.Horizontal) != english
        window.switch_language("en")
    assert window.clients.model.rowCount() == 3


def test_switch_language_retranslates_and_is_remembered(qtbot, settings, seeded, window):  # type: ignore[no-untyped-def]
    window.clients.apply_filter()
    window.clients._select(seeded["李娜"])
    window.language_actions["zh"].trigger()
    assert language() == "zh"
    assert window.tabs.tabText(1) == "客户卡片"
    assert window.clients.new_button.text().startswith("新建客户")
    assert window.clients.model.headerData(0, Qt.Orientation.Horizontal) == "姓名"
    assert window.clients.editor.pages.tabText(4) == "麦凯66问"
    assert window.clients.editor.basics.name.text() == "李娜"  # the card stays open
    assert settings.value("language") == "zh"
    window.language_actions["en"].trigger()
    assert window.tabs.tabText(1) == "Client cards"


@pytest.mark.sqlite_only("the window's geometry does not depend on the engine; on a server the "
                         "status bar's line about its backups makes the height 1 px taller")
def test_window_size_and_splitter_are_remembered(qtbot, db, settings):  # type: ignore[no-untyped-def]
    first = MainWindow(db, settings)
    qtbot.addWidget(first)
    first.show()
    first.resize(first.width(), 520)  # the default is taller
    first.tabs.setCurrentWidget(first.clients)
    first.clients.splitter.setSizes([300, 700])
    sizes = first.clients.splitter.sizes()
    assert sizes[0] < sizes[1]
    first.close()
    assert settings.value("window/geometry") is not None

    second = MainWindow(db, settings)
    qtbot.addWidget(second)
    second.show()
    # The offscreen screen is only 800 pixels wide, so Qt clamps a restored width;
    # the height and the splitter's share round-trip exactly.
    assert second.size().height() == 520
    restored = second.clients.splitter.sizes()
    assert abs(restored[0] / sum(restored) - sizes[0] / sum(sizes)) < 0.2
    assert restored[0] < restored[1]


@pytest.mark.sqlite_only("Backup now copies the SQLite file; a server has its own backups")
def test_backup_now_writes_a_copy(qtbot, db, seeded, window):  # type: ignore[no-untyped-def]
    import sqlite3

    target = finished(qtbot, window.backup_now())
    assert target is not None and target.exists()
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM clients").fetchone()[0] == len(seeded)
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o600


def test_screenshots_in_both_languages(qtbot, db, settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Renders the window and card editor with demo data; the PNGs go to
    $DESKTOP_CRM_SCREENSHOTS when set (for people to look at)."""
    from desktop_crm.services.demo import generate

    generate(db, 40, seed=3)
    _add_complaints(db)
    out = Path(os.environ.get("DESKTOP_CRM_SCREENSHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    win = MainWindow(db, settings)
    qtbot.addWidget(win)
    win.resize(1400, 860)
    win.show()
    qtbot.waitExposed(win)
    win.tabs.setCurrentWidget(win.clients)
    win.clients._select(win.clients.model.id_at(0))
    for lang in ("zh", "en"):
        win.switch_language(lang)
        win.tabs.setCurrentWidget(win.clients)
        for index, page in enumerate(("basics", "org", "class", "dates", "profile",
                                      "timeline", "card-orders", "card-complaints",
                                      "history")):
            win.clients.editor.pages.setCurrentIndex(index)
            qtbot.wait(10)
            image = win.grab()
            assert not image.isNull()
            assert image.save(str(out / f"main-{lang}-{page}.png"))
        for name, tab in (("today", win.today), ("calendar", win.calendar)):
            win.tabs.setCurrentWidget(tab)
            qtbot.wait(10)
            assert win.grab().save(str(out / f"main-{lang}-{name}.png"))
        win.tabs.setCurrentWidget(win.complaints)
        win.complaints.view.selectRow(0)
        for index, name in enumerate(("complaints", "complaints-log", "complaints-history")):
            win.complaints.details.setCurrentIndex(index)
            qtbot.wait(10)
            assert win.grab().save(str(out / f"main-{lang}-{name}.png"))
        win.complaints.details.setCurrentIndex(0)
        win.complaints.new_complaint()
        qtbot.wait(10)
        assert win.grab().save(str(out / f"main-{lang}-complaints-new.png"))
        panel = win.calendar.panel
        dialogs = {"done": MarkDoneDialog(panel.model.items[0], None, win),
                   "care-settings": CareSettingsDialog(panel.service, win),
                   "order-lost": OrderDialog(Order(0, date(2026, 12, 1), "服务器", Decimal(1),
                                                   status=OrderStatus.LOST), date(2026, 12, 1),
                                             lambda order: 0, win)}
        festival = next((i for i in panel.model.items if i.client_id is None), None)
        if festival is not None:
            dialogs["done-festival"] = MarkDoneDialog(festival, panel.service.greeting_list(
                festival), win)
        for name, dialog in dialogs.items():
            dialog.show()
            qtbot.waitExposed(dialog)
            assert dialog.grab().save(str(out / f"dialog-{lang}-{name}.png"))
            dialog.close()
    assert (out / "main-zh-basics.png").stat().st_size > 10_000


def _add_complaints(db) -> None:  # type: ignore[no-untyped-def]
    """A few complaints in different states, two of them from the first client
    of the list (whose card the screenshots show)."""
    from datetime import timedelta

    from desktop_crm.domain.complaint import (
        Complaint,
        ComplaintCategory,
        ComplaintStatus,
        Priority,
        Temperament,
    )
    from desktop_crm.services.clients import ClientFilter, ClientService
    from desktop_crm.services.complaints import ComplaintService

    ids = ClientService(db).list_ids(ClientFilter())
    service = ComplaintService(db, user="李娜")
    now = service.now().replace(second=0, microsecond=0)
    cases = [
        (ids[0], 20, ComplaintCategory.PRODUCT_QUALITY, "质量部", Temperament.ANGRY,
         Priority.URGENT, "用了不到一个月就出现故障，影响我们生产，太耽误事了！",
         (ComplaintStatus.IN_PROGRESS, ComplaintStatus.RESOLVED)),
        (ids[1], 2, ComplaintCategory.DELIVERY, "物流部", Temperament.INSISTENT, Priority.HIGH,
         "说好周一到货，到现在还没收到。", ()),
        (ids[2], 0, ComplaintCategory.BILLING, "财务部", Temperament.HESITANT, Priority.NORMAL,
         "发票金额和合同不一致。", ()),
        (ids[0], 40, ComplaintCategory.SERVICE_ATTITUDE, "销售部", Temperament.FRIENDLY,
         Priority.LOW, "上次来的业务员不太耐心。",
         (ComplaintStatus.IN_PROGRESS, ComplaintStatus.RESOLVED, ComplaintStatus.FOLLOWED_UP)),
    ]
    for client_id, days, category, department, temperament, priority, words, moves in cases:
        complaint = service.register(Complaint(
            client_id=client_id, received_at=now - timedelta(days=days, hours=2),
            words=words, category=category, department=department,
            temperament=temperament, priority=priority, demand="尽快解决",
            restated=words.rstrip("！。"), solution="上门检修，必要时更换" if days else "",
            satisfaction=5 if ComplaintStatus.FOLLOWED_UP in moves else None))
        for target in moves:
            service.transition(complaint.id or 0, target, "已与客户确认")
        if moves:
            service.add_log(complaint.id or 0, "已电话联系客户，约定明天上门")


def test_open_database_refuses_a_bad_file_and_opens_a_good_one(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch, db, seeded, window, tmp_path: Path
):
    from PySide6.QtWidgets import QMessageBox

    from desktop_crm.domain.client import ClientCard
    from desktop_crm.services.clients import ClientService
    from desktop_crm.storage.database import Database

    bad = tmp_path / "notes.db"
    bad.write_text("not a database", encoding="utf-8")
    errors: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text: errors.append(text)))
    monkeypatch.setattr(file_dialogs, "open_file", lambda *a, **k: bad)
    window.open_database()
    assert len(errors) == 1 and "notes.db" in errors[0]
    assert window.db is db  # still on the old database, which still works
    assert window.clients.model.rowCount() == len(seeded)
    assert bad.read_text(encoding="utf-8") == "not a database"

    other_path = tmp_path / "other.db"
    other = Database.open(other_path, create=True)
    ClientService(other).save(ClientCard(name="孙悟空"))
    other.close()
    monkeypatch.setattr(file_dialogs, "open_file", lambda *a, **k: other_path)
    window.open_database()
    assert window.db.path == other_path.resolve()
    names = [window.clients.model.data(window.clients.model.index(r, 0))
             for r in range(window.clients.model.rowCount())]
    assert names == ["孙悟空"]
    assert str(other_path.resolve()) in window.windowTitle()


def test_today_lists_recent_grade_changes_and_opens_the_card(qtbot, db, settings):  # type: ignore[no-untyped-def]
    from datetime import date, timedelta

    from desktop_crm.domain.client import ClientCard
    from desktop_crm.services.clients import ClientService
    from desktop_crm.services.evaluations import EvaluationService

    clients, evaluations = ClientService(db), EvaluationService(db)
    rising = clients.save(ClientCard(name="周杰"))
    steady = clients.save(ClientCard(name="吴敏"))
    example = {"sales_attainment": 80, "cooperation": "good", "late_payments": 3,
               "information": "valuable"}
    today = date.today()
    for cid in (rising, steady):
        evaluations.evaluate_client(cid, example, evaluated_on=today - timedelta(days=100))
    evaluations.evaluate_client(rising, dict(example, sales_attainment=100, late_payments=0),
                                evaluated_on=today - timedelta(days=2))
    evaluations.evaluate_client(steady, example, evaluated_on=today - timedelta(days=2))

    win = MainWindow(db, settings)
    qtbot.addWidget(win)
    win.show()
    today_filled(qtbot, win)
    today_tab = win.today
    assert win.tabs.tabText(0) == "Today (1)"
    assert today_tab.changes.count() == 1
    item = today_tab.changes.item(0)
    assert "周杰" in item.text() and "B→A" in item.text()
    today_tab.changes.itemActivated.emit(item)
    assert win.tabs.currentWidget() is win.clients
    assert win.clients.editor.client_id == rising
    win.switch_language("zh")
    assert win.tabs.tabText(0) == "今日（1）"
    assert "最近 30 天" in today_tab.heading.text()


def test_qt_own_texts_follow_the_language(qtbot, window):  # type: ignore[no-untyped-def]
    """Standard buttons (Cancel, Show Details...) come from Qt's catalog."""
    from PySide6.QtCore import QCoreApplication

    window.switch_language("zh")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    window.switch_language("en")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_quit_is_ctrl_q_on_every_platform(qtbot, window):  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QKeySequence

    assert window.act_quit.shortcut() == QKeySequence("Ctrl+Q")


def test_tabs_follow_one_protocol_and_changes_reach_every_other_tab(  # type: ignore[no-untyped-def]
        qtbot, seeded, window, monkeypatch) -> None:
    """The window keeps one registered list of tabs (TABS): each is a TabPage
    in that order under its title, and what one tab wrote reaches every other
    tab, never the one that wrote it."""
    from desktop_crm.ui.changes import Changes, TabPage
    from desktop_crm.ui.main_window import TABS

    for key, _title, _sizes in TABS:
        getattr(window, key)  # every tab built (a hidden one is built when first read)
    pages = window.pages()
    assert [window.tabs.indexOf(p) for p in pages] == list(range(len(TABS))) == [
        0, 1, 2, 3, 4, 5]
    assert all(isinstance(p, TabPage) for p in pages)
    assert [window.tabs.tabText(i) for i in range(1, 6)] == [
        "Client cards", "Evaluation", "Care calendar", "Complaints", "Loyalty"]
    received: list[tuple[str, Changes]] = []
    for key, _title, _sizes in TABS:
        monkeypatch.setattr(getattr(window, key), "apply_changes",
                            lambda changes, key=key: received.append((key, changes)))
    changes = Changes(clients=frozenset({1}), grades=True)
    window.broadcast(changes, sender=window.evaluation)
    assert received == [("today", changes), ("clients", changes), ("calendar", changes),
                        ("complaints", changes), ("loyalty", changes)]


def test_a_new_grade_reaches_the_open_card_and_its_list_row(  # type: ignore[no-untyped-def]
        qtbot, seeded, window) -> None:
    """Through the changes flow: the clients tab reads the open card again
    (its grade line) when another tab says its grade changed."""
    from desktop_crm.ui.changes import Changes

    client_id = next(iter(seeded.values()))
    assert window.clients.show_client(client_id)
    editor = window.clients.editor
    assert editor.client_id == client_id and not editor.is_dirty()
    loaded: list[int] = []
    original = editor.load_id
    editor.load_id = lambda cid: (loaded.append(cid), original(cid))[1]  # type: ignore[method-assign]
    window.broadcast(Changes(clients=frozenset({client_id}), grades=True), window.evaluation)
    assert loaded == [client_id]
    window.broadcast(Changes(clients=frozenset({client_id + 999}), grades=True),
                     window.evaluation)
    assert loaded == [client_id]  # another client's grade leaves the card alone


def test_every_tab_gets_the_window_clock(qtbot, db, settings) -> None:  # type: ignore[no-untyped-def]
    """Services are built in one place with one clock: the evaluation and
    Today tabs used to get the system clock while the others got the window's."""
    from datetime import datetime

    from desktop_crm.ui.main_window import MainWindow

    def clock() -> datetime:
        return datetime(2026, 3, 1, 9)

    window = MainWindow(db, settings, clock)
    qtbot.addWidget(window)
    services = [window.evaluation.client_service, window.evaluation.evaluation_service,
                window.today._agenda, window.today._evaluations, window.clients.service,
                window.calendar.service]
    assert all(s.clock is clock for s in services)
    assert window.services.evaluations is window.evaluation.evaluation_service
