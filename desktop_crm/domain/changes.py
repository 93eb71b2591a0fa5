"""Field-by-field differences between two versions of a card, for its history."""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

from desktop_crm.domain import profile
from desktop_crm.domain.client import (
    CARD_FIELDS,
    ClientCard,
    FamilyMember,
    ImportantDate,
    Interaction,
    Phone,
)
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import (
    ClientKind,
    DateKind,
    Gender,
    LabelledEnum,
    Loyalty,
    Nature,
    PhoneKind,
    Stage,
    Tenure,
    VolumeTier,
)
from desktop_crm.domain.photo import HISTORY_FIELD as PHOTO_FIELD
from desktop_crm.domain.photo import PHOTO_EVENTS
from desktop_crm.i18n import N_, _, ngettext


def render_value(value: Any) -> str:
    """A stable, human-readable text for one field value."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, DateSpec):
        return value.describe()
    if isinstance(value, Phone):
        return value.number
    if isinstance(value, ImportantDate):
        text = value.spec.describe()
        text = f"{value.label} {text}".strip() if value.label else text
        return text + _remind_text(value.remind_days)
    if isinstance(value, FamilyMember):
        bits = [value.relation, value.name]
        if value.birthday:
            bits.append(value.birthday.describe())
        return " ".join(b for b in bits if b) + _remind_text(value.remind_days)
    if isinstance(value, (list, tuple)):
        return "; ".join(render_value(v) for v in value)
    if isinstance(value, set):
        return ", ".join(str(v) for v in sorted(value))
    return str(value)


def _detailed(value: Any) -> str:
    """``render_value`` with every part of a phone, date or family member,
    for a change the short text cannot show (a phone's kind, a member's notes)."""
    if isinstance(value, Phone):
        return f"{value.number} ({value.kind.value})"
    if isinstance(value, ImportantDate):
        return f"{value.kind.value}: {render_value(value)}"
    if isinstance(value, FamilyMember):
        text = render_value(value)
        return f"{text}: {value.notes.strip()}" if value.notes.strip() else text
    if isinstance(value, (list, tuple)):
        return "; ".join(_detailed(v) for v in value)
    return render_value(value)


def _comparable(value: Any) -> Any:
    """A field value as storage keeps it, for telling whether it changed:
    text without surrounding blanks, tags without order."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, Phone):
        return (value.number.strip(), value.kind)
    if isinstance(value, ImportantDate):
        return (value.kind, value.spec, value.label, value.remind_days)
    if isinstance(value, FamilyMember):
        return (value.relation.strip(), value.name.strip(), value.birthday,
                value.notes, value.remind_days)
    if isinstance(value, (list, tuple)):
        return [_comparable(v) for v in value]
    return value


def _remind_text(days: int | None) -> str:
    return "" if days is None else " " + ngettext("(remind {n} day before)",
                                                  "(remind {n} days before)",
                                                  days)


def diff_cards(old: ClientCard | None, new: ClientCard) -> list[tuple[str, str, str]]:
    """(field, old text, new text) for every field that changed.

    Profile answers are compared one question at a time (``profile.12``).
    A new card (``old`` is None) lists the fields it was created with.
    """
    base = old or ClientCard()
    changes: list[tuple[str, str, str]] = []
    for name in CARD_FIELDS:
        if name == "profile":
            continue
        before, after = getattr(base, name), getattr(new, name)
        if name == "tags":  # tags have no order
            before, after = sorted(before), sorted(after)
        if _comparable(before) == _comparable(after):
            continue
        old_text, new_text = render_value(before).strip(), render_value(after).strip()
        if old_text == new_text:  # a part the short text leaves out changed
            old_text, new_text = _detailed(before).strip(), _detailed(after).strip()
        changes.append((name, old_text, new_text))
    for number in sorted(set(base.profile) | set(new.profile)):
        before = base.profile.get(number, "").strip()
        after = new.profile.get(number, "").strip()
        if before != after:
            changes.append((f"profile.{number}", before, after))
    return changes


TIMELINE = "timeline"  # the history's field for an edited or deleted timeline entry


def interaction_text(item: Interaction) -> str:
    """A timeline entry in one line, as its history keeps it:
    ``2026-11-10 14:00 · Visit · Deal closed · Presented the catalogue · Next
    step: send prices · Follow up on 2026-11-20``."""
    parts = [f"{item.occurred_at:%Y-%m-%d %H:%M}", item.channel.label]
    if item.milestone:
        parts.append(item.milestone.label)
    parts.append(item.summary.strip())
    if item.next_step.strip():
        parts.append(_("Next step: {text}", text=item.next_step.strip()))
    if item.follow_up_on:
        parts.append(_("Follow up on {date}", date=item.follow_up_on.isoformat()))
    return " · ".join(parts)


def diff_interaction(old: Interaction, new: Interaction | None) -> list[tuple[str, str, str]]:
    """The history entry of a timeline entry edited into ``new`` (deleted:
    None); nothing when no part the user sees changed."""
    before = interaction_text(old)
    after = interaction_text(new) if new is not None else ""
    return [] if before == after else [(TIMELINE, before, after)]


# the history's names of the fields (diff_cards) and events
FIELD_LABELS: dict[str, str] = {
    TIMELINE: N_("Timeline entry"),
    "created": N_("Created"),
    "deleted": N_("Moved to trash"),
    "restored": N_("Restored"),
    "kind": N_("Kind"),
    "name": N_("Name"),
    "gender": N_("Gender"),
    "title": N_("Title"),
    "company": N_("Company"),
    "phones": N_("Phones"),
    "email": N_("E-mail"),
    "wechat": N_("WeChat"),
    "website": N_("Website"),
    "address": N_("Address"),
    "home_address": N_("Home address"),
    "industry": N_("Industry"),
    "source": N_("Source"),
    "tags": N_("Tags"),
    "owner": N_("Owner"),
    "notes": N_("Notes"),
    "legal_representative": N_("Legal representative"),
    "founded_on": N_("Founded on"),
    "scale": N_("Scale"),
    "assets": N_("Assets"),
    "org_form": N_("Organisation form"),
    "relationship_since": N_("Client since"),
    "annual_spend": N_("Estimated yearly spend"),
    "nature": N_("By nature"),
    "stage": N_("By stage"),
    "tenure": N_("By tenure"),
    "volume_tier": N_("By volume"),
    "loyalty": N_("By loyalty"),
    "birthday": N_("Birthday"),
    "birthday_remind_days": N_("Birthday reminder (days before)"),
    "dates": N_("Anniversaries and other dates"),
    "family": N_("Family members"),
    "contacts": N_("Contact people"),
    PHOTO_FIELD: N_("Photo"),
    "profile_private": N_("Confidential"),
    "profile_filled_by": N_("Filled in by"),
}


def field_label(field: str) -> str:
    """The translated name of a history field (``profile.12``: the question)."""
    if field.startswith("profile."):
        number = int(field.split(".")[1])
        return _("Profile Q{n}", n=number) + " " + profile.question(number).text()
    return _(FIELD_LABELS.get(field, field))


# the fields whose history keeps an enum's stored value, shown by its label
ENUM_FIELDS: dict[str, type[LabelledEnum]] = {
    "kind": ClientKind, "gender": Gender, "nature": Nature, "stage": Stage,
    "tenure": Tenure, "volume_tier": VolumeTier, "loyalty": Loyalty,
}
# the kinds inside a phone's or a date's detailed text: "138… (mobile)", "custom: 05-01"
_PHONE_KIND = re.compile(r"\((" + "|".join(k.value for k in PhoneKind) + r")\)")
_DATE_KIND = re.compile(r"(^|; )(" + "|".join(k.value for k in DateKind) + r"): ")


def _label(enum: type[LabelledEnum], value: str) -> str:
    try:
        return enum(value).label
    except ValueError:  # not one of its values (a text from before): as stored
        return value


def value_label(field: str, text: str) -> str:
    """A history value (``diff_cards`` text, kept as stored) as the user reads
    it: an enum's value by its label in the UI language (``new`` → "New
    client"), the kinds in a phone's or a date's text likewise."""
    enum = ENUM_FIELDS.get(field)
    if enum is not None:
        return _label(enum, text.strip()) if text.strip() else text
    if field == "phones":
        return _PHONE_KIND.sub(lambda m: f"({_label(PhoneKind, m[1])})", text)
    if field == "dates":
        return _DATE_KIND.sub(lambda m: f"{m[1]}{_label(DateKind, m[2])}: ", text)
    if field == PHOTO_FIELD and text in PHOTO_EVENTS:  # "added", "replaced", "removed"
        return _(text)
    return text
