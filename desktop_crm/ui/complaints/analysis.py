"""The complaint analysis pane (投诉分析): for a chosen period, the headline
figures (counts, reply and resolution times, shares in time, satisfaction),
charts by category, department and month, the Pareto chart of causes by
department, repeat complainers and the improvement actions.

The figures come from ``services.complaint_analysis``; this module only
shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.complaint import FOLLOW_UP_DAYS, ComplaintCategory
from desktop_crm.i18n import N_, _, ngettext
from desktop_crm.services.clock import Clock
from desktop_crm.services.complaint_analysis import (
    PERIODS,
    ComplaintAnalysis,
    analyse,
    cause_label,
    department_label,
    hours_text,
    period_range,
    share_text,
)
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.ui.charts import ColumnChart, HorizontalBarChart, ParetoChart
from desktop_crm.ui.date_edit import DateEdit
from desktop_crm.ui.widgets import from_qdate, to_qdate

PERIOD_LABELS = {
    "this_month": N_("This month"),
    "last_3_months": N_("Last 3 months"),
    "this_year": N_("This year"),
    "all": N_("All time"),
    "custom": N_("Custom"),
}
FIGURES = ("total", "first_reply", "resolution", "same_day", "follow_up", "satisfaction")
EMPTY = N_("No complaints in this period.")
REPEAT_COLUMNS = (N_("Client"), N_("Number of complaints"))
IMPROVEMENT_COLUMNS = (N_("Complaint number"), N_("Received on"), N_("Category"),
                       N_("Improvement action"))


def _bold(label: QLabel, scale: float = 1.0) -> None:
    font = label.font()
    font.setBold(True)
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)


def _item(text: str, data: int | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    return item


class AnalysisPane(QWidget):
    """Complaint figures for a period chosen at the top.

    The complaints are read when the pane is first shown (or on ``refresh()``),
    not when it is built.

    Signals:
        client_activated: a repeat complainer was double-clicked (client id).
        complaint_activated: an improvement action was double-clicked (complaint id).

    Attributes:
        service: the complaint use cases.
        clock: "now", for the preset periods.
        analysis: the figures shown, None before the first read.
        period: the period chooser (data: a PERIODS key).
        since_edit, until_edit: the period's dates; editable for "custom".
        captions, figures: the headline captions and values, by FIGURES key.
        empty_label: shown instead of the charts when the period has no complaints.
        category_chart, department_chart, month_chart: bar charts.
        pareto_chart: causes by department, largest first, with the cumulative share.
        repeat_table, improvement_table: the two lists.
    """

    client_activated = Signal(int)
    complaint_activated = Signal(int)

    def __init__(self, service: ComplaintService, clock: Clock | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.clock: Clock = clock or service.clock
        self.analysis: ComplaintAnalysis | None = None
        self._stale = True

        # the period chooser
        self.period_label = QLabel(self)
        self.period = QComboBox(self)
        self.period.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for key in PERIODS:
            self.period.addItem("", key)
        self.since_label = QLabel(self)
        self.until_label = QLabel(self)
        self.since_edit = self._date_edit()
        self.until_edit = self._date_edit()
        self.period_label.setBuddy(self.period)
        self.since_label.setBuddy(self.since_edit)
        self.until_label.setBuddy(self.until_edit)
        chooser = QHBoxLayout()
        chooser.addWidget(self.period_label)
        chooser.addWidget(self.period)
        chooser.addSpacing(12)
        chooser.addWidget(self.since_label)
        chooser.addWidget(self.since_edit)
        chooser.addWidget(self.until_label)
        chooser.addWidget(self.until_edit)
        chooser.addStretch(1)

        # headline figures: three pairs of caption and value per row
        self.captions: dict[str, QLabel] = {}
        self.figures: dict[str, QLabel] = {}
        headline = QGridLayout()
        headline.setHorizontalSpacing(12)
        for index, key in enumerate(FIGURES):
            caption, value = QLabel(self), QLabel(self)
            caption.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            _bold(value, 1.25)
            row, column = divmod(index, 3)
            headline.addWidget(caption, row * 2, column)
            headline.addWidget(value, row * 2 + 1, column)
            self.captions[key], self.figures[key] = caption, value
        for column in range(3):
            headline.setColumnStretch(column, 1)
        headline_frame = QFrame(self)
        headline_frame.setFrameShape(QFrame.Shape.StyledPanel)
        headline_frame.setLayout(headline)

        self.empty_label = QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

        # charts and lists
        self.category_chart = HorizontalBarChart(N_("Complaints by category"), self, EMPTY)
        self.department_chart = HorizontalBarChart(N_("Complaints by department"), self, EMPTY)
        self.month_chart = ColumnChart(N_("Complaints by month"), self, EMPTY)
        self.pareto_chart = ParetoChart(N_("Causes by department (Pareto)"), self, EMPTY)
        for columns in (self.month_chart, self.pareto_chart):
            columns.setMinimumHeight(300)
            columns.setMaximumHeight(420)
        for bars in (self.category_chart, self.department_chart):  # as tall as their rows
            bars.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.repeat_title = QLabel(self)
        self.improvement_title = QLabel(self)
        _bold(self.repeat_title)
        _bold(self.improvement_title)
        self.repeat_table = self._table(len(REPEAT_COLUMNS))
        self.improvement_table = self._table(len(IMPROVEMENT_COLUMNS))
        self.repeat_empty = QLabel(self)
        self.improvement_empty = QLabel(self)
        for label in (self.repeat_empty, self.improvement_empty):
            label.setWordWrap(True)
            label.hide()
        header = self.repeat_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header = self.improvement_table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.improvement_table.setWordWrap(True)

        charts = QGridLayout()
        charts.addWidget(self.category_chart, 0, 0)
        charts.addWidget(self.department_chart, 0, 1)
        charts.addWidget(self.month_chart, 1, 0)
        charts.addWidget(self.pareto_chart, 1, 1)
        charts.setColumnStretch(0, 1)
        charts.setColumnStretch(1, 1)
        repeat_box = QVBoxLayout()
        repeat_box.addWidget(self.repeat_title)
        repeat_box.addWidget(self.repeat_table)
        repeat_box.addWidget(self.repeat_empty)
        repeat_box.addStretch(0)
        improvement_box = QVBoxLayout()
        improvement_box.addWidget(self.improvement_title)
        improvement_box.addWidget(self.improvement_table)
        improvement_box.addWidget(self.improvement_empty)
        lists = QHBoxLayout()
        lists.addLayout(repeat_box, 1)
        lists.addLayout(improvement_box, 2)
        self.details = QWidget(self)
        details_layout = QVBoxLayout(self.details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addLayout(charts, 0)
        details_layout.addLayout(lists, 1)  # spare height goes to the lists

        content = QWidget(self)
        content_layout = QVBoxLayout(content)
        content_layout.addLayout(chooser)
        content_layout.addWidget(headline_frame)
        content_layout.addWidget(self.empty_label)
        content_layout.addWidget(self.details, 1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area)

        self._apply_preset()
        self.period.currentIndexChanged.connect(self._on_period_changed)
        self.since_edit.dateChanged.connect(self._on_dates_changed)
        self.until_edit.dateChanged.connect(self._on_dates_changed)
        self.repeat_table.cellDoubleClicked.connect(
            lambda row, _col: self._activate(self.repeat_table, row,
                                             self.client_activated.emit))
        self.improvement_table.cellDoubleClicked.connect(
            lambda row, _col: self._activate(self.improvement_table, row,
                                             self.complaint_activated.emit))
        self.retranslate()

    # -- building --------------------------------------------------------------------
    def _date_edit(self) -> DateEdit:
        return DateEdit(self)

    def _table(self, columns: int) -> QTableWidget:
        table = QTableWidget(0, columns, self)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        table.setAlternatingRowColors(True)
        table.setMinimumHeight(150)
        return table

    @staticmethod
    def _activate(table: QTableWidget, row: int, emit: Callable[[int], object]) -> None:
        item = table.item(row, 0)
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if isinstance(value, int):
            emit(value)

    # -- the period ------------------------------------------------------------------
    def period_key(self) -> str:
        return str(self.period.currentData())

    def set_period(self, key: str, since: date | None = None,
                   until: date | None = None) -> None:
        """Choose a period (a PERIODS key; dates only for "custom") and re-read."""
        if key == "custom":
            with QSignalBlocker(self.since_edit), QSignalBlocker(self.until_edit):
                if since is not None:
                    self.since_edit.setDate(to_qdate(since))
                if until is not None:
                    self.until_edit.setDate(to_qdate(until))
        index = self.period.findData(key)
        if index < 0:
            raise ValueError(f"no period {key!r}")
        if index == self.period.currentIndex():
            self._on_period_changed()
        else:
            self.period.setCurrentIndex(index)

    def date_range(self) -> tuple[date | None, date | None]:
        """(since, until) of the chosen period; None: no limit."""
        key = self.period_key()
        if key != "custom":
            return period_range(key, self.clock().date())
        since, until = from_qdate(self.since_edit.date()), from_qdate(self.until_edit.date())
        return (since, until) if since <= until else (until, since)

    def _apply_preset(self) -> None:
        """Show a preset period's dates in the (disabled) date editors."""
        custom = self.period_key() == "custom"
        self.since_edit.setEnabled(custom)
        self.until_edit.setEnabled(custom)
        if custom:
            return
        since, until = self.date_range()
        today = self.clock().date()
        with QSignalBlocker(self.since_edit), QSignalBlocker(self.until_edit):
            self.since_edit.setDate(to_qdate(since or today.replace(month=1, day=1)))
            self.until_edit.setDate(to_qdate(until or today))

    def _on_period_changed(self) -> None:
        self._apply_preset()
        self.refresh()

    def _on_dates_changed(self) -> None:
        if self.period_key() == "custom":
            self.refresh()

    # -- reading ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the complaints of the period and show their figures."""
        since, until = self.date_range()
        self._show(analyse(self.service, since, until))

    def invalidate(self) -> None:
        """The complaints changed: re-read now if shown, else when next shown."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        """Override QWidget::showEvent."""
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _show(self, analysis: ComplaintAnalysis) -> None:
        self.analysis = analysis
        self._stale = False
        a = analysis
        self.figures["total"].setText(f"{a.total:,}")
        self.figures["first_reply"].setText(hours_text(a.avg_hours_to_first_reply))
        self.figures["resolution"].setText(hours_text(a.avg_hours_to_resolution))
        self.figures["same_day"].setText(share_text(a.replied_in_time, a.reply_counted))
        self.figures["follow_up"].setText(share_text(a.followed_up_in_time,
                                                     a.follow_up_counted))
        self.figures["satisfaction"].setText(
            "—" if a.avg_satisfaction is None else f"{a.avg_satisfaction:.1f} / 5")
        self.captions["same_day"].setText(
            ngettext("Replied within {n} hour",
                     "Replied within {n} hours",
                     a.reply_hours) if a.reply_hours
            else _("Replied the same day"))

        if self.period_key() == "all" and a.by_month:  # show the range it spans
            first = date.fromisoformat(next(iter(a.by_month)) + "-01")
            with QSignalBlocker(self.since_edit), QSignalBlocker(self.until_edit):
                self.since_edit.setDate(to_qdate(first))
                self.until_edit.setDate(to_qdate(self.clock().date()))

        empty = a.total == 0
        self.empty_label.setVisible(empty)
        self.details.setVisible(not empty)

        self.category_chart.set_data([(ComplaintCategory(key).label, n)
                                      for key, n in a.by_category.items()])
        self.department_chart.set_data([(department_label(d), n)
                                        for d, n in a.by_department.items()])
        self.month_chart.set_data(list(a.by_month.items()))
        self.pareto_chart.set_pareto(
            [(f"{department_label(r.department)} · {cause_label(r.cause)}", r.complaints)
             for r in a.pareto],
            [r.cumulative_share for r in a.pareto])

        self.repeat_table.setRowCount(len(a.repeat_complainers))
        for row, repeat in enumerate(a.repeat_complainers):
            self.repeat_table.setItem(row, 0, _item(repeat.client, repeat.client_id))
            count = _item(f"{repeat.complaints:,}")
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.repeat_table.setItem(row, 1, count)
        self.improvement_table.setRowCount(len(a.improvements))
        for row, action in enumerate(a.improvements):
            self.improvement_table.setItem(row, 0, _item(action.number, action.complaint_id))
            self.improvement_table.setItem(row, 1, _item(action.received.isoformat()))
            self.improvement_table.setItem(row, 2, _item(action.category.label))
            text = _item(action.text)
            text.setToolTip(action.text)
            self.improvement_table.setItem(row, 3, text)
        self.improvement_table.resizeRowsToContents()
        self.repeat_table.setVisible(bool(a.repeat_complainers))
        self.repeat_empty.setVisible(not a.repeat_complainers)
        self.improvement_table.setVisible(bool(a.improvements))
        self.improvement_empty.setVisible(not a.improvements)

    # -- language --------------------------------------------------------------------
    def retranslate(self) -> None:
        self.period_label.setText(_("Time range"))
        for index in range(self.period.count()):
            self.period.setItemText(index, _(PERIOD_LABELS[str(self.period.itemData(index))]))
        self.since_label.setText(_("From"))
        self.until_label.setText(_("To"))
        for key, msgid in (("total", N_("Complaints received")),
                           ("first_reply", N_("Average time to first reply")),
                           ("resolution", N_("Average time to resolution")),
                           ("same_day", N_("Replied the same day")),
                           ("satisfaction", N_("Average satisfaction of complainants"))):
            self.captions[key].setText(_(msgid))
        self.captions["follow_up"].setText(_("Followed up within {n} days", n=FOLLOW_UP_DAYS))
        self.empty_label.setText(_(EMPTY))
        self.repeat_title.setText(_("Repeat complainers"))
        self.improvement_title.setText(_("Improvement actions"))
        self.repeat_empty.setText(_("No client complained more than once in this period."))
        self.improvement_empty.setText(_("No improvement actions recorded in this period."))
        self.repeat_table.setHorizontalHeaderLabels([_(c) for c in REPEAT_COLUMNS])
        self.improvement_table.setHorizontalHeaderLabels([_(c) for c in IMPROVEMENT_COLUMNS])
        if self.analysis is not None:
            self._show(self.analysis)  # category, department and cause labels
        else:
            for key in FIGURES:
                self.figures[key].setText("—")
            for chart in (self.category_chart, self.department_chart, self.month_chart,
                          self.pareto_chart):
                chart.retranslate()
