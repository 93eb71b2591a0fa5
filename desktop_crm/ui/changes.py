"""What a write changed, and the protocol every tab follows.

A tab that writes emits what it changed; the main window passes those
``Changes`` to every other tab (``TabPage.apply_changes``) and each tab
decides what to read again, in the manner of Anki's ``OpChanges``. So no tab
reaches into another, and a new kind of change touches the tabs that care.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from PySide6.QtWidgets import QSplitter


@dataclass(frozen=True)
class Changes:
    """What one write changed.

    Attributes:
        clients: clients whose card, list row or timeline changed.
        every_client: too many clients to name (an import, a festival greeting).
        timeline: interactions were logged or removed for those clients.
        agenda: what the care calendar and Today list may show (dates,
            follow-ups, items done, complaint follow-ups).
        complaints: complaints were registered, edited or moved.
        grades: evaluations, so grades, changed for those clients.
        lists: the values the filters offer (tags, owners) may have changed.
        user: the user's name changed, so "Mine" means another owner.
    """

    clients: frozenset[int] = frozenset()
    every_client: bool = False
    timeline: bool = False
    agenda: bool = False
    complaints: bool = False
    grades: bool = False
    lists: bool = False
    user: bool = False

    def touches(self, client_id: int | None) -> bool:
        """True when ``client_id``'s data may have changed."""
        return client_id is not None and (self.every_client or client_id in self.clients)


def client_ids(client_id: int) -> tuple[frozenset[int], bool]:
    """``clients`` and ``every_client`` for a signal's client id, where 0 means
    "many clients" (a festival greeted a whole list)."""
    return (frozenset({client_id}), False) if client_id else (frozenset(), True)


@runtime_checkable
class TabPage(Protocol):
    """What the main window asks of every tab.

    ``splitter`` is the tab's list | details splitter, whose position the
    window remembers; ``confirm_discard`` asks about unsaved edits (True:
    go on); ``apply_changes`` reads again what another tab's write changed.
    """

    splitter: QSplitter

    def retranslate(self) -> None: ...

    def apply_changes(self, changes: Changes) -> None: ...

    def confirm_discard(self) -> bool: ...
