"""Bulk actions on many client cards at once: move to the trash, add or
remove a tag, set the owner or a classification (客户分类).

Each action is one transaction, writes a history entry per client it
changed (by the user's name), and returns a ``BulkReceipt`` that ``undo``
takes to put every changed card back as it was, in one transaction too. The
undo refuses (``BulkUndoError``, one line naming the clients and who changed
them; nothing written) when a card changed after the action, as an import's
undo does: putting old values back would throw that change away.

Clients in the trash are left alone by the edits (a card is restored before
it is edited), and a card that already has the value is not touched.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from desktop_crm.domain.enums import CLASSIFICATIONS, LabelledEnum
from desktop_crm.domain.errors import CrmError
from desktop_crm.domain.validation import FieldError, ValidationError
from desktop_crm.i18n import _
from desktop_crm.services.clock import Clock, current_user, system_clock
from desktop_crm.storage.database import Database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MAX_TAG = 100  # the tags.name column
MAX_OWNER = 100  # the clients.owner column

TRASH = "trash"
ADD_TAG = "add_tag"
REMOVE_TAG = "remove_tag"
OWNER = "owner"


class BulkUndoError(ValueError, CrmError):
    """A bulk action cannot be undone; the message says why."""


@dataclass(frozen=True)
class BulkReceipt:
    """What a bulk action changed, for its undo.

    Attributes:
        action: TRASH, ADD_TAG, REMOVE_TAG, OWNER or a classification field.
        client_ids: the clients it changed (those that already had the
            value, or are in the trash, are not among them).
        before: each changed client's old value (owner, classification value).
        updated: each changed client's time of last change before it.
        versions: each changed client's version after it.
        tag, tag_id, tag_created: the tag added or removed; whether the
            action made the tag (the undo deletes it again when unused).
        value: the value set (owner, classification value), for messages.
    """

    action: str
    client_ids: tuple[int, ...]
    before: dict[int, Any] = field(default_factory=dict)
    updated: dict[int, datetime] = field(default_factory=dict)
    versions: dict[int, int] = field(default_factory=dict)
    tag: str = ""
    tag_id: int | None = None
    tag_created: bool = False
    value: str | None = None

    @property
    def count(self) -> int:
        return len(self.client_ids)


def _text(value: Any) -> str:
    # (the card history's code, with the photo's and the profile's, loads with
    # the first change written: Today's bulk buttons need none of it to show)
    from desktop_crm.domain.changes import render_value

    return render_value(value).strip()


class BulkService:
    """Bulk actions on client cards (see the module docstring).

    Attributes:
        db: the open database.
        clock: returns "now".
        user: recorded as the author of every history entry.
    """

    def __init__(self, db: Database, clock: Clock = system_clock, user: str | None = None):
        self.db = db
        self.clock = clock
        self.user = current_user() if user is None else user

    # -- actions ------------------------------------------------------------------
    def trash(self, client_ids: list[int]) -> BulkReceipt:
        """Move the clients to the trash (those not there yet)."""
        from desktop_crm.storage import bulk_repo as repo

        now = self.clock()
        with self.db.session() as s:
            states = repo.client_states(s, client_ids, "deleted_at")
            ids = [i for i in dict.fromkeys(client_ids) if i in states and states[i][3] is None]
            repo.set_trashed(s, ids, now)
            repo.add_changes(s, [(i, "deleted", "", now.isoformat(" ")) for i in ids],
                             now, self.user)
            return BulkReceipt(TRASH, tuple(ids), versions=repo.versions(s, ids))

    def set_owner(self, client_ids: list[int], owner: str) -> BulkReceipt:
        """Make ``owner`` (a salesperson's name, may be empty) the clients' owner."""
        owner = owner.strip()
        if len(owner) > MAX_OWNER:
            raise ValidationError([FieldError("owner", _(
                "At most {n} characters", n=MAX_OWNER))])
        return self._set_value(client_ids, OWNER, owner, owner)

    def set_classification(self, client_ids: list[int], name: str,
                           value: LabelledEnum | None) -> BulkReceipt:
        """Set one classification (``nature``, ``stage``, ``tenure``,
        ``volume_tier`` or ``loyalty``) of the clients; None clears it."""
        enum = CLASSIFICATIONS.get(name)
        if enum is None or (value is not None and not isinstance(value, enum)):
            raise ValidationError([FieldError(name, _("Choose a value from the list"))])
        return self._set_value(client_ids, name, value.value if value else None, value)

    def _set_value(self, client_ids: list[int], column: str, stored: str | None,
                   shown: Any) -> BulkReceipt:
        from desktop_crm.storage import bulk_repo as repo

        now = self.clock()
        with self.db.session() as s:
            states = repo.client_states(s, client_ids, column)
            ids = [i for i in dict.fromkeys(client_ids)
                   if i in states and states[i][3] is None and states[i][0] != stored]
            repo.set_values(s, column, {stored: ids}, now)
            enum = CLASSIFICATIONS.get(column)
            repo.add_changes(s, [(i, column, _text(enum(states[i][0]) if enum and states[i][0]
                                                   else states[i][0]), _text(shown))
                                 for i in ids], now, self.user)
            return BulkReceipt(column, tuple(ids), before={i: states[i][0] for i in ids},
                               updated={i: states[i][2] for i in ids},
                               versions=repo.versions(s, ids), value=_text(shown))

    def set_tag(self, client_ids: list[int], tag: str, add: bool = True) -> BulkReceipt:
        """Add the tag to the clients that lack it (``add``), or remove it
        from those that carry it."""
        from desktop_crm.storage import bulk_repo as repo

        tag = " ".join(tag.split())
        if not tag or len(tag) > MAX_TAG:
            raise ValidationError([FieldError("tag", _("Write a tag of 1 to {n} characters",
                                                       n=MAX_TAG))])
        now = self.clock()
        with self.db.session() as s:
            tag_id, created = repo.tag_id(s, tag, create=add)
            if tag_id is None:  # no client carries a tag that does not exist
                return BulkReceipt(REMOVE_TAG, (), tag=tag)
            states = repo.client_states(s, client_ids, "id")
            live = [i for i in dict.fromkeys(client_ids) if i in states and states[i][3] is None]
            has = repo.tagged(s, live, tag_id)
            ids = [i for i in live if (i in has) != add]
            old = repo.client_tag_names(s, ids)
            (repo.add_tag if add else repo.remove_tag)(s, ids, tag_id)
            repo.touch(s, ids, now)
            changes = []
            for i in ids:
                before = old.get(i, [])
                after = sorted([*before, tag]) if add else [t for t in before if t != tag]
                changes.append((i, "tags", _text(before), _text(after)))
            repo.add_changes(s, changes, now, self.user)
            repo.reindex(s, ids, old)
            return BulkReceipt(ADD_TAG if add else REMOVE_TAG, tuple(ids),
                               updated={i: states[i][2] for i in ids},
                               versions=repo.versions(s, ids), tag=tag, tag_id=tag_id,
                               tag_created=created)

    # -- undo -----------------------------------------------------------------------
    def undo(self, receipt: BulkReceipt) -> int:
        """Put back every card the action changed, in one transaction; returns
        how many. Raises BulkUndoError (nothing written) when one of them
        changed after the action."""
        from desktop_crm.storage import bulk_repo as repo

        ids = list(receipt.client_ids)
        now = self.clock()
        with self.db.session(lock=True) as s:  # the check and the writes: one state
            current = repo.versions(s, ids)
            moved = [i for i in ids if current.get(i) != receipt.versions.get(i)]
            if moved:
                raise BulkUndoError(_(
                    "Cannot undo: {clients} changed since, by {users}",
                    clients=_names(repo.names(s, moved)),
                    users="、".join(repo.last_editors(s, moved)) or _("someone")))
            if receipt.action == TRASH:
                repo.set_trashed(s, ids, None)
                repo.add_changes(s, [(i, "restored", "", now.isoformat(" ")) for i in ids],
                                 now, self.user)
            elif receipt.action in (ADD_TAG, REMOVE_TAG):
                self._undo_tag(s, receipt, now)
            else:
                self._undo_value(s, receipt, now)
        return len(ids)

    def _undo_value(self, s: Session, receipt: BulkReceipt, now: datetime) -> None:
        from desktop_crm.storage import bulk_repo as repo

        column = receipt.action
        by_value: dict[Any, list[int]] = defaultdict(list)
        for i in receipt.client_ids:
            by_value[receipt.before[i]].append(i)
        repo.set_values(s, column, by_value, receipt.updated)
        enum = CLASSIFICATIONS.get(column)
        repo.add_changes(s, [
            (i, column, receipt.value or "",
             _text(enum(receipt.before[i]) if enum and receipt.before[i] else receipt.before[i]))
            for i in receipt.client_ids], now, self.user)

    def _undo_tag(self, s: Session, receipt: BulkReceipt, now: datetime) -> None:
        from desktop_crm.storage import bulk_repo as repo

        ids, tag_id = list(receipt.client_ids), receipt.tag_id
        if not ids or tag_id is None:
            return
        current = repo.client_tag_names(s, ids)
        if receipt.action == ADD_TAG:
            repo.remove_tag(s, ids, tag_id)
        else:
            repo.add_tag(s, ids, tag_id)
        repo.touch(s, ids, None)
        repo.restore_updated_at(s, receipt.updated)
        changes = []
        for i in ids:
            after = current.get(i, [])
            before = ([t for t in after if t != receipt.tag] if receipt.action == ADD_TAG
                      else sorted([*after, receipt.tag]))
            changes.append((i, "tags", _text(after), _text(before)))
        repo.add_changes(s, changes, now, self.user)
        if receipt.tag_created:
            repo.delete_tag_if_unused(s, tag_id)
        repo.reindex(s, ids, current)


def _names(names: list[str]) -> str:
    """The first few names and how many more (as an import's summary says
    them; the import code loads only when a bulk change is made)."""
    from desktop_crm.services.importing.service import name_list

    return name_list(names)
