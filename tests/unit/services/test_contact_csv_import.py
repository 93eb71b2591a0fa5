"""Google Contacts and Outlook contact CSV exports imported through the import
service, on both engines: names joined, phone kinds and the primary number
kept, ``:::`` values split, groups as tags, Google's ``--MM-DD`` birthdays."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import ClientKind, Gender, PhoneKind
from desktop_crm.services.importing import open_source
from desktop_crm.storage.database import Database
from tests.conftest import TESTDATA
from tests.unit.services.test_import import _by_name, _service

ROUNDCUBE_GMAIL = TESTDATA / "csv" / "roundcube_gmail.csv"

# Google's newer export: its header as Google writes it; the values are made up.
GOOGLE_NEW_HEADER = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,"
    "Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,"
    "Organization Title,Organization Department,Birthday,Notes,Photo,Labels,"
    "E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,"
    "Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,"
    "Phone 3 - Label,Phone 3 - Value,Address 1 - Label,Address 1 - Formatted,"
    "Address 1 - Street,Address 1 - City,Address 1 - PO Box,Address 1 - Region,"
    "Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address")
GOOGLE_NEW_ROWS = [
    ["彤", "", "陈", "", "", "", "", "", "", "", "华为", "销售经理", "", "--03-08", "老客户", "",
     "* myContacts ::: 重点客户 ::: * starred", "Home", "ct@example.com", "* Work",
     "chen.tong@example.cn", "Work", "010-6552 8899", "* Mobile",
     "138 0013 8000 ::: 139 0013 9000", "Work Fax", "010-6552 8800", "Work",
     "北京市朝阳区建国路 88 号", "", "", "", "", "", "", ""],
    ["Anna", "Maria", "Adams", "", "", "", "", "", "", "", "Acme Ltd", "Buyer", "",
     "1980-03-22", "", "", "* myContacts", "Work", "anna@example.com", "", "", "Home",
     "+44 20 7946 0958", "Mobile", "+44 7700 900123", "", "", "Home",
     "1 High St\nLondon", "", "", "", "", "", "", ""],
    ["", "", "", "", "", "", "", "", "", "", "Globex", "", "", "", "", "", "* myContacts",
     "Work", "info@globex.example", "", "", "Work", "+1 212 555 0100", "", "", "", "",
     "", "", "", "", "", "", "", "", ""],
]

# Outlook's export: its column names and order (a subset); the values are made up.
OUTLOOK_HEADER = [
    "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department",
    "Job Title", "Business Street", "Business City", "Business State",
    "Business Postal Code", "Business Country/Region", "Home Street", "Home City",
    "Home Postal Code", "Home Country/Region", "Business Fax", "Business Phone",
    "Home Phone", "Mobile Phone", "Primary Phone", "Birthday", "Categories",
    "E-mail Address", "E-mail Type", "E-mail Display Name", "E-mail 2 Address", "Notes",
    "Web Page"]
OUTLOOK_ROWS = [
    ["Mr.", "John", "", "Smith", "", "Contoso", "Sales", "Purchasing Manager",
     "1 Microsoft Way", "Redmond", "WA", "98052", "United States of America",
     "2 Home Rd", "Seattle", "98101", "United States of America", "+1 425 555 0199",
     "+1 425 555 0100", "+1 425 555 0111", "+1 425 555 0123", "+1 425 555 0123",
     "3/22/1980", "Clients;VIP", "john@contoso.example", "SMTP",
     "John Smith (john@contoso.example)", "js@home.example", "Met at the fair",
     "contoso.example"],
    ["", "芳", "", "王", "", "腾讯", "", "", "", "", "", "", "", "", "", "", "", "", "",
     "", "13900139000", "", "0/0/00", "", "wangfang@example.cn", "SMTP", "", "", "", ""],
]


def _google_new(path: Path, encoding: str = "utf-8") -> Path:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(GOOGLE_NEW_HEADER.split(","))
    writer.writerows(GOOGLE_NEW_ROWS)
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def _outlook(path: Path) -> Path:
    text = io.StringIO()
    writer = csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(OUTLOOK_HEADER)
    writer.writerows(OUTLOOK_ROWS)
    path.write_text(text.getvalue(), encoding="utf-8")
    return path


def _import(db: Database, path: Path) -> dict[str, ClientCard]:
    source = open_source(path)
    plan = _service(db).plan(source)
    assert not plan.errors, plan.problems
    _service(db).commit(source)
    return _by_name(db)


def _roundcube_card(card: ClientCard) -> None:
    assert card.company == "company" and card.title == "jobtitle"
    assert card.email == "home@aaa.pl"  # "* Home": the primary address
    assert card.tags == ["Test"]  # "* My Contacts" is Google's own group
    assert card.birthday == DateSpec.from_date(date(1975, 12, 12))
    assert card.address == "work_street work_city work_zip work_country"
    assert card.home_address.startswith("home_street home_pobox home_city")
    assert card.notes.startswith('note"note\nE-mail: work@email.pl\nE-mail: unknown@email.com')
    assert card.website == "test.com"


def test_google_export_by_roundcube(db: Database) -> None:
    """Google's older layout: before, its data row was taken for the header
    ("a header row but no data rows")."""
    source = open_source(ROUNDCUBE_GMAIL)
    assert source.table.layout == "Google Contacts"
    plan = _service(db).plan(source)
    assert not plan.errors
    # its phone "numbers" are words (pager, mainphone): kept in the notes, warned
    assert {p.value for p in plan.warnings} >= {"pager", "mobile", "homefax"}
    cards = _import(db, ROUNDCUBE_GMAIL)
    assert list(cards) == ["Firstname Middle Lastname"]
    _roundcube_card(cards["Firstname Middle Lastname"])


@pytest.mark.parametrize(("bom", "encoding"), [
    (b"\xff\xfe", "utf-16-le"), (b"", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_google_export_in_utf16(db: Database, tmp_path: Path, bom: bytes,
                                encoding: str) -> None:
    """Google writes its CSV as UTF-16LE with a byte-order mark and CRLF (the
    other forms: the same file saved again by other programs)."""
    text = ROUNDCUBE_GMAIL.read_text(encoding="utf-8").replace("\n", "\r\n")
    path = tmp_path / "contacts.csv"
    path.write_bytes(bom + text.encode(encoding))
    cards = _import(db, path)
    assert list(cards) == ["Firstname Middle Lastname"]
    _roundcube_card(cards["Firstname Middle Lastname"])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_google_newer_layout(db: Database, tmp_path: Path, encoding: str) -> None:
    cards = _import(db, _google_new(tmp_path / "google.csv", encoding))
    assert set(cards) == {"陈彤", "Anna Maria Adams", "Globex"}
    chen = cards["陈彤"]
    assert chen.company == "华为" and chen.title == "销售经理"
    # the primary ("* Mobile") first; ":::" split; the fax stays a fax
    assert chen.phones == [Phone("138 0013 8000", PhoneKind.MOBILE),
                           Phone("139 0013 9000", PhoneKind.MOBILE),
                           Phone("010-6552 8899", PhoneKind.OFFICE),
                           Phone("010-6552 8800", PhoneKind.FAX)]
    assert chen.email == "chen.tong@example.cn"  # "* Work" before the first one
    assert chen.notes == "老客户\nE-mail: ct@example.com"
    assert chen.birthday == DateSpec.solar(3, 8)  # Google's --03-08: no year
    assert chen.tags == ["重点客户"]
    assert chen.address == "北京市朝阳区建国路 88 号"
    anna = cards["Anna Maria Adams"]
    # no primary: mobiles first, then office, home and fax numbers
    assert anna.phones == [Phone("+44 7700 900123", PhoneKind.MOBILE),
                           Phone("+44 20 7946 0958", PhoneKind.HOME)]
    assert anna.home_address == "1 High St London" and anna.address == ""
    assert anna.tags == []
    globex = cards["Globex"]  # no name: the company is the name, an organisation
    assert globex.kind == ClientKind.ORGANISATION
    assert globex.phones == [Phone("+1 212 555 0100", PhoneKind.OFFICE)]


def test_outlook_export(db: Database, tmp_path: Path) -> None:
    source = open_source(_outlook(tmp_path / "outlook.csv"))
    assert source.table.layout == "Outlook"
    cards = _import(db, tmp_path / "outlook.csv")
    assert set(cards) == {"John Smith", "王芳"}
    john = cards["John Smith"]
    assert john.title == "Purchasing Manager"  # not "Mr.", Outlook's Title
    assert john.company == "Contoso"
    # the primary phone (a repeat of the mobile) first, each kind kept
    assert john.phones == [Phone("+1 425 555 0123", PhoneKind.MOBILE),
                           Phone("+1 425 555 0100", PhoneKind.OFFICE),
                           Phone("+1 425 555 0111", PhoneKind.HOME),
                           Phone("+1 425 555 0199", PhoneKind.FAX)]
    assert john.email == "john@contoso.example"
    assert john.notes == "Met at the fair\nE-mail: js@home.example"
    assert john.birthday == DateSpec.from_date(date(1980, 3, 22))
    assert john.tags == ["Clients", "VIP"]
    assert john.address == "1 Microsoft Way Redmond WA 98052 United States of America"
    assert john.home_address == "2 Home Rd Seattle 98101 United States of America"
    assert john.website == "contoso.example"
    wang = cards["王芳"]
    assert wang.birthday is None  # Outlook's 0/0/00
    assert wang.phones == [Phone("13900139000", PhoneKind.MOBILE)]
    assert wang.company == "腾讯"


def test_outlook_in_chinese_written_in_gbk(db: Database, tmp_path: Path) -> None:
    """Outlook 简体中文版: Chinese column names, the text in GBK."""
    header = ["称谓", "名", "中间名", "姓", "单位", "部门", "职务", "商务地址 街道",
              "商务地址 市/县", "商务地址 省/市/自治区", "商务传真", "商务电话", "住宅电话",
              "移动电话", "主要电话", "电子邮件地址", "电子邮件类型", "电子邮件显示名称",
              "附注", "类别", "生日", "性别", "网页"]
    row = ["女士", "彤", "", "陈", "华为", "采购部", "采购经理", "坂田华为基地", "深圳市",
           "广东省", "0755-2878 0808", "0755-2878 0000", "", "13800138000", "13800138000",
           "ct@example.cn", "SMTP", "陈彤 (ct@example.cn)", "喜欢喝茶", "重点客户;华南",
           "1985/3/8", "女", ""]
    text = io.StringIO()
    csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows([header, row])
    path = tmp_path / "联系人.csv"
    path.write_bytes(text.getvalue().encode("gbk"))
    cards = _import(db, path)
    chen = cards["陈彤"]
    assert (chen.company, chen.title, chen.email) == ("华为", "采购经理", "ct@example.cn")
    assert chen.phones == [Phone("13800138000", PhoneKind.MOBILE),
                           Phone("0755-2878 0000", PhoneKind.OFFICE),
                           Phone("0755-2878 0808", PhoneKind.FAX)]
    assert chen.address == "坂田华为基地 深圳市 广东省"
    assert chen.birthday == DateSpec.from_date(date(1985, 3, 8))
    assert chen.gender == Gender.FEMALE
    assert sorted(chen.tags) == sorted(["重点客户", "华南"]) and chen.notes == "喜欢喝茶"


def test_a_sheet_sharing_outlook_names_keeps_its_other_columns(db: Database,
                                                                tmp_path: Path) -> None:
    """Not an Outlook export: mapped column by column, its WeChat kept."""
    path = tmp_path / "mine.csv"
    path.write_text("First Name,Last Name,Company,Job Title,Mobile Phone,E-mail Address,WeChat\n"
                    "Anna,Adams,Acme,Buyer,+44 7700 900123,anna@example.com,anna_w\n",
                    encoding="utf-8")
    source = open_source(path)
    assert source.table.layout == "" and source.table.fixed_mapping is None
    cards = _import(db, path)
    assert cards["Anna Adams"].wechat == "anna_w"
