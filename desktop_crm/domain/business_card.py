"""A business card (名片) as read by OCR: the text lines and the fields found.

The OCR engine (services/card_scan.py) gives `OcrLine`s; `parse_card` (this
module) splits them into `CardFields`, which the new-card form shows for the
user to correct. Nothing here knows images, the engine or the database.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["FIELD_NAMES", "CardFields", "OcrLine"]


@dataclass(frozen=True)
class OcrLine:
    """One line of text the engine found, with where it stands on the card.

    `box` is (left, top, width, height) in pixels of the upright image; the
    height tells a name (set large) from the small print around it.
    """

    text: str
    box: tuple[float, float, float, float]
    score: float = 1.0  # the engine's confidence, 0..1


@dataclass(frozen=True)
class CardFields:
    """The fields a business card carries; empty when the card has none."""

    name: str = ""
    title: str = ""
    company: str = ""
    mobiles: tuple[str, ...] = ()
    office_phones: tuple[str, ...] = ()
    faxes: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    wechat: str = ""
    address: str = ""
    website: str = ""

    def filled(self) -> tuple[str, ...]:
        """The names of the fields that hold something, in FIELD_NAMES order."""
        return tuple(n for n in FIELD_NAMES if getattr(self, n))

    @property
    def empty(self) -> bool:
        return not self.filled()


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(CardFields))
