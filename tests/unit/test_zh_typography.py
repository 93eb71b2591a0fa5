"""Chinese typography of the catalog: full-width brackets （） in Chinese text,
never mixed with half-width ones; the product's Chinese name, as the window
title has it."""

from __future__ import annotations

import json
import re

from desktop_crm.resources import resource_path

# Where half-width brackets stay: a menu accelerator "文件(&F)" (the Windows
# convention) and a file-type filter "(*.db)", which Qt parses (or its {patterns} placeholder).
KEPT = re.compile(r"\(&[A-Z]\)|\(\*[^()]*\)|\(\{patterns\}\)")
PRODUCT = "客户卡片管理"


def _catalog() -> dict[str, str]:
    with resource_path("i18n", "zh.json").open(encoding="utf-8") as fh:
        catalog: dict[str, str] = json.load(fh)
    return catalog


def test_chinese_texts_use_full_width_brackets_only() -> None:
    mixed = {msgid: text for msgid, text in _catalog().items()
             if re.search(r"[()]", KEPT.sub("", text))}
    assert mixed == {}


def test_full_width_brackets_are_paired() -> None:
    unpaired = {msgid: text for msgid, text in _catalog().items()
                if text.count("（") != text.count("）")}
    assert unpaired == {}


def test_chinese_texts_name_the_product_in_chinese() -> None:
    catalog = _catalog()
    assert catalog["Desktop CRM"] == PRODUCT
    english = {msgid: text for msgid, text in catalog.items() if "Desktop CRM" in text}
    assert english == {}
    assert "不是客户卡片管理数据库" in catalog["not a Desktop CRM database"]
