"""A name split into vCard's N and joined back (desktop_crm.domain.person_name)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_crm.domain.chinese_surnames import COMPOUND_SURNAMES, SINGLE_SURNAMES, surname_of
from desktop_crm.domain.person_name import NameParts, join_name, split_name

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(("name", "family", "given"), [
    ("陈彤", "陈", "彤"), ("王小明", "王", "小明"), ("欧阳娜娜", "欧阳", "娜娜"),
    ("司马光", "司马", "光"), ("诸葛亮", "诸葛", "亮"), ("上官婉儿", "上官", "婉儿"),
    ("慕容复", "慕容", "复"), ("皇甫嵩", "皇甫", "嵩"), ("司徒雷登", "司徒", "雷登"),
    ("欧阳", "欧", "阳"),  # two characters: a single surname and a given name
    ("钟离春", "钟离", "春"), ("钟离", "钟", "离"),
    ("陳大文", "陳", "大文"), ("歐陽震華", "歐陽", "震華"), ("陈 彤", "陈", "彤"),
    ("欧阳 娜娜", "欧阳", "娜娜"),
    ("小王", "小王", ""), ("阿强", "阿强", ""), ("约翰·史密斯", "约翰·史密斯", ""),
    ("王", "王", ""),
])
def test_chinese_names_split_by_surname(name: str, family: str, given: str) -> None:
    assert split_name(name) == NameParts(family=family, given=given)


@pytest.mark.parametrize(("name", "parts"), [
    ("Anna Adams", NameParts("Adams", "Anna")),
    ("John Ronald Reuel Tolkien", NameParts("Tolkien", "John", "Ronald Reuel")),
    ("Ludwig van Beethoven", NameParts("van Beethoven", "Ludwig")),
    ("Leonardo da Vinci", NameParts("da Vinci", "Leonardo")),
    ("Charles de Gaulle", NameParts("de Gaulle", "Charles")),
    ("Dr. Martin Luther King Jr.", NameParts("King", "Martin", "Luther", "Dr.", "Jr.")),
    ("Mr. John Richter James Doe Sr.", NameParts("Doe", "John", "Richter James", "Mr.", "Sr.")),
    ("Adams, Anna", NameParts("Adams", "Anna")),
    ("Madonna", NameParts(given="Madonna")),
    ("Tony 王", NameParts("王", "Tony")),
    ("王 Tony", NameParts("王", "Tony")),
    ("", NameParts()),
])
def test_western_names_split_as_given_and_family(name: str, parts: NameParts) -> None:
    assert split_name(name) == parts


@pytest.mark.parametrize("name", [
    "陈彤", "欧阳娜娜", "司马光", "小王", "约翰·史密斯", "陳大文", "Anna Adams",
    "Ludwig van Beethoven", "John Ronald Reuel Tolkien", "Dr. Martin Luther King Jr.",
    "Madonna", "王 Tony", "Mary-Jane O'Neil"])
def test_split_and_joined_is_the_name(name: str) -> None:
    assert join_name(split_name(name)) == name


def test_joined_as_the_app_stores_names() -> None:
    assert join_name(NameParts("欧阳", "娜娜")) == "欧阳娜娜"
    assert join_name(NameParts("陈", "彤", "additional")) == "陈彤"
    assert join_name(NameParts("Adams", "Anna")) == "Anna Adams"
    assert join_name(NameParts("Doe", "John", "Q.", "Dr.", "III")) == "Dr. John Q. Doe III"
    assert join_name(NameParts(given="Anna")) == "Anna"
    assert join_name(NameParts()) == ""


def test_every_demo_surname_is_known_and_demo_names_come_back() -> None:
    tables = json.loads((ROOT / "resources/demo/tables.json").read_text("utf-8"))
    surnames = [s if isinstance(s, str) else s[0] for s in tables["surnames"]]
    assert surnames and all(s in SINGLE_SURNAMES or s in COMPOUND_SURNAMES for s in surnames)
    for surname in surnames:
        for given in ("彤", "晓明"):
            name = surname + given
            assert split_name(name) == NameParts(surname, given)
            assert join_name(split_name(name)) == name
    assert surname_of("欧阳娜娜") == "欧阳" and surname_of("Anna") == ""
