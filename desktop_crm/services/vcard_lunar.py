"""A lunar birthday in a vCard, written so that phones show it and read back
as lunar.

vCard has no lunar calendar (BDAY is Gregorian), and phones ignore ``X-``
properties. The export therefore writes a lunar birthday three ways:

- ``X-DESKTOP-CRM-LUNAR-BIRTHDAY:[YYYY]-MM-DD`` (``;LEAP=TRUE`` for a leap
  month): exact, for this app's import;
- a line at the end of NOTE in the export's language, ``Birthday: Lunar
  8/15 (1985)`` / ``生日：1985年农历八月十五``, which every phone shows;
- BDAY only when the year is known: the Gregorian date of birth (农历1985年
  八月十五 is 1985-09-29). That is the person's true date of birth, so ages
  and the contact's birth date are right; a phone's calendar then marks the
  Gregorian anniversary, and the note says the lunar day to celebrate.
  Without a year no Gregorian date is known and no BDAY is written (a
  made-up one would put the birthday on a wrong day every year).

The import takes the ``X-`` property over BDAY and drops the NOTE line it
finds written for that birthday in either language, so a round trip does
not add the line to the notes again.
"""

from __future__ import annotations

import re
from typing import Any

from desktop_crm.domain.dates import DateSpec, DateSpecError
from desktop_crm.i18n import LANGUAGES, _, language_in_this_thread

LUNAR_BIRTHDAY = "X-DESKTOP-CRM-LUNAR-BIRTHDAY"
_VALUE = re.compile(r"(?:(\d{4})-|--)(\d{2})-(\d{2})")


def value_of(spec: DateSpec) -> str:
    """``[YYYY]-MM-DD`` (``--MM-DD`` without a year)."""
    text = f"{spec.year:04d}-" if spec.year else "--"
    return text + f"{spec.month:02d}-{spec.day:02d}"


def note_line(spec: DateSpec) -> str:
    """The NOTE line of a lunar birthday, in the current language."""
    return _("Birthday: {date}", date=spec.describe())


def note_lines(spec: DateSpec) -> set[str]:
    """The NOTE line of ``spec`` in every language the app speaks."""
    found = set()
    for lang in LANGUAGES:
        with language_in_this_thread(lang):
            found.add(note_line(spec))
    return found


def gregorian_birthday(spec: DateSpec) -> str | None:
    """The BDAY of a lunar birthday: the date of birth when the year is known."""
    first = spec.original_date()
    return first.isoformat() if first is not None else None


def read(prop: Any) -> DateSpec | None:
    """The lunar birthday of an ``X-DESKTOP-CRM-LUNAR-BIRTHDAY`` property, or
    None when its value is not one."""
    m = _VALUE.fullmatch(str(prop.value).strip())
    if m is None:
        return None
    leap = [str(v).upper() for v in prop.params.get("LEAP", [])] == ["TRUE"]
    try:
        return DateSpec.lunar(int(m.group(2)), int(m.group(3)), leap=leap,
                              year=int(m.group(1)) if m.group(1) else None)
    except DateSpecError:
        return None


def without_note_line(note: str, spec: DateSpec) -> str:
    """``note`` without the lines the export wrote for ``spec``."""
    written = note_lines(spec)
    return "\n".join(line for line in note.split("\n") if line.strip() not in written).strip()
