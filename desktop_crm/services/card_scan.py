"""Read a business card (名片) from a photo or scan, offline.

`scan_card` loads the image (JPEG, PNG, HEIC when pillow-heif is installed),
turns it upright by its EXIF orientation, shrinks a large photo while
decoding (a JPEG is decoded at 1/2, 1/4 or 1/8 scale, so a 100-megapixel
photo never lands in memory whole), reads the text with the OCR engine
(`ocr_engine.py`, RapidOCR, models inside its wheel: nothing is downloaded)
and splits it into fields with `parse_card`. Anything that is not a readable
card ends in one `CardImageError` with a translated message.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, ImageStat, UnidentifiedImageError

from desktop_crm.domain.business_card import CardFields, OcrLine, parse_card
from desktop_crm.domain.errors import CrmError
from desktop_crm.i18n import _
from desktop_crm.services import ocr_engine

__all__ = ["CardImageError", "ScanCancelledError", "ScanResult", "load_card_image", "scan_card"]

PHOTO_SIDE = 1024  # the long side of the image kept with the client (image_jpeg)
OCR_SIDE = 1280  # the long side the engine reads: 6 pt print on a card photo stays legible
# Formats decoded whole (PNG, HEIC...): above this many pixels (about 190 MB as
# RGB) the decode alone would be a memory spike; a phone photo is 12-50 MP.
MAX_PIXELS = 64_000_000
# A JPEG is decoded at 1/8 scale at most, so it may be larger: Pillow's own
# decompression-bomb limit (2 x Image.MAX_IMAGE_PIXELS) still applies.
MAX_JPEG_PIXELS = 2 * (Image.MAX_IMAGE_PIXELS or 89_478_485)
MAX_FILE_BYTES = 100 * 1024 * 1024
# The formats a camera, phone or scanner writes (MPO: a phone's JPEG with a
# depth map). Pillow would otherwise try every format it knows, exotic ones too.
WANTED_FORMATS = ("JPEG", "MPO", "PNG", "HEIF", "WEBP", "BMP", "TIFF")
JPEG_FORMATS = ("JPEG", "MPO")  # decoded at a smaller scale by draft()


class CardImageError(CrmError):
    """The file is not a card this program can read: one message for the user."""


class ScanCancelledError(CrmError):
    """`cancelled()` said yes between two steps; nothing was kept."""

    def __init__(self) -> None:
        super().__init__(_("Reading the business card was cancelled."))


@dataclass(frozen=True)
class ScanResult:
    fields: CardFields
    lines: tuple[OcrLine, ...]
    image_jpeg: bytes  # the card upright, at most PHOTO_SIDE px: what the photo service keeps


def _heif_opener() -> bool:
    """Teach Pillow HEIC (iPhone photos) when pillow-heif is installed."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return False
    register_heif_opener()
    return True


HEIC = _heif_opener()
Image.init()  # every plugin registered, so the formats below can be named
FORMATS = tuple(f for f in WANTED_FORMATS if f in Image.OPEN)


def load_card_image(path: Path, max_side: int = OCR_SIDE) -> Image.Image:
    """The image upright, in RGB, its long side at most about `max_side`.

    Raises CardImageError for a missing, empty, oversized, damaged or
    non-image file.
    """
    name = path.name
    try:
        size = path.stat().st_size
        if size == 0:
            raise CardImageError(_("{file} is empty (0 bytes).", file=name))
        if size > MAX_FILE_BYTES:
            raise CardImageError(_("{file} is too large for a business card image "
                                   "({size} MB).", file=name, size=size // 2**20))
        data = path.read_bytes()
    except OSError as exc:
        raise CardImageError(_("Could not read {file}: {reason}", file=name,
                               reason=exc.strerror or exc)) from exc
    try:
        with warnings.catch_warnings():
            # above MAX_IMAGE_PIXELS Pillow warns; our own limits below decide
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data), formats=FORMATS)
            width, height = opened.size
            limit = MAX_JPEG_PIXELS if opened.format in JPEG_FORMATS else MAX_PIXELS
            if width * height > limit:
                raise _too_large(name, width * height)
            if opened.format in JPEG_FORMATS:
                # decode straight at a smaller scale: memory follows the result
                opened.draft("RGB", (max_side, max_side))
            opened.load()
    except Image.DecompressionBombError as exc:
        raise _too_large(name, _bomb_pixels(exc)) from exc
    except (UnidentifiedImageError, ValueError, SyntaxError) as exc:
        raise _not_an_image(name) from exc
    except OSError as exc:  # truncated or corrupt data
        raise CardImageError(_("{file} is damaged or incomplete: it could not be read "
                               "as an image.", file=name)) from exc
    ImageOps.exif_transpose(opened, in_place=True)  # no copy of a large image
    image: Image.Image = opened
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # dark print on a transparent background would turn black on black
        image = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image)
    if image.mode != "RGB":
        image = image.convert("RGB")
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return image


def _bomb_pixels(exc: Exception) -> int:
    """The pixel count in Pillow's decompression-bomb message (only for ours)."""
    found = re.search(r"\((\d+) pixels\)", str(exc))
    return int(found.group(1)) if found else 0


def _too_large(name: str, pixels: int) -> CardImageError:
    return CardImageError(_("{file} is too large ({megapixels} megapixels): use a photo "
                            "of at most {limit} megapixels.", file=name,
                            megapixels=round(pixels / 1_000_000),
                            limit=MAX_PIXELS // 1_000_000))


def _not_an_image(name: str) -> CardImageError:
    formats = "JPEG, PNG, HEIC" if HEIC else "JPEG, PNG"
    return CardImageError(_("{file} is not an image this program can read ({formats}).",
                            file=name, formats=formats))


def _blank(image: Image.Image) -> bool:
    """One even colour (a blank page, a lens cap): no need to ask the engine."""
    low, high = ImageStat.Stat(image.convert("L")).extrema[0]
    return bool(high - low < 16)


def _jpeg(image: Image.Image) -> bytes:
    photo = image.copy()
    photo.thumbnail((PHOTO_SIDE, PHOTO_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def scan_card(path: Path, *, cancelled: Callable[[], bool] = lambda: False) -> ScanResult:
    """Read the card in `path`. The engine loads on the first call (a few
    seconds); `cancelled` is asked between steps and ends the scan with
    ScanCancelledError."""

    def check() -> None:
        if cancelled():
            raise ScanCancelledError

    check()
    image = load_card_image(Path(path))
    check()
    photo = _jpeg(image)
    check()
    lines = () if _blank(image) else ocr_engine.read_lines(image)
    check()
    if not lines:
        raise CardImageError(_("No text was found in {file}. Use a sharp, well-lit photo "
                               "of the card's printed side.", file=Path(path).name))
    # boxes in the kept photo's pixels, so a form can point at them
    scale = min(1.0, PHOTO_SIDE / max(image.size))
    if scale < 1.0:
        lines = tuple(OcrLine(ln.text, tuple(v * scale for v in ln.box), ln.score)  # type: ignore[arg-type]
                      for ln in lines)
    fields = parse_card(lines)
    check()
    return ScanResult(fields=fields, lines=lines, image_jpeg=photo)
