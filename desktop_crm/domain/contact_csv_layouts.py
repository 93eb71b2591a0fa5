"""The contact CSV layouts of Google Contacts and Outlook, read as client rows.

Their columns say more than a header name can: Google writes each phone as a
pair of columns (``Phone 1 - Type`` = ``* Mobile``, ``Phone 1 - Value`` =
``+1 555 0100 ::: +1 555 0101``) whose kind changes from row to row, several
values of one kind in one cell separated by ``:::`` and the primary one
marked with ``*``; Outlook's ``Title`` is the courtesy title (Mr.), its job
title is ``Job Title``, and its addresses come in five columns each. So a
file in one of these layouts is not mapped column by column: each row is
rewritten into the fixed columns of :data:`COLUMNS` (one per card field, like
a vCard's), and the import maps those.

Layouts recognised (the header row is the file's first row with a name column):

- Google Contacts, the older export (``Name, Given Name, Additional Name,
  Family Name, ... Group Membership, E-mail 1 - Type, E-mail 1 - Value,
  Phone 1 - Type, Phone 1 - Value, Address 1 - Formatted, Organization 1 -
  Name, Organization 1 - Title, ...``);
- Google Contacts, the newer export (``First Name, Middle Name, Last Name,
  ... Organization Name, Organization Title, Labels, E-mail 1 - Label,
  Phone 1 - Label, ...``);
- Outlook (``First Name, Middle Name, Last Name, Company, Job Title,
  Business Street, ... Business Phone, Mobile Phone, Business Fax, Home
  Phone, E-mail Address, Birthday, Notes, Categories``), with its English or
  its Simplified Chinese headers (``名, 姓, 单位, 职务, 商务电话, 移动电话,
  商务传真, 住宅电话, 电子邮件地址, 生日, 附注, 类别``).

A sheet is taken for one of these only when every column an ordinary import
would read is one of that export's own columns, so nothing of a sheet that
merely shares some of their names is left out.

What each row becomes:

- name: family and given name joined the way the app stores names (a Chinese
  name without a space, 陈 + 彤 = 陈彤; a Western one ``given middle family``),
  else the display name (``Name``, ``File As``, ``Nickname``);
- phones keep their kind (mobile, office, home, fax); the primary number
  (Google's ``*``, Outlook's ``Primary Phone``) comes first; a number given
  twice is kept once;
- the first e-mail address (the primary one first) is the card's; others
  go to the notes;
- the first company and job title; a work address and a home address;
- birthday: ``YYYY-MM-DD``, Google's ``--MM-DD`` (no year), Outlook's
  ``M/D/YYYY`` (its English export; ``0/0/00`` means none);
- groups become tags, without Google's system groups (``* myContacts``,
  ``* starred``, ...: every name starting with ``*``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from desktop_crm.domain import contact_csv_columns as columns
from desktop_crm.domain import import_mapping as im
from desktop_crm.domain.validation import phone_digits
from desktop_crm.i18n import N_, _

GOOGLE = "google"
OUTLOOK = "outlook"
LAYOUT_LABELS = {GOOGLE: N_("Google Contacts"), OUTLOOK: N_("Outlook")}

# The primary phone goes first: build_row adds phones column by column, so a
# row's primary number sits in the "primary" column of its kind, before all
# other phone columns.
PHONE_KEYS = (im.MOBILE, im.PHONE, im.HOME_PHONE, im.FAX)
PRIMARY = "primary:"
COLUMNS: tuple[str, ...] = (
    im.NAME, "company", "title", *(PRIMARY + k for k in PHONE_KEYS), *PHONE_KEYS, "email",
    "website", "address", "home_address", "birthday", "gender", "notes", "tags")

MULTI_SEPARATOR = ":::"
_GROUPED = re.compile(r"^(.+?) (\d+) - (.+)$")  # "Phone 1 - Value", "E-mail 2 - Label"
_CJK = re.compile(r"[\u3400-\u9fff]")


def column_key(column: str) -> str:
    """The field key a column of COLUMNS is mapped to."""
    return column.removeprefix(PRIMARY)


def column_header(column: str) -> str:
    """A column's header as the import shows it, in the current language."""
    if column.startswith(PRIMARY):
        return _("{field} (primary)", field=im.field_label(column_key(column)))
    return im.field_label(column)


@dataclass(frozen=True)
class Layout:
    """A contact export recognised in a file's rows.

    Attributes:
        name: GOOGLE or OUTLOOK.
        header_row: index of the header row in the rows read.
        headers: the header row's names, stripped.
    """

    name: str
    header_row: int
    headers: list[str]

    @property
    def label(self) -> str:
        return _(LAYOUT_LABELS[self.name])


def _norm(text: object) -> str:
    return " ".join(im.cell_text(text).split()).casefold()


_NAME_HEADERS = {"name", "given name", "family name", "first name", "last name"}

def _outlook_name(name: str) -> str:
    return columns.OUTLOOK_ZH.get(name, name)


def _all_read(row: Sequence[object], names: list[str], known: frozenset[str]) -> bool:
    """Whether every column of ``row`` an ordinary import would map is one of
    ``known`` (a grouped ``X 1 - Y`` column of Google's counts as known)."""
    return all(name in known or _GROUPED.match(name) or im.match_header(cell) is None
               for cell, name in zip(row, names, strict=False))


def detect(rows: Sequence[Sequence[object]]) -> Layout | None:
    """The layout of ``rows`` (a file's first rows are enough), or None."""
    for index, row in enumerate(rows[:im.HEADER_SCAN_ROWS]):
        names = [_norm(v) for v in row]
        outlook = [_outlook_name(n) for n in names]
        if not (set(names) | set(outlook)) & _NAME_HEADERS:
            continue
        headers = [im.cell_text(v) for v in row]
        grouped = {m.group(1) for m in (_GROUPED.match(n) for n in names) if m}
        if grouped & {"phone", "e-mail", "address", "organization"} and (
                set(names) & {"group membership", "labels", "given name", "first name"}) \
                and _all_read(row, names, columns.GOOGLE_COLUMNS):
            return Layout(GOOGLE, index, headers)
        present = set(outlook)
        if {"first name", "last name"} <= present and len(present & columns.OUTLOOK_SIGNS) >= 4 \
                and _all_read(row, outlook, columns.OUTLOOK_COLUMNS):
            return Layout(OUTLOOK, index, headers)
    return None


@dataclass
class _Contact:
    """What one row says, gathered before it is written into COLUMNS."""

    names: dict[str, str] = field(default_factory=dict)
    phones: list[tuple[str, str, bool]] = field(default_factory=list)  # number, key, primary
    emails: list[tuple[str, bool]] = field(default_factory=list)
    company: str = ""
    title: str = ""
    website: str = ""
    address: str = ""
    home_address: str = ""
    birthday: str = ""
    gender: str = ""
    notes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def convert(rows: Sequence[Sequence[object]], layout: Layout) -> list[list[str | None]]:
    """The data rows below the header as rows of COLUMNS (a blank row stays a
    blank row, so row numbers do not move)."""
    reader = _google_row if layout.name == GOOGLE else _outlook_row
    names = [_norm(h) for h in layout.headers]
    if layout.name == OUTLOOK:
        names = [_outlook_name(n) for n in names]
    result: list[list[str | None]] = []
    for row in rows[layout.header_row + 1:]:
        cells = {name: im.cell_text(row[i]) for i, name in enumerate(names)
                 if i < len(row) and im.cell_text(row[i])}
        result.append(_columns(reader(cells)) if cells else [None] * len(COLUMNS))
    return result


# -- values ---------------------------------------------------------------------

def split_values(text: str) -> list[tuple[str, bool]]:
    """``a ::: * b`` -> [("a", False), ("b", True)]: the values of one cell, a
    ``*`` before a value marking the primary one."""
    found = []
    for part in text.split(MULTI_SEPARATOR):
        value = part.strip()
        primary = value.startswith("*")
        value = value.lstrip("*").strip()
        if value:
            found.append((value, primary))
    return found


def phone_key(label: str) -> str:
    """The field key of a phone labelled ``label`` (Google's type, Outlook's
    column): fax, mobile, home, else an office/other number."""
    text = label.casefold()
    if "fax" in text:
        return im.FAX
    if any(word in text for word in ("mobile", "cell", "iphone", "手机")):
        return im.MOBILE
    if "home" in text or "家" in text:
        return im.HOME_PHONE
    return im.PHONE


def join_name(family: str, given: str, middle: str = "") -> str:
    """The name as the app stores it: 陈 + 彤 -> 陈彤; Anna + Adams -> Anna Adams."""
    if _CJK.search(family + given + middle):
        return family + middle + given
    return " ".join(p for p in (given, middle, family) if p)


def birthday_text(text: str, layout: str) -> str:
    """A birthday as the import parses it: Google's ``--MM-DD`` as ``MM-DD``;
    Outlook's ``M/D/YYYY`` as ISO (its English export writes the US order;
    ``0/0/00`` is its empty date)."""
    value = text.strip()
    m = re.fullmatch(r"--(\d{1,2})-(\d{1,2})", value)
    if m:
        return f"{int(m.group(1)):02d}-{int(m.group(2)):02d}"
    if layout == OUTLOOK:
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2,4})", value)
        if m:
            month, day, year = (int(g) for g in m.groups())
            if month == 0 or day == 0:
                return ""
            if month > 12 >= day:  # written day first after all
                month, day = day, month
            year += 1900 if year < 100 else 0
            return f"{year:04d}-{month:02d}-{day:02d}"
    return value


def gender_text(text: str) -> str:
    """A gender as the import parses it; Outlook's "Unspecified" (未指定) is none."""
    return "" if text.strip().casefold() in ("unspecified", "未指定", "unknown") else text


def _address(cells: dict[str, str], prefix: str, parts: Sequence[str]) -> str:
    found = [cells.get(f"{prefix}{p}", "") for p in parts]
    return " ".join(" ".join(v.split()) for v in found if v)


# -- Google ---------------------------------------------------------------------

_GOOGLE_ADDRESS_PARTS = ("street", "extended address", "po box", "city", "region",
                         "postal code", "country")


def _google_row(cells: dict[str, str]) -> _Contact:
    contact = _Contact()
    groups: dict[tuple[str, str], dict[str, str]] = {}
    for name, value in cells.items():
        m = _GROUPED.match(name)
        if m:
            groups.setdefault((m.group(1), m.group(2)), {})[m.group(3)] = value
    family = cells.get("family name") or cells.get("last name", "")
    given = cells.get("given name") or cells.get("first name", "")
    middle = cells.get("additional name") or cells.get("middle name", "")
    contact.names = {"joined": join_name(family, given, middle),
                     "display": cells.get("name") or cells.get("file as")
                     or cells.get("nickname", "")}
    contact.company = cells.get("organization name", "")
    contact.title = cells.get("organization title", "")
    for (kind, _n), parts in sorted(groups.items(), key=lambda g: int(g[0][1])):
        label = parts.get("type") or parts.get("label") or ""
        label_primary = label.strip().startswith("*")
        if kind == "phone":
            for number, primary in split_values(parts.get("value", "")):
                contact.phones.append((number, phone_key(label), primary or label_primary))
        elif kind == "e-mail":
            for email, primary in split_values(parts.get("value", "")):
                contact.emails.append((email, primary or label_primary))
        elif kind == "address":
            text = parts.get("formatted") or _address(parts, "", _GOOGLE_ADDRESS_PARTS)
            text = " ".join(" ".join(v for v, _p in split_values(text)).split())
            home = "home" in label.casefold()
            if home and not contact.home_address:
                contact.home_address = text
            elif not home and not contact.address:
                contact.address = text
        elif kind == "organization":
            contact.company = contact.company or parts.get("name", "")
            contact.title = contact.title or parts.get("title", "")
        elif kind == "website" and not contact.website:
            contact.website = next((v for v, _p in split_values(parts.get("value", ""))), "")
    contact.birthday = birthday_text(cells.get("birthday", ""), GOOGLE)
    contact.gender = gender_text(cells.get("gender", ""))
    if cells.get("notes"):
        contact.notes.append(cells["notes"])
    for group in split_groups(cells.get("group membership") or cells.get("labels", "")):
        contact.tags.append(group)
    return contact


def split_groups(text: str) -> list[str]:
    """Google's groups (``* myContacts ::: Clients ::: * starred``) as tags:
    the system groups, whose names start with ``*``, are left out."""
    return [g.strip() for g in text.split(MULTI_SEPARATOR)
            if g.strip() and not g.strip().startswith("*")]


# -- Outlook --------------------------------------------------------------------

# In the order the numbers go on the card (the primary one first).
_OUTLOOK_PHONES = ("primary phone", "mobile phone", "business phone", "business phone 2",
                   "company main phone", "home phone", "home phone 2", "business fax",
                   "home fax", "other fax", "other phone", "car phone", "assistant's phone",
                   "callback", "pager", "radio phone", "isdn", "tty/tdd phone", "telex")
_OUTLOOK_ADDRESS_PARTS = (" street", " street 2", " street 3", " po box", " city", " state",
                          " postal code", " country/region", " country")


def _outlook_row(cells: dict[str, str]) -> _Contact:
    contact = _Contact()
    contact.names = {"joined": join_name(cells.get("last name", ""),
                                         cells.get("first name", ""),
                                         cells.get("middle name", "")),
                     "display": cells.get("display name") or cells.get("nickname", "")}
    contact.company = cells.get("company", "")
    contact.title = cells.get("job title", "")
    for column in _OUTLOOK_PHONES:
        for number, _p in split_values(cells.get(column, "").replace(";", MULTI_SEPARATOR)):
            key = im.PHONE if column == "primary phone" else phone_key(column)
            contact.phones.append((number, key, column == "primary phone"))
    for column in ("e-mail address", "e-mail 2 address", "e-mail 3 address"):
        if cells.get(column):
            contact.emails.append((cells[column], False))
    contact.address = (_address(cells, "business", _OUTLOOK_ADDRESS_PARTS)
                       or cells.get("business address", "")
                       or _address(cells, "other", _OUTLOOK_ADDRESS_PARTS)
                       or cells.get("other address", ""))
    contact.home_address = (_address(cells, "home", _OUTLOOK_ADDRESS_PARTS)
                            or cells.get("home address", ""))
    contact.home_address = " ".join(contact.home_address.split())
    contact.address = " ".join(contact.address.split())
    contact.website = cells.get("web page", "")
    contact.birthday = birthday_text(cells.get("birthday", ""), OUTLOOK)
    contact.gender = gender_text(cells.get("gender", ""))
    if cells.get("notes"):
        contact.notes.append(cells["notes"])
    contact.tags = [t.strip() for t in re.split(r"[;,]", cells.get("categories", ""))
                    if t.strip()]
    return contact


# -- into the columns -------------------------------------------------------------

def _phones(found: list[tuple[str, str, bool]]) -> list[tuple[str, str, bool]]:
    """Each number once (the first kind that is not a guess wins: Outlook's
    Primary Phone repeats another column), the primary one first."""
    kept: dict[str, tuple[str, str, bool]] = {}
    for number, key, primary in found:
        digits = phone_digits(number).lstrip("+") or number
        if digits in kept:
            old_number, old_key, old_primary = kept[digits]
            kept[digits] = (old_number, key if old_key == im.PHONE else old_key,
                            old_primary or primary)
        else:
            kept[digits] = (number, key, primary)
    phones = list(kept.values())
    first = next((p for p in phones if p[2]), None)
    if first is not None:
        phones.remove(first)
        phones.insert(0, first)
    return [(n, k, i == 0 and p) for i, (n, k, p) in enumerate(phones)]


def _columns(contact: _Contact) -> list[str | None]:
    values: dict[str, list[str]] = {c: [] for c in COLUMNS}
    values[im.NAME].append(contact.names.get("joined") or contact.names.get("display", ""))
    values["company"].append(contact.company)
    values["title"].append(contact.title)
    for number, key, primary in _phones(contact.phones):
        values[(PRIMARY + key) if primary else key].append(number)
    emails = sorted(dict.fromkeys(contact.emails), key=lambda e: not e[1])
    if emails:
        values["email"].append(emails[0][0])
    values["notes"].extend(contact.notes)
    values["notes"].extend(f"{_('E-mail')}: {email}" for email, _p in emails[1:])
    values["website"].append(contact.website)
    values["address"].append(contact.address)
    values["home_address"].append(contact.home_address)
    values["birthday"].append(contact.birthday)
    values["gender"].append(contact.gender)
    values["tags"].extend(dict.fromkeys(contact.tags))
    row: list[str | None] = []
    for column in COLUMNS:
        sep = "\n" if column == "notes" else "; "
        row.append(sep.join(v for v in values[column] if v) or None)
    return row
