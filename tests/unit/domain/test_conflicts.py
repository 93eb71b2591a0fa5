"""The three-way merge of two saves of one card (domain.conflicts)."""

from __future__ import annotations

import copy
from datetime import datetime

from desktop_crm.domain.client import ChangeEntry, ClientCard, Phone
from desktop_crm.domain.conflicts import merge, take_field
from desktop_crm.domain.dates import DateSpec

WHEN = datetime(2026, 12, 6, 9, 30)


def _base() -> ClientCard:
    return ClientCard(id=7, uuid="u-7", version=3, name="曾国方", company="华为",
                      phones=[Phone("13800138000")], tags=["VIP"], profile={3: "北大"},
                      birthday=DateSpec("solar", 5, 1), birthday_uuid="b-1")


def test_each_side_keeps_what_only_it_changed() -> None:
    base = _base()
    mine, theirs = copy.deepcopy(base), copy.deepcopy(base)
    mine.notes, mine.profile[45] = "我的备注", "清蒸鱼"
    theirs.company, theirs.tags, theirs.version = "华为技术", ["展会", "VIP"], 5
    theirs.birthday, theirs.birthday_uuid = DateSpec("lunar", 8, 15), "b-2"
    merged, conflicts = merge(base, mine, theirs)
    assert conflicts == []
    assert (merged.notes, merged.profile) == ("我的备注", {3: "北大", 45: "清蒸鱼"})
    assert (merged.company, merged.tags) == ("华为技术", ["展会", "VIP"])
    assert (merged.birthday, merged.birthday_uuid) == (DateSpec("lunar", 8, 15), "b-2")
    assert (merged.id, merged.version) == (7, 5)  # saved over their version


def test_only_fields_both_changed_differently_are_asked() -> None:
    base = _base()
    mine, theirs = copy.deepcopy(base), copy.deepcopy(base)
    mine.company, theirs.company = "华为技术", "华为技术有限公司"
    mine.name = theirs.name = "曾国方先生"  # the same edit on both sides: no question
    mine.profile.pop(3)
    theirs.profile[3] = "清华"
    changes = [ChangeEntry(WHEN, "company", "华为", "华为技术有限公司", "李娜")]
    merged, conflicts = merge(base, mine, theirs, changes)
    assert [(c.field, c.mine, c.theirs, c.who) for c in conflicts] == [
        ("company", "华为技术", "华为技术有限公司", "李娜"), ("profile.3", "", "清华", "")]
    assert conflicts[0].when == WHEN and conflicts[0].label == "Company"
    assert merged.company == "华为技术" and 3 not in merged.profile  # mine until chosen
    take_field(merged, theirs, "profile.3")
    take_field(merged, theirs, "company")
    assert (merged.company, merged.profile[3]) == ("华为技术有限公司", "清华")
    assert merged.name == "曾国方先生"
