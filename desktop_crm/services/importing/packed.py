"""The new cards an import plan holds, packed: a card's values as one tuple.

A ``ClientCard`` has 43 fields, more than CPython shares the keys of among
instances (30), so each card has a 1.6 KB dictionary of its own: 160 MB for
the 100,000 cards of a large import, next to the file's rows. Packed, a card
is a tuple of its values (about 0.4 KB; an empty list, set or dictionary is
a marker, not one of its own), unpacked again (a few microseconds) when it
is read: by the plan for an in-file merge, by the commit as it
writes the cards chunk by chunk.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any, overload

from desktop_crm.domain.client import ClientCard, Phone

_KEYS = tuple(f.name for f in dataclasses.fields(ClientCard))
Packed = tuple[Any, ...]
# The fields made by a factory (phones, tags, dates, family, profile answers):
# empty on most imported cards, and an empty set, dict and three lists take
# 0.4 KB a card. Packed as _EMPTY, unpacked as a new empty one each.
_FACTORIES = tuple((i, f.default_factory) for i, f in enumerate(dataclasses.fields(ClientCard))
                   if f.default_factory is not dataclasses.MISSING)
_EMPTY = object()
_PHONES = next(i for i, name in enumerate(_KEYS) if name == "phones")
_TAGS = next(i for i, name in enumerate(_KEYS) if name == "tags")
_ID = _KEYS.index("id")


class _Phones(tuple):  # type: ignore[type-arg]
    """A card's phones packed: (number, kind) pairs, not Phone objects of
    their own dictionary each (100,000 cards: 11 MB)."""

    __slots__ = ()


def _pack_phones(phones: list[Phone]) -> Any:
    if phones.__class__ is not list or any(p.__class__ is not Phone or len(vars(p)) != 2
                                           for p in phones):
        return phones  # not only plain phones: kept as they are
    return _Phones((p.number, p.kind) for p in phones)


class _Tags(tuple):  # type: ignore[type-arg]
    """A card's tags packed: a tuple whose texts are shared by every card
    with the same tag (a sheet has a few dozen tags on 100,000 rows)."""

    __slots__ = ()


_tag_texts: dict[str, str] = {}  # a tag's text once, however many cards carry it
_MAX_TAG_TEXTS = 10_000  # a sheet of a million different tags is not kept for good


def pack(card: ClientCard) -> Packed:
    """The card's values in field order (a card is exactly its fields)."""
    values = vars(card)
    if len(values) != len(_KEYS):  # an attribute set outside the fields: kept as it is
        return (card,)
    packed = [values[k] for k in _KEYS]
    for i, factory in _FACTORIES:
        value = packed[i]
        if not value and value.__class__ is factory:
            packed[i] = _EMPTY
    if packed[_PHONES] is not _EMPTY:
        packed[_PHONES] = _pack_phones(packed[_PHONES])
    tags = packed[_TAGS]
    if tags.__class__ is list:
        packed[_TAGS] = _Tags(_tag_texts.setdefault(t, t) if t.__class__ is str
                              and len(_tag_texts) < _MAX_TAG_TEXTS else t for t in tags)
    return tuple(packed)


def unpack(packed: Packed) -> ClientCard:
    """A card equal to the one packed (its own card when it was kept whole)."""
    if len(packed) == 1:
        card: ClientCard = packed[0]
        return card
    card = ClientCard.__new__(ClientCard)
    values = list(packed)
    for i, factory in _FACTORIES:
        if values[i] is _EMPTY:
            values[i] = factory()
    if values[_PHONES].__class__ is _Phones:
        values[_PHONES] = [Phone(number, kind) for number, kind in values[_PHONES]]
    if values[_TAGS].__class__ is _Tags:
        values[_TAGS] = list(values[_TAGS])
    vars(card).update(zip(_KEYS, values, strict=True))
    return card


class NewCards(Sequence[tuple[int, ClientCard]]):
    """(row, card) of each new card, in order, kept packed; a list's
    ``append`` and item assignment."""

    def __init__(self) -> None:
        self._rows: list[int] = []
        self._cards: list[Packed] = []

    def append(self, item: tuple[int, ClientCard], packed: Packed | None = None) -> None:
        """Add (row, card); ``packed``: ``pack(card)`` when the caller has it
        (the plan packs each row's card once, as it reads the row)."""
        self._rows.append(item[0])
        self._cards.append(pack(item[1]) if packed is None else packed)

    def __len__(self) -> int:
        return len(self._cards)

    @overload
    def __getitem__(self, index: int) -> tuple[int, ClientCard]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, ClientCard]]: ...

    def __getitem__(self, index: int | slice
                    ) -> tuple[int, ClientCard] | list[tuple[int, ClientCard]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self._rows[index], unpack(self._cards[index])

    def __setitem__(self, index: int, item: tuple[int, ClientCard]) -> None:
        self._rows[index] = item[0]
        self._cards[index] = pack(item[1])

    def __iter__(self) -> Iterator[tuple[int, ClientCard]]:
        for row, packed in zip(self._rows, self._cards, strict=True):
            yield row, unpack(packed)

    def row(self, index: int) -> int:
        return self._rows[index]

    def cards(self, positions: Sequence[int]) -> Sequence[ClientCard]:
        """The cards at ``positions``, each unpacked when it is read."""
        return _Cards(self._cards, positions)

    def new_without(self, fields: Sequence[str]) -> list[int]:
        """The positions of the cards with no id and nothing in any of
        ``fields``, read from their packed values: no card is unpacked (an
        import of 100,000 cards unpacked each for this alone, 1.5 s)."""
        at = [_KEYS.index(name) for name in fields]
        found: list[int] = []
        for position, packed in enumerate(self._cards):
            if len(packed) == 1:  # kept whole
                card = packed[0]
                if card.id is None and not any(getattr(card, name) for name in fields):
                    found.append(position)
            elif packed[_ID] is None and all(packed[i] is _EMPTY or not packed[i] for i in at):
                found.append(position)
        return found

    def tags(self, positions: Sequence[int]) -> set[str]:
        """Every tag text of the cards at ``positions`` (as the cards hold
        them), read from their packed values without unpacking a card."""
        found: set[str] = set()
        for position in positions:
            packed = self._cards[position]
            tags = packed[0].tags if len(packed) == 1 else packed[_TAGS]
            if tags is not _EMPTY:
                found.update(tags)
        return found


class _Cards(Sequence[ClientCard]):
    def __init__(self, packed: list[Packed], positions: Sequence[int]) -> None:
        self._packed = packed
        self._positions = positions

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, index: int) -> ClientCard: ...

    @overload
    def __getitem__(self, index: slice) -> list[ClientCard]: ...

    def __getitem__(self, index: int | slice) -> ClientCard | list[ClientCard]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return unpack(self._packed[self._positions[index]])
