"""New client from a business card (名片识别): File > New client from
business card..., or an image dropped on the client list.

The image is read off the window (ui/operations.py: progress after a
moment, Cancel stops it), then the new-card form opens with the fields the
card gave, each marked as read from the card (scan_marks.py) for the user to
check; nothing is saved until the user saves. When the card looks like an
existing client, the banner (card_banner.py) offers to update that client
instead: its card opens with the card's values merged in as unsaved edits.
With "Keep the card's image" ticked, the image goes on the client once the
card is saved, through the card's photo (photo_view.py: Ctrl+Z puts the
previous one back).

The scanner and the drafting service are handed in (the window passes
services.card_scan.scan_card and services.card_draft.CardDraftService), so
tests can give their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QLabel, QMessageBox

from desktop_crm.domain.business_card import CardFields
from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.errors import CrmError
from desktop_crm.i18n import _
from desktop_crm.ui import file_dialogs, menu_keys
from desktop_crm.ui.clients.card_banner import CardScanBanner, MatchLike
from desktop_crm.ui.clients.scan_marks import ScanMarks
from desktop_crm.ui.clients.tab import ClientsTab
from desktop_crm.ui.operations import Operation, OperationContext, show_error

# what a dropped file must end with to be taken for a card's picture
# what services.card_scan opens: the formats cameras, phones and scanners write
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp", ".bmp", ".tif", ".tiff")
SHORTCUT = menu_keys.SCAN_CARD  # B for business card; Ctrl+N is the blank new card


class ScannedCard(Protocol):
    """What the scanner gives (services.card_scan.ScanResult)."""

    @property
    def fields(self) -> CardFields: ...
    @property
    def image_jpeg(self) -> bytes: ...


class Scanner(Protocol):
    """services.card_scan.scan_card: reads ``path``; raises a CrmError (one
    message for the user) for what is not a readable card."""

    def __call__(self, path: Path, *,
                 cancelled: Callable[[], bool] = ...) -> ScannedCard: ...


class DifferenceLike(Protocol):
    """A field both cards fill, differently (services.card_draft.CardDifference)."""

    @property
    def field(self) -> str: ...
    @property
    def from_card(self) -> str: ...


class MergeLike(Protocol):
    """An existing card with the business card's news (card_draft.CardMerge)."""

    @property
    def card(self) -> ClientCard: ...
    @property
    def differing(self) -> Sequence[DifferenceLike]: ...


class CardDrafting(Protocol):
    """services.card_draft.CardDraftService: the new card, the clients it may
    be, and an existing card with what the business card adds."""

    def draft(self, fields: CardFields) -> ClientCard: ...
    def matches(self, fields: CardFields) -> Sequence[MatchLike]: ...
    def merge(self, card: ClientCard, fields: CardFields) -> MergeLike: ...


@dataclass(eq=False)
class _Session:
    """One card read, shown in the editor until saved or left.

    ``target``: the client being updated, None for a new card.
    """

    scan: ScannedCard
    target: int | None = None
    over: bool = False


class CardScanFlow(QObject):
    """Reads a card into ``tab``'s editor; the banner and marks live there.

    Attributes:
        banner: the banner above the card (in the editor's notices).
        marks: the fields marked as read from the card.
        operation: the scan running or last run (for tests).
    """

    def __init__(self, tab: ClientsTab, scanner: Scanner, drafting: CardDrafting,
                 settings: QSettings | None = None) -> None:
        super().__init__(tab)
        self.tab = tab
        self.scanner = scanner
        self.drafting = drafting
        self.settings = settings
        self.operation: Operation[ScannedCard] | None = None
        self._session: _Session | None = None
        self._filling = False  # our own loads do not end the session
        editor = tab.editor
        self.marks = ScanMarks(editor)
        self.banner = CardScanBanner(editor)
        editor.notices.addWidget(self.banner)
        self.banner.update_requested.connect(self.update_client)
        self.banner.create_requested.connect(self._create_new)
        self.banner.image_requested.connect(self._image_only)
        editor.loaded.connect(self._on_loaded)
        editor.saved.connect(self._on_saved)
        viewport = tab.view.viewport()
        viewport.setAcceptDrops(True)
        viewport.installEventFilter(self)

    # -- starting ---------------------------------------------------------------------
    def choose(self) -> Operation[ScannedCard] | None:
        """File > New client from business card...: ask for the image."""
        start = str(self.settings.value("card_scan/folder", "")) if self.settings else ""
        path = file_dialogs.open_file(
            self.tab, _("New client from business card"), start or str(Path.home()),
            _("Images ({patterns});;All files (*)",
              patterns=" ".join(f"*{s}" for s in IMAGE_SUFFIXES)))
        if path is None:
            return None
        if self.settings is not None:
            self.settings.setValue("card_scan/folder", str(path.parent))
        return self.start(path)

    def start(self, path: Path) -> Operation[ScannedCard] | None:
        """Read the card in ``path`` off the window; the form opens when done."""
        if self.operation is not None and self.operation.finished_ok is None:
            # one card at a time (a cancelled scan stops at its next step)
            self.tab.status.emit(_("Still reading the previous business card."))
            return None
        if not self.tab.confirm_discard():
            return None
        if self.tab.editor.is_dirty():  # "Discard": not asked again when the card is read
            self.tab.editor.revert()
        scanner = self.scanner

        def work(ctx: OperationContext) -> ScannedCard:
            try:
                result = scanner(path, cancelled=lambda: ctx.cancelled)
            except CrmError:
                ctx.check_cancelled()  # it stopped because the user cancelled: no message
                raise
            ctx.check_cancelled()  # a scanner that finished anyway: its result is not wanted
            return result

        self.operation = (
            Operation(self.tab, work)
            .success(self._scanned)
            .cancelled(lambda: self.tab.status.emit(_("Reading the business card was "
                                                      "cancelled.")))
            .errors(_("Could not read the business card"), CrmError)
            .with_progress(_("Reading the business card…"), cancellable=True)
            .run_in_background())
        return self.operation

    def _scanned(self, scan: ScannedCard) -> None:
        if scan.fields.empty:
            QMessageBox.warning(self.tab, _("Could not read the business card"),
                                _("No name, phone, e-mail or company was found on the card. "
                                  "Try a sharper, straighter picture."))
            return
        if not self.tab.confirm_discard():  # edited again while the card was read
            return
        try:
            matches = list(self.drafting.matches(scan.fields))
            card = self.drafting.draft(scan.fields)
        except CrmError as exc:
            show_error(self.tab, _("Could not read the business card"), exc)
            return
        card.owner = self.tab.service.user  # a new client is the user's (as named now)
        tab = self.tab
        if tab.trash_button.isChecked():
            tab.trash_button.setChecked(False)
        tab.view.clearSelection()
        self._filling = True
        try:
            tab.editor.new_card()
            self.marks.fill(lambda: self._put(card))
        finally:
            self._filling = False
        self._session = _Session(scan)
        self.banner.show_new(matches)
        self.tab.status.emit(_("Read the business card: check the tinted fields, then save."))

    def _put(self, card: ClientCard) -> None:
        """``card``'s values into the editor's fields, as unsaved edits."""
        editor = self.tab.editor
        for page in (editor.basics, editor.organisation):
            page.load(card)

    # -- the banner's choices -----------------------------------------------------------
    def _create_new(self) -> None:
        self.tab.editor.basics.name.setFocus()

    def update_client(self, client_id: int) -> None:
        """Leave the new card for ``client_id``'s, with the card's values merged
        in as unsaved changes (marked); the image goes to that client on save."""
        session = self._session
        if session is None:
            return
        tab = self.tab
        self._filling = True
        try:
            tab.editor.load(ClientCard(owner=tab.service.user))  # the draft goes, unasked
            if not tab.show_client(client_id):
                QMessageBox.warning(tab, _("Update that client"),
                                    _("That client is no longer in the client list."))
                return
            if tab.editor.client_id != client_id:  # its row was current already
                tab.editor.load_id(client_id)
            merge = self.drafting.merge(tab.service.get(client_id), session.scan.fields)
            changed = self.marks.fill(lambda: self._put(merge.card))
        finally:
            self._filling = False
        self._session = _Session(session.scan, target=client_id)
        keep = self.banner.keep_image.isChecked()
        self.banner.show_update(tab.editor.title.text(), [
            (self._caption(d.field), d.from_card) for d in merge.differing],
            nothing_new=not changed)
        self.banner.keep_image.setChecked(keep)

    def _image_only(self) -> None:
        """The card added nothing to the client but its image: kept at once."""
        session = self._session
        photo = self.tab.editor.photo
        if session is None or session.target is None or photo.client_id != session.target:
            return
        if photo.set_data(session.scan.image_jpeg):
            self._end(session)
            self.tab.data_changed.emit(session.target)

    def _caption(self, field: str) -> str:
        """The form's label of the card field ``field`` (its name if none)."""
        editor = self.tab.editor
        for page in (editor.basics, editor.organisation):
            widget = page.fields.get(field)
            label = page.form.labelForField(widget) if widget is not None else None
            if isinstance(label, QLabel):
                return label.text().rstrip(" *")
        return field

    # -- the end of a session -------------------------------------------------------------
    def _on_loaded(self) -> None:
        """Another card was put in the editor: unless it is ours, or the
        saved card read back (``saved`` follows at once), the session ends."""
        if self._filling or self._session is None:
            return
        session = self._session
        QTimer.singleShot(0, lambda: self._end(session))

    def _on_saved(self, client_id: int) -> None:
        session = self._session
        if session is None or session.over:
            return
        if session.target not in (None, client_id):
            return
        keep = self.banner.keep_image.isChecked()
        self._end(session)
        photo = self.tab.editor.photo  # the saved card's, read back by the save
        if keep and photo.client_id == client_id and photo.set_data(session.scan.image_jpeg):
            self.tab.data_changed.emit(client_id)

    def _end(self, session: _Session) -> None:
        session.over = True
        if session is self._session:
            self._session = None
            self.marks.clear()
            self.banner.hide()

    @property
    def active(self) -> bool:
        """A card read from a business card is in the editor, not saved yet."""
        return self._session is not None

    def retranslate(self) -> None:
        self.banner.retranslate()

    # -- dropping an image on the list -------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Override QObject::eventFilter: the list's viewport takes an image file."""
        if isinstance(event, (QDragEnterEvent, QDragMoveEvent)):
            if _dropped_image(event) is not None:
                event.acceptProposedAction()
                return True
            return False
        if isinstance(event, QDropEvent) and event.type() == QEvent.Type.Drop:
            path = _dropped_image(event)
            if path is None:
                return False
            event.acceptProposedAction()
            # after the drop returns: the drag source is not kept waiting on a dialog
            QTimer.singleShot(0, lambda: self.start(path))
            return True
        return False


def _dropped_image(event: QDropEvent) -> Path | None:
    """The one local image file being dragged, else None."""
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    if len(urls) != 1 or not urls[0].isLocalFile():
        return None
    path = Path(urls[0].toLocalFile())
    return path if path.suffix.lower() in IMAGE_SUFFIXES else None
