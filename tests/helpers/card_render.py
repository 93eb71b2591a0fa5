"""Business-card images rendered with Qt, each with the fields printed on it.

The scanner's tests and `benchmarks/card_scan.py` read these: Chinese and
English layouts in the CJK and Latin fonts the machine has, turned a few
degrees, blurred or with sensor noise the way a phone photo of a card is.
Everything is drawn from fixed data, so the same spec gives the same image.
"""

from __future__ import annotations

import io
import os
import random
import re
from dataclasses import dataclass, replace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image, ImageFilter
from PySide6.QtCore import QBuffer, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter
from PySide6.QtWidgets import QApplication

from desktop_crm.domain.business_card import FIELD_NAMES, CardFields

WIDTH, HEIGHT = 1050, 600  # 90 x 54 mm at about 300 dpi

# CJK families first: Qt falls back for Latin text, not always for Chinese.
CJK_FONTS = ("WenQuanYi Micro Hei", "AR PL UMing CN", "AR PL UKai CN", "Noto Sans CJK SC",
             "Noto Serif CJK SC")
LATIN_FONTS = ("DejaVu Sans", "DejaVu Serif", "Liberation Sans", "WenQuanYi Micro Hei")


@dataclass(frozen=True)
class CardSpec:
    """One card to draw: what it says, how it is laid out and how it is spoiled."""

    key: str
    fields: CardFields
    layout: str  # "zh-left", "zh-center", "en-left", "en-right"
    font: str
    rotate: float = 0.0  # degrees, counter-clockwise
    blur: float = 0.0  # Gaussian radius in pixels
    noise: float = 0.0  # standard deviation of per-pixel noise, 0..255
    background: tuple[int, int, int] = (255, 255, 255)


def _app() -> QApplication:
    # a QApplication, not a QGuiApplication: the GUI tests that may run later
    # in the same process (pytest-qt's qapp) need widgets
    app = QApplication.instance()
    return app if isinstance(app, QApplication) else QApplication([])


def available(families: tuple[str, ...]) -> tuple[str, ...]:
    _app()
    have = set(QFontDatabase.families())
    return tuple(f for f in families if f in have)


def _zh_lines(f: CardFields) -> list[tuple[str, str]]:
    """(role, text) from top to bottom; role picks the size."""
    rows = [("company", f.company), ("name", f.name), ("title", f.title)]
    rows += [("small", f"手机：{m}") for m in f.mobiles]
    rows += [("small", f"电话：{t}") for t in f.office_phones]
    rows += [("small", f"传真：{x}") for x in f.faxes]
    rows += [("small", f"邮箱：{e}") for e in f.emails]
    if f.wechat:
        rows.append(("small", f"微信：{f.wechat}"))
    if f.address:
        rows.append(("small", f"地址：{f.address}"))
    if f.website:
        rows.append(("small", f"网址：{f.website}"))
    return [r for r in rows if r[1]]


def _en_lines(f: CardFields) -> list[tuple[str, str]]:
    rows = [("name", f.name), ("title", f.title), ("company", f.company)]
    rows += [("small", f"M: {m}") for m in f.mobiles]
    rows += [("small", f"T: {t}") for t in f.office_phones]
    rows += [("small", f"F: {x}") for x in f.faxes]
    rows += [("small", f"E: {e}") for e in f.emails]
    if f.wechat:
        rows.append(("small", f"WeChat: {f.wechat}"))
    if f.website:
        rows.append(("small", f"Web: {f.website}"))
    if f.address:
        rows.append(("small", f.address))
    return [r for r in rows if r[1]]


SIZES = {"name": 44, "company": 30, "title": 26, "small": 22}


def render_qimage(spec: CardSpec) -> QImage:
    """The clean card, upright, before rotation and degradation."""
    _app()
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)
    image.fill(QColor(*spec.background))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rows = _zh_lines(spec.fields) if spec.layout.startswith("zh") else _en_lines(spec.fields)
    # an accent bar, as many printed cards have
    painter.fillRect(QRectF(0, 0, 18, HEIGHT), QColor(30, 80, 150))
    total = sum(SIZES[r] * 1.55 for r, _ in rows)
    y = max(40.0, (HEIGHT - total) / 2)
    for role, text in rows:
        font = QFont(spec.font)
        font.setPixelSize(SIZES[role])
        font.setBold(role == "name")
        painter.setFont(font)
        painter.setPen(QColor(20, 20, 20) if role != "company" else QColor(30, 80, 150))
        height = SIZES[role] * 1.55
        box = QRectF(70, y, WIDTH - 140, height)
        align = {"zh-left": Qt.AlignmentFlag.AlignLeft,
                 "en-left": Qt.AlignmentFlag.AlignLeft,
                 "zh-center": Qt.AlignmentFlag.AlignHCenter,
                 "en-right": Qt.AlignmentFlag.AlignRight}[spec.layout]
        painter.drawText(box, int(align | Qt.AlignmentFlag.AlignVCenter), text)
        y += height
    painter.end()
    return image


def _to_pil(image: QImage) -> Image.Image:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(buffer.data().data()))).convert("RGB")


def render(spec: CardSpec) -> Image.Image:
    """The card as a phone would see it: on a table, turned, blurred, noisy."""
    card = _to_pil(render_qimage(spec))
    if spec.rotate:
        margin = 60
        table = Image.new("RGB", (WIDTH + 2 * margin, HEIGHT + 2 * margin), (120, 110, 100))
        table.paste(card, (margin, margin))
        card = table.rotate(spec.rotate, resample=Image.Resampling.BICUBIC, expand=True,
                            fillcolor=(120, 110, 100))
    if spec.blur:
        card = card.filter(ImageFilter.GaussianBlur(spec.blur))
    if spec.noise:
        import numpy as np

        rng = np.random.default_rng(len(spec.key))
        pixels = np.asarray(card, dtype=np.float32)
        pixels += rng.normal(0, spec.noise, pixels.shape)
        card = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    return card


def save(spec: CardSpec, path: os.PathLike[str] | str, quality: int = 90) -> None:
    image = render(spec)
    if str(path).lower().endswith((".jpg", ".jpeg")):
        image.save(path, "JPEG", quality=quality)
    else:
        image.save(path, "PNG")


# -- the fixed set -------------------------------------------------------------------

ZH_PEOPLE = (
    CardFields(name="张伟", title="销售总监", company="北京华信科技有限公司",
               mobiles=("138 0013 8000",), office_phones=("010-6543 2100",),
               faxes=("010-6543 2101",), emails=("zhangwei@huaxin-tech.cn",),
               wechat="zhangwei_88", address="北京市朝阳区建国路88号华贸中心3座1201室",
               website="www.huaxin-tech.cn"),
    CardFields(name="李娜", title="客户经理", company="上海明远贸易有限公司",
               mobiles=("139 1234 5678",), office_phones=("021-5888 6666",),
               emails=("lina@mingyuan-sh.com",), address="上海市浦东新区世纪大道100号",
               website="www.mingyuan-sh.com"),
    CardFields(name="王建国", title="总经理", company="深圳市恒达电子有限公司",
               mobiles=("186 6688 9900",), office_phones=("0755-8321 4567",),
               faxes=("0755-8321 4568",), emails=("wjg@hengda-sz.com",),
               address="深圳市南山区科技园南区高新南一道9号"),
    CardFields(name="陈静", title="采购部经理", company="广州天和食品有限公司",
               mobiles=("135 0271 3344",), emails=("chenjing@tianhe-food.cn",),
               wechat="cj-tianhe", address="广州市天河区体育西路191号"),
    CardFields(name="刘洋", title="技术支持工程师", company="杭州云启网络科技有限公司",
               mobiles=("150 5712 8866",), office_phones=("0571-8765 4321",),
               emails=("liuyang@yunqi.net.cn",), website="www.yunqi.net.cn"),
    CardFields(name="赵敏", title="市场部主管", company="成都蜀联物流有限公司",
               mobiles=("177 8000 1234",), office_phones=("028-8666 0011",),
               emails=("zhaomin@shulian56.com",), wechat="zm_shulian",
               address="成都市武侯区天府大道中段666号"),
)

EN_PEOPLE = (
    CardFields(name="David Chen", title="Sales Director", company="Huaxin Technology Co., Ltd.",
               mobiles=("+86 138 0013 8000",), office_phones=("+86 10 6543 2100",),
               faxes=("+86 10 6543 2101",), emails=("david.chen@huaxin-tech.cn",),
               website="www.huaxin-tech.cn",
               address="88 Jianguo Road, Chaoyang District, Beijing"),
    CardFields(name="Emily Zhang", title="Account Manager", company="Mingyuan Trading Inc.",
               mobiles=("+86 139 1234 5678",), office_phones=("+86 21 5888 6666",),
               emails=("emily.zhang@mingyuan-sh.com",), website="www.mingyuan-sh.com"),
    CardFields(name="Robert Wang", title="General Manager", company="Hengda Electronics Ltd.",
               mobiles=("+86 186 6688 9900",), emails=("robert@hengda-sz.com",),
               wechat="robert_hd", address="9 Gaoxin South Road, Nanshan, Shenzhen"),
    CardFields(name="Sarah Liu", title="Purchasing Manager", company="Tianhe Foods Co., Ltd.",
               mobiles=("+86 135 0271 3344",), office_phones=("+86 20 3888 1234",),
               emails=("sarah.liu@tianhe-food.cn",), website="www.tianhe-food.cn"),
    CardFields(name="Michael Zhao", title="Chief Engineer", company="Yunqi Networks Inc.",
               mobiles=("+86 150 5712 8866",), faxes=("+86 571 8765 4322",),
               emails=("m.zhao@yunqi.net.cn",), address="1 Wensan Road, Hangzhou"),
    CardFields(name="Anna Sun", title="Marketing Lead", company="Shulian Logistics Co., Ltd.",
               mobiles=("+86 177 8000 1234",), emails=("anna.sun@shulian56.com",),
               wechat="anna_sl", website="www.shulian56.com"),
)

# how each card is spoiled, taken in turn
SPOILS = (
    {},
    {"rotate": 3.0},
    {"blur": 1.2},
    {"noise": 18.0},
    {"rotate": -4.0, "noise": 10.0},
    {"rotate": 2.0, "blur": 0.8, "background": (250, 246, 236)},
)


def card_set() -> list[CardSpec]:
    """Twelve cards: six Chinese, six English, each font and spoil taken in turn."""
    cjk = available(CJK_FONTS) or ("Sans",)
    latin = available(LATIN_FONTS) or ("Sans",)
    specs = []
    for i, person in enumerate(ZH_PEOPLE):
        layout = "zh-left" if i % 2 == 0 else "zh-center"
        specs.append(CardSpec(key=f"zh{i + 1}", fields=person, layout=layout,
                              font=cjk[i % len(cjk)], **SPOILS[i % len(SPOILS)]))  # type: ignore[arg-type]
    for i, person in enumerate(EN_PEOPLE):
        layout = "en-left" if i % 2 == 0 else "en-right"
        specs.append(CardSpec(key=f"en{i + 1}", fields=person, layout=layout,
                              font=latin[i % len(latin)],
                              **SPOILS[(i + 3) % len(SPOILS)]))  # type: ignore[arg-type]
    return specs


def clean(spec: CardSpec) -> CardSpec:
    return replace(spec, rotate=0.0, blur=0.0, noise=0.0)


# -- comparing what was read with what was printed ----------------------------------

PHONE_FIELDS = ("mobiles", "office_phones", "faxes")


def _trunk_zero(text: str) -> str:
    return re.sub(r"\(\s*0\s*\)", "", text)


def _norm(field: str, value: str) -> str:
    """One spelling for the same value: a phone's digits in China's domestic
    form (+86 10 6543 2100 is 010-6543 2100; "(0)" is the trunk prefix of
    +44 (0) 20 ...), a website without its scheme and closing slash."""
    text = re.sub(r"\s+", "", value).casefold()
    if field in PHONE_FIELDS:
        digits = re.sub(r"\D", "", _trunk_zero(text))
        if digits.startswith("86") and len(digits) > 11:
            rest = digits[2:]  # a mobile is 11 digits from 1; else the area code's 0
            digits = rest if len(rest) == 11 and rest[0] == "1" else "0" + rest
        return digits
    if field == "website":
        text = re.sub(r"^https?://", "", text).rstrip("/")
    return text.replace("，", ",").replace("：", ":")


def field_results(expected: CardFields, found: CardFields) -> dict[str, bool]:
    """For each field the card carries: was it read exactly (spaces, case and
    phone punctuation aside)?"""
    results = {}
    for name in expected.filled():
        want, got = getattr(expected, name), getattr(found, name)
        if isinstance(want, tuple):
            results[name] = sorted(_norm(name, v) for v in want) == sorted(
                _norm(name, v) for v in got)
        else:
            results[name] = _norm(name, want) == _norm(name, got)
    return results


def field_texts_in_lines(expected: CardFields, lines: list[str]) -> dict[str, bool]:
    """Before parsing: does each printed field value stand whole in some line?
    The ceiling a parser can reach on what the engine read."""
    joined = [_norm("x", line) for line in lines]
    digits = [re.sub(r"\D", "", _trunk_zero(line)) for line in lines]
    results = {}
    for name in FIELD_NAMES:
        want = getattr(expected, name)
        if not want:
            continue
        values = want if isinstance(want, tuple) else (want,)
        ok = True
        for v in values:
            if name in PHONE_FIELDS:
                # the number without its trunk 0 stands in +86 10 ... and in 010-...
                ok &= any(_norm(name, v).lstrip("0") in d for d in digits)
            else:
                ok &= any(_norm(name, v) in j for j in joined)
        results[name] = ok
    return results


def printed_lines(spec: CardSpec) -> list[str]:
    rows = _zh_lines(spec.fields) if spec.layout.startswith("zh") else _en_lines(spec.fields)
    return [text for _, text in rows]


def shuffled(specs: list[CardSpec], seed: int = 1) -> list[CardSpec]:
    out = list(specs)
    random.Random(seed).shuffle(out)
    return out
