"""A business card (名片) as read by OCR: the text lines and the fields found.

The OCR engine (services/card_scan.py) gives `OcrLine`s; `parse_card` (this
module) splits them into `CardFields`, which the new-card form shows for the
user to correct. Nothing here knows images, the engine or the database.

How a card is read: each line is cut at its labels (手机, 电话/传真, Tel, M, E,
地址 ..., see domain.card_text); a label's value goes to its field, several
numbers after one label each count. Lines without a label are recognised by
their shape: e-mail, website and phone numbers by theirs; the company by its
legal form (有限公司, Co., Ltd., GmbH); the title by its words (总经理, Sales
Manager); the address by its words (路, 号, 大厦, Road, Floor) and it takes
the line just below it when that continues it; the name is the tallest
remaining short line shaped like a name (2-4 Chinese characters, best with a
common family name, or 2-3 capitalised latin words). On a bilingual card the
company and title in the name's script win.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

__all__ = ["FIELD_NAMES", "CardFields", "OcrLine", "parse_card"]


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


def parse_card(lines: Sequence[OcrLine]) -> CardFields:
    """The fields of a business card from its OCR lines (see the module's
    docstring for how; domain.card_parse does it); fields the card does not
    show stay empty."""
    from desktop_crm.domain.card_parse import read_card  # it needs the records above

    return read_card(lines)
