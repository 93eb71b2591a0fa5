"""Rendering a brief with Qt's own print support: a QTextDocument laid out
for the page, written by QPdfWriter (the PDF embeds the subsets of the fonts
it uses, CJK included) or sent to a QPrinter.

The command line uses this module too: ``ensure_gui_application`` makes the
application text layout needs, on the offscreen platform, when the
process has none, so no display is needed.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication

from desktop_crm.domain.brief import Brief
from desktop_crm.i18n import _, language
from desktop_crm.ui.brief.layout import brief_html

PAGE_SIZES = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}
# The countries that print on Letter paper by default (the rest of the world: A4).
LETTER_LOCALES = ("en_US", "en_CA", "es_US", "fr_CA")
MARGIN_MM = 12
RESOLUTION_DPI = 300
# Sans-serif faces that hold Chinese, in order of preference per system; the
# PDF embeds whichever is found. Latin text takes the first face that has it.
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "SimHei",
                "AR PL UMing CN")
LATIN_FAMILIES = ("Segoe UI", "Helvetica Neue", "Arial", "Liberation Sans", "Noto Sans",
                  "DejaVu Sans Condensed", "DejaVu Sans")


def default_page_size(locale_name: str) -> str:
    """"Letter" where the locale prints on Letter paper, else "A4"."""
    return "Letter" if locale_name.split(".")[0] in LETTER_LOCALES else "A4"


def system_page_size() -> str:
    """The default page size of this computer's locale."""
    from PySide6.QtCore import QLocale

    return default_page_size(QLocale.system().name())


def ensure_gui_application() -> None:
    """An application for the text layout, offscreen when none runs yet (a
    QApplication, not a QGuiApplication: widgets made later in the same
    process, as tests do, need one)."""
    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        QApplication(["desktop-crm"])


def _font() -> QFont:
    font = QFont()
    families = list(LATIN_FAMILIES + CJK_FAMILIES)
    if language() == "zh":  # Chinese punctuation from the Chinese face
        families = list(CJK_FAMILIES + LATIN_FAMILIES)
    font.setFamilies(families)
    font.setPointSizeF(8.5)
    # no "fi"/"ffi" ligatures: text copied or searched in the PDF reads as typed
    # (font features came with Qt 6.7; older Qt keeps them)
    if hasattr(font, "setFeature"):
        for feature in ("liga", "clig"):
            font.setFeature(QFont.Tag(feature), 0)
    return font


def brief_document(brief: Brief, device: QPagedPaintDevice) -> QTextDocument:
    """The brief laid out on ``device``'s pages (a QPdfWriter or a QPrinter)."""
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    doc.setDefaultFont(_font())
    doc.documentLayout().setPaintDevice(device)
    doc.setHtml(brief_html(brief))
    # the page's printable area in the device's pixels: paginated, so print()
    # adds no margin and no page number of its own
    doc.setPageSize(QSizeF(device.width(), device.height()))
    return doc


def _set_up(device: QPagedPaintDevice, page_size: str) -> None:
    device.setPageLayout(QPageLayout(QPageSize(PAGE_SIZES[page_size]),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                     QPageLayout.Unit.Millimeter))


def render_pdf(brief: Brief, page_size: str = "A4") -> bytes:
    """The brief as a PDF document on A4 or Letter paper."""
    if page_size not in PAGE_SIZES:
        raise ValueError(_("Page size {size} is not A4 or Letter", size=page_size))
    ensure_gui_application()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION_DPI)
    writer.setCreator("Desktop CRM")
    writer.setTitle(_("Pre-visit brief: {name}", name=brief.name))
    _set_up(writer, page_size)
    doc = brief_document(brief, writer)
    doc.print_(writer)
    del writer  # finishes the file
    buffer.close()
    return bytes(data.data())


def print_brief(brief: Brief, printer: QPagedPaintDevice) -> None:
    """Print the brief on ``printer`` as the print dialog set it up."""
    brief_document(brief, printer).print_(printer)


