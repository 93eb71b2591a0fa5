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


def test_a_card_packed_by_the_caller_is_kept_as_it_was_packed() -> None:
    cards = NewCards()
    packed = pack(_card("丁"))  # the plan packs each row's card once, as it reads it
    cards.append((9, _card("丁")), packed)
    cards.append((10, _card("戊")))
    assert [(row, card) for row, card in cards] == [(9, _card("丁")), (10, _card("戊"))]
    assert cards._cards[0] is packed


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


def test_phones_and_tags_are_packed_small_and_come_back_as_the_cards_own() -> None:
    from desktop_crm.domain.enums import PhoneKind

    one = ClientCard(name="甲", phones=[Phone("13900000001"), Phone("010-1234", PhoneKind.OFFICE)],
                     tags=["老" + "客户", "VIP"])
    two = ClientCard(name="乙", tags=["老" + "客户"])
    packed_one, packed_two = pack(one), pack(two)
    # no Phone objects of their own dictionary each; a tag's text once for all cards
    assert not [v for v in packed_one if isinstance(v, list) and v
                and isinstance(v[0], Phone)]
    tags_one = next(v for v in packed_one if isinstance(v, tuple) and "VIP" in v)
    tags_two = next(v for v in packed_two if isinstance(v, tuple) and "老客户" in v)
    assert tags_one[0] is tags_two[0]
    first, again = unpack(packed_one), unpack(packed_one)
    assert first == one == again
    assert first.phones == [Phone("13900000001"), Phone("010-1234", PhoneKind.OFFICE)]
    assert isinstance(first.phones, list) and isinstance(first.tags, list)
    first.phones.append(Phone("1"))
    first.phones[0].number = "0"
    first.tags.append("新")
    assert again.phones[0].number == "13900000001" and len(again.phones) == 2
    assert unpack(packed_one) == one and unpack(packed_two) == two


def test_a_phone_with_more_than_its_fields_is_kept_as_it_is() -> None:
    card = ClientCard(name="丙", phones=[Phone("13900000002")])
    card.phones[0].note = "x"  # type: ignore[attr-defined]
    assert unpack(pack(card)).phones[0] is card.phones[0]


def test_the_cards_a_bulk_insert_takes_and_their_tags_are_read_packed() -> None:
    from desktop_crm.storage.import_repo import NOT_IN_BULK, can_bulk_insert

    plain = ClientCard(name="甲", tags=["老客户", "VIP"])
    whole = ClientCard(name="丁", tags=["大客户"])
    whole.extra = 1  # type: ignore[attr-defined]  # kept whole, not packed
    known = ClientCard(id=7, name="戊", tags=["不算"])
    cards = NewCards()
    for row, card in enumerate([plain, _card("乙"), ClientCard(name="丙"), whole, known,
                                ClientCard(name="己", dates=[]), ClientCard(name="庚",
                                                                        profile={1: ""})]):
        cards.append((row, card))
    found = cards.new_without(NOT_IN_BULK)
    # the same cards as can_bulk_insert of each unpacked card
    assert found == [i for i, (_row, card) in enumerate(cards) if can_bulk_insert(card)]
    assert found == [0, 2, 3, 5]
    assert cards.tags(found) == {"老客户", "VIP", "大客户"}
    assert cards.tags([1, 4]) == {"老客户", "不算"}
    assert cards.tags([]) == set()
