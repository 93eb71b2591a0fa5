"""The client's photo on the card: a small picture in the card's header.

- With a photo: the thumbnail. A click, Enter or Space shows it large
  (``PhotoDialog``, with Set photo… and Remove photo); Del removes it; the
  context menu has all three.
- Without one: a small dashed box "Photo" that says a picture can be
  dropped on it; a click, Enter or Space asks for a file (Set photo…).
- A picture file (or an image from another program) dropped on it becomes
  the photo.
- After a change, Undo (Ctrl+Z, or the button below) puts back the photo
  the card had before, byte for byte.

Nothing here on a new card (not saved yet); a card in the trash shows its
photo but cannot change it. The work is ``services.photos.PhotoService``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMargins,
    QMimeData,
    QPoint,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QContextMenuEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPixmap,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.errors import CrmError
from desktop_crm.domain.photo import Photo
from desktop_crm.i18n import _
from desktop_crm.services.photos import PhotoChange, PhotoService, read_picture_file
from desktop_crm.ui import file_dialogs
from desktop_crm.ui.widgets import add_shortcut

THUMB = 88  # pixels: about the height of the card's title, status and grade lines
PLACEHOLDER = QSize(64, 44)  # the box shown when the client has no photo
PICTURE_FILES = "*.jpg *.jpeg *.png *.gif *.bmp *.tif *.tiff *.webp"


def _pixmap(data: bytes) -> QPixmap:
    pixmap = QPixmap()
    pixmap.loadFromData(data)
    return pixmap


def _dropped_file(mime: QMimeData) -> Path | None:
    for url in mime.urls():
        if url.isLocalFile():
            return Path(url.toLocalFile())
    return None


def _dropped_image(mime: QMimeData) -> bytes | None:
    """An image another program dropped as pixels, as PNG bytes."""
    image = mime.imageData()
    if not isinstance(image, QImage) or image.isNull():
        return None
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, b"PNG")
    return bytes(QByteArray(buffer.data()).data())


class PhotoDialog(QDialog):
    """The photo large, as big as the screen allows, with its actions."""

    def __init__(self, data: bytes, name: str, can_change: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Photo of {name}", name=name) if name else _("Photo"))
        self.picture = QLabel(self)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pixmap = _pixmap(data)
        screen = QGuiApplication.primaryScreen()
        room = (screen.availableGeometry().size() * 0.8) if screen else QSize(1000, 700)
        room = room.shrunkBy(self.contentsMargins()) - QSize(24, 80)
        if pixmap.width() > room.width() or pixmap.height() > room.height():
            pixmap = pixmap.scaled(room, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        self.picture.setPixmap(pixmap)
        area = QScrollArea(self)
        area.setWidget(self.picture)
        area.setWidgetResizable(True)
        area.setMinimumSize(pixmap.size().grownBy(area.contentsMargins()) + QSize(4, 4))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(_("Close"))
        close.setDefault(True)  # Enter closes; the actions need a click or their key
        self.set_button = QPushButton(_("Set photo…"), self)
        self.remove_button = QPushButton(_("Remove photo"), self)
        for button in (self.set_button, self.remove_button):
            button.setAutoDefault(False)
            button.setVisible(can_change)
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.choice = ""  # "set" or "remove" when one of those was pressed
        self.set_button.clicked.connect(lambda: self._choose("set"))
        self.remove_button.clicked.connect(lambda: self._choose("remove"))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(area, 1)
        layout.addWidget(self.buttons)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()


class _Thumb(QLabel):
    """The picture (or the empty box): clicks, keys, drops and the menu go
    to the PhotoView."""

    def __init__(self, view: PhotoView) -> None:
        super().__init__(view)
        self._view = view
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """Override QLabel::mouseReleaseEvent: a left click opens."""
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
                event.position().toPoint()):
            self._view.activate()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Override QLabel::keyPressEvent: Enter and Space open, Del removes."""
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self._view.activate()
        elif key == Qt.Key.Key_Delete:
            self._view.remove()
        else:
            super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """Override QLabel::contextMenuEvent: View, Set photo…, Remove photo."""
        self._view.show_menu(event.globalPos())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Override QLabel::dragEnterEvent: a file or an image, on a card that can change."""
        mime = event.mimeData()
        if self._view.can_change() and (_dropped_file(mime) or mime.hasImage()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Override QLabel::dropEvent."""
        if self._view.drop(event.mimeData()):
            event.acceptProposedAction()


class PhotoView(QWidget):
    """The photo in the card's header (see the module's description).

    Signals:
        changed: the photo was set, removed or put back (arguments: client
            id, the change: its ``version`` is the card's new version).
    """

    changed = Signal(int, object)

    def __init__(self, service: PhotoService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.client_id: int | None = None
        self.name = ""  # the client's, for the large view's title
        self.read_only = False
        self._data: bytes | None = None
        self._undo: tuple[int, Photo | None] | None = None  # client, photo before
        self.thumb = _Thumb(self)
        self.undo_button = QToolButton(self)
        self.undo_button.setAutoRaise(True)
        self.undo_button.clicked.connect(self.undo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.thumb, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.undo_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.undo_action = add_shortcut(self, QKeySequence.StandardKey.Undo, self.undo)
        self.last_folder = Path.home()
        self.set_client(None)

    # -- state ------------------------------------------------------------------------
    def has_photo(self) -> bool:
        return self._data is not None

    def can_change(self) -> bool:
        return self.client_id is not None and not self.read_only

    def set_client(self, client_id: int | None, name: str = "",
                   read_only: bool = False) -> None:
        """Show the photo of ``client_id`` (None: a new card, nothing shown)."""
        self.show_photo(client_id, self.service.photo(client_id) if client_id is not None
                        else None, name, read_only)

    def show_photo(self, client_id: int | None, data: bytes | None, name: str = "",
                   read_only: bool = False) -> None:
        """As ``set_client``, with the photo's bytes already read (None: none)."""
        if client_id != self.client_id:
            self._undo = None
        self.client_id, self.name, self.read_only = client_id, name, read_only
        self._data = data
        self._show()

    def reload(self) -> None:
        self._data = (self.service.photo(self.client_id) if self.client_id is not None
                      else None)
        self._show()

    def _show(self) -> None:
        if self._data is not None:
            pixmap = _pixmap(self._data).scaled(
                THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation)
            self.thumb.setPixmap(pixmap)
            self.thumb.setFixedSize(pixmap.size().grownBy(QMargins(1, 1, 1, 1)))
            # a light picture (a white card) stays apart from the window
            self.thumb.setStyleSheet("QLabel { border: 1px solid palette(mid); }")
        else:
            self.thumb.setPixmap(QPixmap())
            self.thumb.setFixedSize(PLACEHOLDER)
            self.thumb.setStyleSheet("QLabel { border: 1px dashed palette(mid); "
                                     "color: palette(mid); }")
        # nothing on a new card; a card in the trash without a photo: nothing either
        self.setVisible(self.client_id is not None and (self.can_change() or self.has_photo()))
        self.retranslate()

    def retranslate(self) -> None:
        self.thumb.setText("" if self.has_photo() else _("Photo"))
        if self.has_photo():
            tip = _("Click or press Enter to see the photo large; Del removes it; "
                    "right-click for more")
        else:
            tip = _("Click or press Enter to choose a picture, or drop a picture file here")
        if self.has_photo() and self.can_change():
            tip += "\n" + _("Drop a picture here to replace the photo")
        self.thumb.setToolTip(tip)
        self.thumb.setAccessibleName(_("Photo"))
        self.undo_button.setText(_("Undo (Ctrl+Z)"))
        self.undo_button.setToolTip(self._undo_text())
        self.undo_button.setVisible(self._undo is not None and self._undo[0] == self.client_id)

    def _undo_text(self) -> str:
        if self._undo is None:
            return ""
        return (_("Undo: put the previous photo back") if self._undo[1] is not None
                else _("Undo: take the photo off the card"))

    # -- actions ----------------------------------------------------------------------
    def activate(self) -> None:
        """Click, Enter: the photo large, or choose one when there is none."""
        if self.has_photo():
            self.view_large()
        elif self.can_change():
            self.choose_file()

    def view_large(self) -> None:
        if self._data is None:
            return
        dialog = PhotoDialog(self._data, self.name, self.can_change(), self)
        try:
            dialog.exec()
            choice = dialog.choice
        finally:
            dialog.deleteLater()
        if choice == "set":
            self.choose_file()
        elif choice == "remove":
            self.remove()

    def show_menu(self, where: QPoint) -> None:
        menu = self.menu()
        menu.exec(where)
        menu.deleteLater()

    def menu(self) -> QMenu:
        """View photo, Set photo…, Remove photo (as the card allows)."""
        menu = QMenu(self)
        view = menu.addAction(_("View photo"), self.view_large)
        view.setEnabled(self.has_photo())
        change = menu.addAction(_("Set photo…"), self.choose_file)
        change.setEnabled(self.can_change())
        remove = menu.addAction(_("Remove photo"), self.remove)
        remove.setEnabled(self.can_change() and self.has_photo())
        return menu

    def choose_file(self) -> None:
        """Set photo…: a picture file becomes the photo."""
        if not self.can_change():
            return
        path = file_dialogs.open_file(self, _("Set photo"), self.last_folder,
                                      _("Pictures ({patterns})", patterns=PICTURE_FILES)
                                      + ";;" + _("All files (*)"))
        if path is not None:
            self.last_folder = path.parent
            self.set_file(path)

    def set_file(self, path: Path) -> bool:
        """The picture in ``path`` becomes the photo; a message box when it cannot."""
        try:
            data = read_picture_file(path)
        except CrmError as exc:
            self._refused(exc)
            return False
        return self.set_data(data)

    def set_data(self, data: bytes) -> bool:
        """The picture in ``data`` (a file's bytes) becomes the photo."""
        if self.client_id is None or not self.can_change():
            return False
        client_id = self.client_id
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            change = self.service.set_photo(client_id, data)
        except CrmError as exc:
            QGuiApplication.restoreOverrideCursor()
            self._refused(exc)
            return False
        QGuiApplication.restoreOverrideCursor()
        self._done(client_id, change)
        return True

    def drop(self, mime: QMimeData) -> bool:
        if not self.can_change():
            return False
        path = _dropped_file(mime)
        if path is not None:
            return self.set_file(path)
        data = _dropped_image(mime)
        return data is not None and self.set_data(data)

    def remove(self) -> None:
        """Remove photo (Del)."""
        if self.client_id is None or not self.can_change() or not self.has_photo():
            return
        client_id = self.client_id
        try:
            change = self.service.remove_photo(client_id)
        except CrmError as exc:
            self._refused(exc)
            return
        self._done(client_id, change)

    def undo(self) -> None:
        """Ctrl+Z: the photo the card had before the last change here."""
        if self._undo is None or self._undo[0] != self.client_id or not self.can_change():
            return
        client_id, before = self._undo
        try:
            change = self.service.put_back(client_id, before)
        except CrmError as exc:
            self._refused(exc)
            return
        self._undo = None
        self.reload()
        self.changed.emit(client_id, change)
        self.thumb.setFocus(Qt.FocusReason.OtherFocusReason)

    def _done(self, client_id: int, change: PhotoChange) -> None:
        if change.changed_at is not None:
            self._undo = (client_id, change.previous)
        self.reload()
        self.thumb.setFocus(Qt.FocusReason.OtherFocusReason)  # Ctrl+Z reaches undo
        if change.changed_at is not None:
            self.changed.emit(client_id, change)

    def _refused(self, exc: CrmError) -> None:
        QMessageBox.warning(self, _("Photo"), str(exc))
