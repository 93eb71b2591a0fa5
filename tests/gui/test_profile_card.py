"""The Mackay 66 page (issue 17, item 13) through the real widgets, in both
languages: the name, title, company, phones and birthday come from the card,
read-only, with where to edit them; only the rest (the nickname) is typed and
stored; the header shows the date, the last revision and who filled it in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import QSettings

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.dates import DateSpec
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database
from desktop_crm.ui.main_window import MainWindow
from tests.conftest import Clock
from tests.gui.conftest import shown, type_text

pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]

TEXTS = {
    "en": {"hint": "From the card: edit it on the Basics page", "nickname": "Nickname",
           "phones": "138 0013 8000 (Mobile)", "not yet": "Not filled in yet",
           "missing": "Not on the card yet"},
    "zh": {"hint": "取自客户卡片：请在“基本信息”页修改", "nickname": "昵称",
           "phones": "138 0013 8000（手机）", "not yet": "尚未填写",
           "missing": "卡片上尚未填写"},
}


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 5, 16, 20))


@pytest.fixture
def client_id(db: Database, clock: Clock) -> int:
    card = ClientCard(name="王芳", title="采购经理", company="上海云帆贸易有限公司",
                      phones=[Phone("138 0013 8000")], birthday=DateSpec.solar(3, 22, 1985))
    return ClientService(db, clock, user="李娜").save(card)


@pytest.fixture
def win(qtbot, db: Database, settings: QSettings, client_id: int,  # type: ignore[no-untyped-def]
        clock: Clock) -> Iterator[MainWindow]:
    yield from shown(qtbot, MainWindow(db, settings, clock))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_card_answers_are_shown_read_only_and_not_stored(
        qtbot, win: MainWindow, db: Database, clock: Clock, client_id: int, lang: str) -> None:  # type: ignore[no-untyped-def]
    texts = TEXTS[lang]
    win.switch_language(lang)
    win.open_client(client_id)
    editor = win.clients.editor
    page = editor.profile
    editor.pages.setCurrentIndex(4)  # Mackay 66
    assert page.card_answers[1].text() == "王芳"
    assert page.card_answers[2].text() == "采购经理"
    assert page.card_answers[3].text() == "上海云帆贸易有限公司"
    assert page.card_answers[4].text() == texts["phones"]
    assert page.card_answers[5].text() == "1985-03-22"
    assert page.card_hints[2].text() == texts["hint"]
    assert page.card_hints[2].isVisible()
    # nothing to type where the card answers the whole question
    assert not page.answers[2].isVisible() and not page.answers[4].isVisible()
    assert page.answers[1].isVisible()
    assert page.answers[1].placeholderText() == texts["nickname"]
    assert page.started.text() == texts["not yet"]
    assert "5/66" in page.gauge.text()

    type_text(page.answers[1], "小芳")
    assert "5/66" in page.gauge.text()  # question 1 was answered by the card already
    type_text(page.answers[45], "清蒸鱼")
    assert "6/66" in page.gauge.text()
    clock.advance(minutes=5)
    assert editor.save()
    card = ClientService(db).get(client_id)
    assert card.profile == {1: "小芳", 45: "清蒸鱼"}  # not the name, title, phones again
    assert card.profile_filled_by == win.services.user
    assert page.filled_by.text() == win.services.user
    assert page.started.text() == "2026-11-05"
    assert page.revised.text() == "2026-11-05 16:25"


def test_the_card_answers_follow_the_card_as_it_is_edited(
        qtbot, win: MainWindow, client_id: int) -> None:  # type: ignore[no-untyped-def]
    win.open_client(client_id)
    editor = win.clients.editor
    editor.pages.setCurrentIndex(0)
    editor.basics.title.clear()
    type_text(editor.basics.title, "总经理")
    editor.basics.phones.rows[0].number.clear()
    editor.pages.setCurrentIndex(4)
    assert editor.profile.card_answers[2].text() == "总经理"
    assert editor.profile.card_answers[4].text() == TEXTS["en"]["missing"]
    assert "4/66" in editor.profile.gauge.text()


def test_an_answer_stored_before_the_card_took_it_over_is_kept(
        qtbot, win: MainWindow, db: Database, client_id: int) -> None:  # type: ignore[no-untyped-def]
    service = ClientService(db, user="李娜")
    card = service.get(client_id)
    card.profile = {2: "采购部负责人"}
    service.save(card)
    win.open_client(client_id)
    editor = win.clients.editor
    editor.pages.setCurrentIndex(4)
    page = editor.profile
    assert page.answers[2].isVisible() and page.answers[2].text() == "采购部负责人"
    assert page.filled_by.placeholderText() == "李娜"  # who first answered
    page.answers[2].clear()
    assert editor.save()
    assert service.get(client_id).profile == {}
