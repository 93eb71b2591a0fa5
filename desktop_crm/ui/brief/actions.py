""""Print brief…", "Save brief as PDF…" and "Include confidential answers"
for one client: on the card (a "Brief" button with the menu) and in the
client list (its context menu and the selected-clients menu).

The brief is read from the saved card. Rendering one takes a tenth of a
second or two (measured: ``tests/unit/test_brief_pdf.py`` cards, 0.03-0.25 s),
so it runs on the UI thread; the file is written through
``services.files.write_atomically`` (all or nothing, owner-only, never over
the open database). The file dialog comes from ``ui.file_dialogs``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QMenu, QMessageBox, QPushButton, QWidget

from desktop_crm.domain.brief import Brief
from desktop_crm.domain.errors import CrmError
from desktop_crm.domain.file_names import portable_file_name
from desktop_crm.i18n import _
from desktop_crm.services.brief import BriefService
from desktop_crm.services.clients import ClientService
from desktop_crm.services.files import write_atomically
from desktop_crm.ui import file_dialogs
from desktop_crm.ui.brief.pdf import (
    PAGE_SIZES,
    brief_document,
    print_brief,
    render_pdf,
    system_page_size,
)
from desktop_crm.ui.operations import show_error
from desktop_crm.ui.start_folder import documents_folder


def _run_print_dialog(dialog: QPrintDialog) -> bool:
    return dialog.exec() == QDialog.DialogCode.Accepted


def _safe_name(name: str) -> str:
    """The client's name as a file name any system accepts (no separators,
    no device name such as CON: ``domain.file_names``)."""
    return portable_file_name(name, "client")


class BriefActions(QObject):
    """The brief's actions for the client ``client_id()`` names (None: none).

    Attributes:
        print_action, save_action: "Print brief…", "Save brief as PDF…".
        confidential_action: checkable "Include confidential answers" (off).
        menu: the three, for a button or a menu.
        folder: where the save dialog opens (the last folder saved to).
        page_size: "A4" or "Letter" (default: the computer's locale), chosen
            in the menu's Paper size.
        run_print_dialog: shows the print dialog, True when accepted (tests
            replace it: a modal dialog would block them).
        have_printer: whether the computer has a printer set up (tests
            replace it: test machines have none).
    """

    def __init__(self, service: ClientService, client_id: Callable[[], int | None],
                 parent: QWidget) -> None:
        super().__init__(parent)
        self._service = service
        self._client_id = client_id
        self._parent = parent
        self.folder = documents_folder()
        self.page_size = system_page_size()
        self.run_print_dialog: Callable[[QPrintDialog], bool] = _run_print_dialog
        self.have_printer: Callable[[], bool] = lambda: bool(QPrinterInfo.availablePrinters())
        self.print_action = QAction(parent)
        self.save_action = QAction(parent)
        self.confidential_action = QAction(parent)
        self.confidential_action.setCheckable(True)
        self.print_action.triggered.connect(self.print_)
        self.save_action.triggered.connect(self.save_pdf)
        self.menu = QMenu(parent)
        self.menu.addAction(self.print_action)
        self.menu.addAction(self.save_action)
        self.menu.addSeparator()
        self.menu.addAction(self.confidential_action)
        # the paper of a saved PDF (printing takes the printer's, as its dialog set it)
        self.paper_menu = self.menu.addMenu("")
        self.paper_group = QActionGroup(self)
        self.paper_actions: dict[str, QAction] = {}
        for size in PAGE_SIZES:
            action = self.paper_menu.addAction(size)
            action.setCheckable(True)
            action.setChecked(size == self.page_size)
            action.triggered.connect(lambda _checked=False, size=size: self._set_paper(size))
            self.paper_group.addAction(action)
            self.paper_actions[size] = action
        self.button: QPushButton | None = None  # made by make_button
        self.retranslate()

    def _set_paper(self, size: str) -> None:
        self.page_size = size
        self.paper_actions[size].setChecked(True)

    def make_button(self) -> QPushButton:
        """A "Brief" push button that opens the menu (for the card's head)."""
        self.button = QPushButton(self._parent)
        self.button.setMenu(self.menu)
        self.retranslate()
        return self.button

    def retranslate(self) -> None:
        self.print_action.setText(_("Print brief…"))
        self.save_action.setText(_("Save brief as PDF…"))
        self.confidential_action.setText(_("Include confidential answers"))
        self.paper_menu.setTitle(_("Paper size"))
        for action in (self.print_action, self.save_action):
            action.setToolTip(_("The pre-visit brief: the client's card, grade, loyalty, "
                                "profile, last interactions, open complaints, coming dates "
                                "and sales on one page, as saved"))
        self.confidential_action.setToolTip(_(
            "Also print the confidential profile answers (health, religion, politics, "
            "private matters): keep such a brief to yourself"))
        if self.button is not None:
            self.button.setText(_("Brief"))
            self.button.setToolTip(_("Print the pre-visit brief or save it as PDF"))

    def set_enabled(self, enabled: bool) -> None:
        self.print_action.setEnabled(enabled)
        self.save_action.setEnabled(enabled)

    @property
    def include_confidential(self) -> bool:
        return self.confidential_action.isChecked()

    def brief(self) -> Brief | None:
        """The brief of the client, as saved; None when there is none."""
        client_id = self._client_id()
        if client_id is None:
            return None
        s = self._service
        return BriefService(s.db, s.clock, s.user).brief(client_id, self.include_confidential)

    def _brief_or_say(self, title: str) -> Brief | None:
        try:
            return self.brief()
        except CrmError as exc:  # the client was deleted in another window, say
            show_error(self._parent, title, exc)
            return None

    # -- saving -----------------------------------------------------------------------
    def save_pdf(self) -> Path | None:
        """Ask where, then write the brief there; returns the file written."""
        title = _("Save brief as PDF")
        brief = self._brief_or_say(title)
        if brief is None:
            return None
        start = self.folder / f"{_safe_name(brief.name)}.pdf"
        path = file_dialogs.save_file(self._parent, title, start, _("PDF document (*.pdf)"))
        if path is None:
            return None
        if not path.name.lower().endswith(".pdf"):
            path = path.with_name(path.name + ".pdf")
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            write_atomically(path, render_pdf(brief, self.page_size))
        except CrmError as exc:  # a refused or unwritable path: nothing was written
            QGuiApplication.restoreOverrideCursor()
            show_error(self._parent, title, exc)
            return None
        QGuiApplication.restoreOverrideCursor()
        self.folder = path.parent
        return path

    # -- printing ---------------------------------------------------------------------
    def printer(self) -> QPrinter:
        """A printer set up for the brief (the dialog may change it)."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(PAGE_SIZES[self.page_size]))
        printer.setDocName(_("Pre-visit brief"))
        return printer

    def document(self, printer: QPrinter) -> QTextDocument | None:
        """What printing on ``printer`` prints (None: no client)."""
        brief = self.brief()
        return None if brief is None else brief_document(brief, printer)

    def print_(self) -> bool:
        """Show the print dialog and print the brief; False when cancelled."""
        title = _("Print brief")
        brief = self._brief_or_say(title)
        if brief is None:
            return False
        if not self.have_printer():
            QMessageBox.information(self._parent, title, _(
                "No printer is set up on this computer. Save the brief as PDF instead, "
                "and print it from another computer or a phone."))
            return False
        printer = self.printer()
        dialog = QPrintDialog(printer, self._parent)
        dialog.setWindowTitle(title)
        # files are written by "Save brief as PDF…", through the app's own file
        # dialog, which never lists the open database (ui.file_dialogs)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
        try:
            if not self.run_print_dialog(dialog):
                return False
        finally:
            dialog.deleteLater()
        print_brief(brief, printer)
        return True

