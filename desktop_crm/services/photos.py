"""The client's photo: set (from any image file's bytes), read, remove, and
put back (undo). Each change is one entry in the card's history, by the
user, and counts one more version of the card, as a save does.

What is stored is an upright JPEG of at most ``MAX_SIDE`` pixels a side
(a few hundred KB): the EXIF orientation of a phone photo is applied, the
image is scaled down and re-encoded, which also drops its metadata (a
phone's location). A JPEG that is already such a picture, without EXIF, is
kept byte for byte (no loss on an export and import round trip). Memory
stays bounded: images of more than ``MAX_PIXELS`` (JPEG) or
``MAX_OTHER_PIXELS`` are refused before they are decoded, and a JPEG is
decoded at a reduced scale (Pillow's ``draft``).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from desktop_crm.domain.errors import CrmError, NotFoundError
from desktop_crm.domain.photo import ADDED, HISTORY_FIELD, REMOVED, REPLACED, Photo
from desktop_crm.i18n import _
from desktop_crm.services.clock import Clock, current_user, system_clock
from desktop_crm.storage import client_repo, photo_repo
from desktop_crm.storage.database import Database

if TYPE_CHECKING:  # Pillow loads when a picture is read, not with the window
    from PIL import Image

MAX_SIDE = 1024  # pixels, the longer side of a stored photo
QUALITY = 85  # JPEG quality of a stored photo
SMALLER_QUALITY = 70  # for a picture whose noise makes it large at QUALITY
MAX_STORED_BYTES = 600 * 1024  # above this at QUALITY, SMALLER_QUALITY is used
MAX_FILE_BYTES = 50 * 1024 * 1024  # a 50-megapixel phone photo is 15-25 MB
# the most pixels an image file may declare: a JPEG is decoded at 1/2 to 1/8
# of its size (48 MP: 35 MB more memory), anything else whole (48 MP PNG: 400 MB)
MAX_PIXELS = 80_000_000  # below Pillow's own warning (89 MP)
MAX_OTHER_PIXELS = 40_000_000
JPEG = "image/jpeg"


class PhotoError(CrmError):
    """The bytes are not an image that can be read, or an absurd one."""


@dataclass(frozen=True)
class PhotoChange:
    """What a change did, for undo.

    Attributes:
        previous: the photo the client had before (None: it had none).
        version: the card's version after the change.
        changed_at: when the card changed (None: nothing was written).
    """

    previous: Photo | None
    version: int
    changed_at: datetime | None = None


def _not_an_image() -> PhotoError:
    return PhotoError(_("The file is not a picture that can be read (JPEG, PNG, GIF, BMP, "
                        "TIFF or WebP)"))


def _too_large(limit: int = MAX_PIXELS) -> PhotoError:
    return PhotoError(_("The picture is too large: at most {limit} million pixels",
                        limit=limit // 1_000_000))


def _kept_as_is(image: Image.Image, data: bytes) -> bool:
    """A JPEG already upright, small enough and without metadata."""
    return (image.format == "JPEG" and image.mode in ("RGB", "L")
            and max(image.size) <= MAX_SIDE and len(data) <= MAX_STORED_BYTES
            and "exif" not in image.info and not image.info.get("progression"))


def _flattened(image: Image.Image) -> Image.Image:
    """RGB (or grey); transparent parts on white, as a page shows them."""
    from PIL import Image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P"
                                              and "transparency" in image.info):
        rgba = image.convert("RGBA")
        page = Image.new("RGB", rgba.size, "white")
        page.paste(rgba, mask=rgba.getchannel("A"))
        return page
    return image if image.mode in ("RGB", "L") else image.convert("RGB")


def _encoded(image: Image.Image) -> bytes:
    for quality in (QUALITY, SMALLER_QUALITY):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, optimize=True)
        if out.tell() <= MAX_STORED_BYTES:
            break
    return out.getvalue()


def read_picture_file(path: Path) -> bytes:
    """The bytes of a picture file the user chose or dropped; PhotoError
    when it cannot be read or is far too large to be a photo."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _file_too_large(size)
        return path.read_bytes()
    except OSError as exc:
        raise PhotoError(_("Cannot read {path}: {reason}", path=path.name,
                           reason=exc.strerror or exc)) from exc


def _file_too_large(size: int) -> PhotoError:
    return PhotoError(_("The picture file is too large ({size} MB); at most {limit} MB",
                        size=size // (1024 * 1024), limit=MAX_FILE_BYTES // (1024 * 1024)))


def normalised(data: bytes) -> Photo:
    """The photo to store for an image file's ``data``; PhotoError when it is
    not an image Pillow reads or is absurdly large."""
    if len(data) > MAX_FILE_BYTES:
        raise _file_too_large(len(data))
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own limit: a refusal here
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                limit = MAX_PIXELS if image.format == "JPEG" else MAX_OTHER_PIXELS
                if width * height > limit:
                    raise _too_large(limit)
                if _kept_as_is(image, data):
                    image.load()  # a truncated file fails here, not later
                    return Photo(data=data, mime=JPEG, width=width, height=height)
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at 1/2 to 1/8
                # in place: without the flag an upright picture is copied whole
                ImageOps.exif_transpose(image, in_place=True)
                image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                flat = _flattened(image)
                return Photo(data=_encoded(flat), mime=JPEG, width=flat.width,
                             height=flat.height)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _not_an_image() from exc


class PhotoService:
    """What the card and the vCard import do with a client's photo.

    Attributes:
        db: the open database.
        clock: returns "now"; injected so tests can fix it.
        user: recorded in the client's history as the author.
    """

    def __init__(self, db: Database, clock: Clock = system_clock, user: str | None = None):
        self.db = db
        self.clock = clock
        self.user = current_user() if user is None else user

    def photo(self, client_id: int) -> bytes | None:
        """The client's photo as JPEG bytes; None when it has none."""
        found = self.stored(client_id)
        return found.data if found else None

    def stored(self, client_id: int) -> Photo | None:
        """The client's photo with its size and identity; None when it has none."""
        with self.db.read() as s:
            return photo_repo.get(s, client_id)

    def has_photo(self, client_id: int) -> bool:
        with self.db.read() as s:
            return photo_repo.has_photo(s, client_id)

    def set_photo(self, client_id: int, data: bytes) -> PhotoChange:
        """Make the picture in ``data`` (an image file's bytes) the client's
        photo; PhotoError (nothing written) when it is not a picture,
        NotFoundError when the client is gone, PhotoError when it is in the trash."""
        photo = normalised(data)  # before the transaction: seconds for a big photo
        return self._put(client_id, photo)

    def remove_photo(self, client_id: int) -> PhotoChange:
        """Remove the client's photo (``previous`` is None when it had none,
        and nothing was written)."""
        now = self.clock()
        with self.db.session() as s:
            version = self._check(s, client_id)
            previous = photo_repo.get(s, client_id)
            if previous is None:
                return PhotoChange(None, version)
            photo_repo.remove(s, client_id)
            version = photo_repo.touch(s, client_id, now) or version
            client_repo.add_changes(s, client_id, [(HISTORY_FIELD, "", REMOVED)], now,
                                    self.user)
            return PhotoChange(previous, version, now)

    def put_back(self, client_id: int, photo: Photo | None) -> PhotoChange:
        """Undo: the client's photo becomes ``photo`` again (its bytes and
        identity as they were; None: no photo)."""
        if photo is None:
            return self.remove_photo(client_id)
        return self._put(client_id, photo)

    def _put(self, client_id: int, photo: Photo) -> PhotoChange:
        now = self.clock()
        with self.db.session() as s:
            version = self._check(s, client_id)
            previous = photo_repo.get(s, client_id)
            if previous is not None and previous.data == photo.data:
                return PhotoChange(previous, version)
            photo_repo.put(s, client_id, photo, now)
            version = photo_repo.touch(s, client_id, now) or version
            client_repo.add_changes(s, client_id, [
                (HISTORY_FIELD, "", ADDED if previous is None else REPLACED)], now, self.user)
            return PhotoChange(previous, version, now)

    @staticmethod
    def _check(s: Session, client_id: int) -> int:
        """The client's version; NotFoundError when it is gone, PhotoError
        when it is in the trash (its card is read-only there)."""
        state = photo_repo.client_state(s, client_id)
        if state is None:
            raise NotFoundError(_("Client {id} does not exist", id=client_id))
        version, in_trash = state
        if in_trash:
            raise PhotoError(_("Restore this client from the trash before editing it"))
        return version
