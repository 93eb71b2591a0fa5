"""Turning the rows of someone else's spreadsheet into client cards.

Pure Python, no file formats and no database: the importing service reads a
file into rows of cell values (str, float, int, bool, date, datetime or None)
and this module

- finds the header row, even below a title row or under merged header cells
  (:func:`find_header_row`, :func:`header_names`);
- suggests which column holds which card field from Chinese and English
  header names and their common variants (:func:`suggest_mapping`);
- parses and checks every value of a row into a :class:`~desktop_crm.domain.client.ClientCard`,
  listing each problem with its row and column (:func:`build_row`);
- gives the keys that make two cards duplicates (normalised phone, e-mail,
  name plus company) and merges or updates cards (:func:`duplicate_keys`,
  :func:`merge_into`, :func:`apply_update`).

A mapping is ``{column index: field key}``; several columns may feed one
field when the field takes a list or text (phones, address, notes, tags).
"""

from __future__ import annotations

import copy
import functools
import re
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.dates import DateSpec, DateSpecError
from desktop_crm.domain.enums import ClientKind, Gender, PhoneKind
from desktop_crm.domain.identity import parse_uuid
from desktop_crm.domain.sales import parse_amount
from desktop_crm.domain.validation import (
    check_email,
    check_phone,
    parse_date_spec,
    phone_digits,
    validate_card,
)
from desktop_crm.i18n import N_, _

# -- fields -------------------------------------------------------------------

CLIENT_ID = "client_id"
UUID = "uuid"
NAME = "name"
LAST_NAME = "last_name"
FIRST_NAME = "first_name"
MOBILE = "mobile"
PHONE = "phone"
HOME_PHONE = "home_phone"
FAX = "fax"
ANNUAL_SPEND = "annual_spend"

FIELD_LABELS: dict[str, str] = {
    CLIENT_ID: N_("Client ID"),
    UUID: N_("UUID"),
    NAME: N_("Name"),
    LAST_NAME: N_("Family name"),
    FIRST_NAME: N_("Given name"),
    "company": N_("Company"),
    "title": N_("Title"),
    MOBILE: N_("Mobile"),
    PHONE: N_("Phone"),
    HOME_PHONE: N_("Home phone"),
    FAX: N_("Fax"),
    "email": N_("E-mail"),
    "wechat": N_("WeChat"),
    "website": N_("Website"),
    "address": N_("Address"),
    "home_address": N_("Home address"),
    "birthday": N_("Birthday"),
    "gender": N_("Gender"),
    "industry": N_("Industry"),
    "source": N_("Source"),
    "owner": N_("Owner"),
    "tags": N_("Tags"),
    "notes": N_("Notes"),
    ANNUAL_SPEND: N_("Estimated yearly spend"),
}
FIELDS: tuple[str, ...] = tuple(FIELD_LABELS)
# Fields that several columns may feed (their values are joined or listed).
MULTI_FIELDS = frozenset({MOBILE, PHONE, HOME_PHONE, FAX, "address", "home_address", "notes",
                          "tags"})
_TEXT_FIELDS = ("company", "title", "wechat", "website", "industry", "source", "owner")

# Header names, compared after normalize_header(): lower case, no spaces or
# punctuation, full-width folded. Order matters only for readability.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    CLIENT_ID: ("id", "clientid", "客户id", "客户编号", "客户号", "customerid", "contactid"),
    UUID: ("uuid", "客户uuid", "clientuuid", "customeruuid", "contactuuid", "唯一标识",
           "唯一标识符", "唯一标识码", "guid", "uid"),
    NAME: ("客户名称", "客户", "客户姓名", "姓名", "名称", "名字", "联系人", "联系人姓名",
           "客户名", "name", "fullname", "contactname", "contact", "customer",
           "customername", "clientname", "displayname"),
    LAST_NAME: ("姓", "姓氏", "lastname", "surname", "familyname"),
    FIRST_NAME: ("名", "firstname", "givenname", "forename"),
    "company": ("公司", "单位", "公司名称", "单位名称", "工作单位", "所在单位", "所在公司",
                "企业", "企业名称", "机构", "company", "companyname", "organization",
                "organisation", "organizationname", "organisationname", "org", "employer",
                "yourcompany", "business", "account", "accountname"),
    "title": ("职位", "职务", "头衔", "岗位", "title", "jobtitle", "position", "role"),
    MOBILE: ("手机", "手机号", "手机号码", "移动电话", "移动号码", "mobile", "mobilephone",
             "mobilenumber", "mobileno", "cell", "cellphone", "cellular", "handphone"),
    PHONE: ("电话", "座机", "固定电话", "固话", "办公电话", "电话号码", "联系电话", "联系方式",
            "公司电话", "单位电话", "phone", "phonenumber", "tel", "telephone", "workphone",
            "businessphone", "officephone", "contactnumber", "contactphone"),
    HOME_PHONE: ("家庭电话", "住宅电话", "宅电", "家里电话", "homephone", "hometel",
                 "hometelephone", "privatephone"),
    FAX: ("传真", "传真号", "传真号码", "fax", "faxnumber", "telefax", "businessfax",
          "workfax", "officefax", "homefax"),
    "email": ("邮箱", "电子邮箱", "电子邮件", "邮件", "邮箱地址", "email", "emailaddress",
              "mail", "mailaddress"),
    "wechat": ("微信", "微信号", "wechat", "wechatid", "weixin", "wx"),
    "website": ("网址", "网站", "主页", "官网", "公司网址", "公司网站", "网页", "website", "web",
                "url", "homepage", "webpage", "webaddress", "site"),
    "address": ("地址", "公司地址", "单位地址", "办公地址", "联系地址", "通讯地址", "详细地址",
                "address", "addressline1", "addressline2", "street", "streetaddress",
                "businessaddress", "workaddress", "省份", "省", "城市", "市", "区县", "邮编",
                "邮政编码", "city", "state", "statename", "province", "zipcode", "zip",
                "postcode", "postalcode"),
    "home_address": ("家庭地址", "家庭住址", "住址", "家庭住所", "homeaddress"),
    "birthday": ("生日", "出生日期", "出生年月", "出生年月日", "生辰", "农历生日", "阳历生日",
                 "birthday", "birthdate", "dateofbirth", "dob", "bday"),
    "gender": ("性别", "gender", "sex"),
    "industry": ("行业", "所属行业", "industry", "sector"),
    "source": ("来源", "客户来源", "渠道", "source", "leadsource", "channel"),
    "owner": ("负责人", "业务员", "销售", "销售员", "归属人", "客户经理", "跟进人", "owner",
              "salesperson", "salesrep", "accountmanager", "accountowner"),
    "tags": ("标签", "tags", "tag", "categories", "category", "labels"),
    "notes": ("备注", "说明", "附注", "描述", "备注信息", "notes", "note", "remarks", "remark",
              "comments", "comment", "description", "memo"),
    ANNUAL_SPEND: ("年度采购额估计", "年度采购额", "年采购额", "预计年采购额", "年采购额估计",
                   "estimatedyearlyspend", "yearlyspend", "annualspend", "estimatedannualspend"),
}
_BY_NAME: dict[str, str] = {name: key for key, names in _SYNONYMS.items() for name in names}

_PUNCT = re.compile(r"[\s_\-.:：*()（）\[\]【】/\\#'\"]+")


def field_label(key: str) -> str:
    """The translated label of a field key, for the mapping dialog."""
    return _(FIELD_LABELS[key])


def normalize_header(text: object) -> str:
    """A header as compared: NFKC, case-folded, without spaces and punctuation.
    Repeated until it no longer changes (case folding and removing punctuation
    can leave text NFKC would change again), so normalising twice is a no-op."""
    return _normalized(cell_text(text))


@functools.lru_cache(maxsize=65_536)  # the duplicate keys of 100,000 rows repeat companies
def _normalized(value: str) -> str:
    for _round in range(4):
        new = _PUNCT.sub("", unicodedata.normalize(
            "NFKC", unicodedata.normalize("NFKC", value).casefold()))
        if new == value:
            break
        value = new
    return value


def match_header(text: object) -> str | None:
    """The field a header name stands for, or None."""
    name = normalize_header(text)
    if not name:
        return None
    if name in _BY_NAME:
        return _BY_NAME[name]
    # "客户手机", "手机1", "Mobile 2", "E-mail (work)": a known name plus a little
    stripped = re.sub(r"\d+$", "", name)
    if stripped in _BY_NAME:
        return _BY_NAME[stripped]
    for prefix in ("客户", "联系人", "主要", "常用", "primary", "work", "business"):
        if name.startswith(prefix) and name[len(prefix):] in _BY_NAME:
            return _BY_NAME[name[len(prefix):]]
    return None


# -- header row ---------------------------------------------------------------

HEADER_SCAN_ROWS = 30


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def find_header_row(rows: Sequence[Sequence[object]],
                    match: Callable[[object], str | None] | None = None) -> int:
    """Index of the header row among the first rows: the row with the most
    known header names (``match``: a client card's by default), else the
    first row with two or more text cells. A title row (one merged cell) or
    blank rows above it are passed over."""
    matcher = match_header if match is None else match
    best, best_score = -1, 0
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        known = sum(1 for v in row if isinstance(v, str) and matcher(v))
        texts = sum(1 for v in row if isinstance(v, str) and v.strip())
        if texts < 2 and known < 2:
            continue
        score = known * 10 + texts
        if known and score > best_score:
            best, best_score = index, score
    if best >= 0:
        # A header over two rows (a group name merged above its columns): the
        # lower row holds the column names when every cell in it is one.
        below = rows[best + 1] if best + 1 < len(rows) else []
        cells = [v for v in below if not _is_blank(v)]
        if len(cells) >= 2 and all(isinstance(v, str) and matcher(v) for v in cells):
            return best + 1
        return best
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if sum(1 for v in row if isinstance(v, str) and v.strip()) >= 2:
            return index
    return 0


def header_names(rows: Sequence[Sequence[object]], header_row: int) -> list[str]:
    """The header names of ``header_row``. Where a header cell is empty because
    its header was merged across two rows (``姓名`` over A1:A2, ``联系方式``
    over B1:C1 with ``手机``/``邮箱`` below), the row above supplies the name."""
    if not rows:
        return []
    width = max(len(r) for r in rows[header_row:header_row + 50] or [rows[header_row]])
    names = [cell_text(v) for v in rows[header_row]] + [""] * width
    names = names[:width]
    if header_row > 0:
        above = rows[header_row - 1]
        for i, name in enumerate(names):
            if not name and i < len(above) and not _is_blank(above[i]):
                names[i] = cell_text(above[i])
    return names


def suggest_mapping(headers: Sequence[str],
                    match: Callable[[str], str | None] | None = None,
                    multi: Collection[str] | None = None) -> dict[int, str]:
    """``{column: field}`` for the columns whose header names a known field
    (``match``: a client field's by default; an order import passes its own);
    single-value fields go to their first column only (``multi``: the
    fields that may take several)."""
    match = match or match_header
    multi = MULTI_FIELDS if multi is None else multi
    mapping: dict[int, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        key = match(header)
        if key is None or (key in used and key not in multi):
            continue
        mapping[index] = key
        used.add(key)
    return mapping


def override_mapping(headers: Sequence[str], mapping: Mapping[int, str],
                     overrides: Mapping[str, str | None],
                     fields: Collection[str] = FIELDS) -> dict[int, str]:
    """Apply ``overrides`` (``--mapping FILE.json``): keys are header names or
    1-based column numbers, values field keys (of ``fields``: a client card's
    by default), or null/"" to ignore a column. Raises ValueError naming an
    unknown column or field."""
    result = dict(mapping)
    for key, value in overrides.items():
        column = _column_of(headers, key)
        if column is None:
            raise ValueError(_("The mapping names a column that is not in the file: {column}",
                               column=key))
        if value in (None, ""):
            result.pop(column, None)
            continue
        if value not in fields:
            raise ValueError(_("The mapping names an unknown field: {field}", field=value))
        result[column] = str(value)
    return result


NAME_KEYS = (NAME, LAST_NAME, FIRST_NAME)


def maps_a_name(mapping: Mapping[int, str]) -> bool:
    """Whether a column gives the client's name (Name, or Family/Given name):
    without one every row would be a client without a name."""
    return any(key in NAME_KEYS for key in mapping.values())


def _column_of(headers: Sequence[str], key: str) -> int | None:
    stripped = str(key).strip()
    for i, header in enumerate(headers):
        if header.strip() == stripped:
            return i
    if stripped.isdigit() and 1 <= int(stripped) <= len(headers):
        return int(stripped) - 1
    return None


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# -- values -------------------------------------------------------------------

EXCEL_EPOCH = date(1899, 12, 30)
_MAX_SERIAL = 2958465  # 9999-12-31


def column_name(headers: Sequence[str], index: int) -> str:
    """A column's header, or its letter (``A``, ``AB``) where it has none."""
    return (headers[index] if index < len(headers) else "") or column_letter(index)


def cell_text(value: object) -> str:
    """A cell as text: integral floats lose ``.0``, dates become ISO dates."""
    if type(value) is str:  # most cells: one check, not five
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


# Names of a sheet that holds the client list. The app's own workbook calls it
# 客户 / Clients and puts a Summary before it, whose figures would otherwise be
# read as 45 new clients named "24", "73" ...
CLIENT_SHEET_NAMES = frozenset(normalize_header(name) for name in (
    "clients", "customers", "contacts", "客户", "客户资料", "客户列表", "客户信息",
    "客户名单", "客户档案", "联系人", "通讯录"))


def client_sheets_first(names: Sequence[str]) -> list[str]:
    """``names`` in the order a workbook's sheets are tried when the user chose
    none: sheets named like a client list first, the others in their order."""
    return sorted(names, key=lambda name: normalize_header(name) not in CLIENT_SHEET_NAMES)


def excel_serial_date(serial: float) -> date:
    """An Excel day number (1900 system) as a date."""
    if not 1 <= serial <= _MAX_SERIAL:
        raise ValueError(_("Not a valid date: {text} (use e.g. 2026-09-25)", text=serial))
    return EXCEL_EPOCH + timedelta(days=int(serial))


def parse_birthday(value: object) -> DateSpec:
    """A date cell, an Excel serial number, or text (``2026-9-25``,
    ``2026/09/25``, ``2026年9月25日``, ``19800322``, ``9月25日``, ``农历八月十五``).
    Raises ValueError with the reason: DateSpecError when the value is written
    as a date that cannot exist (``2026-02-30``, ``农历十三月初一``)."""
    if isinstance(value, datetime):
        return DateSpec.from_date(value.date())
    if isinstance(value, date):
        return DateSpec.from_date(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 19000101 <= value <= 21001231:
            return parse_date_spec(str(int(value)))
        return DateSpec.from_date(excel_serial_date(float(value)))
    text = cell_text(value)
    if re.fullmatch(r"\d{1,5}(\.0+)?", text):
        return DateSpec.from_date(excel_serial_date(float(text)))
    return parse_date_spec(text)


_PHONE_SPLIT = re.compile(r"[;；,，、/\n]+|\s{2,}")


def split_phones(value: object) -> list[str]:
    """Phone numbers in a cell: a number (13800138000.0) or text with one or
    more numbers separated by ``;``, ``,``, ``、``, ``/`` or new lines."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return [cell_text(value)]
    text = cell_text(value)
    parts = [p.strip() for p in _PHONE_SPLIT.split(text)]
    result = []
    for part in parts:
        if re.fullmatch(r"\d+\.0+", part):  # a number a program wrote as a float
            part = part.split(".", 1)[0]
        if part:
            result.append(part)
    return result


def parse_gender(value: object) -> Gender | None:
    text = normalize_header(value)
    if text in ("男", "男性", "先生", "m", "male", "man", "mr"):
        return Gender.MALE
    if text in ("女", "女性", "女士", "小姐", "f", "female", "woman", "mrs", "ms", "miss"):
        return Gender.FEMALE
    return Gender.from_label(cell_text(value))  # the app's own labels, e.g. "Not given"


def parse_spend(value: object) -> int:
    """An estimated yearly spend in whole yuan: a number cell or text such as
    ``1,200,000``, ``¥50000``, ``５００００元``; ValueError otherwise (the range
    is checked with the card)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(_("Not an amount: {text}", text=value))
        return round(value)
    return round(parse_amount(cell_text(value)))


def split_tags(value: object) -> list[str]:
    return [t.strip() for t in re.split(r"[;；,，、|]+", cell_text(value)) if t.strip()]


def is_mobile(number: str) -> bool:
    digits = phone_digits(number).removeprefix("+86").removeprefix("0086")
    return bool(re.fullmatch(r"1[3-9]\d{9}", digits))


# -- one row --------------------------------------------------------------------

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class RowProblem:
    """One problem of the validation report.

    Attributes:
        row: the row number as the file shows it (1-based; a card number for vCards).
        column: the column's header (or letter) the value came from; "" for the row.
        message: what is wrong, in the current language.
        severity: ERROR (the row is not imported) or WARNING (it is, see message).
        value: the value as found in the file.
    """

    row: int
    column: str
    message: str
    severity: str = ERROR
    value: str = ""


@dataclass
class RowCard:
    """A row turned into a card, with what it said about an existing client.

    Attributes:
        row: the row number as the file shows it.
        card: the card built from the mapped cells.
        client_id: the value of a client-ID column, when there is one.
        fields: the card fields the mapping filled (an update touches only these).
        problems: everything wrong with the row.
        blank: the mapped cells were all empty; the row is passed over.
    """

    row: int
    card: ClientCard
    client_id: int | None = None
    fields: set[str] = field(default_factory=set)
    problems: list[RowProblem] = field(default_factory=list)
    blank: bool = False

    @property
    def ok(self) -> bool:
        return not self.blank and not any(p.severity == ERROR for p in self.problems)


class RowDraft:
    """What a row read as a record (a contact person, an order) keeps about
    itself; the dataclasses that mix this in hold the attributes.

    Attributes:
        row: the row number as the file shows it.
        columns: field key -> the column (header or letter) it came from.
        problems: everything wrong with the row.
        blank: the mapped cells were all empty; the row is passed over.
    """

    row: int
    columns: dict[str, str]
    problems: list[RowProblem]
    blank: bool

    @property
    def ok(self) -> bool:
        return not self.blank and not any(p.severity == ERROR for p in self.problems)

    def error(self, key: str, message: str, value: str = "") -> None:
        """An error at the column field ``key`` came from ("" for the row)."""
        self.problems.append(RowProblem(self.row, self.columns.get(key, ""), message, ERROR,
                                        value))

    def warn(self, key: str, message: str, value: str = "") -> None:
        self.problems.append(RowProblem(self.row, self.columns.get(key, ""), message, WARNING,
                                        value))


def mapped_cells(values: Sequence[object], mapping: Mapping[int, str], headers: Sequence[str],
                 columns: dict[str, str]) -> Iterator[tuple[str, object]]:
    """(field key, cell value) of each mapped column, left to right; None past
    the row's end. Records in ``columns`` the column each key first came from."""
    for index in sorted(mapping):
        key = mapping[index]
        columns.setdefault(key, column_name(headers, index))
        yield key, values[index] if index < len(values) else None


# The kind a phone column gives its numbers (an office column's number that
# has a mobile's shape is a mobile).
PHONE_KINDS = {MOBILE: PhoneKind.MOBILE, PHONE: PhoneKind.OFFICE, HOME_PHONE: PhoneKind.HOME,
               FAX: PhoneKind.FAX}


def _card_field(key: str) -> str:
    if key in PHONE_KINDS:
        return "phones"
    if key in (LAST_NAME, FIRST_NAME):
        return NAME
    return key


def _join_name(last: str, first: str) -> str:
    if not last or not first:
        return last or first
    if re.search(r"[\u3400-\u9fff]", last + first):
        return last + first
    return f"{first} {last}"


def build_row(row_number: int, values: Sequence[object], mapping: Mapping[int, str],
              headers: Sequence[str], today: date | None = None) -> RowCard:
    """Parse the mapped cells of one row into a card and check every value.

    Bad phones, e-mail addresses and birthdays that are not dates (``不详``)
    do not stop the row: the value is kept in the notes and reported as a
    warning. A birthday written as a date that cannot exist (``2026-02-30``,
    ``农历十三月初一``) is an error: the row is refused unless invalid rows are
    skipped, since a typo in a date is worth fixing in the file. A row without
    a name takes its company, e-mail or phone as the name (a warning); a row
    with data but none of these is an error. Many rows of one file:
    ``RowBuilder``, which gives the same cards.
    """
    return RowBuilder(mapping, headers, today).build(row_number, values)


class RowBuilder:
    """``build_row`` for the rows of one file: what depends only on the
    mapping (the columns in order, their names, the fields they fill) is
    worked out once, and a birthday or gender written the same way on many
    rows is parsed once (100,000 rows are checked in seconds)."""

    def __init__(self, mapping: Mapping[int, str], headers: Sequence[str],
                 today: date | None = None) -> None:
        self.mapping = dict(mapping)
        self.headers = list(headers)
        self.today = today or date.today()
        # a column is plain text (True) unless its key is checked or parsed
        self._columns = [(index, mapping[index], column_name(headers, index),
                          mapping[index] not in _CHECKED_KEYS) for index in sorted(mapping)]
        self._fields = {_card_field(key) for key in mapping.values()}
        self._birthdays: dict[tuple[type, object], tuple[str, Any]] = {}
        self._genders: dict[tuple[type, object], Gender | None] = {}

    def _birthday(self, value: object) -> tuple[str, Any]:
        """("ok", spec), ("error", message) or ("warn", message) for a birthday cell."""
        key = (value.__class__, value)
        found = self._birthdays.get(key)
        if found is None:
            try:
                spec = parse_birthday(value)
                first = spec.original_date()
                if first is not None and first > self.today:
                    raise ValueError(_("A birthday cannot be in the future"))
            except DateSpecError as exc:  # a date that does not exist: the row is refused
                found = (ERROR, str(exc))
            except ValueError as exc:  # not a date at all (不详): kept in the notes
                found = (WARNING, str(exc))
            else:
                found = ("", spec)
            if len(self._birthdays) < _PARSED_KEPT:
                self._birthdays[key] = found
        return found

    def _gender(self, value: object) -> Gender | None:
        key = (value.__class__, value)
        if key not in self._genders:
            if len(self._genders) >= _PARSED_KEPT:
                return parse_gender(value)
            self._genders[key] = parse_gender(value)
        return self._genders[key]

    def build(self, row_number: int, values: Sequence[object]) -> RowCard:
        """The card of one row (see ``build_row``)."""
        card = ClientCard()
        result = RowCard(row_number, card, fields=set(self._fields))
        problems = result.problems
        parts: dict[str, list[str]] = {}
        kept: list[str] = []
        raw_contacts: list[str] = []  # phones and e-mails that failed their check
        width = len(values)

        def warn(column: str, message: str, value: str) -> None:
            problems.append(RowProblem(row_number, column, message, WARNING, value))
            kept.append(f"{column}: {value}")

        for index, key, column, plain in self._columns:
            value = values[index] if index < width else None
            if value is None:
                continue
            if type(value) is str:  # cell_text's, stripped once
                text = value.strip()
                if not text:  # _is_blank
                    continue
            elif isinstance(value, str) and not value.strip():
                continue
            else:
                text = cell_text(value)
            if plain:  # most columns: the text as it is, no key compared
                if key in parts:
                    parts[key].append(text)
                else:
                    parts[key] = [text]
            elif key == UUID:
                found = parse_uuid(text)
                if found is None:
                    problems.append(RowProblem(row_number, column,
                                               _("Not a UUID: the value is ignored"),
                                               WARNING, text))
                card.uuid = found or ""
            elif key == CLIENT_ID:
                if _DIGITS.fullmatch(text) and int(text) > 0:
                    result.client_id = int(text)
                else:
                    problems.append(RowProblem(row_number, column,
                                               _("Not a client ID: the value is ignored"),
                                               WARNING, text))
            elif key in PHONE_KINDS:
                for number in split_phones(value):
                    problem = check_phone(number)
                    if problem:
                        warn(column, problem + _(" (kept in the notes)"), number)
                        raw_contacts.append(number)
                        continue
                    kind = PHONE_KINDS[key]
                    if kind == PhoneKind.OFFICE and is_mobile(number):
                        kind = PhoneKind.MOBILE
                    card.phones.append(Phone(number, kind))
            elif key == "email":
                problem = check_email(text)
                if problem:
                    warn(column, problem + _(" (kept in the notes)"), text)
                    raw_contacts.append(text)
                else:
                    card.email = text
            elif key == "birthday":
                outcome, spec = self._birthday(value)
                if outcome == ERROR:
                    problems.append(RowProblem(row_number, column, spec, ERROR, text))
                elif outcome == WARNING:
                    warn(column, spec + _(" (kept in the notes)"), text)
                else:
                    card.birthday = spec
            elif key == "gender":
                gender = self._gender(value)
                if gender is None:
                    warn(column, _("Not a gender: use 男/女 or male/female") +
                         _(" (kept in the notes)"), text)
                else:
                    card.gender = gender
            elif key == "tags":
                card.tags.extend(t for t in split_tags(value) if t not in card.tags)
            elif key == ANNUAL_SPEND:
                try:
                    card.annual_spend = parse_spend(value)
                except ValueError as exc:  # 不详, "about a million": kept in the notes
                    warn(column, str(exc) + _(" (kept in the notes)"), text)
            elif key in parts:
                parts[key].append(text)
            else:
                parts[key] = [text]
        return self._finish(result, parts, kept, raw_contacts)

    def _finish(self, result: RowCard, parts: dict[str, list[str]], kept: list[str],
                raw_contacts: list[str]) -> RowCard:
        card, problems, row_number = result.card, result.problems, result.row
        name = " ".join(parts.get(NAME, []))
        if not name:
            name = _join_name(" ".join(parts.get(LAST_NAME, [])),
                              " ".join(parts.get(FIRST_NAME, [])))
        for key in _TEXT_FIELDS:
            if key in parts:
                setattr(card, key, " ".join(parts[key]))
        card.address = " ".join(parts.get("address", []))
        card.home_address = " ".join(parts.get("home_address", []))
        notes = parts.get("notes", []) + kept
        card.notes = "\n".join(notes)
        has_data = bool(name or card.company or card.email or card.phones or card.notes
                        or card.address or card.home_address or card.birthday or card.tags
                        or card.wechat or card.website or card.title
                        or card.annual_spend is not None)
        if not has_data and not kept:  # empty, or nothing but an identifier (a template's ID)
            result.blank = True
            return result
        if not name:
            fallback = (card.company or card.email or card.primary_phone or card.wechat
                        or next(iter(raw_contacts), ""))
            if fallback and result.client_id is None:
                name = fallback
                if fallback == card.company:
                    card.kind = ClientKind.ORGANISATION
                problems.append(RowProblem(row_number, "", _(
                    "No name: {value} is used as the name", value=fallback), WARNING, fallback))
        card.name = name
        if result.client_id is not None and NAME not in result.fields:
            return result  # an update of other fields: the name stays as it is
        # the phones and e-mail were checked above: kept only when they passed
        for error in validate_card(card, self.today, contacts_checked=True):
            problems.append(RowProblem(row_number,
                                       _column_for(error.field, self.mapping, self.headers),
                                       error.message, ERROR, _field_value(card, error.field)))
        return result


_DIGITS = re.compile(r"\d+")
# the keys whose cells RowBuilder.build checks or parses (the others are text)
_CHECKED_KEYS = frozenset({UUID, CLIENT_ID, *PHONE_KINDS, "email", "birthday", "gender",
                           "tags", ANNUAL_SPEND})
_PARSED_KEPT = 100_000  # distinct birthdays and genders remembered by a RowBuilder


def _column_for(card_field: str, mapping: Mapping[int, str], headers: Sequence[str]) -> str:
    base = card_field.split(".", 1)[0]
    for index, key in sorted(mapping.items()):
        if _card_field(key) == base:
            return column_name(headers, index)
    return ""


def _field_value(card: ClientCard, card_field: str) -> str:
    value = getattr(card, card_field.split(".", 1)[0], "")
    return value if isinstance(value, str) else ""


# -- duplicates -------------------------------------------------------------------

def phone_key(number: str) -> str:
    digits = phone_digits(number)
    for prefix in ("+86", "0086"):
        rest = digits.removeprefix(prefix)
        if rest != digits and re.fullmatch(r"1[3-9]\d{9}", rest):
            return rest
    return digits.lstrip("+")


def email_key(email: str) -> str:
    return email.strip().casefold()


def name_company_key(name: str, company: str) -> str:
    """"" unless both are given: a name alone is too common to be a match."""
    n = normalize_header(name)
    c = normalize_header(company)
    return f"{n}\x1f{c}" if n and c else ""


def duplicate_keys(card: ClientCard) -> list[str]:
    """The keys under which ``card`` collides with another: ``phone:...``,
    ``email:...``, ``name:...``."""
    keys = [f"phone:{k}" for k in (phone_key(p.number) for p in card.phones) if len(k) >= 5]
    if card.email.strip():
        keys.append(f"email:{email_key(card.email)}")
    name = name_company_key(card.name, card.company)
    if name:
        keys.append(f"name:{name}")
    return list(dict.fromkeys(keys))


def merge_into(base: ClientCard, extra: ClientCard) -> ClientCard:
    """``base`` with the blanks filled from ``extra``: its empty text fields,
    missing birthday and gender, new phone numbers and tags, and notes it does
    not already contain. Nothing ``base`` has is overwritten."""
    merged = copy.deepcopy(base)
    for name in ("title", "company", "email", "wechat", "website", "address", "home_address",
                 "industry", "source", "owner"):
        if not getattr(merged, name).strip() and getattr(extra, name).strip():
            setattr(merged, name, getattr(extra, name))
    if merged.birthday is None and extra.birthday is not None:
        merged.birthday = extra.birthday
    if merged.annual_spend is None:
        merged.annual_spend = extra.annual_spend
    if merged.gender == Gender.UNKNOWN:
        merged.gender = extra.gender
    known = {phone_key(p.number) for p in merged.phones}
    for phone in extra.phones:
        if phone_key(phone.number) not in known:
            merged.phones.append(copy.copy(phone))
            known.add(phone_key(phone.number))
    merged.tags += [t for t in extra.tags if t not in merged.tags]
    if extra.notes.strip() and extra.notes.strip() not in merged.notes:
        merged.notes = f"{merged.notes}\n{extra.notes}".strip()
    return merged


def apply_update(existing: ClientCard, incoming: ClientCard, fields: set[str]) -> ClientCard:
    """``existing`` with the mapped ``fields`` replaced by ``incoming``'s (an
    exported sheet edited and imported again: a cleared cell clears the field).
    Phones from the file replace the first ones; later ones are kept. A
    number already on the card keeps its kind: a sheet's phone column does not
    say it, the kind read from the file is a guess from the number's shape."""
    updated = copy.deepcopy(existing)
    for name in fields:
        if name in ("phones", CLIENT_ID, UUID):  # an identity is never overwritten
            continue
        if name == NAME and not incoming.name:
            continue
        if name == "gender" and incoming.gender == Gender.UNKNOWN:
            continue
        setattr(updated, name, copy.deepcopy(getattr(incoming, name)))
    if "phones" in fields:
        new_keys = {phone_key(p.number) for p in incoming.phones}
        rest = [p for p in existing.phones[len(incoming.phones):]
                if phone_key(p.number) not in new_keys]
        kinds = {phone_key(p.number): p.kind for p in existing.phones}
        updated.phones = [Phone(p.number, kinds.get(phone_key(p.number), p.kind))
                          for p in incoming.phones] + rest
    return updated


def preview(rows: Sequence[Sequence[object]], count: int = 20) -> list[list[str]]:
    """The first ``count`` rows as text, for the preview grid."""
    return [[cell_text(v) for v in row] for row in rows[:count]]


def as_text_row(values: Sequence[Any]) -> list[str]:
    return [cell_text(v) for v in values]
