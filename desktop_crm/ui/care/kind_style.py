"""How an agenda kind looks beyond its label: churn warnings (流失预警) carry
the style's warning icon and an amber colour, so that they stand out from the
day's greetings and calls on Today and in the care calendar."""

from __future__ import annotations

from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from desktop_crm.domain.enums import AgendaKind

CHURN_COLOUR = QColor("#b9770e")


def kind_colour(kind: AgendaKind) -> QColor | None:
    """The kind's own text colour, or None for the usual one."""
    return CHURN_COLOUR if kind == AgendaKind.CHURN_WARNING else None


def kind_icon(kind: AgendaKind) -> QIcon | None:
    """The kind's icon, or None for none."""
    if kind != AgendaKind.CHURN_WARNING:
        return None
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
