"""A workbook exported by the app and edited in Excel re-imports by its UUID
column: edited rows update their clients, nothing else changes or doubles. It
is opened as the user opens it, without choosing a sheet: the client sheet is
read, not the Summary before it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.services.demo import generate
from desktop_crm.services.exporting import export_xlsx
from desktop_crm.services.importing import ImportService
from desktop_crm.storage.database import Database

NOW = datetime(2026, 11, 24, 9, 0)


@pytest.mark.parametrize(("lang", "sheet"), [("en", "Clients"), ("zh", "客户")])
def test_an_exported_workbook_reimports_without_changes_then_with_one_edit(
        db: Database, tmp_path: Path, lang: str, sheet: str) -> None:
    generate(db, 40, seed=2, now=NOW)
    clients = ClientService(db)
    before = {cid: clients.get(cid) for cid in clients.list_ids(ClientFilter())}
    exported = tmp_path / "book.xlsx"
    export_xlsx(db, exported, lang=lang, clock=lambda: NOW)
    service = ImportService(db, lambda: NOW, backup_first=False)
    source = service.open(exported)
    assert source.table.sheet == sheet
    plan = service.plan(source, None, "skip")
    assert (plan.counts["created"], plan.counts["updated"], plan.counts["invalid"]) == (0, 0, 0)
    assert plan.warnings == []
    book = openpyxl.load_workbook(exported)
    rows = book[sheet]
    rows.cell(2, 2).value = "改过的名字"
    edited_id = int(rows.cell(2, 1).value)
    book.save(exported)
    result = service.commit(service.open(exported), None, "skip")
    assert (result.counts["created"], result.counts["updated"]) == (0, 1)
    after = {cid: clients.get(cid) for cid in clients.list_ids(ClientFilter())}
    assert after.keys() == before.keys()
    assert after[edited_id].name == "改过的名字"
    for cid, card in before.items():  # lunar birthdays, genders, phones: all kept
        if cid != edited_id:
            assert (after[cid].birthday, after[cid].gender, after[cid].phones, after[cid].notes
                    ) == (card.birthday, card.gender, card.phones, card.notes)
