"""Pictures the photo tests make with Pillow: plain and two-coloured ones,
a phone photo with an EXIF orientation, a transparent PNG, and a PNG whose
header declares an absurd size without holding its pixels."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

RED, BLUE, WHITE = (220, 20, 20), (20, 20, 220), (255, 255, 255)


def halves(width: int, height: int, fmt: str = "PNG", **save: object) -> bytes:
    """Left half red, right half blue."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 2, height))
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def phone_photo(width: int, height: int, orientation: int) -> bytes:
    """A JPEG of ``halves`` as stored by a camera held sideways: its EXIF
    orientation says how to turn it upright (6: a quarter turn clockwise)."""
    image = Image.open(io.BytesIO(halves(width, height)))
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def transparent_png(width: int, height: int) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    image.paste((20, 20, 220, 255), (0, 0, width // 2, height))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A PNG file of a few bytes whose header claims ``width`` x ``height``
    pixels: decoding it would need gigabytes (a decompression bomb)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b""))


def pixel(data: bytes, x: float, y: float) -> tuple[int, int, int]:
    """The colour at (x, y) as fractions of the picture's width and height."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    found = image.getpixel((int(x * (image.width - 1)), int(y * (image.height - 1))))
    assert isinstance(found, tuple)
    return (int(found[0]), int(found[1]), int(found[2]))


def near(found: tuple[int, int, int], wanted: tuple[int, int, int], by: int = 40) -> bool:
    return all(abs(a - b) <= by for a, b in zip(found, wanted, strict=True))


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        return image.size
