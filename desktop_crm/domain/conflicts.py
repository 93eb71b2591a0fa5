"""Two people saving one card: the refusal of a save made from an old
version, and the three-way merge that decides what the user must be asked.

The service refuses a save whose card was read at another version than the
stored one (``EditConflictError``, carrying the stored card and the history entries
since). The editor then merges: a field only the user changed keeps the
user's value, a field only the other side changed takes theirs, and only a
field both changed to different values is a question for the user.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from desktop_crm.domain.changes import diff_cards, field_label, value_label
from desktop_crm.domain.client import CARD_FIELDS, ChangeEntry, ClientCard
from desktop_crm.domain.errors import CrmError
from desktop_crm.i18n import _

SHOWN_VALUE = 40  # characters of a value the one-line message shows


class EditConflictError(CrmError):
    """The card was saved by someone else since it was read; nothing was written.

    Attributes:
        theirs: the card as stored now (its ``version`` is the one to save over).
        changes: the history entries made since the card was read, oldest first
            (empty when only the timeline, an evaluation or an undone import
            moved the version).
    """

    def __init__(self, theirs: ClientCard, changes: list[ChangeEntry]) -> None:
        super().__init__(conflict_message(theirs.name, changes))
        self.theirs = theirs
        self.changes = changes


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_VALUE else text[:SHOWN_VALUE - 1] + "…"


def change_text(entry: ChangeEntry) -> str:
    """One history entry as "who changed what to which value when"."""
    return _("{who} changed {field} to “{value}” at {when}",
             who=entry.user or _("someone"), field=field_label(entry.field),
             value=_short(value_label(entry.field, entry.new)),
             when=f"{entry.changed_at:%Y-%m-%d %H:%M}")


def conflict_message(name: str, changes: list[ChangeEntry]) -> str:
    """The one line that says the save was refused and what changed since."""
    if not changes:
        return _("Not saved: {name} was changed elsewhere since you opened it "
                 "(timeline, evaluation or an undone import)", name=name)
    return _("Not saved: {name} was changed since you opened it: {changes}",
             name=name, changes="; ".join(change_text(e) for e in changes))


@dataclass(frozen=True)
class FieldConflict:
    """A field both sides changed to different values: the user chooses."""

    field: str
    mine: str  # rendered as the history shows it
    theirs: str
    who: str  # the last to change it on the other side ("" when unknown)
    when: datetime | None

    @property
    def label(self) -> str:
        return field_label(self.field)


def _field_order(field: str) -> tuple[int, int]:
    if field.startswith("profile."):
        return len(CARD_FIELDS), int(field.split(".")[1])
    return CARD_FIELDS.index(field), 0


def take_field(card: ClientCard, source: ClientCard, field: str) -> None:
    """Set one field (a ``diff_cards`` name) of ``card`` to ``source``'s value."""
    if field.startswith("profile."):
        number = int(field.split(".")[1])
        if number in source.profile:
            card.profile[number] = source.profile[number]
        else:
            card.profile.pop(number, None)
        return
    setattr(card, field, copy.deepcopy(getattr(source, field)))
    if field == "birthday":  # the record's identity goes with it
        card.birthday_uuid = source.birthday_uuid


def merge(base: ClientCard, mine: ClientCard, theirs: ClientCard,
          changes: Sequence[ChangeEntry] = ()) -> tuple[ClientCard, list[FieldConflict]]:
    """Merge the user's edits (``mine``, made on ``base``) with the stored card
    (``theirs``). Returns the merged card, to be saved over ``theirs``'
    version, and the fields both sides changed differently, for which the
    merged card holds the user's value until the user chooses."""
    mine_changed = {f for f, _old, _new in diff_cards(base, mine)}
    their_changed = {f for f, _old, _new in diff_cards(base, theirs)}
    differ = {f: (a, b) for f, a, b in diff_cards(theirs, mine)}
    merged = copy.deepcopy(mine)
    merged.id, merged.uuid, merged.version = theirs.id, theirs.uuid, theirs.version
    merged.created_at, merged.updated_at = theirs.created_at, theirs.updated_at
    merged.deleted_at, merged.grade = theirs.deleted_at, theirs.grade
    for field in their_changed - mine_changed:
        take_field(merged, theirs, field)
    last = {e.field: e for e in changes}
    conflicts = []
    for field in sorted(mine_changed & their_changed & set(differ), key=_field_order):
        theirs_text, mine_text = differ[field]
        entry = last.get(field)
        conflicts.append(FieldConflict(field, value_label(field, mine_text),
                                       value_label(field, theirs_text),
                                       entry.user if entry else "",
                                       entry.changed_at if entry else None))
    return merged, conflicts
