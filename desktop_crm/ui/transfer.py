"""File > Import and Export: the manager's workbook, contacts as vCard, and
importing a spreadsheet or vCard with a summary to confirm and an undo.

The import opens the file, then the mapping dialog (``import_dialog``) shows
the suggested column mapping, a preview, the duplicates policy and what the
import would do; it writes only when the user accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QDialog,
    QMessageBox,
    QWidget,
)

from desktop_crm.domain.order_import import looks_like_orders
from desktop_crm.i18n import _, language, ngettext
from desktop_crm.services.clock import Clock
from desktop_crm.services.exporting import export_xlsx
from desktop_crm.services.files import ExportError
from desktop_crm.services.importing import (
    ORDERS,
    ImportFileError,
    ImportPlan,
    ImportResult,
    ImportRowError,
    ImportService,
    ImportSource,
    ImportUndoError,
    OrderImportResult,
    OrderImportService,
    OrderPlan,
)
from desktop_crm.services.vcard_export import export_vcf, photo_count
from desktop_crm.storage.database import Database
from desktop_crm.ui import file_dialogs
from desktop_crm.ui.import_dialog import (
    FirstPlan,
    ImportDialog,
    Importer,
    Plan,
    first_plan,
    importers,
)
from desktop_crm.ui.operations import Operation, OperationContext
from desktop_crm.ui.start_folder import start_folder

if TYPE_CHECKING:  # xlsxwriter is imported only when an export runs
    from desktop_crm.services.exporting.workbook import XlsxResult

Status = Callable[[str], None]

# Makes the mapping dialog; tests replace it with one whose exec() answers at once.
DIALOG_FACTORY: Callable[[ImportService, ImportSource, QWidget, FirstPlan | None],
                         ImportDialog] = ImportDialog


def _folder(settings: QSettings, db: Database) -> Path:
    return start_folder(settings, db)  # never the hidden data folder


def _save_path(parent: QWidget, settings: QSettings, db: Database, title: str, name: str,
               pattern: str, suffix: str) -> Path | None:
    path = file_dialogs.save_file(parent, title, _folder(settings, db) / name, pattern)
    if path is None:
        return None
    result = path if path.name.lower().endswith(suffix) else path.with_name(path.name + suffix)
    settings.setValue("export/folder", str(result.parent))
    return result


def export_workbook(parent: QWidget, settings: QSettings, db: Database, clock: Clock,
                    status: Status, client_ids: Sequence[int] | None = None,
                    ) -> Operation[XlsxResult] | None:
    """Ask where, and whether confidential answers go in; write on a worker
    thread with progress and Cancel (a cancelled export leaves no file).
    Returns the running operation, or None when the user chose no file."""
    name = "clients.xlsx" if client_ids is None else "client-list.xlsx"
    path = _save_path(parent, settings, db, _("Export workbook"), name,
                      _("Excel workbook (*.xlsx)"), ".xlsx")
    if path is None:
        return None
    confidential = _ask(parent, _("Export workbook"), _(
        "Include the confidential profile answers (health, religion, politics, private "
        "matters)?"))
    lang = language()  # the window's, read here: the worker gets it as an argument

    def work(ctx: OperationContext) -> XlsxResult:
        return export_xlsx(db, path, lang=lang, include_confidential=confidential,
                           client_ids=client_ids, clock=clock, progress=ctx.progress)

    return (Operation(parent, work)
            .with_progress(_("Writing the workbook…"), cancellable=True)
            .errors(_("Export failed"), ExportError, OSError)
            .success(lambda result: status(ngettext(
                "Wrote {n} client to {path}", "Wrote {n} clients to {path}",
                result.clients, path=path)))
            .cancelled(lambda: status(_("Export cancelled; nothing was written")))
            .run_in_background())


def _ask(parent: QWidget, title: str, question: str) -> bool:
    """A yes/no question about what goes into an export; No is the default,
    so Enter never writes more than was asked for."""
    answer = QMessageBox.question(
        parent, title, question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def export_contacts(parent: QWidget, settings: QSettings, db: Database,
                    status: Status) -> Operation[int] | None:
    path = _save_path(parent, settings, db, _("Export contacts"), "contacts.vcf",
                      _("vCard file (*.vcf)"), ".vcf")
    if path is None:
        return None
    photos = False
    if photo_count(db):  # asked only when there are photos to include
        photos = _ask(parent, _("Export contacts"), _(
            "Include the clients' photos? Phones show them with the contact; each makes "
            "the file 100 to 400 KB larger."))
    return (Operation(parent, lambda ctx: export_vcf(db, path, photos=photos))
            .with_progress(_("Writing the contacts…"))
            .errors(_("Export failed"), ExportError, OSError)
            .success(lambda count: status(ngettext("Wrote {n} contact to {path}",
                                                   "Wrote {n} contacts to {path}", count,
                                            path=path)))
            .run_in_background())


def import_file(parent: QWidget, settings: QSettings, service: ImportService,
                status: Status, imported: Callable[[int], object],
                ) -> Operation[tuple[ImportSource, FirstPlan | None]] | None:
    """Pick a file, read it on a worker thread, let the user correct the column
    mapping and choose the duplicates policy in the mapping dialog, and import
    on a worker thread when accepted (rows with errors are left out); then
    ``imported(batch id)``. Returns the running read, or None when no file
    was chosen. A sheet whose headers name a date, a product and an amount
    opens as orders; the dialog's kind choice switches between the two."""
    start = settings.value("import/folder") or str(_folder(settings, service.db))
    path = file_dialogs.open_file(
        parent, _("Import clients or orders"), str(start),
        _("Spreadsheets and contacts (*.xlsx *.xls *.ods *.csv *.txt *.vcf);;All files (*)"))
    if path is None:
        return None
    settings.setValue("import/folder", str(path.parent))
    name = path.name

    def committed(result: ImportResult | OrderImportResult) -> None:
        status(_("Imported as batch {id}; it can be undone from the File menu",
                 id=result.batch_id))
        imported(result.batch_id)

    def opened(read: tuple[ImportSource, FirstPlan | None]) -> None:
        source, first = read  # the dialog opens with the plan made beside the read
        dialog = DIALOG_FACTORY(service, source, parent, first)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            importer, chosen, mapping, policy, plan = (
                dialog.service, dialog.source, dialog.mapping(), dialog.policy(), dialog.plan)
        finally:
            dialog.deleteLater()
        (Operation(parent, lambda ctx: _commit(importer, chosen, mapping, policy, plan))
         .with_progress(_("Importing {file}…", file=name))
         .errors(_("Cannot import"), ImportRowError, ImportFileError)
         .success(committed)
         .run_in_background())

    def read(ctx: OperationContext) -> tuple[ImportSource, FirstPlan | None]:
        source = service.open(path)
        if source.table.fixed_mapping is None and looks_like_orders(source.headers):
            source = importers(service)[ORDERS].open(path)  # a sales sheet
        return source, first_plan(service, source)

    # reading, checking and planning a 100,000-row sheet take seconds: on a worker thread
    return (Operation(parent, read)
            .with_progress(_("Reading {file}…", file=name))
            .errors(_("Cannot import"), ImportFileError)
            .success(opened)
            .run_in_background())


def _commit(importer: Importer, source: ImportSource, mapping: dict[int, str], policy: str,
            plan: Plan | None) -> ImportResult | OrderImportResult:
    """Commit with the importer the dialog chose (its plan when of its kind);
    rows with errors are left out."""
    if isinstance(importer, OrderImportService):
        return importer.commit(source, mapping, policy, skip_invalid=True,
                               plan=plan if isinstance(plan, OrderPlan) else None)
    return importer.commit(source, mapping, policy, skip_invalid=True,
                           plan=plan if isinstance(plan, ImportPlan) else None)


def undo_last_import(parent: QWidget, service: ImportService, status: Status) -> bool:
    batches = [b for b in service.batches() if b.undone_at is None]
    if not batches:
        QMessageBox.information(parent, _("Undo import"), _("There is no import to undo."))
        return False
    last = max(batches, key=lambda b: b.imported_at)
    when = f"{last.imported_at:%Y-%m-%d %H:%M}"
    question = (_("Undo the import of orders from {file} ({when}): remove the {orders} "
                  "orders it added?", file=last.file_name, when=when, orders=last.orders)
                if last.kind == ORDERS else
                _("Undo the import of {file} ({when}): remove the {created} clients it added "
                  "and restore the {updated} it changed?", file=last.file_name, when=when,
                  created=last.created, updated=last.updated))
    answer = QMessageBox.question(parent, _("Undo import"), question)
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        service.undo(last.id)
    except ImportUndoError as exc:
        QMessageBox.warning(parent, _("Undo import"), str(exc))
        return False
    status(_("Undid the import of {file}", file=last.file_name))
    return True
