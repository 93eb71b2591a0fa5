"""Google's and Outlook's contact CSV layouts: recognised from their headers,
values split and marked primary, names, birthdays and groups; and the home
and fax phone columns of an ordinary sheet."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_crm.domain import contact_csv_layouts as layouts
from desktop_crm.domain import import_mapping as im
from desktop_crm.domain.client import Phone
from desktop_crm.domain.enums import PhoneKind

GOOGLE_OLD = ["Name", "Given Name", "Additional Name", "Family Name", "Birthday", "Notes",
              "Group Membership", "E-mail 1 - Type", "E-mail 1 - Value", "Phone 1 - Type",
              "Phone 1 - Value", "Organization 1 - Name", "Organization 1 - Title"]
GOOGLE_NEW = ["First Name", "Middle Name", "Last Name", "File As", "Organization Name",
              "Organization Title", "Birthday", "Notes", "Labels", "E-mail 1 - Label",
              "E-mail 1 - Value", "Phone 1 - Label", "Phone 1 - Value"]
OUTLOOK = ["Title", "First Name", "Middle Name", "Last Name", "Company", "Job Title",
           "Business Phone", "Mobile Phone", "E-mail Address", "Birthday", "Categories"]


OUTLOOK_ZH = ["称谓", "名", "中间名", "姓", "单位", "部门", "职务", "商务地址 街道",
              "商务传真", "商务电话", "住宅电话", "移动电话", "主要电话", "电子邮件地址",
              "电子邮件显示名称", "附注", "类别", "生日", "性别", "网页"]


@pytest.mark.parametrize(("header", "name"), [
    (GOOGLE_OLD, layouts.GOOGLE), (GOOGLE_NEW, layouts.GOOGLE), (OUTLOOK, layouts.OUTLOOK),
    (OUTLOOK_ZH, layouts.OUTLOOK),
])
def test_layouts_are_recognised_by_their_headers(header: list[str], name: str) -> None:
    layout = layouts.detect([["Exported contacts"], header, ["x"] * len(header)])
    assert layout is not None
    assert (layout.name, layout.header_row) == (name, 1)


@pytest.mark.parametrize("header", [
    ["姓名", "手机", "邮箱"], ["First Name", "Last Name", "Age"],
    ["Name", "Phone", "E-mail"], ["Phone 1 - Value", "Notes"],
    # a sheet of one's own sharing Outlook's names: its WeChat, source and
    # address columns would be lost, so it is mapped column by column
    ["First Name", "Last Name", "Company", "Job Title", "Mobile Phone", "E-mail Address",
     "WeChat"],
    ["姓", "名", "单位", "职务", "移动电话", "商务电话", "客户来源"],
    ["姓", "名", "单位", "职务", "移动电话", "住宅电话", "地址"],
    [*GOOGLE_NEW, "WeChat"],
])
def test_other_sheets_are_no_layout(header: list[str]) -> None:
    assert layouts.detect([header, ["a"] * len(header)]) is None


def test_values_split_with_the_primary_marked() -> None:
    assert layouts.split_values(" a ::: * b :::  ") == [("a", False), ("b", True)]
    assert layouts.split_values("") == []


@pytest.mark.parametrize(("label", "key"), [
    ("* Mobile", im.MOBILE), ("Work Fax", im.FAX), ("Home Fax", im.FAX), ("Home", im.HOME_PHONE),
    ("Work", im.PHONE), ("Main", im.PHONE), ("Pager", im.PHONE), ("", im.PHONE),
    ("iPhone", im.MOBILE), ("business fax", im.FAX), ("home phone 2", im.HOME_PHONE),
])
def test_phone_kinds_from_labels(label: str, key: str) -> None:
    assert layouts.phone_key(label) == key


@pytest.mark.parametrize(("family", "given", "middle", "name"), [
    ("陈", "彤", "", "陈彤"), ("欧阳", "娜娜", "", "欧阳娜娜"), ("Adams", "Anna", "", "Anna Adams"),
    ("Adams", "Anna", "Maria", "Anna Maria Adams"), ("", "Anna", "", "Anna"),
    ("Adams", "", "", "Adams"), ("", "", "", ""),
])
def test_names_joined_as_the_app_stores_them(family: str, given: str, middle: str,
                                             name: str) -> None:
    assert layouts.join_name(family, given, middle) == name


@pytest.mark.parametrize(("text", "layout", "result"), [
    ("--03-08", layouts.GOOGLE, "03-08"), ("--3-8", layouts.GOOGLE, "03-08"),
    ("1980-03-22", layouts.GOOGLE, "1980-03-22"), ("3/22/1980", layouts.OUTLOOK, "1980-03-22"),
    ("22/3/1980", layouts.OUTLOOK, "1980-03-22"), ("0/0/00", layouts.OUTLOOK, ""),
    ("3/22/1980", layouts.GOOGLE, "3/22/1980"),
])
def test_birthdays(text: str, layout: str, result: str) -> None:
    assert layouts.birthday_text(text, layout) == result


def test_google_system_groups_are_not_tags() -> None:
    assert layouts.split_groups("* myContacts ::: 重点客户 ::: * starred ::: VIP") == [
        "重点客户", "VIP"]


def _row(header: list[str], **values: str) -> dict[str, str | None]:
    layout = layouts.detect([header])
    assert layout is not None
    row = [values.get(h, "") for h in header]
    converted = layouts.convert([header, row], layout)[0]
    return {layouts.column_key(c) if not c.startswith(layouts.PRIMARY) else c: v
            for c, v in zip(layouts.COLUMNS, converted, strict=True)}


def test_google_row() -> None:
    row = _row(GOOGLE_OLD, **{
        "Name": "陈彤 (华为)", "Given Name": "彤", "Family Name": "陈",
        "Phone 1 - Type": "* Work", "Phone 1 - Value": "010-6552 8899 ::: 010-6552 8898",
        "E-mail 1 - Type": "* Work", "E-mail 1 - Value": "a@example.cn ::: b@example.cn",
        "Organization 1 - Name": "华为", "Organization 1 - Title": "经理",
        "Group Membership": "* myContacts ::: 客户", "Birthday": "--12-01"})
    assert row["name"] == "陈彤"
    assert row[layouts.PRIMARY + im.PHONE] == "010-6552 8899"
    assert row[im.PHONE] == "010-6552 8898"
    assert row["email"] == "a@example.cn" and row["notes"] == "E-mail: b@example.cn"
    assert (row["company"], row["title"], row["tags"], row["birthday"]) == (
        "华为", "经理", "客户", "12-01")


def test_google_row_without_a_name_takes_its_display_name() -> None:
    assert _row(GOOGLE_NEW, **{"File As": "Acme Front Desk"})["name"] == "Acme Front Desk"


def test_outlook_primary_phone_repeating_another_keeps_that_kind() -> None:
    row = _row(OUTLOOK, **{"First Name": "John", "Last Name": "Smith", "Title": "Mr.",
                           "Job Title": "Buyer", "Mobile Phone": "+1 425 555 0123",
                           "Business Phone": "+1 425 555 0100"})
    assert row["title"] == "Buyer"
    assert row[layouts.PRIMARY + im.MOBILE] is None and row[im.MOBILE] == "+1 425 555 0123"
    row = _row([*OUTLOOK, "Primary Phone"], **{
        "First Name": "John", "Mobile Phone": "+1 425 555 0123",
        "Business Phone": "+1 425 555 0100", "Primary Phone": "+1 (425) 555-0123"})
    assert row[layouts.PRIMARY + im.MOBILE] == "+1 (425) 555-0123"
    assert row[im.MOBILE] is None and row[im.PHONE] == "+1 425 555 0100"


def test_blank_rows_stay_blank_rows() -> None:
    layout = layouts.detect([OUTLOOK])
    assert layout is not None
    assert layouts.convert([OUTLOOK, [], ["", ""]], layout) == [[None] * len(layouts.COLUMNS)] * 2


@pytest.mark.parametrize(("header", "field"), [
    ("传真", im.FAX), ("Fax", im.FAX), ("Business Fax", im.FAX), ("家庭电话", im.HOME_PHONE),
    ("Home Phone", im.HOME_PHONE), ("宅电", im.HOME_PHONE),
])
def test_fax_and_home_phone_headers(header: str, field: str) -> None:
    assert im.match_header(header) == field


def test_fax_and_home_phone_columns_keep_their_kind() -> None:
    headers = ["姓名", "电话", "家庭电话", "传真"]
    mapping = im.suggest_mapping(headers)
    rc = im.build_row(2, ["张伟", "010-6552 8899", "010-8888 6666", "13800138000"],
                      mapping, headers, date(2026, 11, 24))
    assert rc.card.phones == [Phone("010-6552 8899", PhoneKind.OFFICE),
                              Phone("010-8888 6666", PhoneKind.HOME),
                              Phone("13800138000", PhoneKind.FAX)]


def test_chinese_outlook_row() -> None:
    row = _row(OUTLOOK_ZH, **{"名": "彤", "姓": "陈", "称谓": "女士", "单位": "华为",
                              "职务": "采购经理", "商务地址 街道": "深圳市龙岗区坂田",
                              "商务传真": "0755-2878 0808", "移动电话": "13800138000",
                              "主要电话": "13800138000", "电子邮件地址": "ct@example.cn",
                              "生日": "1985/3/8", "性别": "女", "类别": "重点客户;华南",
                              "附注": "喜欢喝茶"})
    assert (row["name"], row["company"], row["title"]) == ("陈彤", "华为", "采购经理")
    assert row[layouts.PRIMARY + im.MOBILE] == "13800138000" and row[im.FAX] == "0755-2878 0808"
    assert (row["address"], row["email"], row["birthday"], row["gender"]) == (
        "深圳市龙岗区坂田", "ct@example.cn", "1985/3/8", "女")
    assert (row["tags"], row["notes"]) == ("重点客户; 华南", "喜欢喝茶")


def test_outlook_unspecified_gender_is_none() -> None:
    assert _row([*OUTLOOK, "Gender"], **{"First Name": "A", "Gender": "Unspecified"})[
        "gender"] is None
