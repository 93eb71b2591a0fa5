"""Client-card use cases: list, search, open, save, delete/restore, timeline."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime

from desktop_crm.domain.card_records import CardRecords
from desktop_crm.domain.changes import diff_cards, diff_interaction
from desktop_crm.domain.client import ChangeEntry, ClientCard, ClientRow, Interaction
from desktop_crm.domain.conflicts import EditConflictError
from desktop_crm.domain.errors import NotFoundError
from desktop_crm.domain.validation import FieldError, ValidationError, validate_card
from desktop_crm.i18n import _
from desktop_crm.services.clock import Clock, current_user, system_clock
from desktop_crm.storage import card_read
from desktop_crm.storage import client_repo as repo
from desktop_crm.storage.client_repo import ClientFilter
from desktop_crm.storage.database import Database

__all__ = ["ClientFilter", "ClientService", "EditConflictError", "NotFoundError"]


class ClientService:
    """Everything the client tab and the CLI do with client cards.

    Attributes:
        db: the open database.
        clock: returns "now"; injected so tests can fix it.
        user: recorded as the author of changes and proposed as the owner of
            a new card; "Mine" means the clients this user owns.
    """

    def __init__(self, db: Database, clock: Clock = system_clock, user: str | None = None):
        self.db = db
        self.clock = clock
        self.user = current_user() if user is None else user

    def owner_for(self, mine: bool) -> str | None:
        """The owner a "Mine" list shows (the user), or None for everyone's."""
        return self.user if mine else None

    # -- reading --------------------------------------------------------------
    def list_ids(self, flt: ClientFilter) -> list[int]:
        with self.db.read() as s:
            return repo.list_ids(s, flt)

    @staticmethod
    def is_ranked(flt: ClientFilter) -> bool:
        """Whether ``flt`` lists search hits in rank order, read a page at a
        time (``ranked_page``)."""
        return repo.is_ranked(flt)

    def ranked_page(self, flt: ClientFilter, offset: int, limit: int,
                    hits: int | None = None) -> list[int]:
        """``limit`` ids of ``list_ids(flt)`` from ``offset`` on, for a ranked
        search: the database ranks the hits and reads only the page.
        ``hits``: how many the search has, if counted (``count_hits``, up to
        what was asked): a search with few is ranked whole, a broad one tier
        by tier."""
        with self.db.read() as s:
            return repo.ranked_page(s, flt, offset, limit, hits)

    def first_page(self, flt: ClientFilter, size: int, most: int) -> tuple[list[int], int]:
        """A ranked search's first ids (at least ``size`` of them when it has
        as many: at most ``most``) and its hits counted up to ``most``: what
        a keystroke in the search box reads."""
        with self.db.read() as s:
            return repo.first_page(s, flt, size, most)

    def count_hits(self, flt: ClientFilter, most: int) -> int:
        """How many clients ``flt`` lists, counted up to ``most`` (reading
        stops there: a broad search says "more than")."""
        with self.db.read() as s:
            return repo.count(s, flt, most)

    def is_listed(self, flt: ClientFilter, client_id: int) -> bool:
        """Whether ``flt`` lists ``client_id``."""
        with self.db.read() as s:
            return repo.is_listed(s, flt, client_id)

    def rows(self, ids: list[int]) -> list[ClientRow]:
        with self.db.read() as s:
            return repo.rows(s, ids)

    def search(self, text: str, limit: int | None = None, *, mine: bool = False,
               owner: str | None = None, grade: str | None = None) -> list[ClientRow]:
        """Same matching and order as the search box: best match first, then
        the most recently contacted (see ``domain.search_rank``). ``mine``:
        only the user's clients; ``owner``: only that owner's; ``grade``: only
        clients of that grade ("A", "B", "C" or "unrated": never evaluated)."""
        flt = ClientFilter(text=text, owner=self.owner_for(mine) if owner is None else owner,
                           grade=grade)
        with self.db.read() as s:
            if limit and repo.is_ranked(flt):
                return repo.rows(s, repo.ranked_page(s, flt, 0, limit))
            ids = repo.list_ids(s, flt)
            return repo.rows(s, ids[:limit] if limit else ids)

    def reading(self, snapshot: bool = True) -> AbstractContextManager[None]:
        """The reads of every service on this database inside the block are one
        read (``Database.reading``): a card opened with its sections."""
        return self.db.reading(snapshot)

    def get(self, client_id: int) -> ClientCard:
        with self.db.read() as s:
            card = repo.load_card(s, client_id)
        if card is None:
            raise NotFoundError(_("Client {id} does not exist", id=client_id))
        return card

    def open_card(self, client_id: int) -> CardRecords:
        """The card with every record its editor shows (timeline, history,
        orders, contact people, complaints, photo), read at once: one
        statement on PostgreSQL (``storage.card_read``)."""
        with self.db.read() as s:
            found = card_read.read_card(s, client_id)
        if found is None:
            raise NotFoundError(_("Client {id} does not exist", id=client_id))
        return found

    def owners(self) -> list[str]:
        with self.db.read() as s:
            return repo.distinct_owners(s)

    def tags(self) -> list[str]:
        with self.db.read() as s:
            return repo.tag_names(s)

    def history(self, client_id: int) -> list[ChangeEntry]:
        with self.db.read() as s:
            return repo.history(s, client_id)

    def interactions(self, client_id: int) -> list[Interaction]:
        with self.db.read() as s:
            return repo.interactions(s, client_id)

    def counts(self) -> dict[str, int]:
        with self.db.read() as s:
            return repo.counts(s)

    # -- writing --------------------------------------------------------------
    def save(self, card: ClientCard) -> int:
        """Validate and store ``card`` (new when ``card.id`` is None), recording
        every changed field in the history. Raises ValidationError, writing nothing.

        A card read from storage carries the version it was read at; when the
        stored card has moved past it (someone else saved it meanwhile, in
        another window, process or on another computer) nothing is written and
        EditConflictError says who changed what and carries the stored card. A
        card with version 0 (not read from storage) is saved without the check.
        """
        now = self.clock()
        errors = validate_card(card, now.date())
        if errors:
            raise ValidationError(errors)
        with self.db.session() as s:
            old = repo.load_card(s, card.id) if card.id else None
            if card.id and old is None:
                raise NotFoundError(_("Client {id} does not exist", id=card.id))
            if old is not None and old.deleted_at is not None:
                raise ValidationError([FieldError("name", _("Restore this client from the "
                                                            "trash before editing it"))])
            if old is not None and card.version and old.version != card.version:
                raise repo.conflict(s, old.id or 0, card.version)
            changes = diff_cards(old, card)
            if old is not None and not changes:
                return old.id or 0
            # the version is checked again as it is written: someone may have
            # saved the card since it was read above
            client_id = repo.save_card(s, card, now, expected_version=card.version or None)
            repo.add_changes(s, client_id, changes if old else [("created", "", card.name)],
                             now, self.user)
            return client_id

    def delete(self, client_id: int) -> None:
        """Move a client to the trash (recorded in its history)."""
        now = self.clock()
        with self.db.session() as s:
            if not repo.set_deleted(s, client_id, now):
                raise NotFoundError(_("Client {id} does not exist or is already in the trash",
                                      id=client_id))
            repo.add_changes(s, client_id, [("deleted", "", now.isoformat(" "))], now, self.user)

    def restore(self, client_id: int) -> None:
        now = self.clock()
        with self.db.session() as s:
            if not repo.set_deleted(s, client_id, None):
                raise NotFoundError(_("Client {id} is not in the trash", id=client_id))
            repo.add_changes(s, client_id, [("restored", "", now.isoformat(" "))], now, self.user)

    def purge(self, client_id: int) -> None:
        """Delete for good a client that is in the trash."""
        with self.db.session() as s:
            card = repo.load_card(s, client_id)
            if card is None:
                raise NotFoundError(_("Client {id} does not exist", id=client_id))
            if card.deleted_at is None:
                raise ValueError(_("Only clients in the trash can be deleted for good"))
            repo.purge(s, client_id)

    @staticmethod
    def _check_interaction(item: Interaction) -> None:
        if not item.summary.strip():
            raise ValidationError([FieldError("summary", _("Write what happened"))])
        if item.follow_up_on is not None and item.follow_up_on < item.occurred_at.date():
            raise ValidationError([FieldError("follow_up_on",
                                              _("The follow-up date is before the interaction"))])

    def log_interaction(self, item: Interaction) -> int:
        """Add an entry to a client's timeline; validates the required summary."""
        self._check_interaction(item)
        with self.db.session() as s:
            if not repo.client_exists(s, item.client_id, include_deleted=False):
                raise NotFoundError(_("Client {id} does not exist", id=item.client_id))
            return repo.add_interaction(s, item, self.clock())

    def interaction(self, interaction_id: int) -> Interaction:
        with self.db.session() as s:
            found = repo.interaction(s, interaction_id)
        if found is None:
            raise NotFoundError(_("Timeline entry {id} does not exist", id=interaction_id))
        return found

    def edit_interaction(self, item: Interaction) -> bool:
        """Save an edited timeline entry (``item.id``), validated as a new one
        is; the card's history records it, before and after. A new follow-up
        date is to be done again. Returns False when nothing changed."""
        self._check_interaction(item)
        with self.db.session() as s:
            old = repo.interaction(s, item.id or 0)
            if old is None:
                raise NotFoundError(_("Timeline entry {id} does not exist", id=item.id))
            if item.follow_up_on != old.follow_up_on:
                item = replace(item, follow_up_done=False)
            else:
                item = replace(item, follow_up_done=old.follow_up_done)
            item = replace(item, client_id=old.client_id)
            changes = diff_interaction(old, item)
            if not changes:
                return False
            repo.update_interaction(s, item)
            repo.add_changes(s, old.client_id, changes, self.clock(), self.user)
            return True

    def delete_interaction(self, interaction_id: int) -> None:
        """Delete a timeline entry; the card's history keeps what it said."""
        with self.db.session() as s:
            old = repo.interaction(s, interaction_id)
            client_id = repo.delete_interaction(s, interaction_id)
            if old is not None and client_id is not None:
                repo.add_changes(s, client_id, diff_interaction(old, None), self.clock(),
                                 self.user)

    def now(self) -> datetime:
        return self.clock()
