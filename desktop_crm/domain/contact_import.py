"""Turning the rows of a contacts sheet into contact people (联系人) of
existing organisations.

Pure Python, like ``import_mapping`` (whose header detection, cell text and
phone splitting it shares): it recognises the workbook's own Contacts sheet
in either language and common Chinese and English headers
(:func:`suggest_mapping`), and parses one row into a :class:`ContactDraft`
with every problem named by row and column (:func:`build_contact_row`).
Which organisation a row names (by its UUID, else by its name) the
importing service decides against the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from desktop_crm.domain import import_mapping as im
from desktop_crm.domain.contact import ContactPerson, PurchaseRole, validate_contact
from desktop_crm.domain.identity import parse_uuid
from desktop_crm.domain.import_mapping import RowProblem
from desktop_crm.i18n import LANGUAGES, N_, _, translate

ORGANISATION = "organisation"
CLIENT_UUID = "client_uuid"
NAME = "name"
TITLE = "title"
ROLE = "role"
PHONES = "phones"
EMAIL = "email"
WECHAT = "wechat"
BIRTHDAY = "birthday"
NOTES = "notes"
UUID = "uuid"

# field key -> label (the export's Contacts sheet headers, so that its own
# sheet maps by itself in either language)
FIELD_LABELS: dict[str, str] = {
    ORGANISATION: N_("Organisation"), CLIENT_UUID: N_("Client UUID"), NAME: N_("Name"),
    TITLE: N_("Title"), ROLE: N_("Role in the purchase"), PHONES: N_("Phones"),
    EMAIL: N_("E-mail"), WECHAT: N_("WeChat"), BIRTHDAY: N_("Birthday"), NOTES: N_("Notes"),
    UUID: N_("UUID"),
}
FIELDS: tuple[str, ...] = tuple(FIELD_LABELS)
MULTI_FIELDS = frozenset({PHONES, NOTES})

_SYNONYMS: dict[str, tuple[str, ...]] = {
    ORGANISATION: ("公司", "公司名称", "单位名称", "企业", "企业名称", "客户", "客户名称",
                   "所属单位", "所属公司", "company", "companyname", "organization",
                   "organisationname", "organizationname", "account", "client", "customer"),
    CLIENT_UUID: ("客户uuid", "单位uuid", "公司uuid", "organisationuuid", "organizationuuid",
                  "companyuuid", "clientuuid"),
    NAME: ("联系人", "联系人姓名", "姓名", "名字", "contact", "contactname", "fullname",
           "person"),
    TITLE: ("职位", "职务", "头衔", "岗位", "jobtitle", "position"),
    ROLE: ("角色", "采购角色", "购买角色", "role", "buyingrole", "purchaserole"),
    PHONES: ("手机", "手机号", "手机号码", "电话号码", "联系电话", "座机", "phone", "mobile",
             "tel", "telephone", "phonenumber"),
    EMAIL: ("邮箱", "电子邮箱", "邮件", "email", "mail"),
    WECHAT: ("微信号", "wechatid", "weixin"),
    BIRTHDAY: ("生日", "出生日期", "birthdate", "dateofbirth", "dob"),
    NOTES: ("说明", "附注", "note", "remarks", "comments", "memo"),
    UUID: ("联系人uuid", "contactuuid", "personuuid"),
}


def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for key, label in FIELD_LABELS.items():
        for lang in LANGUAGES:
            names.setdefault(im.normalize_header(translate(label, lang)), key)
    for key, synonyms in _SYNONYMS.items():
        for name in synonyms:
            names.setdefault(name, key)
    return names


_BY_NAME = _names()

CONTACT_SHEET_NAMES = frozenset(im.normalize_header(n) for n in (
    "contacts", "contactpeople", "联系人", "联系人列表"))


def field_label(key: str) -> str:
    return _(FIELD_LABELS[key])


def match_header(text: object) -> str | None:
    """The contact field a header name stands for, or None."""
    return _BY_NAME.get(im.normalize_header(text))


def suggest_mapping(headers: Sequence[str]) -> dict[int, str]:
    return im.suggest_mapping(headers, match_header, MULTI_FIELDS)


def find_header_row(rows: Sequence[Sequence[object]]) -> int:
    return im.find_header_row(rows, match_header)


def contact_sheets_first(names: Sequence[str]) -> list[str]:
    """``names`` with the sheets named like a contacts list first (the
    workbook holds a Summary and its Clients before its Contacts)."""
    return sorted(names, key=lambda n: im.normalize_header(n) not in CONTACT_SHEET_NAMES)


def missing_fields(mapping: Mapping[int, str]) -> list[str]:
    """What a mapping lacks: a way to name the organisation, and the person's name."""
    mapped = set(mapping.values())
    missing = [] if mapped & {ORGANISATION, CLIENT_UUID} else [ORGANISATION]
    return missing + ([] if NAME in mapped else [NAME])


def parse_role(text: str) -> PurchaseRole | None:
    """A role by its value or label in either language, or a common word for it."""
    found = PurchaseRole.from_label(text)
    if found is not None:
        return found
    words = {"决策人": PurchaseRole.DECISION_MAKER, "拍板人": PurchaseRole.DECISION_MAKER,
             "采购": PurchaseRole.BUYER, "采购员": PurchaseRole.BUYER,
             "buyer": PurchaseRole.BUYER, "用户": PurchaseRole.USER,
             "其他": PurchaseRole.OTHER}
    return words.get(im.normalize_header(text))


@dataclass
class ContactDraft(im.RowDraft):
    """A row read as a contact person, before its organisation is found.

    Attributes:
        row: the row number as the file shows it.
        person: the person (``client_id`` 0 until the organisation is found).
        organisation: the organisation's name the row gives.
        client_uuid: the organisation's UUID the row gives, "" for none.
        columns: field key -> the column (header or letter) it came from.
        problems: everything wrong with the row.
        blank: the mapped cells were all empty; the row is passed over.
    """

    row: int
    person: ContactPerson
    organisation: str = ""
    client_uuid: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    blank: bool = False


def build_contact_row(row_number: int, values: Sequence[object], mapping: Mapping[int, str],
                      headers: Sequence[str], today: date) -> ContactDraft:
    """Parse the mapped cells of one row into a person and check it
    (domain.contact.validate_contact); each problem names the row and column."""
    draft = ContactDraft(row_number, ContactPerson(0, ""))
    texts: dict[str, list[str]] = {}
    raw: dict[str, object] = {}
    for key, value in im.mapped_cells(values, mapping, headers, draft.columns):
        text = im.cell_text(value) if value is not None else ""
        if not text.strip():
            continue
        texts.setdefault(key, []).append(text.strip())
        raw.setdefault(key, value)
    if not texts:
        draft.blank = True
        return draft

    def joined(key: str, sep: str = " ") -> str:
        return sep.join(texts.get(key, []))

    person = draft.person
    person.name, person.title = joined(NAME), joined(TITLE)
    person.email, person.wechat = joined(EMAIL), joined(WECHAT)
    person.notes = joined(NOTES, "\n")
    person.phones = [p for key in (PHONES,) for v in texts.get(key, [])
                     for p in im.split_phones(v)]
    draft.organisation = joined(ORGANISATION)
    if CLIENT_UUID in texts:
        draft.client_uuid = parse_uuid(joined(CLIENT_UUID)) or ""
        if not draft.client_uuid:
            draft.error(CLIENT_UUID, _("Not a UUID"), joined(CLIENT_UUID))
    elif not draft.organisation:
        draft.error(ORGANISATION if ORGANISATION in draft.columns else "", _(
            "The row names no organisation: give the organisation's name or UUID"))
    if UUID in texts:
        person.uuid = parse_uuid(joined(UUID)) or ""
        if not person.uuid:
            draft.error(UUID, _("Not a UUID"), joined(UUID))
    if ROLE in texts:
        role = parse_role(joined(ROLE))
        if role is None:
            draft.error(ROLE, _("Unknown role: use decision maker, influencer, user, "
                                "purchaser, gatekeeper or other (决策者, 影响者, 使用者, "
                                "采购者, 把关者, 其他角色)"), joined(ROLE))
        else:
            person.role = role
    if BIRTHDAY in texts:
        try:
            person.birthday = im.parse_birthday(raw[BIRTHDAY])
        except ValueError as exc:
            draft.error(BIRTHDAY, str(exc), joined(BIRTHDAY))
    reported = {p.column for p in draft.problems}  # a value that could not be read
    for error in validate_contact(person, today):
        key = error.field.split(".")[0]
        if draft.columns.get(key, "") not in reported:
            draft.error(key, error.message, joined(key) if key in texts else "")
    return draft
