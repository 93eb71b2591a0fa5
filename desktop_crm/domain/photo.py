"""A client's photo (a business card's image, a portrait): the stored JPEG
and what the card shows about it without decoding it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop_crm.i18n import N_

# the history's field for a photo change and its values (shown translated)
HISTORY_FIELD = "photo"
ADDED, REPLACED, REMOVED = N_("added"), N_("replaced"), N_("removed")
PHOTO_EVENTS = (ADDED, REPLACED, REMOVED)


@dataclass(frozen=True)
class Photo:
    """One stored photo.

    Attributes:
        data: the image file's bytes (JPEG as services.photos writes it).
        mime: its media type ("image/jpeg").
        width, height: its size in pixels, upright.
        uuid: the stored row's identity ("" for one not stored yet).
        updated_at: when it was set (None for one not stored yet).
    """

    data: bytes
    mime: str
    width: int
    height: int
    uuid: str = ""
    updated_at: datetime | None = None
