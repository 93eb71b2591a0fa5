"""Properties of the validators and date parsers, beyond the examples and
properties in test_validation.py, test_dates.py and test_import_mapping.py:
any input gives an answer or the validation error with a message (never
another exception), valid input is accepted and round-trips, normalising is
idempotent, and the length limits sit exactly where the schema puts them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_crm import i18n
from desktop_crm.domain import import_mapping as im
from desktop_crm.domain.client import (
    ClientCard,
    FamilyMember,
    ImportantDate,
    Phone,
)
from desktop_crm.domain.dates import LUNAR, SOLAR, DateSpec, DateSpecError, _leap_month
from desktop_crm.domain.enums import DateKind, PhoneKind
from desktop_crm.domain.validation import (
    MAX_LABEL,
    MAX_NAME,
    MAX_PHONES,
    MAX_RELATION,
    MAX_TAG,
    MAX_TAGS,
    MAX_TEXT,
    TEXT_LIMITS,
    FieldError,
    check_email,
    check_phone,
    parse_date,
    parse_date_spec,
    phone_digits,
    validate_card,
)

TODAY = date(2026, 11, 24)
CJK = re.compile(r"[\u4e00-\u9fff]")
FEW = settings(max_examples=80, deadline=None)


@contextmanager
def language(lang: str) -> Iterator[None]:
    i18n.set_language(lang)
    try:
        yield
    finally:
        i18n.set_language("en")


def _spaced(digits: str, data: st.DataObject) -> str:
    """``digits`` with spaces or dashes put between some of them."""
    seps = data.draw(st.lists(st.sampled_from(["", "", " ", "-"]), min_size=len(digits) - 1,
                              max_size=len(digits) - 1))
    return digits[0] + "".join(s + d for s, d in zip(seps, digits[1:], strict=True))


# -- phones -------------------------------------------------------------------------------

@FEW
@given(st.text())
def test_phone_digits_is_idempotent(text: str) -> None:
    digits = phone_digits(text)
    assert phone_digits(digits) == digits
    assert re.fullmatch(r"\+?[0-9]*", digits)


@FEW
@given(area=st.from_regex(r"0[1-9][0-9]{1,2}", fullmatch=True),
       number=st.from_regex(r"[2-9][0-9]{6,7}", fullmatch=True), data=st.data())
def test_landlines_with_any_separators_pass(area: str, number: str, data: st.DataObject) -> None:
    area, number = area.strip(), number.strip()
    text = data.draw(st.sampled_from([f"{area}-{_spaced(number, data)}",
                                      f"({area}) {_spaced(number, data)}",
                                      f"{area} {number}"]))
    assert check_phone(text) is None, text
    assert phone_digits(text) == area + number


@FEW
@given(number=st.from_regex(r"[1-9][0-9]{6,14}", fullmatch=True), data=st.data())
def test_international_numbers_pass(number: str, data: st.DataObject) -> None:
    number = number.strip()
    text = data.draw(st.sampled_from(["+", "00", "+ "])) + _spaced(number, data)
    assert check_phone(text) is None, text
    assert phone_digits(text).lstrip("+").removeprefix("00") == number


@FEW
@given(st.text())
def test_phone_messages_are_chinese_in_chinese(text: str) -> None:
    with language("zh"):
        message = check_phone(text)
    assert message is None or CJK.search(message)


# -- e-mail -------------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(st.emails(), st.sampled_from(["", " ", "\t"]))
def test_what_hypothesis_calls_an_e_mail_address_passes(email: str, pad: str) -> None:
    """Including top-level domains in their ASCII form (``xn--fiqs8s`` for
    中国), which the check refused before this test found it."""
    assert check_email(pad + email + pad) is None, email


@FEW
@given(st.text())
def test_check_email_answers_any_text(text: str) -> None:
    message = check_email(text)
    assert message is None or "e-mail" in message
    if message is None:
        assert "@" in text and len(text.strip()) <= 254


# -- dates --------------------------------------------------------------------------------

_DATE_ALPHABET = st.sampled_from(list("农历阴旧正冬腊一二三四五六七八九十初廿卅闰月日号年"
                                      "0123456789 -/.()lunarLUNAReap"))
_date_text = st.one_of(st.text(), st.text(_DATE_ALPHABET, max_size=20))


@settings(max_examples=200, deadline=None)
@given(_date_text)
def test_date_parsers_answer_or_raise_value_error(text: str) -> None:
    for parse in (parse_date, parse_date_spec):
        try:
            result = parse(text)
        except ValueError as exc:
            assert str(exc)
        else:
            assert isinstance(result, date | DateSpec)
            if isinstance(result, DateSpec):
                result.check()


@st.composite
def specs(draw: st.DrawFn, calendar: str | None = None) -> DateSpec:
    """Any valid DateSpec: solar or lunar, with or without a year, leap months
    only where the year has one (any leap month without a year)."""
    kind = calendar or draw(st.sampled_from([SOLAR, LUNAR]))
    year = draw(st.one_of(st.none(), st.integers(1901, 2099)))
    month = draw(st.integers(1, 12))
    if kind == SOLAR:
        day = draw(st.integers(1, 31))
        while True:
            try:
                return DateSpec.solar(month, day, year)
            except DateSpecError:
                day -= 1
    leap = draw(st.booleans())
    if leap and year is not None:
        month = _leap_month(year) or month
        leap = _leap_month(year) == month
    day = draw(st.integers(1, 30))
    try:
        return DateSpec.lunar(month, day, leap, year)
    except DateSpecError:  # day 30 of a 29-day month in that year
        return DateSpec.lunar(month, 29, leap, year)


@settings(max_examples=150, deadline=None)
@given(specs(), st.sampled_from(["zh", "en"]))
def test_parse_date_spec_reads_what_describe_writes(spec: DateSpec, lang: str) -> None:
    """What the card shows (and the export writes) reads back as the same date."""
    with language(lang):
        text = spec.describe()
        assert parse_date_spec(text) == spec, text


_FORMATS = ["{y:04d}-{m:02d}-{d:02d}", "{y:04d}/{m}/{d}", "{y:04d}.{m}.{d}", "{y:04d}年{m}月{d}日",
            "{y:04d}{m:02d}{d:02d}"]


@FEW
@given(year=st.integers(0, 9999), month=st.integers(0, 99), day=st.integers(0, 99),
       fmt=st.sampled_from(_FORMATS))
def test_a_date_that_cannot_exist_is_a_date_spec_error(year: int, month: int, day: int,
                                                       fmt: str) -> None:
    """Written as a date but not one (2026-02-30, month 13, year 0): the import
    makes that an error for its row, not a warning."""
    text = fmt.format(y=year, m=month, d=day)
    try:
        real = date(year, month, day)
    except ValueError:
        real = None
    if real is None:
        with pytest.raises(DateSpecError, match="2026-09-25"):
            parse_date(text)
        with pytest.raises(DateSpecError):
            im.parse_birthday(text)
    elif 1900 <= year <= 2100:
        assert parse_date(text) == real
        assert im.parse_birthday(text) == DateSpec.from_date(real)
    else:
        assert parse_date(text) == real
        with pytest.raises(DateSpecError, match="1900 and 2100"):
            im.parse_birthday(text)


@FEW
@given(prefix=st.sampled_from(["农历", "阴历", "旧历", "1980年农历", "lunar "]),
       rest=st.text(_DATE_ALPHABET, max_size=8))
def test_text_that_says_lunar_is_a_lunar_date_or_an_error(prefix: str, rest: str) -> None:
    try:
        spec = parse_date_spec(prefix + rest)
    except DateSpecError as exc:
        assert str(exc)
    else:
        assert spec.is_lunar


@FEW
@given(st.dates(date(1900, 3, 1), date(2100, 12, 31)), st.sampled_from([float, int, str]))
def test_excel_serials_and_yyyymmdd_numbers_round_trip(value: date, kind: type) -> None:
    serial = (value - im.EXCEL_EPOCH).days
    assert im.parse_birthday(kind(serial)) == DateSpec.from_date(value)
    assert im.excel_serial_date(serial) == value
    number = int(value.strftime("%Y%m%d"))
    assert im.parse_birthday(kind(number)) == DateSpec.from_date(value)


_cells = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), _date_text,
                   st.dates(), st.datetimes())


@settings(max_examples=200, deadline=None)
@given(_cells)
def test_parse_birthday_answers_any_cell(value: Any) -> None:
    try:
        spec = im.parse_birthday(value)
    except ValueError as exc:
        assert str(exc)
    else:
        spec.check()


@FEW
@given(st.sampled_from([SOLAR, LUNAR, "julian"]), st.integers(-3, 15), st.integers(-3, 35),
       st.one_of(st.none(), st.integers(1850, 2150)), st.booleans())
def test_date_spec_check_raises_only_date_spec_error(calendar: str, month: int, day: int,
                                                     year: int | None, leap: bool) -> None:
    spec = DateSpec(calendar, month, day, year, leap)
    try:
        spec.check()
    except DateSpecError as exc:
        assert str(exc)
        return
    first = spec.original_date()
    assert first is None or date(1900, 1, 1) <= first <= date(2101, 12, 31)
    assert spec.describe()


@FEW
@given(_cells)
def test_cell_text_and_header_names_are_idempotent(value: Any) -> None:
    text = im.cell_text(value)
    assert im.cell_text(text) == text
    header = im.normalize_header(value)
    assert im.normalize_header(header) == header


# -- whole cards ----------------------------------------------------------------------------

_any_text = st.text(max_size=30)


@st.composite
def any_cards(draw: st.DrawFn) -> ClientCard:
    """Cards with anything in them: valid or not."""
    card = ClientCard(
        name=draw(_any_text), email=draw(_any_text),
        phones=[Phone(p, draw(st.sampled_from(list(PhoneKind))))
                for p in draw(st.lists(_any_text, max_size=3))],
        tags=draw(st.lists(_any_text, max_size=3)),
        founded_on=draw(st.one_of(st.none(), st.dates())),
        birthday=draw(st.one_of(st.none(), specs())),
        birthday_remind_days=draw(st.one_of(st.none(), st.integers(-5, 100))),
        dates=[ImportantDate(DateKind.CUSTOM, s, draw(_any_text)) for s in
               draw(st.lists(specs(), max_size=2))],
        family=[FamilyMember(draw(_any_text), draw(_any_text), draw(st.one_of(st.none(),
                                                                               specs())))
                for _ in range(draw(st.integers(0, 2)))],
        profile=draw(st.dictionaries(st.integers(-2, 70), _any_text, max_size=3)),
        profile_private=draw(st.sets(st.integers(-2, 70), max_size=3)),
    )
    for name in TEXT_LIMITS:
        setattr(card, name, draw(_any_text))
    return card


@settings(max_examples=100, deadline=None)
@given(any_cards())
def test_validate_card_names_a_real_field_for_every_problem(card: ClientCard) -> None:
    names = {f.name for f in fields(ClientCard)}
    errors = validate_card(card, TODAY)
    assert all(isinstance(e, FieldError) and e.message for e in errors)
    assert {e.field.split(".")[0] for e in errors} <= names
    for e in errors:  # what the card editor parses to find the widget
        head, *rest = e.field.split(".")
        if head in ("phones", "profile", "dates", "family", "tags") and rest:
            int(rest[0])


def _valid_card() -> ClientCard:
    return ClientCard(name="张伟", phones=[Phone("13800138000")],
                      dates=[ImportantDate(DateKind.CUSTOM, DateSpec.solar(5, 20), "")],
                      family=[FamilyMember("妻子", "王芳")])


LIMITS: list[tuple[str, int, Any]] = [
    *((name, limit, lambda c, text, n=name: setattr(c, n, text))
      for name, limit in TEXT_LIMITS.items()),
    ("name", MAX_NAME, lambda c, text: setattr(c, "name", text)),
    ("notes", MAX_TEXT, lambda c, text: setattr(c, "notes", text)),
    ("tags.0", MAX_TAG, lambda c, text: setattr(c, "tags", [text])),
    ("dates.0.label", MAX_LABEL, lambda c, text: setattr(c.dates[0], "label", text)),
    ("family.0.relation", MAX_RELATION, lambda c, text: setattr(c.family[0], "relation", text)),
    ("family.0.name", MAX_NAME, lambda c, text: setattr(c.family[0], "name", text)),
    ("family.0.notes", MAX_TEXT, lambda c, text: setattr(c.family[0], "notes", text)),
    ("profile.7", MAX_TEXT, lambda c, text: setattr(c, "profile", {7: text})),
]


@pytest.mark.parametrize(("field", "limit", "put"), LIMITS, ids=[f for f, _l, _p in LIMITS])
def test_text_limits_are_exact(field: str, limit: int, put: Any) -> None:
    card = _valid_card()
    put(card, "字" * limit)
    assert validate_card(card, TODAY) == []
    put(card, "字" * (limit + 1))
    assert [e.field for e in validate_card(card, TODAY)] == [field]


def test_phone_and_tag_counts_are_limited() -> None:
    card = _valid_card()
    card.phones = [Phone(f"139{i:08d}") for i in range(MAX_PHONES)]
    card.tags = [f"标签{i}" for i in range(MAX_TAGS)] + ["标签0"]  # a repeat counts once
    assert validate_card(card, TODAY) == []
    card.phones.append(Phone("13700137000"))
    card.tags.append("再一个")
    assert [e.field for e in validate_card(card, TODAY)] == [f"phones.{MAX_PHONES}", "tags"]
    card.phones = [Phone("138 " + " " * 40 + "0013 8000")]
    assert [e.field for e in validate_card(card, TODAY)] == ["phones.0", "tags"]


@FEW
@given(st.integers(1, 200).map(lambda n: timedelta(days=n)))
def test_a_birthday_with_a_year_is_never_after_today(ahead: timedelta) -> None:
    future = TODAY + ahead
    card = _valid_card()
    card.birthday = DateSpec.from_date(future) if future.year <= 2100 else None
    assert [e.field for e in validate_card(card, TODAY)] == (["birthday"] if card.birthday
                                                              else [])
