"""The tabs the window does not show at start (Evaluation, Care calendar,
Complaints, Loyalty) are built when first shown: then whole, under their
title, in the language chosen since, over what was written since, with
their splitter where it was left. (That they are not built at start, in a
fresh interpreter: tests/gui/test_start_imports.py.)"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray, QSettings, Qt

from desktop_crm.domain.client import ClientCard
from desktop_crm.i18n import language
from desktop_crm.storage.database import Database
from desktop_crm.ui.care.tab import CareTab
from desktop_crm.ui.changes import Changes
from desktop_crm.ui.complaints.tab import ComplaintsTab
from desktop_crm.ui.evaluation.tab import EvaluationTab
from desktop_crm.ui.loyalty.tab import LoyaltyTab
from desktop_crm.ui.main_window import TAB_KEYS, MainWindow

pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]

HIDDEN = {"evaluation": EvaluationTab, "calendar": CareTab, "complaints": ComplaintsTab,
          "loyalty": LoyaltyTab}


def click_tab(qtbot, window: MainWindow, key: str) -> None:  # type: ignore[no-untyped-def]
    """Click the title of tab ``key``, as the user does."""
    bar = window.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton,
                     pos=bar.tabRect(TAB_KEYS.index(key)).center())


def test_a_hidden_tab_is_built_when_first_shown_and_works(  # type: ignore[no-untyped-def]
        qtbot, seeded, window) -> None:
    for key, kind in HIDDEN.items():
        assert window.built(key) is None
        assert not window.findChildren(kind)
    # what is broadcast to the tabs does not build one
    window.broadcast(Changes(every_client=True, agenda=True, complaints=True, grades=True))
    assert all(window.built(key) is None for key in HIDDEN)

    click_tab(qtbot, window, "evaluation")
    tab = window.tabs.currentWidget()
    assert isinstance(tab, EvaluationTab)
    assert tab is window.evaluation is window.built("evaluation")
    assert tab.isVisible()
    assert window.tabs.count() == len(TAB_KEYS)
    assert window.tabs.indexOf(tab) == TAB_KEYS.index("evaluation")
    assert window.tabs.tabText(window.tabs.indexOf(tab)) == "Evaluation"
    assert [window.built(key) for key in ("calendar", "complaints", "loyalty")] == [None] * 3
    # it lists the clients and evaluates the one asked for from its card
    assert all(tab.model.row_of(client) is not None for client in seeded.values())
    window.clients.evaluate_requested.emit(seeded["李娜"])
    assert window.tabs.currentWidget() is tab
    assert tab.name.text().startswith("李娜")
    # the window's keys reach it too: Ctrl+PgDown goes on to the next tab
    window.window_keys.next_tab.trigger()
    assert isinstance(window.tabs.currentWidget(), CareTab)
    # a tab built is kept: shown again, the same widget
    click_tab(qtbot, window, "evaluation")
    assert window.tabs.currentWidget() is tab


def test_a_tab_first_shown_after_a_language_switch_speaks_it(  # type: ignore[no-untyped-def]
        qtbot, window) -> None:
    window.language_actions["zh"].trigger()
    try:
        assert language() == "zh"
        assert window.built("complaints") is None
        assert window.tabs.tabText(TAB_KEYS.index("complaints")) == "投诉记录"
        click_tab(qtbot, window, "complaints")
        assert window.complaints.new_button.text().startswith("新建投诉")
        assert window.complaints.model.headerData(0, Qt.Orientation.Horizontal) == "编号"
    finally:
        window.language_actions["en"].trigger()
    assert window.complaints.new_button.text().startswith("New complaint")


def test_a_tab_first_shown_lists_what_was_written_before(  # type: ignore[no-untyped-def]
        qtbot, seeded, window) -> None:
    # a card saved in the client tab is broadcast (the evaluation tab is not built)
    new_id = window.services.clients.save(ClientCard(name="王芳", company="杭州"))
    window.clients.data_changed.emit(new_id)
    assert window.built("evaluation") is None
    click_tab(qtbot, window, "evaluation")
    assert window.evaluation.model.row_of(new_id) is not None


@pytest.mark.sqlite_only("the splitter does not depend on the engine")
def test_a_hidden_tab_keeps_its_remembered_splitter(  # type: ignore[no-untyped-def]
        qtbot, db: Database, settings: QSettings) -> None:
    first = MainWindow(db, settings)
    qtbot.addWidget(first)
    first.show()
    click_tab(qtbot, first, "calendar")
    first.calendar.splitter.setSizes([300, 900])
    sizes = first.calendar.splitter.sizes()
    first.close()
    remembered = settings.value("window/calendar_splitter")
    assert isinstance(remembered, QByteArray)

    # a window closed before the tab was built keeps what was remembered
    settings.setValue("window/tab", "clients")  # (not the calendar, which it would show)
    second = MainWindow(db, settings)
    qtbot.addWidget(second)
    second.show()
    assert second.built("calendar") is None
    second.close()
    assert settings.value("window/calendar_splitter") == remembered

    third = MainWindow(db, settings)
    qtbot.addWidget(third)
    third.show()
    click_tab(qtbot, third, "calendar")
    restored = third.calendar.splitter.sizes()
    assert abs(restored[0] - sizes[0]) <= 10  # the list keeps its width (the window is narrower)
    third.close()
