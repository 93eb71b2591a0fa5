"""The tier of a hit for what was typed (domain.search_rank)."""

from __future__ import annotations

import pytest

from desktop_crm.domain import search_rank as rank
from desktop_crm.domain.search import sort_key


def _tier(typed: str, name: str, organisation: bool = False, company: str = "") -> int:
    return rank.Ranker(typed).tier(name, organisation, company, sort_key(name))


@pytest.mark.parametrize(("typed", "name", "organisation", "company", "tier"), [
    ("张伟", "张伟", False, "", rank.EXACT),
    ("zhangwei", "张伟", False, "", rank.EXACT),
    ("zw", "张伟", False, "", rank.EXACT),
    ("ZhangWei", "张 伟", False, "", rank.EXACT),
    ("zhang", "张伟", False, "", rank.NAME_PREFIX),
    ("zh", "张伟", False, "", rank.NAME_PREFIX),
    ("张", "张伟", False, "", rank.NAME_PREFIX),
    ("zwm", "张伟明", False, "", rank.EXACT),
    ("zw", "张伟明", False, "", rank.NAME_PREFIX),
    # a polyphonic surname: its surname reading first, then its others
    ("shan", "单雪梅", False, "", rank.NAME_PREFIX),
    ("dan", "单雪梅", False, "", rank.NAME_OTHER_READING),
    ("zeng", "曾国方", False, "", rank.NAME_PREFIX),
    ("ceng", "曾国方", False, "", rank.NAME_OTHER_READING),
    ("cgf", "曾国方", False, "", rank.EXACT),
    ("zhang", "长江", False, "", rank.NAME_OTHER_READING),
    ("chang", "长江", False, "", rank.NAME_PREFIX),
    # organisations' names after people's, a person's company after those
    ("zhang", "长沙宏达", True, "", rank.ORGANISATION_PREFIX),
    ("wang", "网络科技", True, "", rank.ORGANISATION_PREFIX),
    ("网络科技", "网络科技", True, "", rank.EXACT),
    ("wang", "刘强", False, "网络科技", rank.COMPANY_PREFIX),
    ("wl", "刘强", False, "网络科技", rank.COMPANY_PREFIX),
    ("网络", "刘强", False, "网络科技", rank.COMPANY_PREFIX),
    ("acme", "John Smith", False, "Acme Trading", rank.COMPANY_PREFIX),
    # elsewhere: mid-name initials and pinyin, phone digits, the given name
    ("zw", "润泽物流", True, "", rank.ELSEWHERE),
    ("guofang", "曾国方", False, "", rank.ELSEWHERE),
    ("gf", "曾国方", False, "", rank.ELSEWHERE),
    ("国方", "曾国方", False, "", rank.ELSEWHERE),
    ("8000", "曾国方", False, "", rank.ELSEWHERE),
    ("smith", "John Smith", False, "", rank.ELSEWHERE),
    # latin names: diacritics and case folded as the index folds them
    ("josé", "José Ñandú", False, "", rank.NAME_PREFIX),
    ("JOSENANDU", "José Ñandú", False, "", rank.EXACT),
    ("js", "John Smith", False, "", rank.EXACT),
    ("john", "John Smith", False, "", rank.NAME_PREFIX),
    ("欧阳 Kevin", "欧阳 Kevin", False, "", rank.EXACT),
])
def test_tiers(typed: str, name: str, organisation: bool, company: str, tier: int) -> None:
    assert _tier(typed, name, organisation, company) == tier
