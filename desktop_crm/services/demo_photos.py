"""Photos for a few demo clients (``desktop-crm demo``): a business card
drawn with Pillow (a coloured band, a logo, lines where the text would be),
so the demo book shows the photo on the card and in the vCard export.

At most ``MAX_PHOTOS`` a run, one client in ``EVERY``: a million-client demo
takes no longer for them. The same seed gives the same pictures.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import datetime

from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from desktop_crm.domain.photo import Photo
from desktop_crm.services.photos import JPEG, QUALITY
from desktop_crm.storage import photo_repo

EVERY = 9  # one client in EVERY gets a photo ...
MAX_PHOTOS = 40  # ... up to this many a run
SIZE = (900, 540)  # a business card's shape (90 x 54 mm)
COLOURS = [(30, 80, 160), (170, 30, 40), (20, 120, 90), (200, 120, 20), (70, 70, 80)]


def card_picture(rng: random.Random) -> bytes:
    """One drawn business card as JPEG bytes."""
    image = Image.new("RGB", SIZE, (250, 250, 246))
    draw = ImageDraw.Draw(image)
    colour = rng.choice(COLOURS)
    width, height = SIZE
    band = rng.randint(60, 110)
    if rng.random() < 0.5:
        draw.rectangle((0, 0, width, band), fill=colour)
    else:
        draw.rectangle((0, height - band, width, height), fill=colour)
    left = 70
    logo = (width - 200, height // 2 - 90, width - 60, height // 2 + 50)
    draw.ellipse(logo, outline=colour, width=12)
    top = 170 if band < 90 else 190
    draw.rectangle((left, top, left + rng.randint(220, 320), top + 44), fill=(40, 40, 40))
    draw.rectangle((left, top + 64, left + rng.randint(160, 260), top + 86), fill=(110, 110, 110))
    for i in range(rng.randint(2, 4)):
        y = top + 130 + i * 40
        draw.rectangle((left, y, left + rng.randint(280, 520), y + 18), fill=(80, 80, 80))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()


def add_photos(session: Session, client_ids: range, seed: int, now: datetime,
               new_uuid: Callable[[], str]) -> int:
    """Give a few of ``client_ids`` a photo; returns how many."""
    rng = random.Random(seed * 7_919 + 13)
    chosen = client_ids[::EVERY][:MAX_PHOTOS]
    for client_id in chosen:
        photo = Photo(card_picture(rng), JPEG, *SIZE, uuid=new_uuid())
        photo_repo.put(session, client_id, photo, now)
    return len(chosen)
