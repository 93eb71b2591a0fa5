"""services/importing/packed.py: the new cards a plan holds are kept as
tuples of their values and come back equal, each one when it is read."""

from __future__ import annotations

from datetime import date

from desktop_crm.domain.client import ClientCard, FamilyMember, Phone
from desktop_crm.domain.dates import DateSpec
from desktop_crm.services.importing.packed import NewCards, pack, unpack


def _card(name: str) -> ClientCard:
    return ClientCard(name=name, company="华为", phones=[Phone("13900000000")],
                      tags=["老客户"], birthday=DateSpec("lunar", 2, 30, None, False),
                      family=[FamilyMember("女儿", "小丽")], profile={3: "茶"},
                      profile_private={3}, founded_on=date(2001, 5, 6))


def test_a_packed_card_comes_back_equal_and_separate() -> None:
    card = _card("张伟")
    packed = pack(card)
    assert isinstance(packed, tuple) and len(packed) > 1
    again = unpack(packed)
    assert again == card and again is not card
    again.name = "李娜"  # a change to the unpacked card is its own
    assert unpack(packed).name == "张伟"


def test_a_card_with_an_extra_attribute_is_kept_whole() -> None:
    card = _card("王芳")
    card.extra = 1  # type: ignore[attr-defined]
    assert unpack(pack(card)) is card


def test_new_cards_behave_as_the_list_of_rows_and_cards() -> None:
    cards = NewCards()
    cards.append((2, _card("甲")))
    cards.append((5, _card("乙")))
    cards[0] = (2, _card("丙"))  # an in-file merge replaces the earlier card
    assert len(cards) == 2
    assert [(row, card.name) for row, card in cards] == [(2, "丙"), (5, "乙")]
    assert cards[1][1] == _card("乙") and cards.row(1) == 5
    assert [c.name for c in cards.cards([1, 0])] == ["乙", "丙"]
    assert [c.name for c in cards.cards([1])[0:1]] == ["乙"]


def test_empty_lists_sets_and_dicts_are_not_held_by_a_packed_card() -> None:
    card = ClientCard(name="赵六", phones=[Phone("13900000001")])
    packed = pack(card)
    # 100,000 imported cards: an empty set, dict and three lists each took 40 MB
    assert not [v for v in packed if isinstance(v, (list, set, dict)) and not v]
    first, second = unpack(packed), unpack(packed)
    assert first == card == second
    assert (first.tags, first.dates, first.family, first.profile, first.profile_private) == \
        ([], [], [], {}, set())
    first.tags.append("新")  # each unpacked card has empty containers of its own
    first.profile_private.add(1)
    assert second.tags == [] and second.profile_private == set() and card.tags == []
    assert unpack(packed).tags == []


def test_a_planned_row_has_no_dictionary_of_its_own() -> None:
    from desktop_crm.services.importing.service import CREATE, PlannedRow

    row = PlannedRow(7, CREATE, name="张伟")  # 100,000 of them: 28 MB of dictionaries
    assert not hasattr(row, "__dict__")
    assert (row.row, row.action, row.client_id, row.duplicate_of, row.name) == \
        (7, CREATE, None, None, "张伟")
