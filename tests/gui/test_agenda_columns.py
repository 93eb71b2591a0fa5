"""The agenda's columns are sized from a sample of its rows (Today lists about
20,000 at 100,000 clients), yet every kind listed fits its column."""

from __future__ import annotations

from datetime import date

from desktop_crm.domain.care import AgendaItem, Source
from desktop_crm.domain.enums import AgendaKind
from desktop_crm.services.agenda import AgendaService
from desktop_crm.storage.database import Database
from desktop_crm.ui.care.agenda_panel import SIZED_FROM_ROWS, AgendaPanel


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
