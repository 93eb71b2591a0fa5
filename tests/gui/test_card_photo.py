"""The client's photo on the card, driven through the real widgets on both
engines: Set photo… from the empty box, the thumbnail, the large view, Del
and Undo (Ctrl+Z), a dropped file, a file that is not a picture, unsaved
edits saved after a photo change, what lands in the database and the
history; nothing on a new card; both languages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from desktop_crm.domain.client import ClientCard
from desktop_crm.services.clients import ClientService
from desktop_crm.services.photos import PhotoService
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import ClientPhotoRow
from desktop_crm.ui import file_dialogs
from desktop_crm.ui.clients import photo_view
from desktop_crm.ui.clients.photo_view import THUMB, PhotoDialog, PhotoView
from desktop_crm.ui.main_window import MainWindow
from tests.gui.conftest import shown, type_text
from tests.photo_images import BLUE, RED, halves, near, pixel, size_of

pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]

NOW = datetime(2026, 12, 9, 9, 0)


def clock() -> datetime:
    return NOW


@pytest.fixture
def client_id(db: Database) -> int:
    return ClientService(db, clock, user="王磊").save(ClientCard(name="曾国方", company="华为"))


@pytest.fixture
def win(qtbot, db: Database, settings: QSettings, client_id: int  # type: ignore[no-untyped-def]
        ) -> Iterator[MainWindow]:
    yield from shown(qtbot, MainWindow(db, settings, clock, user="王磊"))


@pytest.fixture
def picture(tmp_path: Path) -> Path:
    path = tmp_path / "名片.png"
    path.write_bytes(halves(1600, 900))
    return path


def stored(db: Database) -> list[tuple[int, bytes]]:
    with db.read() as s:
        return [(r.client_id, bytes(r.data)) for r in s.scalars(select(ClientPhotoRow))]


def open_card(win: MainWindow, client_id: int) -> PhotoView:
    win.open_client(client_id)
    view = win.clients.editor.photo
    assert view.isVisible()
    return view


def history(win: MainWindow) -> list[tuple[str, str, str]]:
    t = win.clients.editor.history
    return [(t.item(r, 1).text(), t.item(r, 2).text(), t.item(r, 4).text())
            for r in range(t.rowCount())]


def warnings_shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown_: list[str] = []

    def warning(_parent: Any, _title: str, text: str, *_a: Any, **_k: Any) -> None:
        shown_.append(text)
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    return shown_


def test_set_photo_from_the_empty_box_shows_the_thumbnail_and_stores_it(
        qtbot, win: MainWindow, db: Database, client_id: int, picture: Path,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    view = open_card(win, client_id)
    assert not view.has_photo() and view.thumb.text() == "Photo"
    assert view.thumb.height() < THUMB  # the empty box is smaller than a photo
    asked: list[str] = []

    def open_file(_parent: Any, title: str, _start: Any, filters: str) -> Path:
        asked.append(f"{title} | {filters}")
        return picture
    monkeypatch.setattr(file_dialogs, "open_file", open_file)
    qtbot.mouseClick(view.thumb, Qt.MouseButton.LeftButton)
    assert asked == ["Set photo | Pictures (*.jpg *.jpeg *.png *.gif *.bmp *.tif *.tiff *.webp)"
                     ";;All files (*)"]
    [(owner, data)] = stored(db)
    assert owner == client_id and size_of(data) == (1024, 576)
    pixmap = view.thumb.pixmap()
    assert (pixmap.width(), pixmap.height()) == (THUMB, 49)  # its shape, at most THUMB
    assert view.thumb.text() == ""
    assert history(win)[0] == ("王磊", "Photo", "added")
    assert win.clients.editor.status.text() == "Last changed 2026-12-09 09:00"


def test_the_large_view_shows_the_photo_and_can_remove_it(
        qtbot, win: MainWindow, db: Database, client_id: int,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    PhotoService(db, clock, "王磊").set_photo(client_id, halves(600, 400))
    view = open_card(win, client_id)
    seen: list[PhotoDialog] = []

    def exec_(dialog: PhotoDialog) -> int:
        seen.append(dialog)
        assert dialog.set_button.isVisibleTo(dialog)
        dialog.remove_button.click()
        return int(dialog.result())
    monkeypatch.setattr(PhotoDialog, "exec", exec_)
    view.thumb.setFocus()
    qtbot.keyClick(view.thumb, Qt.Key.Key_Return)
    [dialog] = seen
    assert dialog.windowTitle() == "Photo of 曾国方"
    large = dialog.picture.pixmap()
    assert large.width() > THUMB * 2 and large.width() / large.height() == pytest.approx(1.5,
                                                                                        0.02)
    assert stored(db) == [] and not view.has_photo() and view.thumb.text() == "Photo"
    assert history(win)[0] == ("王磊", "Photo", "removed")


def test_del_removes_and_ctrl_z_puts_back_the_same_bytes(
        qtbot, win: MainWindow, db: Database, client_id: int) -> None:  # type: ignore[no-untyped-def]
    PhotoService(db, clock, "王磊").set_photo(client_id, halves(600, 400))
    before = stored(db)
    view = open_card(win, client_id)
    assert not view.undo_button.isVisible()
    view.thumb.setFocus()
    qtbot.keyClick(view.thumb, Qt.Key.Key_Delete)
    assert stored(db) == [] and view.undo_button.isVisible()
    assert view.undo_button.toolTip() == "Undo: put the previous photo back"
    qtbot.keyClick(view.thumb, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(db) == before and view.has_photo() and not view.undo_button.isVisible()
    assert [h[2] for h in history(win)[:2]] == ["added", "removed"]


def test_a_dropped_picture_file_replaces_the_photo_and_undo_restores_it(
        qtbot, win: MainWindow, db: Database, client_id: int, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    PhotoService(db, clock, "王磊").set_photo(client_id, halves(300, 200, "JPEG"))
    before = stored(db)
    view = open_card(win, client_id)
    sideways = tmp_path / "portrait.jpg"
    sideways.write_bytes(halves(300, 600, "JPEG"))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(sideways))])
    # Qt delivers drop events only during a drag of its own: the handlers directly
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    view.thumb.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    view.thumb.dropEvent(drop)
    assert drop.isAccepted()
    [(_owner, data)] = stored(db)
    assert size_of(data) == (300, 600)
    assert near(pixel(data, 0.1, 0.5), RED) and near(pixel(data, 0.9, 0.5), BLUE)
    assert view.thumb.pixmap().height() == THUMB
    assert history(win)[0][1:] == ("Photo", "replaced")
    view.undo_button.click()
    assert stored(db) == before


def test_a_file_that_is_not_a_picture_is_one_message_and_nothing_changes(
        qtbot, win: MainWindow, db: Database, client_id: int, tmp_path: Path,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    view = open_card(win, client_id)
    text = tmp_path / "notes.jpg"
    text.write_text("not a picture", encoding="utf-8")
    monkeypatch.setattr(file_dialogs, "open_file", lambda *a, **k: text)
    messages = warnings_shown(monkeypatch)
    view.thumb.setFocus()
    qtbot.keyClick(view.thumb, Qt.Key.Key_Space)
    assert messages == ["The file is not a picture that can be read (JPEG, PNG, GIF, BMP, "
                        "TIFF or WebP)"]
    assert stored(db) == [] and not view.has_photo() and not view.undo_button.isVisible()
    assert [h[1] for h in history(win)] == ["Created"]


def test_unsaved_edits_are_saved_after_a_photo_change_without_a_conflict(
        qtbot, win: MainWindow, db: Database, client_id: int, picture: Path) -> None:  # type: ignore[no-untyped-def]
    view = open_card(win, client_id)
    editor = win.clients.editor
    editor.basics.fields["title"].clear()
    type_text(editor.basics.fields["title"], "总经理")
    assert editor.is_dirty()
    assert view.set_file(picture)
    assert editor.is_dirty()  # the typing stays
    assert editor.save()
    card = ClientService(db).get(client_id)
    assert card.title == "总经理" and len(stored(db)) == 1
    assert editor.errors.isHidden()


def test_no_photo_on_a_new_card_and_none_to_change_in_the_trash(
        qtbot, win: MainWindow, db: Database, client_id: int) -> None:  # type: ignore[no-untyped-def]
    editor = win.clients.editor
    editor.new_card()
    assert not editor.photo.isVisible()
    PhotoService(db, clock, "王磊").set_photo(client_id, halves(200, 100))
    ClientService(db, clock, "王磊").delete(client_id)
    editor.load_id(client_id)
    assert editor.photo.isVisible() and editor.photo.has_photo()
    menu = editor.photo.menu()
    assert [(a.text(), a.isEnabled()) for a in menu.actions()] == [
        ("View photo", True), ("Set photo…", False), ("Remove photo", False)]
    editor.photo.thumb.setFocus()
    qtbot.keyClick(editor.photo.thumb, Qt.Key.Key_Delete)
    assert len(stored(db)) == 1


def test_in_chinese(qtbot, win: MainWindow, db: Database, client_id: int) -> None:  # type: ignore[no-untyped-def]
    win.switch_language("zh")
    view = open_card(win, client_id)
    assert view.thumb.text() == "照片"
    assert "拖" in view.thumb.toolTip()
    PhotoService(db, clock, "王磊").set_photo(client_id, halves(200, 100))
    view.reload()
    assert [a.text() for a in view.menu().actions()] == ["查看照片", "设置照片…", "移除照片"]
    view.remove()
    assert view.undo_button.text() == "撤销（Ctrl+Z）"
    assert history(win)[0][1:] == ("照片", "已移除")
    dialog = PhotoDialog(halves(50, 50, "JPEG"), "曾国方", True, view)
    assert (dialog.windowTitle(), dialog.set_button.text(), dialog.remove_button.text()) == (
        "曾国方的照片", "设置照片…", "移除照片")
    dialog.deleteLater()
    assert photo_view.PICTURE_FILES.startswith("*.jpg")
