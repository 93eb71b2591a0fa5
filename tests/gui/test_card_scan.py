"""New client from a business card (ui/clients/card_scan.py): the scan runs
off the window, the new-card form opens filled and marked, nothing is saved
until the user saves, a card that looks like a client offers to update it,
the card's image is kept on save, bad images give one message, Cancel stops
the scan, and an image dropped on the client list is read."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QIODevice, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QPushButton

from desktop_crm import i18n
from desktop_crm.domain.business_card import CardFields
from desktop_crm.domain.errors import CrmError
from desktop_crm.services.card_scan import scan_card
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.services.photos import PhotoService
from desktop_crm.ui.clients.card_scan import CardScanFlow
from desktop_crm.ui.clients.fields import PhoneRow
from tests.gui.conftest import finished, type_text
from tests.helpers import card_render

WANG = CardFields(name="王小明", title="销售经理", company="深圳前海星河科技有限公司",
                  mobiles=("139 2233 4455",), emails=("wang@xinghe.cn",),
                  address="深圳市南山区科技园南路 88 号", website="www.xinghe.cn")
# 曾国方's mobile (the ``seeded`` fixture) on a card with a new e-mail and title
ZENG = CardFields(name="曾国方", title="采购总监", company="华为技术有限公司",
                  mobiles=("138 0013 8000",), emails=("zeng@huawei.example",))
TOOLTIP = {"en": "Read from the business card: check it", "zh": "从名片识别：请核对"}


def jpeg() -> bytes:
    image = QImage(90, 54, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPEG")
    return bytes(buffer.data().data())


@dataclass(frozen=True)
class Scan:
    """A stand-in for services.card_scan.ScanResult."""

    fields: CardFields
    image_jpeg: bytes


def scanner_of(fields: CardFields) -> Callable[..., Scan]:
    def scan(path: Path, *, cancelled: Callable[[], bool] = lambda: False) -> Scan:
        return Scan(fields, jpeg())
    return scan


@pytest.fixture
def flow(window) -> CardScanFlow:  # type: ignore[no-untyped-def]
    """The window's own flow (real drafting service and photos), with a
    stand-in scanner (the real engine: the slow test at the end)."""
    flow = window.clients.card_scan
    assert flow is not None
    flow.scanner = scanner_of(WANG)
    return flow


def _photo(db, client_id: int) -> bytes | None:  # type: ignore[no-untyped-def]
    return PhotoService(db).photo(client_id)


def _photos(db) -> list[int]:  # type: ignore[no-untyped-def]
    service = ClientService(db)
    return [i for i in service.list_ids(ClientFilter()) if _photo(db, i) is not None]


def _names(db) -> list[str]:  # type: ignore[no-untyped-def]
    service = ClientService(db)
    return sorted(service.get(i).name for i in service.list_ids(ClientFilter()))


def _set_language(window, lang: str) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language(lang)
    window.retranslate()


def _scan(qtbot, flow: CardScanFlow, tmp_path: Path, fields: CardFields | None = None):  # type: ignore[no-untyped-def]
    if fields is not None:
        flow.scanner = scanner_of(fields)
    path = tmp_path / "card.jpg"
    path.write_bytes(jpeg())
    return finished(qtbot, flow.start(path))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_card_fills_the_new_card_marked_and_is_saved_only_by_the_user(  # type: ignore[no-untyped-def]
        qtbot, window, db, seeded, flow, tmp_path, lang):
    _set_language(window, lang)
    editor = window.clients.editor
    _scan(qtbot, flow, tmp_path)
    basics = editor.basics
    assert editor.client_id is None and editor.is_dirty()
    assert (basics.name.text(), basics.title.text(), basics.company.text(),
            basics.email.text(), basics.address.text()) == (
        "王小明", "销售经理", "深圳前海星河科技有限公司", "wang@xinghe.cn",
        "深圳市南山区科技园南路 88 号")
    phone = basics.phones.rows[0]
    assert isinstance(phone, PhoneRow) and phone.number.text() == "139 2233 4455"
    assert basics.website.text() == "www.xinghe.cn"
    for field in (basics.name, basics.title, basics.company, basics.email, basics.address,
                  basics.website, phone.number):
        assert flow.marks.is_marked(field)
        assert field.toolTip() == TOOLTIP[lang]
        assert "background" in field.styleSheet()
    assert not flow.marks.is_marked(basics.wechat)  # the card had none
    assert basics.owner.text() == window.clients.service.user
    assert flow.banner.isVisible() and not flow.banner.rows
    assert flow.banner.keep_image.isVisible() and flow.banner.keep_image.isChecked()
    assert flow.banner.keep_image.text() == {
        "en": "Keep the card's image on the client", "zh": "把名片图片保存到客户卡片"}[lang]
    assert flow.banner.text.text().startswith(
        {"en": "Read from a business card.", "zh": "已从名片识别。"}[lang])
    assert _names(db) == ["John Smith", "曾国方", "李娜"]  # nothing saved yet

    # the user corrects the title: its mark goes, the others stay
    basics.title.selectAll()
    type_text(basics.title, "销售总监" if lang == "zh" else "Sales Director")
    assert not flow.marks.is_marked(basics.title) and basics.title.styleSheet() == ""
    assert basics.title.toolTip() == ""
    assert flow.marks.is_marked(basics.name)

    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    client_id = editor.client_id
    assert client_id is not None
    card = ClientService(db).get(client_id)
    assert (card.name, card.title, card.company, card.email, card.website) == (
        "王小明", "销售总监" if lang == "zh" else "Sales Director", "深圳前海星河科技有限公司",
        "wang@xinghe.cn", "www.xinghe.cn")
    assert [p.number for p in card.phones] == ["139 2233 4455"]
    photo = _photo(db, client_id)
    assert photo is not None and photo.startswith(b"\xff\xd8")  # the card's JPEG
    assert editor.photo.has_photo() and editor.photo.isVisible()  # on the card at once
    assert _photos(db) == [client_id]
    assert not flow.marks.marked() and not flow.banner.isVisible() and not flow.active


def test_leaving_the_read_card_unsaved_keeps_nothing(  # type: ignore[no-untyped-def]
        qtbot, window, db, seeded, flow, tmp_path, answer_dialogs):
    window.clients.apply_filter()
    _scan(qtbot, flow, tmp_path)
    answers, asked = answer_dialogs
    answers.append(QMessageBox.StandardButton.Discard)
    window.clients._select(seeded["李娜"])
    assert window.clients.editor.basics.name.text() == "李娜"
    assert len(asked) == 1  # the unsaved card from the business card: discarded
    qtbot.waitUntil(lambda: not flow.banner.isVisible())
    assert not flow.marks.marked() and not flow.active
    assert _names(db) == ["John Smith", "曾国方", "李娜"] and _photos(db) == []
    basics = window.clients.editor.basics
    basics.notes.setPlainText("called back")
    assert window.clients.editor.save()  # a later save of another card keeps no image
    assert _photos(db) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_card_of_a_client_offers_to_update_that_client(  # type: ignore[no-untyped-def]
        qtbot, window, db, seeded, flow, tmp_path, lang):
    _set_language(window, lang)
    editor = window.clients.editor
    _scan(qtbot, flow, tmp_path, ZENG)
    assert [row.match.client_id for row in flow.banner.rows] == [seeded["曾国方"]]
    row = flow.banner.rows[0]
    assert row.label.text() == {
        "en": "• 曾国方, 北京华为科技有限公司 (same mobile 138 0013 8000)",
        "zh": "• 曾国方, 北京华为科技有限公司（手机相同：138 0013 8000）"}[lang]
    assert row.update_button.text() == {"en": "Update that client", "zh": "更新该客户"}[lang]
    assert flow.banner.create_button.isVisible()

    qtbot.mouseClick(row.update_button, Qt.MouseButton.LeftButton)
    basics = editor.basics
    assert editor.client_id == seeded["曾国方"] and editor.is_dirty()
    assert window.clients.model.id_at(window.clients.view.currentIndex().row()) == \
        seeded["曾国方"]
    assert (basics.title.text(), basics.email.text()) == ("采购总监", "zeng@huawei.example")
    assert flow.marks.is_marked(basics.title) and flow.marks.is_marked(basics.email)
    assert not flow.marks.is_marked(basics.name)  # the same as stored
    assert not any(flow.marks.is_marked(r.number) for r in basics.phones.rows
                   if isinstance(r, PhoneRow))  # the number it has already
    assert flow.banner.isVisible() and not flow.banner.rows
    assert "曾国方" in flow.banner.text.text()
    # the client card's company stays; the banner says what the card has
    assert basics.company.text() == "北京华为科技有限公司"
    assert not flow.marks.is_marked(basics.company)
    assert flow.banner.differing.isVisible()
    assert flow.banner.differing.text().splitlines()[1] == {
        "en": "• Company: 华为技术有限公司", "zh": "• 公司：华为技术有限公司"}[lang]
    assert _names(db) == ["John Smith", "曾国方", "李娜"]
    assert ClientService(db).get(seeded["曾国方"]).email == ""  # not saved yet

    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    card = ClientService(db).get(seeded["曾国方"])
    assert (card.title, card.email) == ("采购总监", "zeng@huawei.example")
    assert [p.number for p in card.phones] == ["138 0013 8000"]
    assert _names(db) == ["John Smith", "曾国方", "李娜"]
    assert _photos(db) == [seeded["曾国方"]]
    # the photo counted a version of the card: the next edit saves without a conflict
    basics.notes.setPlainText("met at the fair")
    assert editor.save()
    assert ClientService(db).get(seeded["曾国方"]).notes == "met at the fair"


def test_create_a_new_client_goes_on_with_the_card_and_without_the_image(  # type: ignore[no-untyped-def]
        qtbot, window, db, seeded, flow, tmp_path):
    editor = window.clients.editor
    _scan(qtbot, flow, tmp_path, ZENG)
    qtbot.mouseClick(flow.banner.create_button, Qt.MouseButton.LeftButton)
    assert not flow.banner.rows and not flow.banner.create_button.isVisible()
    assert editor.client_id is None and editor.basics.name.text() == "曾国方"
    flow.banner.keep_image.setChecked(False)
    assert editor.save()
    assert _names(db) == ["John Smith", "曾国方", "曾国方", "李娜"]
    assert _photos(db) == []


@pytest.fixture
def messages(monkeypatch):  # type: ignore[no-untyped-def]
    shown: list[tuple[str, str]] = []

    def box(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        shown.append((title, text))
        return QMessageBox.StandardButton.Ok
    for kind in ("critical", "warning"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(box))
    return shown


def _bad_scanner(path: Path, *, cancelled: Callable[[], bool] = lambda: False) -> Scan:
    raise CrmError(f"{path.name} is not an image")


def _blank_png(path: Path) -> None:
    image = QImage(600, 360, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    assert image.save(str(path), "PNG")


@pytest.mark.parametrize("case", ["text file", "no fields", "real: text file",
                                  "real: blank card"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_bad_image_is_one_message_and_changes_nothing(  # type: ignore[no-untyped-def]
        qtbot, window, db, seeded, flow, tmp_path, messages, case, lang):
    _set_language(window, lang)
    tab = window.clients
    tab.apply_filter()
    tab._select(seeded["李娜"])
    path = tmp_path / "notes.jpg"
    path.write_text("not a picture")
    flow.scanner = {"text file": _bad_scanner, "no fields": scanner_of(CardFields()),
                    "real: text file": scan_card, "real: blank card": scan_card}[case]
    if case == "real: blank card":
        path = tmp_path / "blank.png"
        _blank_png(path)
    finished(qtbot, flow.start(path))
    assert len(messages) == 1
    assert messages[0][0] == {"en": "Could not read the business card",
                              "zh": "无法识别名片"}[lang]
    if case.startswith("real"):  # scan_card's own message, naming the file
        assert path.name in messages[0][1]
    assert tab.editor.client_id == seeded["李娜"] and not tab.editor.is_dirty()
    assert not flow.banner.isVisible() and not flow.marks.marked()
    assert _names(db) == ["John Smith", "曾国方", "李娜"] and _photos(db) == []


def _progress() -> list[QProgressDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QProgressDialog) and w.isVisible()]


@pytest.mark.parametrize("stops_by", ["returning", "raising"])
def test_cancel_stops_the_scan_and_changes_nothing(  # type: ignore[no-untyped-def]
        qtbot, window, db, seeded, flow, tmp_path, stops_by):
    tab = window.clients
    tab.apply_filter()
    tab._select(seeded["李娜"])
    stopped = threading.Event()

    def slow(path: Path, *, cancelled: Callable[[], bool] = lambda: False) -> Scan:
        while not cancelled():
            stopped.wait(0.01)
        stopped.set()
        if stops_by == "raising":  # as scan_card does: a message no one needs to see
            raise CrmError("Reading the business card was cancelled.")
        return Scan(WANG, jpeg())

    flow.scanner = slow
    path = tmp_path / "card.png"
    path.write_bytes(jpeg())
    operation = flow.start(path)
    qtbot.waitUntil(lambda: bool(_progress()), timeout=5000)
    assert _progress()[0].labelText() == "Reading the business card…"
    with qtbot.waitSignal(operation.done, timeout=10_000):
        _progress()[0].findChild(QPushButton).click()
    assert stopped.is_set()
    assert tab.editor.client_id == seeded["李娜"] and not tab.editor.is_dirty()
    assert not flow.banner.isVisible()
    assert _names(db) == ["John Smith", "曾国方", "李娜"]


def _drop(widget, path: Path) -> tuple[bool, bool]:  # type: ignore[no-untyped-def]
    """Drag ``path`` over ``widget`` and drop it; whether each was accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    action = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(QPoint(20, 20), action, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    drop = QDropEvent(QPointF(20, 20), action, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return enter.isAccepted(), drop.isAccepted()


def test_an_image_dropped_on_the_client_list_is_read(  # type: ignore[no-untyped-def]
        qtbot, window, db, seeded, flow, tmp_path):
    tab = window.clients
    text = tmp_path / "notes.txt"
    text.write_text("not a card")
    assert _drop(tab.view.viewport(), text) == (False, False)
    assert flow.operation is None
    image = tmp_path / "名片.PNG"
    image.write_bytes(jpeg())
    assert _drop(tab.view.viewport(), image) == (True, True)
    qtbot.waitUntil(lambda: flow.operation is not None)
    finished(qtbot, flow.operation)
    assert tab.editor.basics.name.text() == "王小明"
    assert flow.marks.is_marked(tab.editor.basics.name)
    assert _names(db) == ["John Smith", "曾国方", "李娜"]


def test_the_menu_entry_asks_for_the_image_and_its_key_is_its_own(  # type: ignore[no-untyped-def]
        qtbot, window, db, seeded, flow, tmp_path, monkeypatch):
    path = tmp_path / "card.jpeg"
    path.write_bytes(jpeg())
    asked: list[str] = []

    def open_file(parent, title, start, filters):  # type: ignore[no-untyped-def]
        asked.append(title)
        return path
    monkeypatch.setattr("desktop_crm.ui.file_dialogs.open_file", open_file)
    window.tabs.setCurrentWidget(window.today)
    assert window.act_scan_card in window.file_menu.actions()
    window.act_scan_card.trigger()
    assert asked == ["New client from business card"]
    assert window.tabs.currentWidget() is window.clients
    finished(qtbot, flow.operation)
    assert window.clients.editor.basics.name.text() == "王小明"
    keys = [key.toString() for action in window.findChildren(type(window.act_scan_card))
            for key in action.shortcuts()]
    assert keys.count(window.act_scan_card.shortcut().toString()) == 1
    assert window.act_scan_card.shortcut() == QKeySequence("Ctrl+Shift+B")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_banner_shows_its_texts_whole_at_1280_by_800(  # type: ignore[no-untyped-def]
        qtbot, window, db, seeded, flow, tmp_path, lang):
    _set_language(window, lang)
    window.resize(1280, 800)
    window.tabs.setCurrentWidget(window.clients)
    _scan(qtbot, flow, tmp_path, ZENG)
    banner = flow.banner
    qtbot.waitUntil(lambda: banner.rows and banner.rows[0].isVisible())
    for button in (banner.create_button, banner.rows[0].update_button):
        assert button.width() >= button.sizeHint().width(), button.text()
    check = banner.keep_image
    assert check.width() >= check.sizeHint().width()
    for label in (banner.text, banner.matches_label, banner.rows[0].label):
        assert label.height() >= label.heightForWidth(label.width()), label.text()
    # the card's fields keep most of the pane
    assert window.clients.editor.pages.height() > 2 * banner.height()


@pytest.mark.slow
def test_a_rendered_card_read_by_the_real_engine_updates_its_client(  # type: ignore[no-untyped-def]
        qtbot, window, db, seeded, tmp_path):
    """End to end: the offline OCR engine reads a card Qt rendered (李娜's,
    turned 3 degrees), the real drafting service finds 李娜 by her mobile,
    and Update that client stores the card's news and image on save."""
    tab = window.clients
    flow = tab.card_scan
    assert flow is not None
    spec = next(s for s in card_render.card_set() if s.key == "zh2")
    path = tmp_path / "名片.jpg"
    card_render.save(spec, path)
    operation = flow.start(path)
    finished(qtbot, operation, timeout=180_000)
    assert operation.error is None, operation.error
    assert tab.editor.basics.name.text() == "李娜"
    assert flow.marks.is_marked(tab.editor.basics.name)
    assert [row.match.client_id for row in flow.banner.rows] == [seeded["李娜"]]
    assert "139 1234 5678" in flow.banner.rows[0].label.text()
    qtbot.mouseClick(flow.banner.rows[0].update_button, Qt.MouseButton.LeftButton)
    assert tab.editor.client_id == seeded["李娜"] and tab.editor.is_dirty()
    email = tab.editor.basics.email
    assert email.text().endswith("@mingyuan-sh.com")  # the engine may read l as 1
    assert flow.marks.is_marked(email)
    assert PhotoService(db).photo(seeded["李娜"]) is None  # nothing before the save
    email.selectAll()  # the user checks it and types it right
    qtbot.keyClicks(email, "lina@mingyuan-sh.com")
    assert not flow.marks.is_marked(email)
    title = tab.editor.basics.title.text()
    assert title and flow.marks.is_marked(tab.editor.basics.title)
    qtbot.mouseClick(tab.editor.save_button, Qt.MouseButton.LeftButton)
    card = ClientService(db).get(seeded["李娜"])
    assert (card.title, card.email) == (title, "lina@mingyuan-sh.com")
    photo = PhotoService(db).photo(seeded["李娜"])
    assert photo is not None and photo.startswith(b"\xff\xd8")  # a JPEG
    assert not tab.editor.is_dirty()
    assert _names(db) == ["John Smith", "曾国方", "李娜"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_card_that_adds_nothing_offers_its_image_alone(  # type: ignore[no-untyped-def]
        qtbot, window, db, seeded, flow, tmp_path, lang):
    _set_language(window, lang)
    editor = window.clients.editor
    same = CardFields(name="李娜", company="上海云帆贸易有限公司", mobiles=("139-1234-5678",))
    _scan(qtbot, flow, tmp_path, same)
    qtbot.mouseClick(flow.banner.rows[0].update_button, Qt.MouseButton.LeftButton)
    assert editor.client_id == seeded["李娜"] and not editor.is_dirty()  # nothing to save
    assert not flow.marks.marked()
    banner = flow.banner
    assert banner.text.text() == {"en": "The business card adds nothing new to 李娜.",
                                  "zh": "名片上没有 李娜 尚未记录的信息。"}[lang]
    assert not banner.keep_image.isVisible() and banner.image_button.isVisible()
    assert _photos(db) == []
    qtbot.mouseClick(banner.image_button, Qt.MouseButton.LeftButton)
    assert _photos(db) == [seeded["李娜"]]
    assert editor.photo.has_photo() and not banner.isVisible() and not flow.active
    editor.basics.notes.setPlainText("likes tea")  # the card's next save is not stale
    assert editor.save()


def test_unsaved_edits_are_asked_about_once_before_the_scan(  # type: ignore[no-untyped-def]
        qtbot, window, db, seeded, flow, tmp_path, answer_dialogs):
    tab = window.clients
    tab.apply_filter()
    tab._select(seeded["李娜"])
    tab.editor.basics.notes.setPlainText("half typed")
    answers, asked = answer_dialogs
    answers.append(QMessageBox.StandardButton.Discard)
    _scan(qtbot, flow, tmp_path)
    assert len(asked) == 1
    assert tab.editor.basics.name.text() == "王小明" and tab.editor.client_id is None
    assert ClientService(db).get(seeded["李娜"]).notes == ""
