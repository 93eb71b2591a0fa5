"""How a KPI reads (percent, yuan, count), why a figure is undefined, and the
tile that shows one KPI: its label, its value for the period, the value for
P' beside it, and its definition as the tooltip.

A tile is reachable with Tab; Space or a click shows the KPI in the trend
chart, Enter or a double-click lists the clients behind it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from desktop_crm.domain.loyalty import RATIO_KEYS, KpiReport, kpi_definition, kpi_label
from desktop_crm.i18n import N_, _, ngettext

MONEY = frozenset({"average_purchase"})
COUNT = frozenset({"client_base"})
# RATIO_KEYS are percentages; the rest are rates with one decimal (new clients
# per month, purchases per buying client)

# Why a figure is "—": its denominator is empty.
REASONS = {
    "client_base": N_("No client bought in this period."),
    "new_client_retention": N_("No client bought for the first time in the previous "
                               "period."),
    "client_retention": N_("No client bought in the previous period."),
    "share_of_wallet": N_("No client has an estimated yearly spend."),
    "complaint_satisfaction": N_("No complaint was followed up with a satisfaction score "
                                 "in this period."),
    "new_clients_per_month": N_("The period is empty."),
    "purchase_frequency": N_("No won orders in this period."),
    "average_purchase": N_("No won orders in CNY in this period."),
    "churn_rate": N_("No client bought in the previous period."),
    "win_back_rate": N_("No lapsed clients to win back (who bought before the previous "
                        "period but not in it)."),
}
DASH = "—"
STYLE = """
QFrame#kpiTile { border: 1px solid palette(mid); border-radius: 4px;
                 background: palette(base); }
QFrame#kpiTile[selected="true"] { border: 2px solid palette(highlight); }
QFrame#kpiTile:focus { border: 2px dashed palette(highlight); }
"""


def value_text(key: str, value: float | None) -> str:
    """``value`` of KPI ``key`` as the page shows it; "—" when undefined."""
    if value is None:
        return DASH
    if key in RATIO_KEYS:
        return f"{value:.1%}"
    if key in MONEY:
        return f"¥{value:,.2f}"
    if key in COUNT:
        return f"{value:,.0f}"
    return f"{value:,.1f}"


# What a defined figure divides, in words (numerator, denominator).
DETAILS = {
    "new_client_retention": N_("{n} of {d} clients"),
    "client_retention": N_("{n} of {d} clients"),
    "churn_rate": N_("{n} of {d} clients"),
    "win_back_rate": N_("{n} of {d} clients"),
    "complaint_satisfaction": N_("{n} of {d} follow-ups"),
    "share_of_wallet": N_("¥{n} of ¥{d} estimated"),
    "purchase_frequency": N_("{n} orders by {d} clients"),
    "average_purchase": N_("¥{n} in {d} orders"),
    "new_clients_per_month": N_("{n} new clients in {d} months"),
}

# English singulars of DETAILS, for a denominator of one ("1 of 1 client")
ONE = {
    "{n} of {d} clients": "{n} of {d} client",
    "{n} of {d} follow-ups": "{n} of {d} follow-up",
    "¥{n} in {d} orders": "¥{n} in {d} order",
}


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def detail_text(key: str, report: KpiReport) -> str:
    """What ``key``'s figure in ``report`` divides ("3 of 12 clients"); "" for a
    count or an undefined figure."""
    if key not in DETAILS or report.values.get(key) is None:
        return ""
    numerator = report.numerators.get(key, 0.0)
    denominator = report.denominators.get(key, 0.0)
    yuan = key in MONEY or key == "share_of_wallet"  # whole yuan are enough here
    n = f"{numerator:,.0f}" if yuan else _number(numerator)
    d = f"{denominator:,.0f}" if key == "share_of_wallet" else _number(denominator)
    plural = DETAILS[key]
    return ngettext(ONE.get(plural, plural), plural, 1 if denominator == 1 else 2, n=n, d=d)


def reason_text(key: str) -> str:
    return _(REASONS[key])


def axis_text(key: str, value: float) -> str:
    """A tick of the trend chart's axis for ``key``: shorter than ``value_text``."""
    if key in RATIO_KEYS:
        return f"{value:.0%}"
    if key in MONEY:
        return f"¥{value:,.0f}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


class KpiTile(QFrame):
    """One KPI's figures.

    Signals:
        chosen: show this KPI in the trend chart (argument: key).
        drill: list the clients behind it (argument: key).

    Attributes:
        key: the KPI (a KPI_KEYS entry).
        caption, value, previous: its label, the period's figure and P''s.
        report, previous_report: the reports shown (None before the first).
    """

    chosen = Signal(str)
    drill = Signal(str)

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.report: KpiReport | None = None
        self.previous_report: KpiReport | None = None
        self.setObjectName("kpiTile")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # as tall as its wrapped text needs; the row's tiles share the tallest height
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.value = QLabel(DASH, self)
        font = self.value.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.value.setFont(font)
        self.previous = QLabel(self)
        self.previous.setWordWrap(True)
        self.detail = QLabel(self)  # what the figure divides
        self.detail.setWordWrap(True)
        self.why = QLabel(self)  # the reason a figure is "—"
        self.why.setWordWrap(True)
        small = self.why.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        for label in (self.why, self.previous, self.detail):
            label.setFont(small)
        self.why.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        for widget in (self.caption, self.value, self.detail, self.why, self.previous):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.set_selected(False)
        self.retranslate()

    def set_selected(self, selected: bool) -> None:
        self.setProperty("selected", selected)
        self.style().unpolish(self)
        self.style().polish(self)

    def is_selected(self) -> bool:
        return bool(self.property("selected"))

    def set_reports(self, report: KpiReport | None, previous: KpiReport | None) -> None:
        self.report, self.previous_report = report, previous
        self.retranslate()

    def retranslate(self) -> None:
        label = kpi_label(self.key)
        self.caption.setText(label)
        definition = kpi_definition(self.key)
        self.setToolTip(definition)
        value = self.report.values.get(self.key) if self.report is not None else None
        self.value.setText(value_text(self.key, value))
        self.why.setText(reason_text(self.key) if self.report is not None and value is None
                         else "")
        self.why.setVisible(bool(self.why.text()))
        self.detail.setText(detail_text(self.key, self.report) if self.report is not None
                            else "")
        self.detail.setVisible(bool(self.detail.text()))
        if self.previous_report is not None:
            before = self.previous_report.values.get(self.key)
            self.previous.setText(_("Previous period: {value}",
                                    value=value_text(self.key, before)))
        else:
            self.previous.setText("")
        self.setAccessibleName(label)
        self.setAccessibleDescription(
            " ".join(t for t in (self.value.text(), self.detail.text(), self.why.text(),
                                 self.previous.text(), definition) if t))

    # -- input ----------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Override QWidget::mousePressEvent: a click shows the KPI's trend."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.chosen.emit(self.key)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """Override QWidget::mouseDoubleClickEvent: list the clients behind it."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.drill.emit(self.key)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Override QWidget::keyPressEvent: Space shows the trend, Enter the clients."""
        if event.key() == Qt.Key.Key_Space:
            self.chosen.emit(self.key)
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.chosen.emit(self.key)
            self.drill.emit(self.key)
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Override QWidget::focusInEvent: a tile reached with Tab shows its trend."""
        super().focusInEvent(event)
        if event.reason() in (Qt.FocusReason.TabFocusReason,
                              Qt.FocusReason.BacktabFocusReason):
            self.chosen.emit(self.key)
