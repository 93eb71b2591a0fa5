"""Random client cards with every field set, saved through ClientService into a
real database (a SQLite file, a PostgreSQL server) and loaded back, equal field
for field: CJK, emoji, control characters, newlines, text at the length limits,
solar and lunar dates (leap months included) from 1901 to 2099, phones of every
kind, tags, family members, important dates, Mackay answers and confidential
marks (with and without an answer). Saving a second random card over the first
must leave exactly the second. And the validation limits are the lengths the
schema declares.

What storage normalises, and so what is expected back: text loses NUL
characters (PostgreSQL cannot store them, imports drop them); the card's own
text fields, phone numbers, tags and family names and relations lose
surrounding whitespace; tags are unique and in name order; empty answers are
not kept (confidential marks are).
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import String

from desktop_crm.domain import validation
from desktop_crm.domain.client import CARD_FIELDS, ClientCard, FamilyMember, ImportantDate, Phone
from desktop_crm.domain.dates import LUNAR, SOLAR, DateSpec, DateSpecError, _leap_month
from desktop_crm.domain.enums import (
    ClientKind,
    DateKind,
    Gender,
    Loyalty,
    Nature,
    PhoneKind,
    Stage,
    Tenure,
    VolumeTier,
)
from desktop_crm.domain.identity import parse_uuid
from desktop_crm.services.clients import ClientService
from desktop_crm.storage import models
from desktop_crm.storage.database import Database

NOW = datetime(2101, 6, 1, 9, 0)  # every date up to 2100, lunar 2100 included, is past
LATER = datetime(2101, 6, 2, 9, 0)
SETTINGS = settings(max_examples=50, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


@pytest.fixture
def database(db: Database) -> Database:
    """One real database for every example of a test (each saves new clients)."""
    return db


# -- strategies -----------------------------------------------------------------------------

_any_char = st.characters(blacklist_categories=("Cs",))  # all but lone surrogates
_cjk_emoji = st.sampled_from(list("张王李赵曾国方芳娜伟𠀀龘㐀😀🎉👨‍👩‍👧🇨🇳 \n\r\t、，。「」"))
_short = st.one_of(st.text(_any_char, max_size=30), st.text(_cjk_emoji, max_size=30))


def _text(limit: int, padded: bool = True) -> st.SearchStrategy[str]:
    """Text of at most ``limit`` characters (once stripped, when ``padded``):
    short, or a short piece repeated up to exactly the limit."""
    pads = ["", " ", "\n"] if padded else [""]
    long = st.builds(lambda piece, pad: pad + ((piece.strip() or "字") * limit)[:limit] + pad,
                     _short, st.sampled_from(pads))
    return st.one_of(_short, long)


@st.composite
def specs(draw: st.DrawFn, not_after: date | None = None) -> DateSpec:
    """A valid solar or lunar date, with or without a year (1901-2099)."""
    year = draw(st.one_of(st.none(), st.integers(1901, 2099)))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 31))
    if draw(st.sampled_from([SOLAR, LUNAR])) == SOLAR:
        while True:
            try:
                return DateSpec.solar(month, day, year)
            except DateSpecError:
                day -= 1
    leap = draw(st.booleans())
    if leap and year is not None:
        month = _leap_month(year) or month
        leap = _leap_month(year) == month
    for candidate in (min(day, 30), 29):
        try:
            return DateSpec.lunar(month, candidate, leap, year)
        except DateSpecError:
            continue
    raise AssertionError("unreachable: day 29 exists in every lunar month")


_TEXT = {(limit, padded): _text(limit, padded)
         for limit in {validation.MAX_NAME, validation.MAX_TAG, validation.MAX_TEXT,
                       validation.MAX_LABEL, validation.MAX_RELATION,
                       *validation.TEXT_LIMITS.values()}
         for padded in (True, False)}
_SPECS = specs()
_OPTIONAL_SPECS = st.one_of(st.none(), _SPECS)

_phone_numbers = st.one_of(
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.from_regex(r"0[1-9][0-9]{1,2}-[2-9][0-9]{6,7}", fullmatch=True),
    st.from_regex(r"\+[1-9][0-9]{1,2} [0-9]{3} [0-9]{3} [0-9]{4}", fullmatch=True),
).map(str.strip).flatmap(lambda n: st.sampled_from([n, f" {n} ", f"{n}\t"]))
_emails = st.emails().filter(lambda e: validation.check_email(e) is None)
_remind = st.integers(0, validation.MAX_REMIND_DAYS)
_past = st.dates(date(1901, 1, 1), NOW.date())


@st.composite
def full_cards(draw: st.DrawFn) -> ClientCard:
    """A card with every field set (enums, dates and lists never empty)."""
    limits = validation.TEXT_LIMITS
    name = draw(_TEXT[validation.MAX_NAME, True].filter(lambda t: bool(_nul(t).strip())))
    card = ClientCard(
        name=name, kind=draw(st.sampled_from(list(ClientKind))),
        gender=draw(st.sampled_from(list(Gender))),
        phones=[Phone(n, draw(st.sampled_from(list(PhoneKind))))
                for n in draw(st.lists(_phone_numbers, min_size=1, max_size=4))],
        email=draw(_emails),
        tags=draw(st.lists(_TEXT[validation.MAX_TAG, True], min_size=1, max_size=6)),
        notes=draw(_TEXT[validation.MAX_TEXT, False]),
        founded_on=draw(_past), relationship_since=draw(_past),
        nature=draw(st.sampled_from(list(Nature))), stage=draw(st.sampled_from(list(Stage))),
        tenure=draw(st.sampled_from(list(Tenure))),
        volume_tier=draw(st.sampled_from(list(VolumeTier))),
        loyalty=draw(st.sampled_from(list(Loyalty))),
        birthday=draw(_SPECS), birthday_remind_days=draw(st.one_of(st.none(), _remind)),
        dates=[ImportantDate(draw(st.sampled_from([DateKind.WEDDING_ANNIVERSARY,
                                                   DateKind.CUSTOM])),
                             draw(_SPECS), draw(_TEXT[validation.MAX_LABEL, False]),
                             draw(st.one_of(st.none(), _remind)))
               for _ in range(draw(st.integers(1, 3)))],
        family=[FamilyMember(draw(_TEXT[validation.MAX_RELATION, True]),
                             draw(_TEXT[validation.MAX_NAME, True]),
                             draw(_OPTIONAL_SPECS),
                             draw(_TEXT[validation.MAX_TEXT, False]),
                             draw(st.one_of(st.none(), _remind)))
                for _ in range(draw(st.integers(1, 3)))],
        profile=draw(st.dictionaries(st.integers(1, 66),
                                     _TEXT[validation.MAX_TEXT, False].filter(bool),
                                     min_size=1, max_size=8)),
        profile_private=draw(st.sets(st.integers(1, 66), min_size=1, max_size=6)),
    )
    for member in card.family:
        if not _nul(member.name).strip() and not _nul(member.relation).strip():
            member.relation = "朋友"
    for field, limit in limits.items():
        setattr(card, field, draw(_TEXT[limit, True]))
    return card


# -- the expected card ---------------------------------------------------------------------

_STRIPPED = ("name", "title", "company", "email", "wechat", "website", "address", "home_address",
             "industry", "source", "owner", "notes", "legal_representative", "scale",
             "assets", "org_form", "profile_filled_by")


def _nul(text: str) -> str:
    return text.replace("\x00", "")


def stored(card: ClientCard) -> ClientCard:
    """``card`` as storage keeps it (see the module docstring)."""
    want = copy.deepcopy(card)
    for field in _STRIPPED:
        setattr(want, field, _nul(getattr(card, field)).strip())
    want.phones = [Phone(_nul(p.number).strip(), p.kind) for p in card.phones
                   if _nul(p.number).strip()]
    want.tags = sorted({_nul(t).strip() for t in card.tags if _nul(t).strip()})
    want.family = [FamilyMember(_nul(m.relation).strip(), _nul(m.name).strip(), m.birthday,
                                _nul(m.notes), m.remind_days) for m in card.family]
    for item in want.dates:
        item.label = _nul(item.label)
    want.profile = {n: _nul(a) for n, a in card.profile.items() if _nul(a)}
    return want


def record_uuids(card: ClientCard) -> list[str]:
    return [card.uuid, card.birthday_uuid, *(d.uuid for d in card.dates),
            *(m.uuid for m in card.family)]


def assert_same(got: ClientCard, card: ClientCard) -> None:
    """Field for field; the identities storage gave (checked) left aside."""
    got = copy.deepcopy(got)
    assert all(parse_uuid(u) == u for u in record_uuids(got) if u)
    assert bool(got.birthday_uuid) == (got.birthday is not None)
    assert all(d.uuid for d in got.dates) and all(m.uuid for m in got.family)
    for item in [*got.dates, *got.family]:
        item.uuid = ""
    want = stored(card)
    for field in CARD_FIELDS:
        assert getattr(got, field) == getattr(want, field), field


@SETTINGS
@given(full_cards(), full_cards())
def test_every_field_survives_saving_and_loading(database: Database, first: ClientCard,
                                                 second: ClientCard) -> None:
    assert validation.validate_card(first, NOW.date()) == []
    service = ClientService(database, clock=lambda: NOW, user="tester")
    client_id = service.save(copy.deepcopy(first))
    assert_same(service.get(client_id), first)
    # a second card saved over the first: nothing of the first may remain
    second.id = client_id
    ClientService(database, clock=lambda: LATER, user="tester").save(copy.deepcopy(second))
    loaded = service.get(client_id)
    assert_same(loaded, second)
    # saved again as loaded (as the editor does): every identity stays
    service.save(copy.deepcopy(loaded))
    assert record_uuids(service.get(client_id)) == record_uuids(loaded)
    if any(getattr(stored(first), f) != getattr(stored(second), f) for f in CARD_FIELDS):
        assert loaded.updated_at == LATER


# -- the schema's lengths --------------------------------------------------------------------

def _length(column: Any) -> int | None:
    """A String column's length, None for unbounded text."""
    return column.type.length if isinstance(column.type, String) else None


def test_validation_limits_are_the_schema_lengths() -> None:
    """PostgreSQL refuses text longer than a VARCHAR(n) column at commit time:
    validation must refuse it first, with a message for the field."""
    clients = models.Client.__table__.c
    for field, limit in validation.TEXT_LIMITS.items():
        expected = None if limit == validation.MAX_TEXT else limit
        assert _length(clients[field]) == expected, field
    assert _length(clients["name"]) == validation.MAX_NAME
    assert _length(clients["email"]) == 254  # check_email's limit
    assert _length(models.ClientPhone.__table__.c["number"]) == validation.MAX_PHONE
    assert _length(models.Tag.__table__.c["name"]) == validation.MAX_TAG
    family = models.FamilyMemberRow.__table__.c
    assert _length(family["relation"]) == validation.MAX_RELATION
    assert _length(family["name"]) == validation.MAX_NAME
    assert _length(models.ImportantDateRow.__table__.c["label"]) == validation.MAX_LABEL
    # every other bounded column of a card's text is covered above
    covered = {*validation.TEXT_LIMITS, "name", "email"}
    bounded = {c.name for c in clients if _length(c) is not None and c.name in _STRIPPED}
    assert bounded <= covered, bounded - covered


def test_a_card_at_every_limit_is_stored_whole(db: Database) -> None:
    card = ClientCard(name="名" * validation.MAX_NAME, phones=[Phone("13800138000")],
                      tags=["签" * validation.MAX_TAG],
                      dates=[ImportantDate(DateKind.CUSTOM, DateSpec.lunar(4, 8, leap=True),
                                           "标" * validation.MAX_LABEL)],
                      family=[FamilyMember("关" * validation.MAX_RELATION,
                                           "名" * validation.MAX_NAME, notes="记" * 20_000)],
                      notes="备" * validation.MAX_TEXT, profile={66: "答" * validation.MAX_TEXT})
    for field, limit in validation.TEXT_LIMITS.items():
        setattr(card, field, "字" * limit)
    service = ClientService(db, clock=lambda: NOW, user="tester")
    assert_same(service.get(service.save(copy.deepcopy(card))), card)
