"""Sales records (销售记录) and sales targets: what was sold to whom, for how
much, and how far each client is from its target.

An order moves through quoted -> won -> delivered -> paid, or ends lost. The
source's loyalty KPIs count *won* orders: those whose status is won,
delivered or paid (a quote is not a sale yet, a lost deal never was).

Amounts are ``Decimal`` yuan (or the order's currency) with two decimals;
storage keeps them as whole cents, so sums are exact on every engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from desktop_crm.domain.enums import LabelledEnum, register_labels
from desktop_crm.domain.validation import FieldError
from desktop_crm.i18n import N_, _

DEFAULT_CURRENCY = "CNY"
MAX_AMOUNT = Decimal("9999999999.99")  # ten billion less a cent: fits 64-bit cents anywhere
MAX_QUANTITY = 1e9
MAX_PRODUCT = 200
MAX_REASON = 500
CENT = Decimal("0.01")


class OrderStatus(LabelledEnum):
    QUOTED = "quoted"
    WON = "won"
    DELIVERED = "delivered"
    PAID = "paid"
    LOST = "lost"


register_labels({
    "OrderStatus": {"quoted": N_("Quoted"), "won": N_("Won"), "delivered": N_("Delivered"),
                    "paid": N_("Paid"), "lost": N_("Deal lost")},
})

# the statuses of a sale: what every KPI and the target attainment count
WON_STATUSES: frozenset[OrderStatus] = frozenset(
    {OrderStatus.WON, OrderStatus.DELIVERED, OrderStatus.PAID})


@dataclass
class Order:
    """One sale (or quote, or lost deal) to one client.

    Attributes:
        client_id: the client it was sold to.
        ordered_on: the order's date (the sale's date for every KPI).
        product: the product or service sold.
        quantity: how many (may be fractional: tonnes, hours).
        amount: the order's total in ``currency``, two decimals.
        currency: ISO 4217 code, CNY unless the order says otherwise.
        status: see ``OrderStatus``.
        payment_due, paid_on: when payment is due and when it came.
        lost_reason: why a lost deal was lost (required when lost).
        notes: free text.
        import_batch_id: the import that created it (undo removes it).
    """

    client_id: int
    ordered_on: date
    product: str
    amount: Decimal
    quantity: float = 1.0
    currency: str = DEFAULT_CURRENCY
    status: OrderStatus = OrderStatus.WON
    payment_due: date | None = None
    paid_on: date | None = None
    lost_reason: str = ""
    notes: str = ""
    id: int | None = None
    uuid: str = field(default="", compare=False)
    import_batch_id: int | None = field(default=None, compare=False)
    created_at: datetime | None = field(default=None, compare=False)
    updated_at: datetime | None = field(default=None, compare=False)

    @property
    def is_won(self) -> bool:
        return self.status in WON_STATUSES

    def is_late(self, today: date) -> bool:
        """Payment was due before ``today`` (or before it was paid) and came late or not at all."""
        if self.payment_due is None or not self.is_won:
            return False
        if self.paid_on is not None:
            return self.paid_on > self.payment_due
        return today > self.payment_due


@dataclass
class SalesTarget:
    """What the salesperson aims to sell to one client in one period
    (a quarter by default): the evaluation's sales-target attainment is the
    won orders of the period against ``amount``."""

    client_id: int
    period_start: date
    period_end: date
    amount: Decimal
    currency: str = DEFAULT_CURRENCY
    id: int | None = None
    uuid: str = field(default="", compare=False)


def quarter_of(day: date) -> tuple[date, date]:
    """The first and last day of the calendar quarter holding ``day``."""
    first_month = (day.month - 1) // 3 * 3 + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def parse_amount(text: str) -> Decimal:
    """An amount typed or read from a file: ``1,234.50``, ``¥1234.5``,
    ``1 234``, full-width digits; ValueError with a message otherwise."""
    import unicodedata

    cleaned = unicodedata.normalize("NFKC", str(text)).strip()
    for sign in ("¥", "￥", "RMB", "CNY", "元", ",", " ", "\u00a0"):
        cleaned = cleaned.replace(sign, "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("Not an amount: {text}", text=text)) from None
    if not value.is_finite():
        raise ValueError(_("Not an amount: {text}", text=text))
    if abs(value) > MAX_AMOUNT * 1000:  # 1e400 cannot even be rounded to cents
        raise ValueError(_("The amount is too large"))
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def validate_order(order: Order, today: date) -> list[FieldError]:
    """Every problem of ``order``, each named by its field."""
    errors: list[FieldError] = []
    if not order.product.strip():
        errors.append(FieldError("product", _("Name the product or service")))
    elif len(order.product.strip()) > MAX_PRODUCT:
        errors.append(FieldError("product", _("At most {n} characters", n=MAX_PRODUCT)))
    if not order.amount.is_finite() or order.amount < 0:
        errors.append(FieldError("amount", _("The amount cannot be negative")))
    elif order.amount > MAX_AMOUNT:
        errors.append(FieldError("amount", _("The amount is too large")))
    if not (0 < order.quantity <= MAX_QUANTITY):
        errors.append(FieldError("quantity", _("The quantity must be more than 0")))
    currency = order.currency.strip()
    if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
        errors.append(FieldError("currency", _("A currency is a three-letter code such as CNY")))
    if order.ordered_on.year < 1900 or order.ordered_on.year > today.year + 10:
        errors.append(FieldError("ordered_on", _("The order date is out of range")))
    if order.payment_due is not None and order.payment_due < order.ordered_on:
        errors.append(FieldError("payment_due", _("Payment cannot be due before the order")))
    if order.paid_on is not None and order.paid_on < order.ordered_on:
        errors.append(FieldError("paid_on", _("Payment cannot come before the order")))
    if order.paid_on is not None and order.paid_on > today:
        errors.append(FieldError("paid_on", _("The payment date is in the future")))
    if order.status == OrderStatus.LOST and not order.lost_reason.strip():
        errors.append(FieldError("lost_reason", _("Say why the deal was lost")))
    if len(order.lost_reason) > MAX_REASON:
        errors.append(FieldError("lost_reason", _("At most {n} characters", n=MAX_REASON)))
    return errors


def validate_target(target: SalesTarget) -> list[FieldError]:
    errors: list[FieldError] = []
    if target.period_end < target.period_start:
        errors.append(FieldError("period_end", _("The period ends before it starts")))
    if not target.amount.is_finite() or target.amount <= 0:
        errors.append(FieldError("amount", _("The target must be more than 0")))
    elif target.amount > MAX_AMOUNT:
        errors.append(FieldError("amount", _("The amount is too large")))
    return errors
