"""Reading a business card from an image: bad files give one message, large
photos are shrunk while decoding, the card is turned upright, and the engine
reads the cards the tests render (tests/helpers/card_render.py)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from desktop_crm import i18n
from desktop_crm.domain import business_card
from desktop_crm.services import card_scan
from desktop_crm.services.card_scan import (
    CardImageError,
    ScanCancelledError,
    load_card_image,
    scan_card,
)
from tests.helpers import card_render

ROOT = Path(__file__).resolve().parents[3]


def _spec(key: str) -> card_render.CardSpec:
    return next(s for s in card_render.card_set() if s.key == key)


def _refusal(path: Path) -> str:
    with pytest.raises(CardImageError) as caught:
        scan_card(path)
    message = str(caught.value)
    assert "\n" not in message and path.name in message
    return message


# -- bad input: one message each, the engine never asked ----------------------------

def test_a_text_file_named_jpg_is_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "card.jpg"
    path.write_text("Name: 张伟\nMobile: 138 0013 8000\n", encoding="utf-8")
    assert "is not an image this program can read" in _refusal(path)


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.png"
    path.touch()
    assert "is empty (0 bytes)" in _refusal(path)


def test_a_missing_file(tmp_path: Path) -> None:
    assert "Could not read" in _refusal(tmp_path / "gone.jpg")


def test_a_truncated_jpeg(tmp_path: Path) -> None:
    whole = io.BytesIO()
    card_render.render(_spec("zh1")).save(whole, "JPEG", quality=90)
    path = tmp_path / "cut.jpg"
    path.write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])
    assert "is damaged or incomplete" in _refusal(path)


def _bilevel_png(path: Path, width: int, height: int) -> Path:
    # one bit per pixel: a few MB to write, gigabytes once decoded as RGB
    Image.new("1", (width, height), 1).save(path, optimize=True)
    return path


def test_a_decompression_bomb_is_refused_from_its_header(tmp_path: Path) -> None:
    path = _bilevel_png(tmp_path / "huge.png", 20000, 20000)
    message = _refusal(path)
    assert "is too large (400 megapixels)" in message


def test_a_png_above_our_own_limit_is_refused(tmp_path: Path) -> None:
    # 72 MP: below Pillow's bomb limit, above what is decoded whole
    path = _bilevel_png(tmp_path / "big.png", 9000, 8000)
    assert "is too large (72 megapixels)" in _refusal(path)


def test_a_blank_image_has_no_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.png"
    Image.new("RGB", (1000, 600), (250, 250, 250)).save(path)
    message = _refusal(path)
    assert message.startswith("No text was found in blank.png")


def test_the_messages_are_translated(tmp_path: Path) -> None:
    path = tmp_path / "card.jpg"
    path.write_bytes(b"not an image at all")
    i18n.set_language("zh")
    message = _refusal(path)
    assert "card.jpg" in message and "不是" in message


def test_cancelled_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "card.png"
    card_render.save(_spec("en4"), path)
    with pytest.raises(ScanCancelledError):
        scan_card(path, cancelled=lambda: True)


# -- loading: upright, shrunk, flattened ---------------------------------------------

def test_exif_orientation_turns_the_card_upright(tmp_path: Path) -> None:
    card = card_render.render(card_render.clean(_spec("en4")))
    # the camera stored it lying on its side and said so in EXIF (6: turn 90° right)
    lying = card.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "phone.jpg"
    lying.save(path, "JPEG", exif=exif.tobytes())
    upright = load_card_image(path)
    assert upright.size == card.size
    # the accent bar printed on the card's left edge is on the left again
    assert upright.getpixel((5, 300))[2] > 120 and upright.getpixel((upright.width - 5, 300)) \
        == pytest.approx((255, 255, 255), abs=30)


def test_a_transparent_png_is_read_on_white(tmp_path: Path) -> None:
    image = Image.new("RGBA", (400, 200), (0, 0, 0, 0))
    image.paste((0, 0, 0, 255), (50, 50, 350, 150))
    path = tmp_path / "logo.png"
    image.save(path)
    loaded = load_card_image(path)
    assert loaded.getpixel((10, 10)) == (255, 255, 255)
    assert loaded.getpixel((200, 100)) == (0, 0, 0)


def test_a_large_photo_is_shrunk(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    Image.new("RGB", (6000, 4000), "white").save(path, quality=80)
    loaded = load_card_image(path)
    assert max(loaded.size) <= card_scan.OCR_SIDE
    assert loaded.size[0] / loaded.size[1] == pytest.approx(1.5, abs=0.01)


_PEAK = """
import json, sys
from pathlib import Path
from PIL import Image
from desktop_crm.services.card_scan import CardImageError, load_card_image

def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024

base = peak()
try:
    size = load_card_image(Path(sys.argv[1])).size
except CardImageError as exc:
    size = str(exc)
print(json.dumps({"size": size, "growth_mb": peak() - base}))
"""


def _load_in_child(path: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _PEAK, str(path)], capture_output=True,
                          text=True, timeout=120, env=env, check=True)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.slow
def test_memory_stays_bounded_for_huge_inputs(tmp_path: Path) -> None:
    # a 100-megapixel phone photo: 300 MB decoded whole; draft() decodes it at 1/8
    photo = tmp_path / "100mp.jpg"
    Image.new("RGB", (12000, 8400), "white").save(photo, quality=70)
    result = _load_in_child(photo)
    assert max(result["size"]) <= card_scan.OCR_SIDE  # type: ignore[arg-type]
    assert result["growth_mb"] < 100, result  # decoded whole: 300 MB
    bomb = _bilevel_png(tmp_path / "bomb.png", 20000, 20000)
    result = _load_in_child(bomb)
    assert "too large" in str(result["size"])
    assert result["growth_mb"] < 60, result


def test_heic_when_pillow_heif_is_installed(tmp_path: Path) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    path = tmp_path / "card.heic"
    card = card_render.render(card_render.clean(_spec("en4")))
    pillow_heif.from_pillow(card).save(path, quality=90)
    assert load_card_image(path).size == card.size


# -- reading: the engine on rendered cards -------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("key", ["zh1", "zh5", "en2", "en6"])
def test_rendered_cards_are_read(tmp_path: Path, key: str) -> None:
    spec = _spec(key)
    path = tmp_path / f"{key}.jpg"
    card_render.save(spec, path)
    result = scan_card(path)
    texts = [line.text for line in result.lines]
    found = card_render.field_texts_in_lines(spec.fields, texts)
    # the name, the company and the mobile come out whole on every card
    assert found["name"] and found["company"] and found["mobiles"], texts
    assert sum(found.values()) >= len(found) - 1, texts
    # lines in reading order, the name set largest
    name_line = next(ln for ln in result.lines if spec.fields.name.replace(" ", "")
                     in ln.text.replace(" ", ""))
    assert name_line.box[3] == max(ln.box[3] for ln in result.lines)
    assert texts.index(name_line.text) <= 2
    photo = Image.open(io.BytesIO(result.image_jpeg))
    assert photo.format == "JPEG" and max(photo.size) <= card_scan.PHOTO_SIDE
    assert all(0 <= ln.box[0] <= photo.width and 0 <= ln.box[1] <= photo.height
               for ln in result.lines)


@pytest.mark.slow
def test_the_fields_are_parsed(tmp_path: Path) -> None:
    spec = _spec("zh1")
    path = tmp_path / "zh1.png"
    card_render.save(spec, path)
    fields = scan_card(path).fields
    right = card_render.field_results(spec.fields, fields)
    assert right["name"] and right["company"] and right["mobiles"], fields


@pytest.mark.slow
def test_a_card_photographed_on_its_side_without_exif(tmp_path: Path) -> None:
    card = card_render.render(card_render.clean(_spec("en4")))
    path = tmp_path / "side.png"
    card.transpose(Image.Transpose.ROTATE_90).save(path)
    texts = [line.text for line in scan_card(path).lines]
    assert any("Sarah Liu" in t for t in texts), texts


REAL_CARDS = ROOT / "tests" / "data" / "cards"


@pytest.mark.slow
@pytest.mark.parametrize("entry", json.loads((REAL_CARDS / "cards.json").read_text("utf-8")),
                         ids=lambda entry: entry["file"])
def test_real_card_photos_are_read(entry: dict[str, object]) -> None:
    # phone photos in perspective, 12 MP with EXIF (tests/data/cards/SOURCES.md)
    fields = {k: tuple(v) if isinstance(v, list) else v
              for k, v in entry["fields"].items()}  # type: ignore[attr-defined]
    expected = business_card.CardFields(**fields)
    result = scan_card(REAL_CARDS / str(entry["file"]))
    texts = [line.text for line in result.lines]
    found = card_render.field_texts_in_lines(expected, texts)
    assert found["emails"] and found["mobiles"] and found["company"], texts
    assert any(expected.name.replace(" ", "") in t.replace(" ", "") for t in texts), texts
