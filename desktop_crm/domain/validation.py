"""Validation of phones, e-mail addresses, dates and whole client cards.

Every problem is a FieldError naming the field (``email``, ``phones.0``,
``family.1.name``) and a message in the current language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.dates import DateSpec, DateSpecError, parse_lunar
from desktop_crm.domain.errors import CrmError
from desktop_crm.i18n import _

MAX_NAME = 200
MAX_TEXT = 20_000
MAX_REMIND_DAYS = 60
MAX_PHONES = 20
MAX_TAGS = 50
# The longest text of each field: the lengths the database schema declares
# (PostgreSQL enforces VARCHAR(n), SQLite does not; a test keeps the two in
# step), MAX_TEXT for the long-text columns.
TEXT_LIMITS = {
    "title": 200, "company": 300, "wechat": 100, "website": 300, "industry": 100, "source": 100,
    "owner": 100, "legal_representative": 100, "scale": 100, "assets": 100,
    "org_form": 100, "profile_filled_by": 100, "address": MAX_TEXT, "home_address": MAX_TEXT,
}
MAX_PHONE = 40
MAX_TAG = 100
MAX_RELATION = 50
MAX_LABEL = 100

_SEPARATORS = re.compile(r"[\s\-().·/]")
# re.ASCII: \d must not accept Arabic-Indic or full-width digits that search
# would never match; input is NFKC-normalised first, so full-width digits work.
_CN_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$", re.ASCII)
_CN_LANDLINE = re.compile(r"^(0\d{2,3})(\d{7,8})(?:[#*转](\d{1,6}))?$", re.ASCII)
_INTERNATIONAL = re.compile(r"^(?:\+|00)([1-9]\d{6,14})$", re.ASCII)


@cache
def _email() -> re.Pattern[str]:
    """An e-mail address; the top-level domain: letters (com, 中国) or its
    ASCII form (xn--fiqs8s). Compiled when first needed: its ranges of every
    letter take about 10 ms to compile, at every start otherwise."""
    return re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9\u00a0-\uffff](?:[A-Za-z0-9\u00a0-\uffff-]{0,62})"
                      r"(?:\.[A-Za-z0-9\u00a0-\uffff-]{1,63})*"
                      r"\.(?:[A-Za-z\u00a0-\uffff]{2,63}|[Xx][Nn]--[A-Za-z0-9-]{1,59})$")


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ValidationError(ValueError, CrmError):
    """Raised by services when a card fails validation; holds every problem."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


MAX_ANNUAL_SPEND = 10**12  # a trillion yuan: more is a typing error


# every ASCII character but the digits: deleted by str.translate
_NOT_DIGITS = dict.fromkeys(i for i in range(128) if not 0x30 <= i <= 0x39)


def phone_digits(text: str) -> str:
    """Digits of a phone number, with a leading ``+`` kept: what search compares."""
    if text.isascii():  # NFKC leaves ASCII as it is; translate is C (an import: 600,000 calls)
        text = text.strip()
        digits = text.translate(_NOT_DIGITS)
    else:
        text = unicodedata.normalize("NFKC", text).strip()
        digits = "".join(ch for ch in text if "0" <= ch <= "9")
    return ("+" if text.startswith("+") else "") + digits


def check_phone(text: str) -> str | None:
    """None when ``text`` is a Chinese mobile, a landline with area code or an
    international number; otherwise the reason, in the current language."""
    raw = unicodedata.normalize("NFKC", text).strip()
    if not raw:
        return _("Phone number is empty")
    compact = _SEPARATORS.sub("", raw)
    compact = compact.replace("ext.", "#").replace("ext", "#").replace("x", "#")
    if _CN_MOBILE.match(compact) or _CN_LANDLINE.match(compact):
        return None
    if _INTERNATIONAL.match(compact):
        return None
    if re.search(r"[^\d+#*转]", compact):
        return _("A phone number may contain only digits, spaces, dashes and a leading +")
    if compact.startswith("1"):
        return _("A mobile number has 11 digits starting with 13-19, e.g. 138 0013 8000")
    if compact.startswith("0"):
        return _("A landline needs its area code, e.g. 010-6552 9988")
    return _("Not a phone number: use a mobile, an area code and number, or +country code")


def check_email(text: str) -> str | None:
    value = text.strip()
    if len(value) > 254 or not _email().match(value):
        return _("Not an e-mail address, e.g. name@example.com")
    return None


def parse_date(text: str) -> date:
    """Parse 2026-09-25, 2026/9/25, 2026.9.25, 2026年9月25日 or 20260925.
    Raises ValueError; DateSpecError (a ValueError) when the text is written
    as a date that does not exist (2026-02-30, 2026-13-01, 0000-01-01)."""
    value = text.strip()
    for pattern in _DATE_PATTERNS:
        m = pattern.match(value)
        if m:
            year, month, day = (int(g) for g in m.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise DateSpecError(_("Not a valid date: {text} (use e.g. 2026-09-25)",
                                      text=value)) from None
    raise ValueError(_("Not a valid date: {text} (use e.g. 2026-09-25)", text=value))


_LUNAR_WORD = re.compile(r"农历|阴历|旧历|^lunar\b", re.IGNORECASE)
_MONTH_DAY_PATTERNS = (
    re.compile(r"^(\d{1,2})月(\d{1,2})[日号]?$"),
    re.compile(r"^(\d{1,2})[-/.](\d{1,2})$"),
)


def parse_date_spec(text: str) -> DateSpec:
    """A birthday or anniversary as written in a sheet: a full date (see
    ``parse_date``), a month and day without year (``9月25日``, ``09-25``) or a
    lunar date (``农历八月十五``, ``农历1980年闰四月初八``). Raises ValueError:
    DateSpecError when the text is written as a date that cannot exist
    (``2026-02-30``, ``13-45``, ``农历十三月初一``), a plain ValueError when it
    is not a date at all (``不详``)."""
    value = unicodedata.normalize("NFKC", text).strip()
    lunar = parse_lunar(value)
    if lunar is not None:
        return lunar
    if _LUNAR_WORD.search(value):
        raise DateSpecError(_("Not a lunar date: {text} (use e.g. 农历八月十五)", text=value))
    for pattern in _MONTH_DAY_PATTERNS:
        m = pattern.match(value)
        if m:
            return DateSpec.solar(int(m.group(1)), int(m.group(2)))
    return DateSpec.from_date(parse_date(value))


def validate_card(card: ClientCard, today: date | None = None, *,
                  contacts_checked: bool = False) -> list[FieldError]:
    """Every problem with ``card``; an empty list means it can be saved.
    ``contacts_checked``: every phone number passed ``check_phone`` and the
    e-mail, when there is one, ``check_email`` (an import's row builder
    keeps only those: not checked twice; their lengths still are)."""
    errors: list[FieldError] = []
    today = today or date.today()
    name = card.name.strip()
    if not name:
        errors.append(FieldError("name", _("Name is required")))
    elif len(name) > MAX_NAME:
        errors.append(FieldError("name", _("Name is longer than {n} characters", n=MAX_NAME)))
    for i, phone in enumerate(card.phones):
        problem = None if contacts_checked else check_phone(phone.number)
        if problem:
            errors.append(FieldError(f"phones.{i}", problem))
        elif len(phone.number.strip()) > MAX_PHONE:
            errors.append(FieldError(f"phones.{i}", _too_long(MAX_PHONE)))
    if len(card.phones) > MAX_PHONES:
        errors.append(FieldError(f"phones.{MAX_PHONES}", _(
            "At most {n} phone numbers per client", n=MAX_PHONES)))
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(card, name).strip()) > limit:
            errors.append(FieldError(name, _too_long(limit)))
    tags = [t.strip() for t in card.tags if t.strip()]
    if len(set(tags)) > MAX_TAGS:
        errors.append(FieldError("tags", _("At most {n} tags per client", n=MAX_TAGS)))
    errors.extend(FieldError(f"tags.{i}", _too_long(MAX_TAG))
                  for i, tag in enumerate(card.tags) if len(tag.strip()) > MAX_TAG)
    if card.email.strip() and not contacts_checked:
        problem = check_email(card.email)
        if problem:
            errors.append(FieldError("email", problem))
    for label, value in (("founded_on", card.founded_on),
                         ("relationship_since", card.relationship_since)):
        if value is not None and value > today:
            errors.append(FieldError(label, _("This date is in the future")))
    if card.annual_spend is not None and not 0 <= card.annual_spend <= MAX_ANNUAL_SPEND:
        errors.append(FieldError("annual_spend", _(
            "The yearly spend is between 0 and {n} yuan", n=f"{MAX_ANNUAL_SPEND:,}")))
    if card.birthday is not None:
        errors.extend(_check_spec("birthday", card.birthday, today))
    for i, item in enumerate(card.dates):
        errors.extend(_check_spec(f"dates.{i}", item.spec, None))
        if len(item.label) > MAX_LABEL:
            errors.append(FieldError(f"dates.{i}.label", _too_long(MAX_LABEL)))
    for i, member in enumerate(card.family):
        if not member.name.strip() and not member.relation.strip():
            errors.append(FieldError(f"family.{i}.name",
                                     _("A family member needs a name or a relation")))
        for part, text, limit in (("relation", member.relation.strip(), MAX_RELATION),
                                  ("name", member.name.strip(), MAX_NAME),
                                  ("notes", member.notes, MAX_TEXT)):
            if len(text) > limit:
                errors.append(FieldError(f"family.{i}.{part}", _too_long(limit)))
        if member.birthday is not None:
            errors.extend(_check_spec(f"family.{i}.birthday", member.birthday, today))
    reminders = [("birthday", card.birthday_remind_days)]
    reminders += [(f"dates.{i}", d.remind_days) for i, d in enumerate(card.dates)]
    reminders += [(f"family.{i}.birthday", m.remind_days) for i, m in enumerate(card.family)]
    for field, days in reminders:
        if days is not None and not 0 <= days <= MAX_REMIND_DAYS:
            errors.append(FieldError(field, _("Remind between 0 and {max} days before",
                                              max=MAX_REMIND_DAYS)))
    for number in sorted(card.profile_private - set(card.profile)):
        if not 1 <= number <= 66:
            errors.append(FieldError(f"profile.{number}", _("No such profile question")))
    for number, answer in card.profile.items():
        if not 1 <= number <= 66:
            errors.append(FieldError(f"profile.{number}", _("No such profile question")))
        elif len(answer) > MAX_TEXT:
            errors.append(FieldError(f"profile.{number}", _too_long(MAX_TEXT)))
    if len(card.notes) > MAX_TEXT:
        errors.append(FieldError("notes", _("Notes are longer than {n} characters", n=MAX_TEXT)))
    return errors


def _too_long(limit: int) -> str:
    return _("Too long: at most {n} characters", n=f"{limit:,}")


def _check_spec(field: str, spec: DateSpec, not_after: date | None) -> list[FieldError]:
    try:
        spec.check()
    except DateSpecError as exc:
        return [FieldError(field, str(exc))]
    first = spec.original_date()
    if not_after is not None and first is not None and first > not_after:
        return [FieldError(field, _("A birthday cannot be in the future"))]
    return []
