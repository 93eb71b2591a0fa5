"""The Mackay 66 answers the card holds (issue 17, item 13): shown from the
card, not stored twice; the profile's header read from the card's history."""

from __future__ import annotations

import copy
import json
from datetime import datetime

import pytest

from desktop_crm import i18n
from desktop_crm.domain import profile
from desktop_crm.domain.client import ChangeEntry, ClientCard, Phone
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import PhoneKind
from desktop_crm.domain.profile_card import (
    all_answers,
    card_answer,
    card_pages,
    profile_header,
    stored_answers,
)
from desktop_crm.resources import resource_path

CARD = ClientCard(name="王芳", title="采购经理", company="上海云帆贸易有限公司",
                  address="上海市浦东新区张江路 88 号", home_address="上海市徐汇区天钥桥路 1 号",
                  phones=[Phone("138 0013 8000"), Phone("021-5080 1234", PhoneKind.OFFICE)],
                  birthday=DateSpec.solar(3, 22, 1985), profile={1: "小芳", 45: "清蒸鱼"})


def test_the_card_answers_the_first_questions_in_english() -> None:
    assert [profile.question(n).card_fields for n in range(1, 7)] == [
        ("name",), ("title",), ("company", "address", "home_address"), ("phones",),
        ("birthday",), ()]
    assert card_answer(CARD, 1) == "王芳"
    assert card_answer(CARD, 2) == "采购经理"
    assert card_answer(CARD, 3) == ("上海云帆贸易有限公司 · 上海市浦东新区张江路 88 号 · "
                                    "Home address: 上海市徐汇区天钥桥路 1 号")
    assert card_answer(CARD, 4) == "138 0013 8000 (Mobile)、021-5080 1234 (Office)"
    assert card_answer(CARD, 5) == "1985-03-22"
    assert card_answer(CARD, 6) == card_answer(CARD, 45) == ""
    assert card_answer(ClientCard(name="李明"), 4) == ""
    assert profile.question(1).rest() == "Nickname" and profile.question(2).rest() == ""
    assert card_pages(1) == ["Basics"] and card_pages(5) == ["Dates and family"]


def test_the_card_answers_in_chinese() -> None:
    i18n.set_language("zh")
    assert card_answer(CARD, 3).endswith("家庭住址：上海市徐汇区天钥桥路 1 号")
    assert card_answer(CARD, 4) == "138 0013 8000（手机）、021-5080 1234（办公电话）"
    assert profile.question(5).rest() == "出生地、籍贯"
    assert card_pages(5) == ["日期与家庭"]


def test_only_the_rest_is_stored_and_the_card_counts_as_answered() -> None:
    assert stored_answers({1: " 小芳 ", 2: "  ", 45: "清蒸鱼"}) == {1: "小芳", 45: "清蒸鱼"}
    answers = all_answers(CARD)
    assert answers[1] == "王芳; 小芳" and answers[2] == "采购经理" and answers[45] == "清蒸鱼"
    assert profile.completeness(answers) == pytest.approx(6 / 66)
    assert CARD.profile == {1: "小芳", 45: "清蒸鱼"}  # the card is not changed


def test_the_header_comes_from_the_history() -> None:
    assert profile_header([]).started is None
    entries = [
        ChangeEntry(datetime(2026, 3, 1, 9), "name", "", "王芳", "李娜"),
        ChangeEntry(datetime(2026, 3, 2, 10), "profile.45", "", "清蒸鱼", "李娜"),
        ChangeEntry(datetime(2026, 11, 5, 16, 20), "profile.1", "", "小芳", "张伟"),
        ChangeEntry(datetime(2026, 11, 6, 8), "email", "", "w@example.com", "张伟"),
    ]
    header = profile_header(list(reversed(entries)))
    assert (header.started, header.revised, header.first_by) == (
        datetime(2026, 3, 2, 10), datetime(2026, 11, 5, 16, 20), "李娜")


def test_a_card_field_the_card_does_not_have_is_refused() -> None:
    with resource_path("profile", "mackay66.json").open(encoding="utf-8") as fh:
        good = json.load(fh)
    profile._parse(good)
    bad = copy.deepcopy(good)
    bad["sections"][0]["questions"][5]["card"] = ["shoe_size"]
    with pytest.raises(ValueError, match="question 6: 'card' must list card fields"):
        profile._parse(bad)
    lonely = copy.deepcopy(good)
    lonely["sections"][0]["questions"][1]["rest_zh"] = "别名"
    with pytest.raises(ValueError, match="question 2: 'rest_zh' and 'rest_en' go together"):
        profile._parse(lonely)
