"""The agenda's stored yearly dates (migration 20261215_25: ``agenda_dates``,
one row per important date, family member's and contact person's birthday,
founding and relationship day, with its client's name, owner and state), on
both engines: after every way cards and dates are written (the card editor,
contact people, trash, restore and purge, an import and its undo, the demo,
a copy to another database) the table equals what the cards themselves say,
computed here in Python, and the agenda shows the cards' new state; the
migration fills it from the rows of a database of revision 24 and its
downgrade removes it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text

from desktop_crm.domain.client import ClientCard, FamilyMember, ImportantDate, Phone
from desktop_crm.domain.contact import ContactPerson
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import AgendaKind, ClientKind, DateKind
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.services.contacts import ContactService
from desktop_crm.services.demo import generate
from desktop_crm.services.importing import SKIP, ImportService, open_source
from desktop_crm.storage.database import HEAD_REVISION, Database
from tests.conftest import Clock, NewDatabases, database_at, downgrade, write_xlsx

NOW = datetime(2026, 9, 20, 9)
Rows = list[tuple[Any, ...]]


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def expected(db: Database) -> Rows:
    """The agenda's yearly dates as the cards say, computed in Python: (calendar,
    month, day, leap, source, ref, client, kind, label, year, own reminder,
    client's name, owner, live), sorted."""
    rows: Rows = []
    with db.engine.connect() as conn:
        cards = {cid: (name, owner, deleted is None) for cid, name, owner, deleted in
                 conn.execute(text("SELECT id, name, owner, deleted_at FROM clients"))}
        for ref, cid, kind, label, cal, month, day, year, leap, remind in conn.execute(text(
                "SELECT id, client_id, kind, label, calendar, month, day, year, leap, "
                "remind_days FROM important_dates")):
            rows.append((cal, month, day, bool(leap), "important_date", ref, cid, kind, label,
                         year, remind, *cards[cid]))
        for ref, cid, relation, name, cal, month, day, year, leap, remind in conn.execute(text(
                "SELECT id, client_id, relation, name, birth_calendar, birth_month, birth_day, "
                "birth_year, birth_leap, birth_remind_days FROM family_members")):
            if cal is not None and month is not None and day is not None:
                rows.append((cal, month, day, bool(leap), "family_member", ref, cid, "family",
                             f"{relation} {name}".strip(), year, remind, *cards[cid]))
        for ref, cid, name, cal, month, day, year, leap in conn.execute(text(
                "SELECT id, client_id, name, birth_calendar, birth_month, birth_day, "
                "birth_year, birth_leap FROM contact_people")):
            if cal is not None and month is not None and day is not None:
                rows.append((cal, month, day, bool(leap), "contact_person", ref, cid, "contact",
                             name, year, None, *cards[cid]))
        for cid, founded, since in conn.execute(text(
                "SELECT id, founded_on, relationship_since FROM clients")):
            for source, value in (("founding", founded), ("relationship", since)):
                if value is not None:
                    day = _day(value)
                    rows.append(("solar", day.month, day.day, False, source, cid, cid, source,
                                 "", day.year, None, *cards[cid]))
    return sorted(rows)


def stored(db: Database) -> Rows:
    with db.engine.connect() as conn:
        return sorted((cal, month, day, bool(leap), source, ref, cid, kind, label, year, remind,
                       name, owner, bool(live))
                      for cal, month, day, leap, source, ref, cid, kind, label, year, remind,
                      name, owner, live in conn.execute(text(
                          "SELECT calendar, month, day, leap, source, ref_id, client_id, kind, "
                          "label, year, remind_days, client_name, owner, live "
                          "FROM agenda_dates")))


def assert_kept(db: Database) -> Rows:
    now = stored(db)
    assert now == expected(db)
    return now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


def _titles(agenda: AgendaService, kind: AgendaKind, mine: bool = False
            ) -> list[tuple[date, str]]:
    return [(i.day, i.title) for i in agenda.agenda(7, mine=mine) if i.kind == kind]


def test_card_edits_trash_restore_and_purge_keep_the_stored_dates(
        db: Database, clock: Clock) -> None:
    clients = ClientService(db, clock, user="王磊")
    contacts = ContactService(db, clock, user="王磊")
    agenda = AgendaService(db, clock, user="王磊")
    wang = clients.save(ClientCard(
        name="王芳", owner="王磊", birthday=DateSpec.solar(9, 22, year=1980),
        dates=[ImportantDate(DateKind.CUSTOM, DateSpec.lunar(8, 15), "中秋拜访", remind_days=9)],
        family=[FamilyMember("女儿", "小雨", DateSpec.solar(9, 23, year=2012)),
                FamilyMember("儿子", "小明")],
        relationship_since=date(2015, 9, 24)))
    org = clients.save(ClientCard(name="远航贸易", kind=ClientKind.ORGANISATION, owner="李娜",
                                  founded_on=date(2010, 9, 21)))
    zhou = contacts.save(ContactPerson(org, "周远", birthday=DateSpec.solar(9, 25, 1986)))
    assert len(assert_kept(db)) == 6
    assert _titles(agenda, AgendaKind.BIRTHDAY) == [(date(2026, 9, 22), "王芳: birthday, turns 46")]

    # a rename and a new owner: every row of the card, and "Mine"
    card = clients.get(wang)
    clients.save(replace(card, name="王芳芳", owner="李娜"))
    assert_kept(db)
    assert _titles(agenda, AgendaKind.BIRTHDAY) == [
        (date(2026, 9, 22), "王芳芳: birthday, turns 46")]
    assert [i.client_id for i in agenda.agenda(7, mine=True)
            if i.client_id in (wang, org)] == []
    # a date moved, a family member's birthday removed, a relationship day cleared
    card = clients.get(wang)
    clients.save(replace(card, birthday=DateSpec.solar(9, 24, year=1980),
                         family=[replace(card.family[0], birthday=None), card.family[1]],
                         relationship_since=None, founded_on=date(2001, 9, 26)))
    assert_kept(db)
    assert _titles(agenda, AgendaKind.BIRTHDAY) == [
        (date(2026, 9, 24), "王芳芳: birthday, turns 46")]
    assert _titles(agenda, AgendaKind.FAMILY_BIRTHDAY) == []
    assert _titles(agenda, AgendaKind.RELATIONSHIP_ANNIVERSARY) == []
    assert [d for d, _t in _titles(agenda, AgendaKind.FOUNDING_ANNIVERSARY)] == [
        date(2026, 9, 21), date(2026, 9, 26)]
    # a contact person renamed, then removed
    person = contacts.get(zhou)
    contacts.save(replace(person, name="周远航"))
    assert_kept(db)
    assert [t for _d, t in _titles(agenda, AgendaKind.CONTACT_BIRTHDAY)] == [
        "远航贸易: birthday of contact person 周远航, turns 40"]
    contacts.remove(zhou)
    assert_kept(db)
    assert _titles(agenda, AgendaKind.CONTACT_BIRTHDAY) == []
    # trash, restore, purge
    clients.delete(wang)
    assert_kept(db)
    assert [i for i in agenda.agenda(7) if i.client_id == wang] == []
    clients.restore(wang)
    assert_kept(db)
    assert len([i for i in agenda.agenda(7) if i.client_id == wang]) == 3
    clients.delete(org)
    clients.purge(org)
    assert_kept(db)
    assert {r[6] for r in stored(db)} == {wang}


def test_an_import_and_its_undo_keep_the_stored_dates(
        db: Database, clock: Clock, tmp_path: Path) -> None:
    ClientService(db, clock, user="t").save(ClientCard(
        name="张伟", phones=[Phone("13800138000")], birthday=DateSpec.solar(9, 21)))
    before = assert_kept(db)
    path = write_xlsx(tmp_path / "c.xlsx", [["姓名", "手机", "生日", "负责人"],
                                       ["李娜", "13900139000", "1985-09-23", "王磊"],
                                       ["王芳", "13700137000", "1990-12-01", "王磊"]])
    importer = ImportService(db, clock=clock, user="t", backup_first=False)
    result = importer.commit(open_source(path), policy=SKIP)
    assert len(assert_kept(db)) == 3
    assert [t for _d, t in _titles(AgendaService(db, clock), AgendaKind.BIRTHDAY)] == [
        "张伟: birthday", "李娜: birthday, turns 41"]
    assert result.batch_id is not None
    ImportService(db, clock, "t", backup_first=False).undo(result.batch_id)
    assert assert_kept(db) == before


def test_the_demo_and_a_copy_to_another_database_keep_the_stored_dates(
        db: Database, db_target: str, new_db: NewDatabases) -> None:
    from desktop_crm.services.copying import copy_book

    generate(db, 40, seed=3, now=NOW)
    before = assert_kept(db)
    assert {r[4] for r in before} >= {"important_date", "family_member", "founding"}
    copy_book(db_target, new_db.target("copy"))
    assert assert_kept(new_db.open("copy")) == before


@pytest.fixture
def revision_24(engine: str, tmp_path: Path, request: pytest.FixtureRequest
                ) -> Iterator[str]:
    """A database built at revision 20261214_24 (before the stored dates)."""
    yield from database_at("20261214_24", engine, tmp_path, request)


def test_the_migration_fills_the_stored_dates_and_its_downgrade_removes_them(
        revision_24: str, clock: Clock) -> None:
    engine = create_engine(revision_24)
    with engine.begin() as conn:
        for cid, name, founded, deleted in ((1, "曾国方", date(2008, 9, 21), None),
                                            (2, "李娜", None, NOW), (3, "王芳", None, None)):
            conn.execute(text(
                "INSERT INTO clients (id, uuid, kind, name, sort_key, gender, title, company, "
                "primary_phone, email, wechat, website, address, home_address, industry, "
                "source, owner, notes, legal_representative, scale, assets, org_form, "
                "profile_filled_by, created_at, updated_at, version, founded_on, deleted_at) "
                "VALUES (:id, :uuid, 'person', :name, '', 'unknown', '', '', '', '', '', '', "
                "'', '', '', '', '王磊', '', '', '', '', '', '', :now, :now, 1, :founded, "
                ":deleted)"),
                {"id": cid, "uuid": f"00000000-0000-4000-8000-{cid:012d}", "name": name,
                 "now": NOW, "founded": founded, "deleted": deleted})
        for n, (cid, kind, cal, month, day, year, leap) in enumerate((
                (1, "birthday", "lunar", 8, 3, 1970, True), (2, "birthday", "solar", 9, 22, None,
                                                             False),
                (3, "custom", "solar", 9, 23, 2020, False)), start=1):
            conn.execute(text(
                "INSERT INTO important_dates (uuid, client_id, kind, label, calendar, month, "
                "day, year, leap) VALUES (:uuid, :cid, :kind, 'x', :cal, :month, :day, :year, "
                ":leap)"),
                {"uuid": f"10000000-0000-4000-8000-{n:012d}", "cid": cid, "kind": kind,
                 "cal": cal, "month": month, "day": day, "year": year, "leap": leap})
        for n, (cid, cal) in enumerate(((1, "solar"), (3, None)), start=1):
            conn.execute(text(
                "INSERT INTO family_members (uuid, client_id, relation, name, notes, "
                "birth_calendar, birth_month, birth_day, birth_leap) VALUES (:uuid, :cid, '妻子', "
                "'李丽', '', :cal, :month, :day, false)"),
                {"uuid": f"20000000-0000-4000-8000-{n:012d}", "cid": cid, "cal": cal,
                 "month": 9 if cal else None, "day": 24 if cal else None})
    engine.dispose()
    db = Database.open(revision_24.removeprefix("sqlite:///"))
    try:
        assert db.current_revision() == HEAD_REVISION
        rows = assert_kept(db)
        assert sorted((r[4], r[6], r[13]) for r in rows) == [
            ("family_member", 1, True), ("founding", 1, True), ("important_date", 1, True),
            ("important_date", 2, False), ("important_date", 3, True)]
        # the triggers keep it from now on
        clients = ClientService(db, clock, user="t")
        clients.restore(2)
        clients.save(replace(clients.get(3), name="王芳芳"))
        assert_kept(db)
        assert {i.client_id for i in AgendaService(db, clock).agenda(7, include_overdue=False)
                if i.kind == AgendaKind.BIRTHDAY} == {2}
    finally:
        db.close()

    engine = create_engine(revision_24)
    try:
        downgrade(engine, "20261214_24")
        assert "agenda_dates" not in inspect(engine).get_table_names()
        with engine.begin() as conn:  # no trigger names the table any more
            conn.execute(text("UPDATE clients SET name = 'x', founded_on = NULL"))
            conn.execute(text("DELETE FROM important_dates"))
            conn.execute(text("DELETE FROM clients"))
    finally:
        engine.dispose()
