"""What the properties of a vobject vCard say about kinds and preference:
the kind of a TEL, how preferred a TEL or EMAIL is, and whether the card is
an organisation's. As the app and other programs write them:

- TEL TYPE (3.0 ``TYPE=WORK,FAX``; 2.1 ``TEL;HOME;VOICE``; 4.0
  ``TYPE="cell,voice"``): FAX is a fax whatever else it says, then CELL
  (Apple's IPHONE, MOBILE) a mobile, HOME a home phone, WORK an office
  phone, OTHER/PAGER/CAR/ISDN another number; VOICE alone says nothing.
- Preference: vCard 4.0 ``PREF=1`` (1 to 100, 1 first), ``TYPE=pref`` (3.0)
  and the bare ``PREF`` of 2.1 (as PREF=1); unmarked ones after, in file
  order.
- An organisation: ``KIND:org`` (vCard 4.0), ``X-ABShowAs:COMPANY`` (Apple
  Contacts and this app), and, as Android, Google and Outlook write a
  company without a person, ORG with no person's name in N and FN either
  missing or the ORG's name. ``KIND:individual`` is a person whatever else.
"""

from __future__ import annotations

from typing import Any

from desktop_crm.domain.enums import PhoneKind
from desktop_crm.domain.vcard_detail import CardDetail

UNRANKED = 101  # after PREF=100, the least preferred a vCard 4.0 can say
_OTHER_TYPES = frozenset({"OTHER", "PAGER", "CAR", "ISDN"})


def types(prop: Any) -> set[str]:
    """The TYPE values of a property (and 2.1's bare parameters), upper case."""
    found: set[str] = set()
    for value in list(prop.params.get("TYPE", [])) + list(getattr(prop, "singletonparams", [])):
        found |= {part.strip().upper() for part in str(value).split(",") if part.strip()}
    return found


def phone_kind(prop: Any) -> PhoneKind | None:
    """The kind a TEL's TYPE gives, or None when it does not say."""
    found = types(prop)
    if "FAX" in found:
        return PhoneKind.FAX
    if found & {"CELL", "MOBILE", "IPHONE"}:
        return PhoneKind.MOBILE
    if "HOME" in found:
        return PhoneKind.HOME
    if "WORK" in found:
        return PhoneKind.OFFICE
    if found & _OTHER_TYPES:
        return PhoneKind.OTHER
    return None


def preference(prop: Any) -> int:
    """1 (most preferred) to UNRANKED (not marked)."""
    for value in prop.params.get("PREF", []):
        try:
            return max(1, min(int(str(value).strip()), 100))
        except ValueError:
            continue
    return 1 if "PREF" in types(prop) else UNRANKED


def by_preference(props: list[Any]) -> list[Any]:
    """``props`` the most preferred first, file order otherwise."""
    return sorted(props, key=preference)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(t for t in (_text(v) for v in value) if t)
    return str(value).strip() if value is not None else ""


def organisation_name(card: Any) -> str:
    """The ORG's name (its units joined), "" when there is none."""
    for prop in card.contents.get("org", [])[:1]:
        return " ".join(_text(prop.value).split())
    return ""


def is_organisation(card: Any) -> bool:
    """Whether the vCard is an organisation's (see the module docstring)."""
    contents: dict[str, list[Any]] = card.contents
    for prop in contents.get("kind", [])[:1]:
        kind = _text(prop.value).lower()
        if kind in ("org", "organization", "organisation"):
            return True
        if kind == "individual":
            return False
    if any(_text(p.value).upper() == "COMPANY" for p in contents.get("x-abshowas", [])):
        return True
    org = organisation_name(card)
    if not org:
        return False
    for prop in contents.get("n", [])[:1]:
        n = prop.value
        if any(_text(getattr(n, part, "")) for part in ("family", "given", "additional")):
            return False
    names = [_text(p.value) for p in contents.get("fn", [])[:1]]
    return not names or not names[0] or " ".join(names[0].split()) == org


def card_detail(card: Any, organisation: bool) -> CardDetail:
    """Nature and phone kinds of ``card``, its TELs most preferred first."""
    phones = tuple((_text(prop.value).removeprefix("tel:"), phone_kind(prop))
                   for prop in by_preference(card.contents.get("tel", [])))
    return CardDetail(organisation=organisation, phones=phones)
