"""The card's Website field (网址, issue 18): shown on the Basics page in both
languages, typed, saved to the database and listed in the history."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from desktop_crm.services.clients import ClientService
from tests.gui.conftest import type_text

pytestmark = pytest.mark.usefixtures("everyone")


def _caption(page, widget) -> str:  # type: ignore[no-untyped-def]
    label = page.form.labelForField(widget)
    assert isinstance(label, QLabel)
    return label.text()


@pytest.mark.parametrize(("lang", "caption", "history"), [("en", "Website", "Website"),
                                                          ("zh", "网址", "网址")])
def test_website_is_typed_saved_and_in_the_history(qtbot, db, seeded, window, lang,  # type: ignore[no-untyped-def]
                                                   caption, history):
    window.switch_language(lang)
    editor = window.clients.editor
    window.clients._select(seeded["李娜"])
    basics = editor.basics
    assert basics.website.isVisible()
    assert _caption(basics, basics.website) == caption
    assert basics.website.placeholderText() == "www.example.com"
    type_text(basics.website, "www.lina-trade.cn")
    assert editor.save()
    assert ClientService(db).get(seeded["李娜"]).website == "www.lina-trade.cn"
    rows = [[editor.history.item(r, c).text() for c in range(editor.history.columnCount())]
            for r in range(editor.history.rowCount())]
    assert rows[0][2:] == [history, "", "www.lina-trade.cn"]
    window.clients._select(seeded["曾国方"])
    assert basics.website.text() == ""
    window.clients._select(seeded["李娜"])
    assert basics.website.text() == "www.lina-trade.cn"
