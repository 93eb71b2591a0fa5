"""Reading a business card's OCR lines into fields (domain.business_card.parse_card).

Each case is a card as an OCR engine gives it: text lines with their boxes
(left, top, width, height); the name is set larger than the small print.
The line sets are written for these tests in the shapes real cards take
(Chinese, English, bilingual; labels glued, spaced, full-width; OCR slips).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_crm.domain.business_card import FIELD_NAMES, CardFields, OcrLine, parse_card
from desktop_crm.domain.validation import check_phone


def card(*rows: str | tuple[str, float] | tuple[str, float, float]) -> list[OcrLine]:
    """Lines stacked down the card: "text", (text, height) or (text, height, left)."""
    lines, top = [], 20.0
    for row in rows:
        text, height, left = (row, 24.0, 40.0) if isinstance(row, str) else (
            row[0], row[1], row[2] if len(row) > 2 else 40.0)  # type: ignore[misc]
        lines.append(OcrLine(text, (left, top, 14.0 * len(text), height)))
        top += height + 8
    return lines


CASES: list[tuple[str, list[OcrLine], dict[str, Any]]] = [
    ("chinese card with labels and a two-line address", card(
        ("北京星河科技有限公司", 30), ("张 伟", 60), ("销售总监", 28),
        "手机：138 0013 8000", "电话:010-6552 9988 转 801 传真:010-6552 9989",
        "邮箱：zhang.wei @ xinghe，com.cn", "地址：北京市朝阳区建国路88号",
        ("SOHO现代城A座1201室", 24, 100), "www.xinghe.com.cn", "微信:zw_13800138000"),
     dict(name="张伟", title="销售总监", company="北京星河科技有限公司",
          mobiles=("138 0013 8000",), office_phones=("010-6552 9988 转 801",),
          faxes=("010-6552 9989",), emails=("zhang.wei@xinghe.com.cn",),
          wechat="zw_13800138000", address="北京市朝阳区建国路88号SOHO现代城A座1201室",
          website="www.xinghe.com.cn")),
    ("english card, several numbers on one line", card(
        ("Acme Robotics, Inc.", 30), ("Jane A. Doe", 50), "Senior Sales Manager",
        "T: +1 (415) 555-0100  F: +1 415 555 0199", "M +86 139-1234-5678",
        "E: jane.doe@acme.com", "Add: Suite 5, 100 Market Street,",
        ("San Francisco, CA 94105", 24, 80), "acme.com"),
     dict(name="Jane A. Doe", title="Senior Sales Manager", company="Acme Robotics, Inc.",
          mobiles=("139 1234 5678",), office_phones=("+1 415 555 0100",),
          faxes=("+1 415 555 0199",), emails=("jane.doe@acme.com",),
          address="Suite 5, 100 Market Street, San Francisco, CA 94105", website="acme.com")),
    ("labels without spaces or colons, full-width digits", card(
        ("李娜", 56), "上海华东贸易股份有限公司", "市场部", "经理",
        "手机１３９１２３４５６７８", "Tel(021)6888-8888", "Fax 021-6888 8899",
        "E-mail:lina@huadong.cn"),
     dict(name="李娜", company="上海华东贸易股份有限公司", title="市场部 经理",
          mobiles=("139 1234 5678",), office_phones=("021-6888 8888",),
          faxes=("021-6888 8899",), emails=("lina@huadong.cn",))),
    ("spaced chinese labels and a name with its title on one line", card(
        "深圳市南山区蓝海电子有限公司", ("王建国  总经理", 40), "手  机：186-2000-1234",
        "电  话：(0755) 8666 1234", "传  真：(0755) 8666 1235",
        "地  址：深圳市南山区科技园南区高新南一道9号"),
     dict(name="王建国", title="总经理", company="深圳市南山区蓝海电子有限公司",
          mobiles=("186 2000 1234",), office_phones=("0755-8666 1234",),
          faxes=("0755-8666 1235",), address="深圳市南山区科技园南区高新南一道9号")),
    ("bilingual card: chinese fields win for a chinese name", card(
        ("陈静", 52), ("Chen Jing", 30), "财务总监", "Finance Director",
        "广州恒远物流集团", "Guangzhou Hengyuan Logistics Group",
        "M: +86 135 1000 2000", "T: +86 20 3888 1234 ext. 12", "chenjing@hengyuan.com",
        "地址：广州市天河区珠江新城华夏路10号", "Add: 10 Huaxia Road, Tianhe District"),
     dict(name="陈静", title="财务总监", company="广州恒远物流集团",
          mobiles=("135 1000 2000",), office_phones=("020-3888 1234 ext. 12",),
          emails=("chenjing@hengyuan.com",), address="广州市天河区珠江新城华夏路10号")),
    ("english card without labels", card(
        ("ASYMMETRIC LTD", 26), ("Mike Smith", 44), "Senior Software Engineer",
        "(410)555-1234", "msmith@asymmetric.example"),
     dict(name="Mike Smith", title="Senior Software Engineer", company="ASYMMETRIC LTD",
          emails=("msmith@asymmetric.example",))),
    ("international numbers and a website with http", card(
        ("Klaus Becker", 48), "Head of Purchasing", "Rheinwerk Maschinenbau GmbH",
        "Phone +49 (0)211 555 1234", "Mobile +49 171 555 9876",
        "klaus.becker@rheinwerk.de", "https://www.rheinwerk.de"),
     dict(name="Klaus Becker", title="Head of Purchasing",
          company="Rheinwerk Maschinenbau GmbH",
          mobiles=("+49 171 555 9876",), office_phones=("+49 211 555 1234",),
          emails=("klaus.becker@rheinwerk.de",), website="https://www.rheinwerk.de")),
    ("two mobiles on one line and tel/fax sharing a number", card(
        ("赵磊", 50), "杭州西子文化传媒有限公司", "创意总监",
        "手机：13912345678 / 15800001111", "电话/传真：0571-8765 4321", "QQ：12345678",
        "网址：www，xizi，cn"),
     dict(name="赵磊", title="创意总监", company="杭州西子文化传媒有限公司",
          mobiles=("139 1234 5678", "158 0000 1111"), office_phones=("0571-8765 4321",),
          faxes=("0571-8765 4321",), website="www.xizi.cn")),
    ("wechat same as the mobile, an extra e-mail", card(
        ("孙 悦", 50), "北京博文律师事务所", "合伙人 律师", "Mob: 139 0000 8888",
        "微信：同手机", "Email: sunyue@bowen-law.cn", "sun.yue@163.com"),
     dict(name="孙悦", title="合伙人 律师", company="北京博文律师事务所",
          mobiles=("139 0000 8888",), wechat="13900008888",
          emails=("sunyue@bowen-law.cn", "sun.yue@163.com"))),
    ("the name is the tallest name-shaped line, not the slogan", card(
        ("诚信为本", 30), ("刘洋", 56), "成都天府食品有限公司", "销售经理",
        "Cell 177-0000-1234", "Direct 028-8555 1234"),
     dict(name="刘洋", title="销售经理", company="成都天府食品有限公司",
          mobiles=("177 0000 1234",), office_phones=("028-8555 1234",))),
    ("Mobile No / Fax No labels and an upper-case name", card(
        ("RACHEL TAN", 44), "FINANCE MANAGER", "Pacific Supply Co., Ltd.",
        "Mobile No : +86 150 1234 5678", "Telephone No : 0512-6688 1234",
        "Fax No : 0512-6688 1200", "Email Add. : rachel@pacific-supply.cn"),
     dict(name="RACHEL TAN", title="FINANCE MANAGER", company="Pacific Supply Co., Ltd.",
          mobiles=("150 1234 5678",), office_phones=("0512-6688 1234",),
          faxes=("0512-6688 1200",), emails=("rachel@pacific-supply.cn",))),
    ("a landline without area code is kept as printed", card(
        ("周敏", 50), "电话：8765 4321", "手机 13700001234"),
     dict(name="周敏", mobiles=("137 0000 1234",), office_phones=("8765 4321",))),
    ("+86 mobile with dashes, 400 hotline and an upper-case e-mail domain", card(
        ("Wang Fang", 46), "Product Manager", "Sunrise Tech Co.,Ltd", "+86-138-0013-8000",
        "服务热线：400-820-8820", "wangfang@SUNRISE.COM"),
     dict(name="Wang Fang", title="Product Manager", company="Sunrise Tech Co.,Ltd",
          mobiles=("138 0013 8000",), office_phones=("400-820-8820",),
          emails=("wangfang@sunrise.com",))),
    ("an empty card and boxes of noise", card("", "  ", "|"), dict()),
]


@pytest.mark.parametrize(("lines", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_parse_card_reads_the_fields(lines: list[OcrLine], expected: dict[str, Any]) -> None:
    assert parse_card(lines) == CardFields(**expected)


def test_order_of_lines_from_the_engine_does_not_matter_for_the_name() -> None:
    lines = card(("Acme Robotics, Inc.", 30), ("Jane Doe", 50), "Sales Manager")
    assert parse_card(list(reversed(lines))).name == "Jane Doe"


def test_a_company_named_like_a_person_is_not_the_name() -> None:
    fields = parse_card(card(("Smith & Partners", 30), ("John Smith", 30), "Partner"))
    assert (fields.name, fields.company, fields.title) == (
        "John Smith", "Smith & Partners", "Partner")


def test_the_address_does_not_take_a_line_far_below_it() -> None:
    lines = [OcrLine("地址：北京市海淀区中关村大街1号", (40, 100, 400, 24)),
             OcrLine("北京大学", (40, 300, 120, 24))]
    assert parse_card(lines).address == "北京市海淀区中关村大街1号"


def test_every_phone_read_passes_the_apps_phone_check() -> None:
    fields = next(c[2] for c in CASES if c[0].startswith("chinese card"))
    for number in (*fields["mobiles"], *fields["office_phones"], *fields["faxes"]):
        assert check_phone(number) is None, number


_SEPARATORS = st.sampled_from(["", " ", "-", "  ", "—", "－", "\u3000"])


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), _SEPARATORS,
       st.sampled_from(["", "+86 ", "+86", "0086 ", "(+86) ", "86-"]),
       st.sampled_from(["手机：", "手机", "M: ", "Mob. ", "Mobile: ", ""]), st.booleans())
def test_a_mobile_is_read_however_it_is_written(digits: str, sep: str, prefix: str,
                                                 label: str, full_width: bool) -> None:
    number = prefix + sep.join((digits[:3], digits[3:7], digits[7:]))
    if full_width:
        number = number.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789+"})
    fields = parse_card(card(label + number))
    assert fields.mobiles == (f"{digits[:3]} {digits[3:7]} {digits[7:]}",)
    assert check_phone(fields.mobiles[0]) is None


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["010", "021", "020", "0755", "0571", "0512"]),
       st.from_regex(r"[2-8][0-9]{7}", fullmatch=True),
       st.sampled_from(["{a}-{n}", "({a}) {n}", "{a} {n}", "+86 {b} {n}", "{a}-{h} {t}"]),
       st.sampled_from(["电话：", "Tel: ", "T ", "座机:", "Phone "]))
def test_a_landline_keeps_its_area_code(area: str, local: str, shape: str, label: str) -> None:
    text = shape.format(a=area, b=area[1:], n=local, h=local[:4], t=local[4:])
    fields = parse_card(card(label + text))
    assert fields.office_phones == (f"{area}-{local[:4]} {local[4:]}",)
    assert check_phone(fields.office_phones[0]) is None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=12))
def test_any_text_gives_fields_and_never_fails(texts: list[str]) -> None:
    fields = parse_card(card(*texts))
    for number in fields.mobiles:
        assert check_phone(number) is None
    assert all("@" in e for e in fields.emails)


def test_ocr_dashes_and_a_one_between_digits_read_as_dashes() -> None:
    fields = parse_card(card("手机：138一0013一8000", "电话：010–6552 9988"))
    assert fields.mobiles == ("138 0013 8000",)
    assert fields.office_phones == ("010-6552 9988",)


def test_a_label_boxed_apart_from_its_value_is_joined_to_it() -> None:
    # RapidOCR boxes text separated by a wide gap apart: label and value, or
    # two columns of one row, come as separate lines in any order
    lines = [
        OcrLine("138 0013 8000", (160, 200, 180, 22)),
        OcrLine("手机：", (40, 201, 60, 22)),
        OcrLine("Tel", (40, 230, 40, 22)),
        OcrLine("010-6552 9988", (160, 231, 180, 22)),
        OcrLine("张伟", (40, 80, 110, 58)),
        OcrLine("地址", (40, 260, 40, 22)),
        OcrLine("北京市朝阳区建国路88号", (160, 259, 300, 22)),
        OcrLine("销售总监", (420, 100, 120, 26)),
    ]
    fields = parse_card(lines)
    assert fields == CardFields(name="张伟", title="销售总监", mobiles=("138 0013 8000",),
                                office_phones=("010-6552 9988",),
                                address="北京市朝阳区建国路88号")


def test_a_semicolon_read_for_a_colon_still_ends_the_label() -> None:
    fields = parse_card(card("Tel; 010-6552 9988", "邮箱；zw@example.com"))
    assert fields.office_phones == ("010-6552 9988",)
    assert fields.emails == ("zw@example.com",)


REAL_LINES = json.loads((Path(__file__).resolve().parents[2] / "data" / "card_lines"
                         / "rapidocr_lines.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", REAL_LINES, ids=[c["card"] for c in REAL_LINES])
def test_lines_as_rapidocr_reads_them(case: dict[str, Any]) -> None:
    """Real engine output (tests/data/card_lines/SOURCES.md): photos taken at
    an angle, latin words run together, labels glued to their values."""
    found = parse_card([OcrLine(text, tuple(box), score)  # type: ignore[arg-type]
                        for text, box, score in case["lines"]])
    for name in FIELD_NAMES:
        if name in case["ocr_misread"]:
            continue
        want = case["fields"].get(name, getattr(CardFields(), name))
        assert getattr(found, name) == (tuple(want) if isinstance(want, list) else want), name


# -- any card laid out the common ways reads back -------------------------------------

_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红"
_CITIES = ("北京市朝阳区", "上海市浦东新区", "广州市天河区", "深圳市南山区", "杭州市西湖区")
_ROADS = ("建国路", "世纪大道", "体育西路", "高新南一道", "文三路")
_TRADES = ("科技", "贸易", "电子", "物流", "食品", "网络")
_TITLES_ZH = ("销售总监", "客户经理", "总经理", "采购部经理", "技术支持工程师", "市场部主管")
_TITLES_EN = ("Sales Director", "Account Manager", "General Manager", "Chief Engineer",
              "Purchasing Manager", "Marketing Lead")
_FIRST = ("David", "Emily", "Robert", "Sarah", "Michael", "Anna", "James", "Linda")
_LAST = ("Chen", "Zhang", "Wang", "Liu", "Zhao", "Sun", "Smith", "Brown")


@st.composite
def chinese_cards(draw: st.DrawFn) -> tuple[CardFields, list[OcrLine]]:
    name = draw(st.sampled_from("王李张刘陈杨赵黄周吴")) + draw(
        st.text(_GIVEN, min_size=1, max_size=2))
    city = draw(st.sampled_from(_CITIES))
    company = (city[:2] + draw(st.sampled_from(("华信", "明远", "恒达", "天和", "云启")))
               + draw(st.sampled_from(_TRADES)) + draw(st.sampled_from(("有限公司", "股份有限公司",
                                                                       "集团"))))
    mobile = draw(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
    local = draw(st.from_regex(r"[2-8][0-9]{7}", fullmatch=True))
    area = draw(st.sampled_from(("010", "021", "020", "0755", "0571")))
    user = draw(st.from_regex(r"[a-z]{2,8}", fullmatch=True))
    domain = draw(st.from_regex(r"[a-z]{3,8}", fullmatch=True)) + draw(
        st.sampled_from((".com", ".cn", ".com.cn")))
    address = f"{city}{draw(st.sampled_from(_ROADS))}{draw(st.integers(1, 999))}号"
    fields = CardFields(
        name=name, title=draw(st.sampled_from(_TITLES_ZH)), company=company,
        mobiles=(f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}",),
        office_phones=(f"{area}-{local[:4]} {local[4:]}",), emails=(f"{user}@{domain}",),
        address=address, website=f"www.{domain}" if draw(st.booleans()) else "")
    sep = draw(st.sampled_from(("：", ":", " ", "")))
    rows = [(company, 30), (name, 60), (fields.title, 28), (f"手机{sep}{mobile}", 24),
            (f"电话{sep}{area}-{local}", 24), (f"邮箱{sep}{user}@{domain}", 24),
            (f"地址{sep}{address}", 24)]
    if fields.website:
        rows.append((f"网址{sep}{fields.website}", 24))
    return fields, card(*draw(st.permutations(rows)))


@st.composite
def english_cards(draw: st.DrawFn) -> tuple[CardFields, list[OcrLine]]:
    name = f"{draw(st.sampled_from(_FIRST))} {draw(st.sampled_from(_LAST))}"
    company = draw(st.sampled_from(("Huaxin", "Mingyuan", "Hengda", "Tianhe"))) + " " + draw(
        st.sampled_from(("Technology Co., Ltd.", "Trading Inc.", "Electronics Ltd.",
                         "Foods GmbH", "Logistics LLC")))
    mobile = draw(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
    local = draw(st.from_regex(r"[2-8][0-9]{7}", fullmatch=True))
    user = draw(st.from_regex(r"[a-z]{2,8}", fullmatch=True))
    fields = CardFields(
        name=name, title=draw(st.sampled_from(_TITLES_EN)), company=company,
        mobiles=(f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}",),
        office_phones=(f"021-{local[:4]} {local[4:]}",), faxes=(f"021-{local[:4]} 0000",),
        emails=(f"{user}@example.com",), address=f"{draw(st.integers(1, 999))} Century Avenue")
    rows = [(name, 44), (fields.title, 26), (company, 30), (f"M: +86 {mobile}", 22),
            (f"T: +86 21 {local} F: +86 21 {local[:4]}0000", 22), (f"E: {user}@example.com", 22),
            (fields.address, 22)]
    return fields, card(*draw(st.permutations(rows)))


@settings(max_examples=150, deadline=None)
@given(st.one_of(chinese_cards(), english_cards()))
def test_a_card_in_any_line_order_reads_back(example: tuple[CardFields, list[OcrLine]]) -> None:
    fields, lines = example
    assert parse_card(lines) == fields


@pytest.mark.parametrize("email", ["qq@bvy.cn", "mail@example.com", "tel@example.com",
                                   "web.master@example.com", "m_e@example.com", "e@x.cn"])
def test_an_address_starting_with_a_label_word_is_an_address(email: str) -> None:
    assert parse_card(card(f"邮箱：{email}")).emails == (email,)
    assert parse_card(card(email)).emails == (email,)


@pytest.mark.parametrize(("printed", "read"), [
    ("1ina@mingyuan-sh.com", "lina@mingyuan-sh.com"),
    ("zhaomin@shu1ian56.com", "zhaomin@shulian56.com"),
    ("wang.1ei@example.cn", "wang.lei@example.cn"),
    ("li1985@163.com", "li1985@163.com"),  # digits in a run stay digits
    ("a1@example.com", "a1@example.com"),
    ("1st@example.com", "1st@example.com"),
])
def test_a_one_between_letters_of_an_e_mail_is_an_l(printed: str, read: str) -> None:
    # RapidOCR's reading of the rendered cards: lina@ came out as 1ina@
    assert parse_card(card(f"邮箱：{printed}")).emails == (read,)
