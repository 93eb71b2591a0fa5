"""Quick add from an unknown number (issue 17, item 10): a search for phone
digits that match nobody offers "New client with this phone" in the empty
list, and Ctrl+N after such a search does the same, prefilled."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop_crm.domain.enums import ClientKind
from desktop_crm.services.clients import ClientService
from desktop_crm.ui.clients.fields import PhoneRow
from desktop_crm.ui.clients.quick_add import phone_query
from tests.gui.conftest import type_text


def _search(qtbot, window, text: str) -> None:  # type: ignore[no-untyped-def]
    tab = window.clients
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    tab.search.clear()
    if text.isascii():
        qtbot.keyClicks(tab.search, text)
    else:  # CJK is committed by the input method
        type_text(tab.search, text)


def _phones(editor) -> list[str]:  # type: ignore[no-untyped-def]
    rows = editor.basics.phones.rows
    assert all(isinstance(r, PhoneRow) for r in rows)
    return [r.number.text() for r in rows]


@pytest.mark.parametrize("lang, empty, offer, saved", [
    ("en", "No client has the phone 139 8765 4321",
     "New client with this phone: 139 8765 4321 (Ctrl+N)", "Saved 周洁"),
    ("zh", "没有客户使用电话 139 8765 4321", "用此电话新建客户：139 8765 4321（Ctrl+N）", "已保存"),
])
def test_an_unknown_number_offers_a_new_card_with_that_phone(  # type: ignore[no-untyped-def]
        qtbot, window, seeded, db, lang, empty, offer, saved):
    window.switch_language(lang)
    tab, editor = window.clients, window.clients.editor
    _search(qtbot, window, "139 8765 4321")
    assert tab.model.rowCount() == 0 and tab.empty_label.isVisible()
    assert tab.empty_label.text() == empty
    assert tab.quick_add.isVisible() and tab.quick_add.text() == offer
    qtbot.mouseClick(tab.quick_add, Qt.MouseButton.LeftButton)

    assert editor.isVisible() and editor.client_id is None
    assert _phones(editor) == ["139 8765 4321"]
    assert editor.is_dirty() and editor.save_button.isEnabled()
    assert editor.basics.name.hasFocus()
    type_text(editor.basics.name, "周洁")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    card = ClientService(db).get(editor.client_id)
    assert (card.name, [p.number for p in card.phones]) == ("周洁", ["139 8765 4321"])
    assert saved in window.statusBar().currentMessage()
    # the search now finds the new client: nothing more to offer
    assert [tab.model.data(tab.model.index(r, 0)) for r in range(tab.model.rowCount())] \
        == ["周洁"]
    assert not tab.quick_add.isVisible()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ctrl_n_after_an_unknown_number_prefills_it(qtbot, window, seeded, lang):  # type: ignore[no-untyped-def]
    window.switch_language(lang)
    tab, editor = window.clients, window.clients.editor
    _search(qtbot, window, "+86-137-0000-1111")
    assert tab.quick_add.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert editor.client_id is None and _phones(editor) == ["+86-137-0000-1111"]
    assert editor.basics.name.text() == ""
    # a plain Ctrl+N after a search for a name: an empty new card, as before
    editor.revert()
    _search(qtbot, window, "wangfang")
    assert tab.model.rowCount() == 0 and not tab.quick_add.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert editor.client_id is None and _phones(editor) == []


def test_nothing_is_offered_for_a_known_or_short_number(qtbot, window, seeded):  # type: ignore[no-untyped-def]
    tab = window.clients
    for text in ("5678", "139-1234-5678", "123", "zhang", "李娜"):
        _search(qtbot, window, text)
        assert not tab.quick_add.isVisible(), text
    # 李娜's number hidden by a filter is not an unknown number
    tab.kind.setCurrentIndex(tab.kind.findData(ClientKind.ORGANISATION.value))
    _search(qtbot, window, "139-1234-5678")
    assert tab.model.rowCount() == 0 and not tab.quick_add.isVisible()
    # nor is one in the trash
    tab.kind.setCurrentIndex(0)
    ClientService(window.db).delete(seeded["李娜"])
    _search(qtbot, window, "13912345678")
    assert tab.model.rowCount() == 0 and not tab.quick_add.isVisible()


def test_what_counts_as_a_phone_search() -> None:
    assert phone_query(" 1380 ") == "1380"
    assert phone_query("(010) 6552-1234") == "(010) 6552-1234"
    assert phone_query("+86 138") == "+86 138"
    assert phone_query("138") is None  # fewer than four digits
    assert phone_query("138a") is None and phone_query("") is None
