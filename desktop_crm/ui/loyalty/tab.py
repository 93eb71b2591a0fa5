"""The loyalty tab (客户忠诚度): the source's ten loyalty KPIs for a chosen
period with the previous period's beside them, the chosen KPI's trend by
month, the satisfaction of the thank-you calls by month, and the clients
behind a figure.

The figures are read on a worker thread (``ui.operations``): a year at
100,000 clients and 1,000,000 orders takes the KPI engine seconds, which the
window must not freeze for; the tiles show as soon as the period's KPIs are
read, the trend when it is. They are read when the tab is shown, after a
period or scope change, and again when shown after another tab changed
data; never while the user is still typing a date (``PeriodChooser`` waits
for a pause), and the last of several quick requests wins.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.loyalty import KPI_KEYS, kpi_label
from desktop_crm.i18n import N_, _
from desktop_crm.services.clients import ClientService
from desktop_crm.services.clock import Clock
from desktop_crm.services.loyalty import LoyaltyService
from desktop_crm.ui.changes import Changes
from desktop_crm.ui.loyalty.figures import STYLE, KpiTile, axis_text, value_text
from desktop_crm.ui.loyalty.members import MembersPanel
from desktop_crm.ui.loyalty.period import PeriodChooser
from desktop_crm.ui.loyalty.reading import Figures, Query, read_figures
from desktop_crm.ui.loyalty.trend_chart import TrendChart, calls_note, month_label
from desktop_crm.ui.operations import Operation
from desktop_crm.ui.owner_scope import OwnerScopeCombo, ScopeMemory

COLUMNS = 5  # tiles per row: two rows of five
# shown first: the churn's trend and the churned clients, the list a salesperson acts on
DEFAULT_CHART = "churn_rate"
COMPUTING = N_("Computing…")
NO_CALLS = N_("No thank-you calls with a satisfaction score in this period.")


class LoyaltyTab(QWidget):
    """The KPIs of one period on the left, the clients behind one on the right.

    Signals:
        open_client: show a client's card (argument: id).
        loaded: the figures of the current period are shown.
        members_loaded: the drill-down list is filled.

    Attributes:
        service, clients: the use cases behind the tab.
        period: the period chooser; scope: Mine / Everyone.
        compared: says which period P' is; trend_note: what a month's P' is.
        tiles: one KpiTile per KPI_KEYS entry.
        trend_chart: the chosen KPI by month; chart_key: that KPI.
        satisfaction_chart: the thank-you calls' satisfaction by month.
        members: the drill-down list.
        figures: what is shown (None before the first read).
        splitter: figures | clients (remembered by the main window).
    """

    open_client = Signal(int)
    loaded = Signal()
    members_loaded = Signal()

    def __init__(self, service: LoyaltyService, clients: ClientService, clock: Clock,
                 scope: ScopeMemory | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service, self.clients, self.clock = service, clients, clock
        self.figures: Figures | None = None
        self.chart_key = DEFAULT_CHART
        self._stale = True
        self._reading: Query | None = None  # the query being read on a worker
        self._again = False  # another read is wanted when that one ends
        self._drills = 0  # drill-downs asked for; only the last one is shown
        self.setStyleSheet(STYLE)

        self.period = PeriodChooser(clock().date(), self)
        self.scope = OwnerScopeCombo("loyalty", scope, self)
        self.busy = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(self.period)
        top.addStretch(1)
        top.addWidget(self.busy)
        top.addWidget(self.scope)
        self.compared = QLabel(self)
        self.compared.setWordWrap(True)

        self.tiles: dict[str, KpiTile] = {}
        grid = QGridLayout()
        grid.setSpacing(6)
        for index, key in enumerate(KPI_KEYS):
            tile = KpiTile(key, self)
            tile.chosen.connect(self.show_trend)
            tile.drill.connect(self.drill)
            grid.addWidget(tile, *divmod(index, COLUMNS))
            self.tiles[key] = tile
        for column in range(COLUMNS):
            grid.setColumnStretch(column, 1)
        self.tiles[self.chart_key].set_selected(True)

        self.trend_chart = TrendChart(self)
        self.satisfaction_chart = TrendChart(self, NO_CALLS)
        for chart in (self.trend_chart, self.satisfaction_chart):
            chart.setMinimumHeight(230)
        charts = QHBoxLayout()
        charts.addWidget(self.trend_chart, 3)
        charts.addWidget(self.satisfaction_chart, 2)

        content = QWidget(self)
        content_layout = QVBoxLayout(content)
        content_layout.addWidget(self.compared)
        content_layout.addLayout(grid)
        content_layout.addLayout(charts, 1)
        self.trend_note = QLabel(self)  # a month's P' is the month before it
        self.trend_note.setWordWrap(True)
        content_layout.addWidget(self.trend_note)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)

        self.members = MembersPanel(clients, self)
        self.members.open_client.connect(self.open_client)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(self.members)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

        self.period.changed.connect(self._period_chosen)
        self.scope.scope_changed.connect(lambda _mine: self.refresh())
        self.retranslate()

    # -- texts ----------------------------------------------------------------------
    def retranslate(self) -> None:
        self.period.retranslate()
        self.scope.retranslate()
        for tile in self.tiles.values():
            tile.retranslate()
        self.members.retranslate()
        self._show_texts()

    def _show_texts(self) -> None:
        self.busy.setText(_(COMPUTING) if self._reading is not None else "")
        query = self.figures.query if self.figures is not None else self.query()
        before_start, before_end = query.previous
        self.compared.setText(_("Figures for {start} – {end}; “Previous period” is "
                                "{before_start} – {before_end}. Hover over a figure for its "
                                "definition; click it for its trend, press Enter or "
                                "double-click it for its clients.",
                                start=query.start.isoformat(), end=query.end.isoformat(),
                                before_start=before_start.isoformat(),
                                before_end=before_end.isoformat()))
        self.trend_note.setText(_("By month, each calendar month is compared with the month "
                                  "before it: a client who buys less often than monthly "
                                  "counts as churned in the months between."))
        self._show_charts()

    def _show_charts(self) -> None:
        key = self.chart_key
        figures = self.figures
        trend = figures.trend if figures is not None and figures.trend is not None else []
        reading = figures is None or figures.trend is None
        self.trend_chart.empty_msgid = COMPUTING if reading else N_("No data")
        points = [(month_label(r.start.year, r.start.month), r.values.get(key), "")
                  for r in trend]
        self.trend_chart.set_data(_("{kpi} by month", kpi=kpi_label(key)), points,
                                  lambda v: axis_text(key, v), lambda v: value_text(key, v))
        calls = figures.satisfaction if figures is not None and figures.satisfaction else []
        self.satisfaction_chart.empty_msgid = (
            COMPUTING if figures is None or figures.satisfaction is None else NO_CALLS)
        self.satisfaction_chart.set_data(
            _("Thank-you call satisfaction by month"),
            [(month_label(m.year, m.month), mean, calls_note(n)) for m, mean, n in calls],
            lambda v: f"{v:g}", lambda v: f"{v:.1f}", fixed_top=5.0)

    # -- reading --------------------------------------------------------------------
    def query(self) -> Query:
        start, end = self.period.dates()
        return Query(min(start, end), max(start, end),
                     self.clients.owner_for(self.scope.is_mine()))

    def _period_chosen(self) -> None:
        """Read again unless the figures shown, or being read, are already of
        this period (the date editors report again when they lose the focus)."""
        query = self.query()
        if self._reading is not None:
            if self._reading != query or self._again:
                self.refresh()
        elif self.figures is None or self.figures.query != query or self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Read the figures of the chosen period again, on a worker thread; the
        last of several quick requests wins."""
        self._stale = False
        if self._reading is not None:
            self._again = True
            return
        query = self.query()
        self._reading = query
        self._show_texts()
        service = self.service
        (Operation(self, lambda ctx: read_figures(service, query, ctx.partial))
         .errors(_("Cannot compute the loyalty figures"))
         .partial_results(self._partly_read)
         .success(self._read)
         .failure(self._failed)
         .run_in_background())

    def _partly_read(self, figures: Figures) -> None:
        """The KPIs are read, the trend not yet: show what there is."""
        if not self._again and figures.query == self.query():
            self._show_figures(figures)

    def _read(self, figures: Figures) -> None:
        self._reading = None
        if self._again or figures.query != self.query():
            self._again = False
            self.refresh()
            return
        self._show_figures(figures)
        # the list follows the period; the first time it shows the charted KPI's clients
        self.drill(self.members.key or self.chart_key)
        self.loaded.emit()

    def _show_figures(self, figures: Figures) -> None:
        self.figures = figures
        for tile in self.tiles.values():
            tile.set_reports(figures.report, figures.previous)
        self._show_texts()

    def _failed(self, exc: BaseException) -> None:
        from desktop_crm.ui.operations import show_error

        self._reading = None
        self._again = False
        self._stale = True
        self._show_texts()
        show_error(self, _("Cannot compute the loyalty figures"), exc)

    def show_trend(self, key: str) -> None:
        """Show ``key``'s trend in the chart."""
        self.tiles[self.chart_key].set_selected(False)
        self.chart_key = key
        self.tiles[key].set_selected(True)
        self._show_charts()

    def drill(self, key: str) -> None:
        """List the clients behind ``key``'s figure for the period shown."""
        query = self.figures.query if self.figures is not None else self.query()
        service = self.service
        self._drills += 1
        drill = self._drills
        self.members.set_busy(key)

        def show(ids: list[int]) -> None:
            if drill == self._drills:  # else a later drill-down replaces this one
                self.members.set_members(key, ids)
                self.members_loaded.emit()

        def work(_ctx: object) -> list[int]:
            return service.members(key, query.start, query.end, owner=query.owner)

        (Operation(self, work)
         .errors(_("Cannot compute the loyalty figures"))
         .success(show)
         .run_in_background())

    # -- TabPage --------------------------------------------------------------------
    def apply_changes(self, changes: Changes) -> None:
        """TabPage: orders, clients, calls or complaints may have changed what the
        figures count: read them again now if shown, else when next shown."""
        self.members.model.invalidate_all()
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def confirm_discard(self) -> bool:
        """TabPage: nothing is edited here."""
        return True

    def showEvent(self, event: QShowEvent) -> None:
        """Override QWidget::showEvent: read on first show, after a change, on a new day."""
        super().showEvent(event)
        today: date = self.clock().date()
        if today != self.period.today:
            self.period.set_today(today)
            self._stale = True
        if self._stale:
            self.refresh()
