"""Data moved between two databases, both ways, by the manager workbook, vCard
and .ics: records keep one identity everywhere.

- Nothing from another database overwrites an unrelated client (the
  regression: a workbook of database A imported into B matched rows by the
  local integer ID, and B's client 1 became A's client 1).
- Re-importing one's own export updates in place without duplicates.
- A workbook imported into an empty database gives back every client it holds,
  field for field, even those sharing a phone or a company (each row carries
  its own UUID).
- .ics UIDs of two databases are disjoint and stable across exports.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.services.demo import generate
from desktop_crm.services.exporting import export_xlsx
from desktop_crm.services.ics_export import export_ics
from desktop_crm.services.importing import ImportService
from desktop_crm.services.vcard_export import export_vcf
from desktop_crm.storage.database import Database
from tests.conftest import NewDatabases

pytestmark = pytest.mark.slow  # every test builds databases of 300 demo clients

NOW = datetime(2026, 12, 5, 9, 0)
CLIENTS = 300
SHEET = "客户"
# what an import reads back from the manager workbook's Clients sheet (its
# "Other phones", dates, family and classification columns are for reading)
COMPARED = ("uuid", "name", "gender", "title", "company", "primary_phone", "email", "wechat",
            "address", "home_address", "industry", "source", "owner", "notes", "birthday")


def _clock() -> datetime:
    return NOW


@pytest.fixture
def a(new_db: NewDatabases) -> Database:
    """300 demo clients (seed 1), a few of them sharing a phone or a company
    and a name with another one: distinct clients all the same."""
    db = new_db.open("a.db")
    generate(db, CLIENTS, seed=1, now=NOW)
    service = ClientService(db, _clock, user="a")
    ids = service.list_ids(ClientFilter(sort="id"))
    first = service.get(ids[0])
    for cid in ids[1:4]:  # the same mobile as the first client
        card = service.get(cid)
        card.phones = [Phone(first.phones[0].number), *card.phones]
        service.save(card)
    for cid in ids[4:6]:  # the same name and company as the first client
        card = service.get(cid)
        card.name, card.company = first.name, first.company
        service.save(card)
    return db


@pytest.fixture
def b(new_db: NewDatabases) -> Database:
    db = new_db.open("b.db")
    generate(db, CLIENTS, seed=2, now=NOW)
    return db


def _cards(db: Database) -> dict[int, ClientCard]:
    service = ClientService(db, _clock)
    return {cid: service.get(cid) for cid in service.list_ids(ClientFilter())}


def _import(db: Database, path: Path, policy: str = "skip", sheet: str | None = SHEET
            ) -> dict[str, int]:
    service = ImportService(db, _clock, user="importer", backup_first=False)
    source = service.open(path, sheet=sheet)
    return service.commit(source, None, policy, skip_invalid=True).counts


def _workbook(db: Database, path: Path) -> Path:
    export_xlsx(db, path, lang="zh", clock=_clock)
    return path


def test_another_databases_workbook_changes_no_client_here(a: Database, b: Database,
                                                          tmp_path: Path) -> None:
    """The regression of issue 13 ("What was seen" 2), both ways: A's workbook
    into B, then B's into A, under the default policy (skip)."""
    b_before = _cards(b)
    assert 1 in b_before
    counts = _import(b, _workbook(a, tmp_path / "a.xlsx"))
    assert counts["updated"] == 0
    b_after = _cards(b)
    assert b_after[1] == b_before[1] and b_after[1].uuid == b_before[1].uuid
    for cid, card in b_before.items():  # every client of B exactly as it was
        assert b_after[cid] == card and b_after[cid].updated_at == card.updated_at, cid
    assert len(b_after) == len(b_before) + counts["created"]

    a_before = _cards(a)
    counts = _import(a, _workbook(b, tmp_path / "b.xlsx"))
    a_after = _cards(a)
    for cid, card in a_before.items():
        assert a_after[cid] == card and a_after[cid].updated_at == card.updated_at, cid
    # A's clients that went to B came back as themselves: not one duplicate
    a_uuids = [c.uuid for c in a_after.values()]
    assert len(a_uuids) == len(set(a_uuids))
    assert {c.uuid for c in a_before.values()} <= set(a_uuids)


def test_own_workbook_reimports_in_place(a: Database, tmp_path: Path) -> None:
    before = _cards(a)
    book = _workbook(a, tmp_path / "a.xlsx")
    assert _import(a, book)["created"] == 0
    assert _cards(a) == before
    # edited in Excel: the row updates its own client, found by UUID
    import openpyxl

    wb = openpyxl.load_workbook(book)
    sheet = wb[SHEET]
    headers = [c.value for c in sheet[1]]
    uuid_col, name_col = headers.index("UUID") + 1, headers.index("姓名") + 1
    edited = sheet.cell(2, uuid_col).value
    sheet.cell(2, name_col).value = "改过的名字"
    wb.save(book)
    counts = _import(a, book, policy="keep")  # even keep: a known UUID is an update
    assert (counts["created"], counts["updated"]) == (0, 1)
    after = _cards(a)
    assert after.keys() == before.keys()
    assert [c.name for c in after.values() if c.uuid == edited] == ["改过的名字"]


def test_workbook_into_an_empty_database_gives_back_every_client(
        a: Database, tmp_path: Path, new_db: NewDatabases) -> None:
    """Issue 13, "What was seen" 4: each row is a distinct client of the
    exporting database, however many share a phone, an e-mail or a name and
    company; they all come back, field for field, under any policy."""
    before = {c.uuid: c for c in _cards(a).values()}
    book = _workbook(a, tmp_path / "a.xlsx")
    for policy in ("skip", "merge"):
        empty = new_db.open(f"empty-{policy}.db")
        try:
            counts = _import(empty, book, policy)
            assert (counts["created"], counts["skipped"]) == (len(before), 0)
            after = {c.uuid: c for c in _cards(empty).values()}
        finally:
            empty.close()
        assert after.keys() == before.keys()
        for uid, card in before.items():
            for field in COMPARED:
                assert getattr(after[uid], field) == getattr(card, field), (uid, field)
            assert sorted(after[uid].tags) == sorted(card.tags)


def test_vcards_move_between_databases_by_uid(a: Database, b: Database, tmp_path: Path,
                                              new_db: NewDatabases) -> None:
    b_before = _cards(b)
    a_cards = tmp_path / "a.vcf"
    export_vcf(a, a_cards)
    counts = _import(b, a_cards, sheet=None)
    assert counts["updated"] == 0
    b_after = _cards(b)
    for cid, card in b_before.items():
        assert b_after[cid] == card and b_after[cid].updated_at == card.updated_at, cid
    # A's own cards come back to A as themselves
    a_before = _cards(a)
    counts = _import(a, a_cards, sheet=None, policy="keep")
    assert counts["created"] == 0
    assert _cards(a).keys() == a_before.keys()
    # and into an empty database each card keeps its identity
    empty = new_db.open("empty.db")
    try:
        assert _import(empty, a_cards, sheet=None)["created"] == len(a_before)
        assert {c.uuid for c in _cards(empty).values()} == {c.uuid for c in a_before.values()}
    finally:
        empty.close()


def _uids(db: Database, path: Path) -> list[str]:
    export_ics(AgendaService(db, _clock), path)
    calendar = Calendar.from_ical(path.read_bytes())
    return [str(e["UID"]) for e in calendar.walk("VEVENT")]


def test_calendar_uids_are_stable_and_never_shared_between_databases(
        a: Database, b: Database, tmp_path: Path) -> None:
    """Issue 13, "What was seen" 3: two databases' calendars shared UIDs, so a
    calendar program replaced one database's events by the other's."""
    first, second = _uids(a, tmp_path / "a1.ics"), _uids(a, tmp_path / "a2.ics")
    other = _uids(b, tmp_path / "b.ics")
    assert len(first) > 100 and len(set(first)) == len(first)
    assert first == second
    assert set(first).isdisjoint(other)
