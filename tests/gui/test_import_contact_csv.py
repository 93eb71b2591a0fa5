"""The import dialog with a Google Contacts export (read into fixed columns,
named as such) and with a file whose columns are all unknown (the columns
found listed, and that none holds a name), in both languages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop_crm import i18n
from desktop_crm.services.clients import ClientService
from desktop_crm.services.importing import ImportService
from desktop_crm.storage.database import Database
from desktop_crm.ui.import_dialog import ImportDialog
from tests.conftest import TESTDATA

pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]

UNKNOWN = "Kundennummer,Vorname Nachname,Telefonnummer\nK-1,Max Mustermann,+49 30 1234567\n"


def _screenshot(dlg: ImportDialog, name: str) -> None:
    out = os.environ.get("DESKTOP_CRM_SCREENSHOTS")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        assert dlg.grab().save(str(Path(out) / name))


def _shown_dialog(qtbot, service: ImportService, path: Path) -> ImportDialog:  # type: ignore[no-untyped-def]
    """The import dialog over ``path``, shown."""
    dlg = ImportDialog(service, service.open(path))
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


@pytest.mark.parametrize(("lang", "summary", "note"), [
    ("en", "No column is mapped to the client's name",
     "None of the columns found is one the app knows, so none of them holds the client's "
     "name: Kundennummer, Vorname Nachname, Telefonnummer.\nChoose Name (or Family name and "
     "Given name) above the column that holds the client's name; nothing can be imported "
     "until one does."),
    ("zh", "没有一列对应到客户姓名",
     "文件中的列本软件都不认识，因此没有一列存放客户姓名：Kundennummer, Vorname Nachname, "
     "Telefonnummer。\n请在存放客户姓名的列上方选择“姓名”（或“姓”和“名”）；选好之前无法导入。"),
])
def test_all_columns_unknown(qtbot, db: Database, tmp_path: Path, lang: str,  # type: ignore[no-untyped-def]
                             summary: str, note: str) -> None:
    path = tmp_path / "kunden.csv"
    path.write_text(UNKNOWN, encoding="utf-8")
    service = ImportService(db, backup_first=False)
    i18n.set_language(lang)
    try:
        dlg = _shown_dialog(qtbot, service, path)
        assert dlg.plan is None and not dlg.import_button.isEnabled()
        assert dlg.summary.text() == summary
        assert dlg.errors_note.isVisibleTo(dlg) and dlg.errors_note.text() == note
        assert dlg.problems_table.horizontalHeaderItem(0).text() == ("Row" if lang == "en"
                                                                     else "行")
        _screenshot(dlg, f"import-unknown-columns-{lang}.png")
        # once a column is chosen as the name, the note is gone and it imports
        combo = dlg.column_combos[1]
        combo.setCurrentIndex(combo.findData("name"))
        dlg.replan()
        assert dlg.plan is not None and dlg.import_button.isEnabled()
        assert not dlg.errors_note.isVisibleTo(dlg)
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize(("lang", "label"), [
    ("en", "contacts.csv (CSV, an export of Google Contacts)"),
    ("zh", "contacts.csv（CSV，从 Google 通讯录 导出）"),
])
def test_google_contacts_export(qtbot, db: Database, tmp_path: Path, lang: str,  # type: ignore[no-untyped-def]
                                label: str) -> None:
    text = (TESTDATA / "csv" / "roundcube_gmail.csv").read_text(encoding="utf-8")
    path = tmp_path / "contacts.csv"
    path.write_bytes(b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"))
    service = ImportService(db, backup_first=False)
    i18n.set_language(lang)
    try:
        dlg = _shown_dialog(qtbot, service, path)
        assert dlg.file_label.text() == label
        assert not dlg.header_spin.isVisibleTo(dlg)  # fixed columns, like a vCard's
        assert dlg.mapping()[0] == "name" and "fax" in dlg.mapping().values()
        assert dlg.preview_table.item(1, 0).text() == "Firstname Middle Lastname"
        assert dlg.plan is not None and dlg.plan.counts["created"] == 1
        _screenshot(dlg, f"import-google-contacts-{lang}.png")
        service.commit(dlg.source, dlg.mapping(), dlg.policy(), plan=dlg.plan)
    finally:
        i18n.set_language("en")
    card = ClientService(db).get(ClientService(db).search("")[0].id)
    assert card.email == "home@aaa.pl" and card.tags == ["Test"]
