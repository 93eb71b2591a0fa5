"""Tests for the field-by-field card history (desktop_crm.domain.changes)."""

from __future__ import annotations

import copy
from datetime import date

from desktop_crm.domain.changes import diff_cards, render_value
from desktop_crm.domain.client import ClientCard, FamilyMember, ImportantDate, Phone
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import ClientKind, DateKind, Gender, Loyalty, PhoneKind


def _card() -> ClientCard:
    return ClientCard(
        name="曾国方", kind=ClientKind.PERSON, gender=Gender.MALE, company="华为",
        phones=[Phone("13800138000"), Phone("010-65529988", PhoneKind.OFFICE)],
        tags=["vip"], loyalty=Loyalty.CORE, founded_on=date(2001, 5, 1),
        birthday=DateSpec.solar(3, 22, year=1985),
        family=[FamilyMember("妻子", "王芳")],
        profile={1: "老客户", 12: "清华"}, profile_private={12},
    )


def test_equal_cards_have_no_changes() -> None:
    card = _card()
    assert diff_cards(card, copy.deepcopy(card)) == []


def test_bookkeeping_fields_are_not_changes() -> None:
    old, new = _card(), _card()
    new.id = 7
    assert diff_cards(old, new) == []


def test_changed_fields_with_old_and_new_text() -> None:
    old, new = _card(), _card()
    new.company = "腾讯"
    new.phones.append(Phone("+1 415 555 2671"))
    new.founded_on = date(2002, 1, 1)
    new.birthday = None
    changes = diff_cards(old, new)
    assert ("company", "华为", "腾讯") in changes
    assert ("phones", "13800138000; 010-65529988",
            "13800138000; 010-65529988; +1 415 555 2671") in changes
    assert ("founded_on", "2001-05-01", "2002-01-01") in changes
    assert ("birthday", "1985-03-22", "") in changes
    assert len(changes) == 4


def test_enum_values_are_rendered() -> None:
    old, new = _card(), _card()
    new.loyalty = Loyalty.AT_RISK
    new.gender = Gender.FEMALE
    new.kind = ClientKind.ORGANISATION
    changes = diff_cards(old, new)
    assert ("loyalty", "core", "at_risk") in changes
    assert ("gender", "male", "female") in changes
    assert ("kind", "person", "organisation") in changes
    new.loyalty = None
    assert ("loyalty", "core", "") in diff_cards(old, new)


def test_profile_answers_are_compared_per_question() -> None:
    old, new = _card(), _card()
    new.profile = {1: "老客户", 12: "北大", 30: "喜欢钓鱼"}
    changes = diff_cards(old, new)
    assert ("profile.12", "清华", "北大") in changes
    assert ("profile.30", "", "喜欢钓鱼") in changes
    assert not any(c[0] == "profile.1" for c in changes)
    assert not any(c[0] == "profile" for c in changes)
    new.profile = {12: "清华"}
    assert diff_cards(old, new) == [("profile.1", "老客户", "")]


def test_private_marks_are_a_change() -> None:
    old, new = _card(), _card()
    new.profile_private = {12, 35}
    assert diff_cards(old, new) == [("profile_private", "12", "12, 35")]


def test_dates_and_family_are_rendered() -> None:
    old, new = _card(), _card()
    new.dates = [ImportantDate(DateKind.WEDDING_ANNIVERSARY, DateSpec.solar(5, 20, year=2010),
                               "结婚纪念日")]
    new.family = [FamilyMember("妻子", "王芳", DateSpec.solar(7, 1))]
    changes = dict((f, (a, b)) for f, a, b in diff_cards(old, new))
    assert changes["dates"] == ("", "结婚纪念日 2010-05-20")
    assert changes["family"] == ("妻子 王芳", "妻子 王芳 07-01")


def test_a_new_card_lists_what_it_was_created_with() -> None:
    changes = diff_cards(None, ClientCard(name="张伟", company="腾讯"))
    assert ("name", "", "张伟") in changes
    assert ("company", "", "腾讯") in changes
    assert all(f not in ("email", "phones") for f, _, _ in changes)


def test_render_value() -> None:
    assert render_value(None) == ""
    assert render_value(Loyalty.CORE) == "core"
    assert render_value(date(2026, 1, 2)) == "2026-01-02"
    assert render_value(["a", "b"]) == "a; b"
    assert render_value({3, 1}) == "1, 3"
    assert render_value(DateSpec.lunar(8, 15)) == DateSpec.lunar(8, 15).describe()


def test_blanks_around_text_are_no_change() -> None:
    """Storage keeps text stripped, so a card saved again with a trailing space
    (as typed in a form) must not record a change."""
    old = ClientCard(name="张伟", company="华为", profile={12: "钓鱼"})
    new = ClientCard(name="张伟 ", company=" 华为", profile={12: "钓鱼\n"})
    assert diff_cards(old, new) == []
    assert diff_cards(old, ClientCard(name="张伟", company="华为 技术", profile={12: "钓鱼"})) \
        == [("company", "华为", "华为 技术")]


def test_changes_the_short_text_leaves_out_are_changes() -> None:
    """A family member's notes, a phone's kind and a date's kind are kept by
    storage: changing only one of them is a change (the save is not skipped),
    shown in detail."""
    old, new = _card(), _card()
    new.family[0].notes = "喜欢茶"
    new.phones[1].kind = PhoneKind.FAX
    changes = dict((f, (a, b)) for f, a, b in diff_cards(old, new))
    assert changes["family"] == ("妻子 王芳", "妻子 王芳: 喜欢茶")
    assert changes["phones"] == ("13800138000 (mobile); 010-65529988 (office)",
                                 "13800138000 (mobile); 010-65529988 (fax)")
    old.dates = [ImportantDate(DateKind.WEDDING_ANNIVERSARY, DateSpec.solar(5, 1), "纪念")]
    new = copy.deepcopy(old)
    new.dates[0].kind = DateKind.CUSTOM
    assert [f for f, _, _ in diff_cards(old, new)] == ["dates"]


def test_blanks_around_family_names_are_no_change() -> None:
    old, new = _card(), _card()
    new.company = " 华为 "
    new.family[0].name = "王芳 "
    assert diff_cards(old, new) == []


def test_history_values_are_shown_as_labels_in_the_ui_language() -> None:
    """Storage keeps the enum's value (``new``); the history shows its label."""
    from desktop_crm import i18n
    from desktop_crm.domain.changes import value_label

    shown = {"en": ("New client", "New", "Individual client", "Organisation",
                    "138 (Mobile); 010 (Office)", "Custom date: 05-01", "Female"),
             "zh": ("新客户", "新客户", "个人客户", "单位", "138 (手机); 010 (办公电话)",
                    "自定义日期: 05-01", "女")}
    try:
        for lang, expected in shown.items():
            i18n.set_language(lang)
            assert (value_label("tenure", "new"), value_label("loyalty", "new"),
                    value_label("nature", "individual"), value_label("kind", "organisation"),
                    value_label("phones", "138 (mobile); 010 (office)"),
                    value_label("dates", "custom: 05-01"),
                    value_label("gender", "female")) == expected
    finally:
        i18n.set_language("en")
    # not an enum's value (older text), blank, or a field of free text: as stored
    assert value_label("tenure", "gone") == "gone"
    assert value_label("tenure", "") == ""
    assert value_label("company", "new") == "new"


def test_an_edit_conflict_names_the_other_side_s_value_by_its_label() -> None:
    from datetime import datetime

    from desktop_crm.domain.client import ChangeEntry
    from desktop_crm.domain.conflicts import change_text

    entry = ChangeEntry(datetime(2026, 12, 6, 9, 0), "stage", "active", "potential", "王经理")
    assert change_text(entry) == ("王经理 changed By stage to “Potential client” at "
                                  "2026-12-06 09:00")
