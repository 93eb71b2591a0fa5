"""Record and database identities: UUID text, parsing, calendar UIDs."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_crm.domain.identity import new_uuid, occurrence_uid, parse_uuid, uuid_from_bits

CANONICAL = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_new_uuids_are_canonical_version_4_and_distinct() -> None:
    made = [new_uuid() for _ in range(1000)]
    assert all(CANONICAL.match(u) for u in made)
    assert len(set(made)) == 1000


@given(st.integers(min_value=0, max_value=(1 << 128) - 1))
def test_uuid_from_bits_is_canonical_version_4(bits: int) -> None:
    text = uuid_from_bits(bits)
    assert CANONICAL.match(text)
    assert parse_uuid(text) == text or uuid.UUID(text).int == 0


@given(st.uuids(version=4))
def test_parse_accepts_every_spelling_of_a_uuid(value: uuid.UUID) -> None:
    canonical = str(value)
    for spelling in (canonical, canonical.upper(), "{" + canonical + "}",
                     "urn:uuid:" + canonical, "URN:UUID:" + canonical.upper(),
                     "  " + canonical + "\n"):
        assert parse_uuid(spelling) == canonical


@pytest.mark.parametrize("text", [
    "", "1", "123", "not a uuid", "00000000-0000-0000-0000-000000000000",
    "3f2504e04f8941d39a0c0305e82c3301",  # no hyphens: could be anything
    "3f2504e0-4f89-41d3-9a0c-0305e82c330", "3f2504e0-4f89-41d3-9a0c-0305e82c33011",
    "3f2504e0-4f89-41d3-9a0c-0305e82c330g", "3f2504e04-f89-41d3-9a0c-0305e82c3301",
    "{3f2504e0-4f89-41d3-9a0c-0305e82c3301", "urn:uuid:{3f2504e0-4f89-41d3-9a0c-0305e82c3301}",
])
def test_parse_refuses_what_is_not_a_uuid(text: str) -> None:
    assert parse_uuid(text) is None


@given(st.one_of(st.text(), st.integers(), st.floats(), st.none()))
def test_parse_never_raises(value: object) -> None:
    result = parse_uuid(value)
    assert result is None or CANONICAL.match(result) or uuid.UUID(result)


def test_occurrence_uids_are_stable_and_differ_by_record_kind_and_day() -> None:
    a, b = new_uuid(), new_uuid()
    day = date(2026, 12, 5)
    assert occurrence_uid(a, "birthday", day) == occurrence_uid(a, "birthday", day)
    others = {occurrence_uid(b, "birthday", day), occurrence_uid(a, "follow_up", day),
              occurrence_uid(a, "birthday", date(2027, 12, 5))}
    assert occurrence_uid(a, "birthday", day) not in others and len(others) == 3
    # the namespace is fixed forever: exported calendars keep their UIDs
    assert occurrence_uid("3f2504e0-4f89-41d3-9a0c-0305e82c3301", "birthday", day) == str(
        uuid.uuid5(uuid.UUID("5b0f3a52-8d1e-4c3f-9a6e-2f7d1c0b9e41"),
                   "3f2504e0-4f89-41d3-9a0c-0305e82c3301/birthday/2026-12-05"))


@given(st.integers(min_value=0, max_value=(1 << 128) - 1), st.booleans())
def test_a_uuid_of_any_version_is_read_as_its_canonical_text(bits: int, upper: bool) -> None:
    canonical = str(uuid.UUID(int=bits))
    # canonical text is taken as it is; other spellings are parsed: the same result
    assert parse_uuid(canonical.upper() if upper else canonical) == \
        (None if bits == 0 else canonical)
    assert parse_uuid(f" {{{canonical}}} ") == (None if bits == 0 else canonical)
