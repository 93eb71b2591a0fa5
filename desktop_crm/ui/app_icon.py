"""The app's own icon (window, tray), and the tray's copy with a count on it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QIcon

from desktop_crm.resources import resource_path

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
BADGE_COLOR = QColor("#d32f2f")
BADGE_SIZE = 64  # the pixmap the badge is drawn on; the tray scales it down


def app_icon() -> QIcon:
    """Desktop CRM's icon: the committed PNG sizes, and the SVG for the rest."""
    folder = resource_path("icons")
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(folder / f"desktop-crm-{size}.png"))
    return icon


def badged_icon(icon: QIcon, count: int) -> QIcon:
    """``icon`` with ``count`` in a red disc at its top right ("99+" above 99);
    ``icon`` itself when the count is 0."""
    if count <= 0:
        return icon
    # PySide makes a Qt class's Python type when it is first named (about
    # 1.4 ms for these two): the window's start draws no badge before Today
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter

    pixmap = icon.pixmap(BADGE_SIZE, BADGE_SIZE).copy()
    text = str(count) if count < 100 else "99+"
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    width = 36 if len(text) == 1 else 46 if len(text) == 2 else 60
    disc = QRectF(BADGE_SIZE - width, 0, width, 36)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(BADGE_COLOR)
    painter.drawRoundedRect(disc, 18, 18)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(26 if len(text) < 3 else 20)
    painter.setFont(font)
    painter.setPen(Qt.GlobalColor.white)
    painter.drawText(disc, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return QIcon(pixmap)
