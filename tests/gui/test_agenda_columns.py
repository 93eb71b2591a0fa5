"""The agenda's columns are sized from a sample of its rows (Today lists about
20,000 at 100,000 clients), yet every kind listed fits its column."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt

from desktop_crm.domain.care import AgendaItem, Source
from desktop_crm.domain.enums import AgendaKind
from desktop_crm.services.agenda import AgendaService
from desktop_crm.storage.database import Database
from desktop_crm.ui.care.agenda_panel import CLIENT_WIDTHS, SIZED_FROM_ROWS, AgendaPanel


def test_a_kind_far_down_the_list_fits_its_column(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    day = date(2026, 9, 20)
    items = [AgendaItem(day, AgendaKind.FOLLOW_UP, Source.INTERACTION, n, n, f"客户{n}")
             for n in range(1, 3 * SIZED_FROM_ROWS)]
    items.append(AgendaItem(day, AgendaKind.CHURN_WARNING, Source.INTERACTION, 9999, 9999,
                            "最后一位客户", years=60))
    panel = AgendaPanel(AgendaService(db))
    qtbot.addWidget(panel)
    panel.resize(1200, 600)
    panel.show()
    panel.set_items(items, "")
    view, model = panel.view, panel.model
    last = model.index(len(items) - 1, 1)
    assert model.data(last) == AgendaKind.CHURN_WARNING.label
    assert view.columnWidth(1) >= view.sizeHintForIndex(last).width()
    assert view.columnWidth(1) > view.sizeHintForIndex(model.index(0, 1)).width()


def test_the_widest_when_far_down_the_list_fits_its_column(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    """The When column is as wide as its widest cell over every row, not over
    a sample: a long-overdue item and today's (bold) far down fit all the
    same, and so does the backlog's "before ..." line."""
    panel = AgendaPanel(AgendaService(db))
    qtbot.addWidget(panel)
    panel.resize(1200, 600)
    panel.show()
    today = panel.service.today()
    items = [AgendaItem(today + timedelta(days=3), AgendaKind.FOLLOW_UP, Source.INTERACTION,
                        n, n, f"客户{n}") for n in range(1, 3 * SIZED_FROM_ROWS)]
    items += [AgendaItem(today - timedelta(days=1234), AgendaKind.FOLLOW_UP,
                         Source.INTERACTION, 9998, 9998, "很久以前的客户"),
              AgendaItem(today, AgendaKind.CHURN_WARNING, Source.INTERACTION, 9999, 9999,
                         "今天的客户", years=60),
              AgendaItem(today - timedelta(days=90), AgendaKind.FOLLOW_UP,
                         Source.NO_CONTACT_BACKLOG, 0, None, "", group_size=12345)]
    panel.set_items(items, "")
    view, model = panel.view, panel.model
    for row in range(len(items) - 3, len(items)):
        for column in (0, 1):
            cell = model.index(row, column)
            assert view.columnWidth(column) >= view.sizeHintForIndex(cell).width()
    assert view.columnWidth(0) > view.sizeHintForIndex(model.index(0, 0)).width()
    # what Qt's own sizing over every row gives: no narrower
    widths = (view.columnWidth(0), view.columnWidth(1))
    view.horizontalHeader().setResizeContentsPrecision(-1)
    view.resizeColumnToContents(0)
    view.resizeColumnToContents(1)
    assert widths[0] >= view.columnWidth(0) and widths[1] >= view.columnWidth(1)


def test_a_long_client_name_of_today_fits_its_column_up_to_a_limit(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    """The Client column fits the names of the first rows, today's in bold
    ("Granite Trading Inc." was cut to "Granite Trading I..." on Today), and
    stops at its limit: a longer name is elided, whole in its tooltip."""
    panel = AgendaPanel(AgendaService(db))
    qtbot.addWidget(panel)
    panel.resize(1200, 600)
    panel.show()
    today = panel.service.today()
    items = [AgendaItem(today, AgendaKind.FOLLOW_UP, Source.INTERACTION, n, n, f"客户{n}")
             for n in range(1, 8)]
    items.append(AgendaItem(today, AgendaKind.CHURN_WARNING, Source.INTERACTION, 99, 99,
                            "Granite Trading Company Inc.", years=60))
    panel.set_items(items, "")
    view, model = panel.view, panel.model
    granite = model.index(len(items) - 1, 2)
    assert view.columnWidth(2) >= view.sizeHintForIndex(granite).width()
    assert view.columnWidth(2) > CLIENT_WIDTHS[0]  # wider than the least, bold as it is
    long_name = "上海市浦东新区张江高科技园区国际医疗器械贸易股份有限公司第二分公司"
    panel.set_items([*items, AgendaItem(today, AgendaKind.FOLLOW_UP, Source.INTERACTION,
                                        100, 100, long_name)], "")
    assert view.columnWidth(2) == CLIENT_WIDTHS[1]
    assert model.data(model.index(len(items), 2), Qt.ItemDataRole.ToolTipRole) == long_name
