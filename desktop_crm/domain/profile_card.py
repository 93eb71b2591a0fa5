"""The Mackay 66 answers a client card holds already, and the profile's header.

The profile's first questions ask for the name, title, company and addresses,
phones and birthday: the card has them, so the profile shows the card's
values (read-only; they are edited on the card) and stores only what the card
does not hold (the nickname, the place of birth). The header of the source's
form (date, last revised, filled in by) is read from the card's history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from desktop_crm.domain import profile
from desktop_crm.domain.client import ChangeEntry, ClientCard
from desktop_crm.i18n import N_, _

# The card page that edits each field, for the hint beside the card's answer.
FIELD_PAGES = {"name": N_("Basics"), "title": N_("Basics"), "company": N_("Basics"),
               "address": N_("Basics"), "home_address": N_("Basics"),
               "phones": N_("Basics"), "birthday": N_("Dates and family")}


def _field_text(card: ClientCard, name: str) -> str:
    if name == "phones":
        return "、".join(_("{number} ({kind})", number=p.number.strip(), kind=p.kind.label)
                        for p in card.phones if p.number.strip())
    if name == "birthday":
        return card.birthday.describe() if card.birthday is not None else ""
    text = str(getattr(card, name)).strip()
    if text and name == "home_address":
        return _("Home address: {address}", address=text)
    return text


def card_answer(card: ClientCard, number: int) -> str:
    """The card's answer to question ``number`` ("" when it holds none or the
    question is not one the card answers)."""
    parts = (_field_text(card, name) for name in profile.question(number).card_fields)
    return " · ".join(p for p in parts if p)


def card_pages(number: int) -> list[str]:
    """The translated names of the card pages that edit question ``number``'s answer."""
    pages = dict.fromkeys(FIELD_PAGES[n] for n in profile.question(number).card_fields)
    return [_(page) for page in pages]


def stored_answers(answers: dict[int, str]) -> dict[int, str]:
    """The answers to store: never the card's part (the page shows it)."""
    return {n: text.strip() for n, text in answers.items() if text.strip()}


def all_answers(card: ClientCard) -> dict[int, str]:
    """Every answer the profile shows: the card's part and the stored rest,
    joined (for the completeness gauge and for sharing the profile)."""
    answers = dict(card.profile)
    for question in profile.questions():
        if question.card_fields:
            parts = [card_answer(card, question.number), card.profile.get(question.number, "")]
            joined = "; ".join(p.strip() for p in parts if p.strip())
            if joined:
                answers[question.number] = joined
    return answers


@dataclass(frozen=True)
class ProfileHeader:
    """The header of the source's form: first filled in, last revised, by whom."""

    started: datetime | None
    revised: datetime | None
    first_by: str  # who first answered (from the history; "" when unknown)


def profile_header(history: Sequence[ChangeEntry]) -> ProfileHeader:
    """Read the header from the card's history (its ``profile.N``,
    ``profile_private`` and ``profile_filled_by`` entries)."""
    entries = sorted((e for e in history if e.field.startswith("profile")),
                     key=lambda e: e.changed_at)
    if not entries:
        return ProfileHeader(None, None, "")
    return ProfileHeader(entries[0].changed_at, entries[-1].changed_at, entries[0].user)
