"""Turning the rows of a sales spreadsheet into orders (销售记录).

Pure Python, like ``import_mapping`` (whose header row detection, cell text
and phone keys it shares): it recognises English and Chinese headers
(:func:`suggest_mapping`), parses one row into an :class:`OrderDraft` with
every problem named by row and column (:func:`build_order_row`), and gives the
key two orders are duplicates under (:func:`order_key`).

A row names its client by UUID, phone, or name and company; which client that
is the importing service decides against the database. A row without a status
is a won order: a sheet of sales lists what was sold.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from desktop_crm.domain import import_mapping as im
from desktop_crm.domain.identity import parse_uuid
from desktop_crm.domain.import_mapping import RowProblem
from desktop_crm.domain.sales import (
    DEFAULT_CURRENCY,
    Order,
    OrderStatus,
    parse_amount,
    to_cents,
    validate_order,
)
from desktop_crm.i18n import N_, _

# -- fields -------------------------------------------------------------------

UUID = "uuid"
PHONE = "phone"
NAME = "name"
COMPANY = "company"
ORDERED_ON = "ordered_on"
PRODUCT = "product"
QUANTITY = "quantity"
AMOUNT = "amount"
CURRENCY = "currency"
STATUS = "status"
PAYMENT_DUE = "payment_due"
PAID_ON = "paid_on"
LOST_REASON = "lost_reason"
NOTES = "notes"

FIELD_LABELS: dict[str, str] = {
    UUID: N_("Client UUID"),
    PHONE: N_("Client phone"),
    NAME: N_("Client name"),
    COMPANY: N_("Company"),
    ORDERED_ON: N_("Order date"),
    PRODUCT: N_("Product or service"),
    QUANTITY: N_("Quantity"),
    AMOUNT: N_("Amount"),
    CURRENCY: N_("Currency"),
    STATUS: N_("Status"),
    PAYMENT_DUE: N_("Payment due"),
    PAID_ON: N_("Paid on"),
    LOST_REASON: N_("Lost reason"),
    NOTES: N_("Notes"),
}
FIELDS: tuple[str, ...] = tuple(FIELD_LABELS)
# several phone columns (手机 and 电话) all help find the client; notes are joined
MULTI_FIELDS = frozenset({PHONE, NOTES})
CLIENT_KEYS = (UUID, PHONE, NAME)  # a row must be able to name its client
REQUIRED = (ORDERED_ON, PRODUCT, AMOUNT)

# Header names after im.normalize_header (lower case, no spaces or punctuation).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    UUID: ("uuid", "客户uuid", "clientuuid", "customeruuid", "guid", "uid", "唯一标识",
           "唯一标识符", "唯一标识码"),
    PHONE: ("手机", "手机号", "手机号码", "电话", "电话号码", "联系电话", "移动电话", "座机",
            "固定电话", "联系方式", "phone", "phonenumber", "mobile", "mobilephone", "tel",
            "telephone", "cell", "cellphone"),
    NAME: ("客户", "客户名称", "客户名", "客户姓名", "姓名", "名称", "联系人", "购买人", "买家",
           "client", "clientname", "customer", "customername", "name", "contact",
           "contactname", "buyer"),
    COMPANY: ("公司", "公司名称", "单位", "单位名称", "企业", "企业名称", "company",
              "companyname", "organization", "organisation", "org", "account"),
    ORDERED_ON: ("日期", "订单日期", "下单日期", "成交日期", "销售日期", "购买日期", "交易日期",
                 "date", "orderdate", "orderedon", "saledate", "dateofsale", "purchasedate"),
    PRODUCT: ("产品", "产品或服务", "产品服务", "产品名称", "商品", "商品名称", "服务",
              "服务项目", "项目", "product", "productorservice", "productname", "item",
              "service"),
    QUANTITY: ("数量", "件数", "qty", "quantity", "units"),
    AMOUNT: ("金额", "订单金额", "成交金额", "销售额", "销售金额", "总金额", "合计", "总价",
             "amount", "total", "ordertotal", "value"),
    CURRENCY: ("币种", "货币", "币别", "currency", "curr"),
    STATUS: ("状态", "订单状态", "销售状态", "status", "orderstatus"),
    PAYMENT_DUE: ("付款到期日", "付款期限", "应付款日期", "到期日", "应收日期", "paymentdue",
                  "duedate", "paymentduedate", "due"),
    PAID_ON: ("付款日期", "回款日期", "收款日期", "实际付款日期", "paidon", "paiddate",
              "paymentdate", "datepaid"),
    LOST_REASON: ("丢单原因", "失败原因", "流失原因", "lostreason", "reasonlost", "lossreason"),
    NOTES: ("备注", "说明", "附注", "notes", "note", "remarks", "remark", "comments",
            "comment", "memo"),
}
_BY_NAME: dict[str, str] = {name: key for key, names in _SYNONYMS.items() for name in names}
_PREFIXES = ("客户", "订单", "client", "customer", "order")


def field_label(key: str) -> str:
    """The translated label of an order field key, for the mapping dialog."""
    return _(FIELD_LABELS[key])


def match_header(text: object) -> str | None:
    """The order field a header name stands for, or None."""
    name = im.normalize_header(text)
    if not name:
        return None
    for candidate in (name, re.sub(r"\d+$", "", name)):
        if candidate in _BY_NAME:
            return _BY_NAME[candidate]
    for prefix in _PREFIXES:  # "客户手机", "Client phone", "Order amount"
        if name.startswith(prefix) and name[len(prefix):] in _BY_NAME:
            return _BY_NAME[name[len(prefix):]]
    return None


def suggest_mapping(headers: Sequence[str]) -> dict[int, str]:
    """``{column: field}`` for the columns whose header names an order field;
    single-value fields go to their first column only."""
    return im.suggest_mapping(headers, match_header, MULTI_FIELDS)


def find_header_row(rows: Sequence[Sequence[object]]) -> int:
    """The header row of a sales sheet (see import_mapping.find_header_row)."""
    return im.find_header_row(rows, match_header)


def looks_like_orders(headers: Sequence[str]) -> bool:
    """Whether a sheet's headers name a date, a product and an amount: a sales
    list rather than a client list (the window then offers to import orders)."""
    found = set(suggest_mapping(headers).values())
    return all(key in found for key in REQUIRED)


def missing_fields(mapping: Mapping[int, str]) -> list[str]:
    """The fields a mapping must have and lacks: a way to name the client
    (UUID, phone or name), the order date, the product and the amount."""
    mapped = set(mapping.values())
    missing = [] if mapped & set(CLIENT_KEYS) else [NAME]
    return missing + [key for key in REQUIRED if key not in mapped]


ORDER_SHEET_NAMES = frozenset(im.normalize_header(name) for name in (
    "orders", "sales", "salesrecords", "订单", "订单列表", "销售", "销售记录", "销售明细",
    "销售订单", "成交记录"))


def order_sheets_first(names: Sequence[str]) -> list[str]:
    """``names`` with the sheets named like a sales list first (the manager's
    workbook holds a Summary and the clients before its Sales sheet)."""
    return sorted(names, key=lambda name: im.normalize_header(name) not in ORDER_SHEET_NAMES)


# -- values -------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def parse_day(value: object) -> date:
    """A date cell, an Excel day number, ``20260925`` or text such as
    ``2026-9-25``, ``2026/09/25``, ``2026年9月25日`` (a time after it is
    ignored). Raises ValueError with the reason."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = unicodedata.normalize("NFKC", im.cell_text(value)).strip()
    try:
        if (isinstance(value, (int, float)) and not isinstance(value, bool)) or \
                re.fullmatch(r"\d{1,8}(\.0+)?", text):
            number = float(text)
            if number.is_integer() and 19000101 <= number <= 21001231:
                digits = str(int(number))
                return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
            return im.excel_serial_date(number)
        found = _DATE.fullmatch(text)
        if found:
            return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        pass
    raise ValueError(_("Not a valid date: {text} (use e.g. 2026-09-25)", text=text))


_STATUS_NAMES: dict[str, OrderStatus] = {
    name: status for status, names in {
        OrderStatus.QUOTED: ("quoted", "quote", "quotation", "报价", "已报价", "报价中", "询价"),
        OrderStatus.WON: ("won", "win", "closedwon", "sold", "成交", "已成交", "赢单", "签约",
                          "已签约", "签单", "已签单"),
        OrderStatus.DELIVERED: ("delivered", "交付", "已交付", "发货", "已发货", "已送达"),
        OrderStatus.PAID: ("paid", "付款", "已付款", "回款", "已回款", "收款", "已收款",
                           "已结清"),
        OrderStatus.LOST: ("lost", "deallost", "closedlost", "丢单", "已丢单", "输单", "失败",
                           "流失"),
    }.items() for name in names}


def parse_status(value: object) -> OrderStatus | None:
    """A status in English or Chinese (``won``, ``Deal lost``, ``已回款``, the
    app's own labels in the current language); None when it is none of them."""
    name = im.normalize_header(value)
    if name in _STATUS_NAMES:
        return _STATUS_NAMES[name]
    for status in OrderStatus:
        if name in (im.normalize_header(status.label_in("en")),
                    im.normalize_header(status.label_in("zh"))):
            return status
    return None


_CURRENCY_NAMES = {
    "人民币": "CNY", "rmb": "CNY", "元": "CNY", "¥": "CNY", "￥": "CNY", "美元": "USD",
    "$": "USD", "us$": "USD", "欧元": "EUR", "€": "EUR", "港币": "HKD", "港元": "HKD",
    "hk$": "HKD", "日元": "JPY", "円": "JPY", "英镑": "GBP", "£": "GBP",
}


def parse_currency(value: object) -> str:
    """An ISO code (upper-cased) or a common name or sign of one; anything
    else is returned upper-cased for validate_order to refuse."""
    text = unicodedata.normalize("NFKC", im.cell_text(value)).strip()
    return _CURRENCY_NAMES.get(text.casefold(), text.upper())


def parse_quantity(value: object) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = unicodedata.normalize("NFKC", im.cell_text(value)).replace(",", "").strip()
    try:
        return float(text)
    except ValueError:
        raise ValueError(_("Not a quantity: {text}", text=text)) from None


def parse_cell_amount(value: object) -> Decimal:
    """An amount cell: a number, or text domain.sales.parse_amount reads."""
    if isinstance(value, bool):
        raise ValueError(_("Not an amount: {text}", text=im.cell_text(value)))
    return parse_amount(im.cell_text(value))


def product_key(product: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", product).casefold().split())


def order_key(client_id: int, ordered_on: date, product: str,
              amount: Decimal) -> tuple[int, date, str, int]:
    """Two orders are duplicates when they have the same client, date, product
    (ignoring case and spacing) and amount."""
    return client_id, ordered_on, product_key(product), to_cents(amount)


# -- one row --------------------------------------------------------------------

@dataclass
class OrderDraft(im.RowDraft):
    """A row read as an order, before its client is found.

    Attributes:
        row: the row number as the file shows it.
        order: the order (``client_id`` 0 until the client is found).
        uuid: the client's UUID the row gives, "" for none.
        phones: the phone keys (import_mapping.phone_key) it gives.
        phone_text: the phone cell as written, for messages.
        name, company: the client's name and company it gives.
        columns: field key -> the column (header or letter) it came from.
        problems: everything wrong with the row.
        blank: the mapped cells were all empty; the row is passed over.
    """

    row: int
    order: Order
    uuid: str = ""
    phones: list[str] = field(default_factory=list)
    phone_text: str = ""
    name: str = ""
    company: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    blank: bool = False

    def client_text(self) -> str:
        """How the row names its client, for messages."""
        if self.uuid:
            return self.uuid
        if self.name:
            return f"{self.name} ({self.company})" if self.company else self.name
        return self.phone_text


_PARSERS = {ORDERED_ON: parse_day, PAYMENT_DUE: parse_day, PAID_ON: parse_day,
            QUANTITY: parse_quantity, AMOUNT: parse_cell_amount}


def build_order_row(row_number: int, values: Sequence[object], mapping: Mapping[int, str],
                    headers: Sequence[str], today: date) -> OrderDraft:
    """Parse the mapped cells of one row into an order and check it
    (domain.sales.validate_order); each problem names the row and column."""
    order = Order(client_id=0, ordered_on=today, product="", amount=Decimal(0))
    draft = OrderDraft(row_number, order)
    texts: dict[str, list[str]] = {}
    parsed: dict[str, object] = {}
    for key, value in im.mapped_cells(values, mapping, headers, draft.columns):
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        text = im.cell_text(value)
        if not text:  # NaN
            continue
        texts.setdefault(key, []).append(text)
        if key == PHONE:
            draft.phones += [k for k in (im.phone_key(n) for n in im.split_phones(value))
                             if len(k) >= 5 and k not in draft.phones]
        elif key in _PARSERS and key not in parsed:
            try:
                parsed[key] = _PARSERS[key](value)
            except ValueError as exc:
                draft.error(key, str(exc), text)
                parsed[key] = None
    if not texts:
        draft.blank = True
        return draft

    def joined(key: str, sep: str = " ") -> str:
        return sep.join(texts.get(key, []))

    draft.phone_text = joined(PHONE, "; ")
    draft.name, draft.company = joined(NAME), joined(COMPANY)
    if UUID in texts:
        draft.uuid = parse_uuid(joined(UUID)) or ""
        if not draft.uuid:
            draft.error(UUID, _("Not a UUID"), joined(UUID))
    elif not (draft.phones or draft.name):
        draft.error(NAME if NAME in draft.columns else "", _(
            "The row names no client: give the client's UUID, phone, or name and company"),
            draft.phone_text)
    for key, message in ((ORDERED_ON, _("The order date is missing")),
                         (AMOUNT, _("The amount is missing"))):
        if key not in texts:
            draft.error(key, message)
    order.product = joined(PRODUCT)
    order.notes = joined(NOTES, "\n")
    order.lost_reason = joined(LOST_REASON)
    if CURRENCY in texts:
        order.currency = parse_currency(joined(CURRENCY))
    else:
        order.currency = DEFAULT_CURRENCY
    if STATUS in texts:
        status = parse_status(joined(STATUS))
        if status is None:
            draft.error(STATUS, _("Unknown status: use quoted, won, delivered, paid or lost "
                                  "(报价, 成交, 交付, 回款, 丢单)"), joined(STATUS))
        else:
            order.status = status
    for key in _PARSERS:
        value = parsed.get(key)
        if value is not None:
            setattr(order, key, value)
    if not draft.ok:  # a value that could not be read: its error says why
        return draft
    for error in validate_order(order, today):
        column = error.field if error.field in draft.columns else (
            STATUS if error.field == LOST_REASON else error.field)
        draft.error(column, error.message, joined(error.field))
    return draft
