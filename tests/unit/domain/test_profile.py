"""Tests for the Mackay 66 client profile definition and helpers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from desktop_crm import i18n
from desktop_crm.domain import profile
from desktop_crm.resources import resource_path

EXPECTED_SECTIONS = [
    ("client", "客户", "Client", range(1, 7)),
    ("education", "教育背景", "Education", range(7, 13)),
    ("family", "家庭", "Family", range(13, 20)),
    ("business", "业务背景资料", "Business background", range(20, 34)),
    ("interests", "特殊兴趣", "Special interests", range(34, 40)),
    ("lifestyle", "生活方式", "Lifestyle", range(40, 58)),
    ("relationship", "客户和你", "The client and you", range(58, 67)),
]
CONFIDENTIAL = {35, 37, 38, 40, 41, 58, 59, 60, 61, 62, 64, 65, 66}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def restore_language() -> Iterator[None]:
    try:
        yield
    finally:
        i18n.set_language("en")


def _raw() -> dict[str, Any]:
    with resource_path("profile", "mackay66.json").open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def test_file_has_66_questions_in_seven_sections_in_order() -> None:
    secs = profile.sections()
    assert [(s.key, s.title_zh, s.title_en) for s in secs] == [
        (key, zh, en) for key, zh, en, _ in EXPECTED_SECTIONS
    ]
    for sec, (key, _, _, numbers) in zip(secs, EXPECTED_SECTIONS, strict=True):
        assert [q.number for q in sec.questions] == list(numbers)
        assert all(q.section == key for q in sec.questions)
    assert profile.QUESTION_COUNT == 66
    assert [q.number for q in profile.questions()] == list(range(1, 67))


def test_raw_file_sections_match() -> None:
    raw = _raw()
    assert [s["key"] for s in raw["sections"]] == [key for key, *_ in EXPECTED_SECTIONS]
    assert sum(len(s["questions"]) for s in raw["sections"]) == 66


def test_confidential_set_is_exact() -> None:
    assert {q.number for q in profile.questions() if q.confidential} == CONFIDENTIAL


def test_texts_in_both_languages() -> None:
    for q in profile.questions():
        assert CJK.search(q.text_zh), q.number
        assert q.text_en.isascii() and q.text_en.strip(), q.number
        assert not CJK.search(q.text_en), q.number
    assert profile.question(1).text_zh == "姓名、昵称"
    assert profile.question(5).text_zh == "出生日期、出生地、籍贯"


def test_question_lookup() -> None:
    assert profile.question(40).section == "lifestyle"
    assert profile.question(66).number == 66
    for bad in (0, 67, -1):
        with pytest.raises(KeyError, match="1-66"):
            profile.question(bad)


def test_is_confidential() -> None:
    assert profile.is_confidential(40)
    assert not profile.is_confidential(5)
    assert profile.is_confidential(5, private={5})
    with pytest.raises(KeyError):
        profile.is_confidential(99)


def test_completeness() -> None:
    assert profile.completeness({}) == 0.0
    assert profile.completeness({n: "x" for n in range(1, 67)}) == 1.0
    assert profile.completeness({1: "  ", 2: "\t\n", 3: ""}) == 0.0
    assert profile.completeness({1: "Alice", 0: "x", 67: "y", 100: "z"}) == pytest.approx(1 / 66)
    assert profile.completeness({n: "a" for n in range(1, 34)}) == pytest.approx(0.5)


def test_section_progress() -> None:
    progress = profile.section_progress({1: "Alice", 2: " ", 7: "MIT", 66: "no", 99: "x"})
    assert list(progress) == [key for key, *_ in EXPECTED_SECTIONS]
    assert progress["client"] == (1, 6)
    assert progress["education"] == (1, 6)
    assert progress["family"] == (0, 7)
    assert progress["business"] == (0, 14)
    assert progress["interests"] == (0, 6)
    assert progress["lifestyle"] == (0, 18)
    assert progress["relationship"] == (1, 9)
    assert profile.section_progress({}) == {
        key: (0, len(numbers)) for key, _, _, numbers in EXPECTED_SECTIONS
    }


def test_shareable_answers() -> None:
    answers = {1: "Alice", 5: "1980, Hangzhou", 40: "asthma", 99: "stray"}
    assert profile.shareable_answers(answers, private={5}) == {1: "Alice"}
    assert profile.shareable_answers(answers) == {1: "Alice", 5: "1980, Hangzhou"}
    assert profile.shareable_answers(answers, private={5}, include_confidential=True) == {
        1: "Alice",
        5: "1980, Hangzhou",
        40: "asthma",
    }


def test_text_follows_current_language(restore_language: None) -> None:
    q = profile.question(1)
    sec = profile.sections()[0]
    i18n.set_language("zh")
    assert q.text() == "姓名、昵称"
    assert sec.title() == "客户"
    assert q.text("en") == q.text_en
    i18n.set_language("en")
    assert q.text() == q.text_en
    assert sec.title() == "Client"
    assert q.text("zh") == "姓名、昵称"
    assert sec.title("zh") == "客户"


def test_validation_rejects_broken_definitions() -> None:
    good = _raw()
    profile._parse(good)

    dup = _raw()
    dup["sections"][0]["questions"][1]["number"] = 1
    with pytest.raises(ValueError, match="more than once"):
        profile._parse(dup)

    missing = _raw()
    del missing["sections"][-1]["questions"][-1]
    with pytest.raises(ValueError, match="missing question"):
        profile._parse(missing)

    blank = _raw()
    blank["sections"][2]["questions"][0]["en"] = "  "
    with pytest.raises(ValueError, match="'en'"):
        profile._parse(blank)

    empty = _raw()
    empty["sections"].append(
        {"key": "extra", "title_zh": "额外", "title_en": "Extra", "questions": []}
    )
    with pytest.raises(ValueError, match="no questions"):
        profile._parse(empty)
