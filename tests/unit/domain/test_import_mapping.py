"""Header detection, mapping suggestion and value parsing for imports."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop_crm.domain import import_mapping as im
from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.dates import DateSpec, DateSpecError, parse_lunar
from desktop_crm.domain.enums import ClientKind, Gender, PhoneKind
from desktop_crm.domain.validation import parse_date_spec

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(("header", "field"), [
    ("客户名称", "name"), ("客户", "name"), ("姓名", "name"), ("联系人", "name"),
    ("Name", "name"), ("Contact Name", "name"), ("手机", "mobile"), ("手机号", "mobile"),
    ("移动电话", "mobile"), ("Mobile", "mobile"), ("MobileNumber", "mobile"),
    ("手机1", "mobile"), ("电话", "phone"), ("座机", "phone"), ("Phone", "phone"),
    ("Contact Number", "phone"), ("邮箱", "email"), ("E-mail", "email"),
    ("Emailaddress", "email"), ("电子邮件", "email"), ("公司", "company"), ("单位", "company"),
    ("Company", "company"), ("OrganizationName", "company"), ("地址", "address"),
    ("Address", "address"), ("City ", "address"), ("生日", "birthday"),
    ("出生日期", "birthday"), ("Birthday", "birthday"), ("备注", "notes"), ("Notes", "notes"),
    ("Remarks", "notes"), ("First Name", "first_name"), ("LastName", "last_name"),
    ("性别", "gender"), ("微信", "wechat"), ("客户编号", "client_id"), ("ID", "client_id"),
    ("标签", "tags"), ("职务", "title"), ("（手机）", "mobile"), ("ＥＭＡＩＬ", "email"),
])
def test_header_names(header: str, field: str) -> None:
    assert im.match_header(header) == field


@pytest.mark.parametrize("header", ["Age", "Weight", "Your Ref #", "", "金额", None])
def test_unknown_headers(header: str | None) -> None:
    assert im.match_header(header) is None


def test_header_row_below_a_title_and_blank_rows() -> None:
    rows: list[list[object]] = [
        ["2026年客户名单", None, None, None],
        [None, None, None, None],
        ["制表：王磊", None, None, None],
        ["序号", "客户名称", "手机", "生日"],
        [1, "张伟", 13800138000.0, "1980-09-25"],
    ]
    assert im.find_header_row(rows) == 3
    headers = im.header_names(rows, 3)
    assert im.suggest_mapping(headers) == {1: "name", 2: "mobile", 3: "birthday"}


def test_merged_header_cells_take_the_name_from_the_row_above() -> None:
    rows: list[list[object]] = [
        ["客户名称", "联系方式", None, "备注"],
        [None, "手机", "邮箱", None],
        ["张伟", "13800138000", "z@example.com", "老客户"],
    ]
    index = im.find_header_row(rows)
    assert index == 1
    headers = im.header_names(rows, index)
    assert headers == ["客户名称", "手机", "邮箱", "备注"]
    assert im.suggest_mapping(headers) == {0: "name", 1: "mobile", 2: "email", 3: "notes"}


def test_single_value_fields_map_once_and_list_fields_many_times() -> None:
    mapping = im.suggest_mapping(["姓名", "联系人", "手机", "手机2", "地址", "城市"])
    assert mapping == {0: "name", 2: "mobile", 3: "mobile", 4: "address", 5: "address"}


def test_override_mapping_by_header_or_column_number() -> None:
    headers = ["客户名称", "Age", "联系方式"]
    mapping = im.suggest_mapping(headers)
    result = im.override_mapping(headers, mapping, {"Age": "notes", "3": "mobile",
                                                    "客户名称": None})
    assert result == {1: "notes", 2: "mobile"}
    with pytest.raises(ValueError, match="not in the file"):
        im.override_mapping(headers, mapping, {"Nope": "name"})
    with pytest.raises(ValueError, match="unknown field"):
        im.override_mapping(headers, mapping, {"Age": "shoe_size"})


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-9-25", DateSpec.solar(9, 25, 2026)),
    ("2026/09/25", DateSpec.solar(9, 25, 2026)),
    ("2026年9月25日", DateSpec.solar(9, 25, 2026)),
    ("19800322", DateSpec.solar(3, 22, 1980)),
    (19800322.0, DateSpec.solar(3, 22, 1980)),
    (29486.0, DateSpec.solar(9, 22, 1980)),  # an Excel serial number
    ("29486", DateSpec.solar(9, 22, 1980)),
    (datetime(1980, 9, 22, 0, 0), DateSpec.solar(9, 22, 1980)),
    (date(1980, 9, 22), DateSpec.solar(9, 22, 1980)),
    ("9月25日", DateSpec.solar(9, 25)),
    ("09-25", DateSpec.solar(9, 25)),
    ("农历八月十五", DateSpec.lunar(8, 15)),
    ("农历1980年八月十五", DateSpec.lunar(8, 15, year=1980)),
    ("阴历腊月廿三", DateSpec.lunar(12, 23)),
    ("农历正月初一", DateSpec.lunar(1, 1)),
    ("农历2020年闰四月初八", DateSpec.lunar(4, 8, leap=True, year=2020)),
    ("农历冬月三十", DateSpec.lunar(11, 30)),
])
def test_birthdays(value: object, expected: DateSpec) -> None:
    assert im.parse_birthday(value) == expected


@pytest.mark.parametrize("value", ["明天", "2026-02-30", "13/45", "农历十三月初一", "abc"])
def test_bad_birthdays(value: str) -> None:
    with pytest.raises(ValueError):
        im.parse_birthday(value)


def test_lunar_parser_rejects_other_text_and_impossible_dates() -> None:
    assert parse_lunar("八月十五") is None
    assert parse_lunar("2026-09-25") is None
    with pytest.raises(DateSpecError):
        parse_lunar("农历1980年闰四月初八")  # 1980 has no leap fourth month
    assert parse_date_spec("农历八月十五").is_lunar


@pytest.mark.parametrize(("value", "expected"), [
    (13800138000.0, ["13800138000"]),
    (13800138000, ["13800138000"]),
    ("13800138000.0", ["13800138000"]),
    ("138 0013 8000 / 010-65529988", ["138 0013 8000", "010-65529988"]),
    ("13800138000；13900139000", ["13800138000", "13900139000"]),
    ("13800138000、13900139000", ["13800138000", "13900139000"]),
])
def test_phones_as_numbers_or_text(value: object, expected: list[str]) -> None:
    assert im.split_phones(value) == expected


def test_cell_text() -> None:
    assert im.cell_text(13800138000.0) == "13800138000"
    assert im.cell_text(1.5) == "1.5"
    assert im.cell_text(None) == ""
    assert im.cell_text(datetime(2026, 9, 25)) == "2026-09-25"
    assert im.column_letter(0) == "A" and im.column_letter(27) == "AB"


HEADERS = ["客户名称", "手机", "电话", "邮箱", "生日", "性别", "标签", "备注", "公司"]
MAPPING = im.suggest_mapping(HEADERS)


def _row(*values: object) -> im.RowCard:
    return im.build_row(7, list(values), MAPPING, HEADERS, TODAY)


def test_a_full_row() -> None:
    rc = _row("张伟", 13800138000.0, "010-65529988", "z@example.com", "农历八月十五", "男",
              "VIP，老客户", "喜欢喝茶", "华为")
    assert rc.ok and not rc.problems
    card = rc.card
    assert card.name == "张伟" and card.company == "华为"
    assert [(p.number, p.kind) for p in card.phones] == [
        ("13800138000", PhoneKind.MOBILE), ("010-65529988", PhoneKind.OFFICE)]
    assert card.birthday == DateSpec.lunar(8, 15)
    assert card.gender == Gender.MALE and card.tags == ["VIP", "老客户"]
    assert card.notes == "喜欢喝茶"


def test_bad_values_are_warnings_kept_in_the_notes() -> None:
    rc = _row("张伟", "12345", None, "not-an-email", "2030-01-01", "?", None, "原备注", None)
    assert rc.ok
    assert {(p.column, p.severity) for p in rc.problems} == {
        ("手机", im.WARNING), ("邮箱", im.WARNING), ("生日", im.WARNING), ("性别", im.WARNING)}
    assert all(p.row == 7 for p in rc.problems)
    assert rc.card.phones == [] and rc.card.email == "" and rc.card.birthday is None
    assert rc.card.notes.splitlines() == ["原备注", "手机: 12345", "邮箱: not-an-email",
                                          "生日: 2030-01-01", "性别: ?"]


def test_missing_name_falls_back_or_is_an_error() -> None:
    rc = _row(None, None, None, "z@example.com", None, None, None, None, None)
    assert rc.ok and rc.card.name == "z@example.com"
    assert rc.problems[0].severity == im.WARNING
    rc = _row(None, None, None, None, None, None, None, None, "华为")
    assert rc.ok and rc.card.name == "华为" and rc.card.kind == ClientKind.ORGANISATION
    rc = _row(None, None, None, None, "1980-01-01", None, None, "备注", None)
    assert not rc.ok
    assert [(p.column, p.severity) for p in rc.problems] == [("客户名称", im.ERROR)]
    assert _row(*([None] * 9)).blank


def test_first_and_last_names() -> None:
    headers = ["姓", "名", "First Name", "Last Name"]
    assert im.build_row(2, ["张", "伟"], {0: "last_name", 1: "first_name"}, headers).card.name \
        == "张伟"
    assert im.build_row(2, [None, None, "Dulce", "Abril"],
                        {2: "first_name", 3: "last_name"}, headers).card.name == "Dulce Abril"


def test_client_id_column() -> None:
    headers = ["ID", "客户名称"]
    mapping = {0: "client_id", 1: "name"}
    assert im.build_row(2, [12.0, "张伟"], mapping, headers).client_id == 12
    rc = im.build_row(2, ["C-1", "张伟"], mapping, headers)
    assert rc.client_id is None and rc.problems[0].severity == im.WARNING


def test_duplicate_keys_normalise() -> None:
    a = ClientCard(name="张伟", company="华为", email="Z@Example.com",
                   phones=[Phone("+86 138-0013-8000")])
    b = ClientCard(name=" 张伟 ", company="华为", email="z@example.com",
                   phones=[Phone("13800138000")])
    assert im.duplicate_keys(a) == im.duplicate_keys(b)
    assert im.duplicate_keys(ClientCard(name="张伟")) == []  # a name alone is too common


def test_merge_fills_blanks_only() -> None:
    base = ClientCard(name="张伟", company="华为", phones=[Phone("13800138000")], tags=["A"],
                      notes="老客户")
    extra = ClientCard(name="张伟", company="中兴", email="z@example.com",
                       phones=[Phone("+8613800138000"), Phone("13900139000")], tags=["A", "B"],
                       notes="喜欢茶", birthday=DateSpec.solar(9, 25))
    merged = im.merge_into(base, extra)
    assert merged.company == "华为" and merged.email == "z@example.com"
    assert [p.number for p in merged.phones] == ["13800138000", "13900139000"]
    assert merged.tags == ["A", "B"] and merged.notes == "老客户\n喜欢茶"
    assert merged.birthday == DateSpec.solar(9, 25)
    assert base.email == ""  # not changed in place


def test_update_replaces_mapped_fields_only() -> None:
    existing = ClientCard(id=3, name="张伟", company="华为", email="z@example.com",
                          phones=[Phone("13800138000"), Phone("010-65529988", PhoneKind.OFFICE)],
                          notes="keep")
    incoming = ClientCard(name="张伟", company="", phones=[Phone("13900139000")])
    updated = im.apply_update(existing, incoming, {"name", "company", "phones"})
    assert updated.company == "" and updated.email == "z@example.com"
    assert updated.notes == "keep"
    assert [p.number for p in updated.phones] == ["13900139000", "010-65529988"]


def test_update_keeps_the_kind_of_a_number_already_on_the_card() -> None:
    """The sheet's phone column does not say a phone's kind: a foreign
    mobile stored as mobile must not turn into an office phone (guessed from
    its shape) when the exported sheet is imported again."""
    existing = ClientCard(id=3, name="George", phones=[Phone("+49 40 3083659")])
    incoming = ClientCard(name="George", phones=[Phone("+49 40 3083659", PhoneKind.OFFICE),
                                                 Phone("010-65529988", PhoneKind.OFFICE)])
    updated = im.apply_update(existing, incoming, {"phones"})
    assert updated.phones == [Phone("+49 40 3083659", PhoneKind.MOBILE),
                              Phone("010-65529988", PhoneKind.OFFICE)]


def test_the_apps_own_texts_read_back() -> None:
    """What the export writes (DateSpec.describe, enum labels) imports again."""
    from desktop_crm.domain.dates import DateSpec, parse_lunar
    from desktop_crm.domain.enums import Gender
    from desktop_crm.domain.import_mapping import parse_gender

    assert parse_lunar("Lunar 4/17 (1996)") == DateSpec.lunar(4, 17, year=1996)
    assert parse_lunar("Lunar leap 6/19") == DateSpec.lunar(6, 19, leap=True)
    assert parse_gender("Not given") == Gender.UNKNOWN
    assert parse_gender("Female") == Gender.FEMALE


def test_a_row_with_nothing_but_an_id_is_blank() -> None:
    """A template's rows that hold only an ID are empty rows, not nameless clients."""
    headers = ["ID", "姓名", "备注"]
    mapping = {0: "client_id", 1: "name", 2: "notes"}
    assert im.build_row(2, [7, None, None], mapping, headers).blank
    row = im.build_row(3, [7, None, "改过"], mapping, headers)
    assert not row.blank and not row.ok
    assert [(p.column, p.severity) for p in row.problems] == [("姓名", im.ERROR)]


def test_maps_a_name() -> None:
    assert im.maps_a_name({0: "last_name"}) and im.maps_a_name({3: "name"})
    assert not im.maps_a_name({0: "client_id", 1: "mobile", 2: "email"})


def test_sheets_named_like_a_client_list_are_tried_first() -> None:
    assert im.client_sheets_first(["汇总", "客户", "麦凯66问"]) == ["客户", "汇总", "麦凯66问"]
    assert im.client_sheets_first(["Summary", " CLIENTS ", "Interactions"])[0] == " CLIENTS "
    assert im.client_sheets_first(["Sheet1", "Sheet2"]) == ["Sheet1", "Sheet2"]


@pytest.mark.parametrize("header", ["Estimated yearly spend", "年度采购额估计", "年采购额",
                                    "Annual spend"])
def test_the_estimated_yearly_spend_is_recognised(header: str) -> None:
    assert im.match_header(header) == "annual_spend"
    assert im.suggest_mapping(["客户名称", header]) == {0: "name", 1: "annual_spend"}


@pytest.mark.parametrize(("value", "expected"), [
    (120000, 120000), (120000.0, 120000), (99999.6, 100000), ("1,200,000", 1200000),
    ("¥50000", 50000), ("５００００元", 50000), (" 3000 ", 3000)])
def test_the_spend_is_read_as_whole_yuan(value: object, expected: int) -> None:
    rc = im.build_row(2, ["张伟", value], {0: "name", 1: "annual_spend"}, ["Name", "Spend"],
                      TODAY)
    assert rc.ok and not rc.problems and rc.card.annual_spend == expected
    assert "annual_spend" in rc.fields


def test_a_spend_that_is_not_an_amount_or_out_of_range() -> None:
    headers = ["Name", "Spend"]
    mapping = {0: "name", 1: "annual_spend"}
    rc = im.build_row(3, ["张伟", "不详"], mapping, headers, TODAY)
    assert rc.ok and rc.card.annual_spend is None
    assert [(p.column, p.severity) for p in rc.problems] == [("Spend", im.WARNING)]
    assert rc.card.notes == "Spend: 不详"
    rc = im.build_row(3, ["张伟", -5], mapping, headers, TODAY)
    assert not rc.ok and [(p.column, p.severity) for p in rc.problems] == [("Spend", im.ERROR)]
    # an update of the spend alone (ID and spend columns) is not a blank row
    rc = im.build_row(4, [7, 5000], {0: "client_id", 1: "annual_spend"}, ["ID", "Spend"], TODAY)
    assert rc.ok and not rc.blank and rc.client_id == 7 and rc.card.annual_spend == 5000


def test_merge_and_update_carry_the_spend() -> None:
    base = ClientCard(name="张伟")
    assert im.merge_into(base, ClientCard(name="张伟", annual_spend=9000)).annual_spend == 9000
    assert im.merge_into(ClientCard(name="张伟", annual_spend=1),
                         ClientCard(annual_spend=9000)).annual_spend == 1
    updated = im.apply_update(ClientCard(name="张伟", annual_spend=1), ClientCard(name="张伟"),
                              {"annual_spend"})
    assert updated.annual_spend is None  # a cleared cell clears it
