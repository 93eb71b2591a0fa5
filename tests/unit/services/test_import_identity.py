"""How an import finds a row's client: by UUID first, by the integer ID only
in a workbook of this very database (and only when the UUIDs agree), else by
the duplicate rules; a client in the trash is never brought back silently."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty

from desktop_crm.domain.client import ClientCard, Interaction, Phone
from desktop_crm.domain.enums import Channel
from desktop_crm.domain.identity import DATABASE_UUID_PROPERTY, new_uuid
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.services.exporting import export_xlsx
from desktop_crm.services.importing import ImportService, open_source
from desktop_crm.services.importing.origin import workbook_database_uuid
from desktop_crm.storage import identity_repo
from desktop_crm.storage.database import Database

NOW = datetime(2026, 12, 5, 9, 0)


def _clock() -> datetime:
    return NOW


def _database_uuid(db: Database) -> str:
    with db.read() as s:
        return identity_repo.database_uuid(s)


def _xlsx(path: Path, rows: list[list[Any]], origin: str | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if origin is not None:
        book.custom_doc_props.append(StringProperty(name=DATABASE_UUID_PROPERTY, value=origin))
    book.save(path)
    return path


def _service(db: Database) -> ImportService:
    return ImportService(db, _clock, user="importer", backup_first=False)


def test_the_workbook_names_its_database(db: Database, tmp_path: Path) -> None:
    """...and every data row carries its record's and its client's UUID."""
    clients = ClientService(db, _clock)
    cid = clients.save(ClientCard(name="张伟", phones=[Phone("13800138000")]))
    clients.log_interaction(Interaction(cid, NOW, Channel.CALL, "电话回访"))
    path = tmp_path / "book.xlsx"
    export_xlsx(db, path, lang="en", clock=_clock)
    book = openpyxl.load_workbook(path)
    client_uuid = clients.get(cid).uuid
    [interaction] = clients.interactions(cid)
    header, row = list(book["Interactions"].iter_rows(values_only=True))
    assert dict(zip(header, row, strict=True))["UUID"] == interaction.uuid
    assert dict(zip(header, row, strict=True))["Client UUID"] == client_uuid
    header, row = list(book["Clients"].iter_rows(values_only=True))
    assert dict(zip(header, row, strict=True))["UUID"] == client_uuid
    with zipfile.ZipFile(path) as archive:
        assert workbook_database_uuid(archive) == _database_uuid(db)
    summary = openpyxl.load_workbook(path)["Summary"]
    assert [r[1] for r in summary.iter_rows(values_only=True)
            if r[0] == "Exported from database (UUID)"] == [_database_uuid(db)]
    assert open_source(path, sheet="Clients").table.database_uuid == _database_uuid(db)


def test_a_hostile_or_foreign_property_names_no_database(tmp_path: Path) -> None:
    plain = _xlsx(tmp_path / "plain.xlsx", [["姓名"], ["张伟"]])
    assert open_source(plain).table.database_uuid is None
    other = _xlsx(tmp_path / "other.xlsx", [["姓名"], ["张伟"]], origin="not a uuid")
    assert open_source(other).table.database_uuid is None
    with zipfile.ZipFile(plain, "a") as archive:  # entities: defusedxml refuses, no origin
        archive.writestr("docProps/custom.xml",
                         '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')
    with zipfile.ZipFile(plain) as archive:
        assert workbook_database_uuid(archive) is None


def test_a_client_in_the_trash_is_skipped_with_a_warning(db: Database,
                                                         tmp_path: Path) -> None:
    clients = ClientService(db, _clock)
    cid = clients.save(ClientCard(name="张伟", company="华为", phones=[Phone("13800138000")]))
    uid = clients.get(cid).uuid
    clients.delete(cid)
    path = _xlsx(tmp_path / "t.xlsx", [["UUID", "姓名", "公司"], [uid, "张伟", "华为集团"]])
    for policy in ("skip", "merge", "keep"):
        plan = _service(db).plan(open_source(path), policy=policy)
        assert [(r.action, r.client_id) for r in plan.rows] == [("skip", cid)]
        [warning] = plan.warnings
        assert "张伟" in warning.message and "trash" in warning.message
    _service(db).commit(open_source(path), policy="merge")
    card = clients.get(cid)
    assert card.deleted_at is not None and card.company == "华为"


def test_the_id_column_of_this_databases_workbook(db: Database, tmp_path: Path) -> None:
    """Without a UUID the ID finds the client; with a UUID that is not that
    client's, the row is a new client (warned): IDs never override identities."""
    clients = ClientService(db, _clock)
    cid = clients.save(ClientCard(name="张伟", company="华为", phones=[Phone("13800138000")]))
    here = _database_uuid(db)
    stranger = new_uuid()
    path = _xlsx(tmp_path / "own.xlsx", [
        ["客户ID", "UUID", "姓名", "公司"],
        [cid, None, "张伟", "华为集团"],  # the UUID cleared: the ID says which client
        [cid, stranger, "李娜", "中兴"],  # another client's identity: not client cid
    ], origin=here)
    plan = _service(db).plan(open_source(path), policy="skip")
    assert [(r.action, r.client_id) for r in plan.rows] == [("update", cid), ("create", None)]
    [warning] = plan.warnings
    assert warning.row == 3 and "UUID" in warning.message
    _service(db).commit(open_source(path), policy="skip")
    cards = {c.uuid: c for c in (clients.get(i) for i in clients.list_ids(ClientFilter()))}
    assert cards[clients.get(cid).uuid].company == "华为集团"
    assert cards[stranger].name == "李娜"  # the new client keeps the row's identity
    # the same rows in a workbook of another database: the ID says nothing
    elsewhere = _xlsx(tmp_path / "elsewhere.xlsx", [
        ["客户ID", "姓名", "公司"], [cid, "Tom Smith", "Acme"]], origin=new_uuid())
    plan = _service(db).plan(open_source(elsewhere), policy="skip")
    assert [(r.action, r.client_id) for r in plan.rows] == [("create", None)]


def test_rows_with_their_own_uuids_are_never_duplicates_of_each_other(
        db: Database, tmp_path: Path) -> None:
    """Two rows sharing a phone and a name + company: with distinct UUIDs
    they are two clients; without UUIDs the second is a duplicate, as before;
    the same UUID twice is one client."""
    first, second = new_uuid(), new_uuid()
    path = _xlsx(tmp_path / "rows.xlsx", [
        ["UUID", "姓名", "公司", "手机"],
        [first, "张伟", "华为", "13800138000"],
        [second, "张伟", "华为", "13800138000"],
        [None, "张伟", "华为", "13800138000"],  # no identity: a duplicate of the first
        [first, "张伟", "华为", "13800138000"],  # the first again
    ])
    plan = _service(db).plan(open_source(path), policy="skip")
    assert [r.action for r in plan.rows] == ["create", "create", "skip", "skip"]
    _service(db).commit(open_source(path), policy="skip")
    clients = ClientService(db, _clock)
    assert sorted(clients.get(i).uuid for i in clients.list_ids(ClientFilter())) == sorted(
        [first, second])
    # an existing client still catches a new row with its own UUID by the duplicate rules
    third = _xlsx(tmp_path / "third.xlsx", [["UUID", "姓名", "手机"],
                                            [new_uuid(), "张伟", "13800138000"]])
    plan = _service(db).plan(open_source(third), policy="skip")
    assert [r.action for r in plan.rows] == ["skip"]
