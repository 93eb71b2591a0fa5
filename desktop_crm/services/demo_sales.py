"""The demo's order history (销售记录): what each demo client bought, quoted
and lost, so that every loyalty KPI, churn warning and sales figure has
something to show.

- Active clients order at the pace of their volume tier (key clients
  about every three weeks, occasional ones two or three times a year) from
  a few favourite products of a small catalogue (in English for
  English-speaking clients), with the seasons: a dip around the Spring
  Festival, a peak at the year's end.
- Most orders are won and paid, some wait for payment (a few late), some
  were lost (with the reason); the last two weeks' are partly still quotes.
- Lost clients stopped ordering many months ago, inactive ones some months
  ago; at-risk clients bought much less last month than the month before;
  a few regular clients paused for most of a year and were won back.
- Key clients have a quarterly sales target for the last four quarters;
  many clients have an estimated yearly spend (the share-of-wallet base);
  some deliveries were followed by a thank-you call with the client's
  satisfaction (1-5).

It draws from its own random source, so the rest of the demo data is what
the seed gave before orders existed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import Channel, Loyalty, Stage, VolumeTier
from desktop_crm.domain.sales import OrderStatus, quarter_of
from desktop_crm.services.demo_tables import (
    LOST_REASONS,
    ORDER_NOTES,
    PRODUCTS,
    THANK_YOU,
    Product,
    Weighted,
)
from desktop_crm.storage.demo_repo import Chunk

HISTORY_DAYS = 4 * 365  # demo clients were created up to three years ago
TIMELINE_DAYS = 729  # the interactions of the demo's timeline are this recent
# mean days between two orders and the quantities of one, by volume tier
_GAP = {VolumeTier.KEY.value: 24, VolumeTier.ORDINARY.value: 60,
        VolumeTier.OCCASIONAL.value: 140, None: 80}
_QUANTITY = {VolumeTier.KEY.value: (3, 20), VolumeTier.ORDINARY.value: (1, 6),
             VolumeTier.OCCASIONAL.value: (1, 2), None: (1, 4)}
# the share of the season's weight 1.0 on ordinary days of each month (the
# year-end peak in December), and around the Spring Festival
_MONTH_WEIGHT = (0.8, 0.75, 0.85, 0.8, 0.8, 0.85, 0.7, 0.7, 0.85, 0.75, 0.9, 1.0)
_FESTIVAL_WEIGHT = 0.15
_FESTIVAL_BEFORE, _FESTIVAL_AFTER = 10, 12
LOST_SHARE = 0.07
LATE_SHARE = 0.12
THANK_YOU_SHARE = 0.2
USD_RATE = 7.1
_HAPPY = Weighted([(5, 40.0), (4, 35.0), (3, 15.0), (2, 7.0), (1, 3.0)])
_UNHAPPY = Weighted([(5, 10.0), (4, 25.0), (3, 30.0), (2, 20.0), (1, 15.0)])
_FADING = frozenset({Loyalty.AT_RISK.value, Loyalty.INACTIVE.value, Loyalty.LOST.value})
_REGULAR = frozenset({Loyalty.ACTIVE_REGULAR.value, Loyalty.CORE.value,
                      Loyalty.ADVOCATE.value})
S = OrderStatus
T = TypeVar("T")


@dataclass(frozen=True)
class SalesFacts:
    """What the order history sets on the client's row."""

    annual_spend: int | None
    last_call: datetime | None  # the newest thank-you call, a contact


@dataclass
class _Client:
    """One client's history being written."""

    cid: int
    tier: str | None
    english: bool
    currency: str
    scale: float
    favourites: list[Product]
    unhappy: bool
    terms: int  # days to pay
    won_cents: int = 0
    first_won: int | None = None  # ordinals
    last_won: int | None = None
    last_call: datetime | None = None


class SalesHistory:
    """Writes the orders, targets and thank-you calls of one client after another."""

    def __init__(self, seed: int, now: datetime) -> None:
        self.rng = random.Random(f"orders/{seed}")
        self.now = now
        self.today = now.date().toordinal()
        self.first = self.today - HISTORY_DAYS
        festivals = [DateSpec.lunar(1, 1, year=y).original_date()
                     for y in range(date.fromordinal(self.first).year - 1, now.year + 2)]
        near = {d.toordinal() + k for d in festivals if d is not None
                for k in range(-_FESTIVAL_BEFORE, _FESTIVAL_AFTER + 1)}
        self.weights = [_FESTIVAL_WEIGHT if day in near
                        else _MONTH_WEIGHT[date.fromordinal(day).month - 1]
                        for day in range(self.first, self.today + 1)]

    def client(self, cid: int, created: datetime, stage: str | None, loyalty: str | None,
               volume: str | None, english: bool, abroad: bool, is_org: bool,
               out: Chunk) -> SalesFacts:
        rng = self.rng
        usd = abroad and rng.random() < 0.8
        c = _Client(cid, volume, english, "USD" if usd else "CNY", rng.uniform(0.6, 1.6),
                    rng.sample(PRODUCTS, 3), loyalty in _FADING,
                    60 if volume == VolumeTier.KEY.value or is_org else 30)
        start = max(created.date().toordinal(), self.first) + _between(rng, 0, 30)
        if stage != Stage.ACTIVE.value:
            self._quotes(c, start, out)
            guess = (int(round(rng.uniform(50_000, 2_000_000), -3))
                     if not usd and rng.random() < 0.3 else None)
            return SalesFacts(guess, None)
        gap = _GAP.get(volume, 90)
        end = self.today
        pause: tuple[int, int] | None = None
        if loyalty == Loyalty.LOST.value:
            end -= _between(rng, 240, 900)
        elif loyalty == Loyalty.INACTIVE.value:
            end -= _between(rng, 130, 300)
        elif loyalty == Loyalty.AT_RISK.value:
            end = _month_start(self.today, 2) - 1
        elif loyalty in _REGULAR and rng.random() < 0.15:
            # churned for months, then won back; some were away for a whole
            # year (a win-back in yearly figures as well as in monthly ones)
            if start < self.today - 900 and rng.random() < 0.7:
                pause = (self.today - _between(rng, 760, 880),
                         self.today - _between(rng, 60, 300))
            else:
                pause = (self.today - _between(rng, 330, 450),
                         self.today - _between(rng, 30, 150))
        day = start + int(rng.random() * gap)
        weights, first = self.weights, self.first
        while day <= end:
            if pause is not None and pause[0] <= day < pause[1]:
                day = pause[1] + _between(rng, 0, 20)
                continue
            if rng.random() < weights[day - first]:
                self._order(c, day, out)
            day += max(3, int(gap * rng.uniform(0.3, 1.3)))
        if loyalty == Loyalty.AT_RISK.value and end >= start:
            # the churn signal: last month's spending far below the month before's
            before, last = _month_start(self.today, 2), _month_start(self.today, 1)
            this = _month_start(self.today, 0)
            product = next((p for p in c.favourites if not p.service), PRODUCTS[0])
            most = _QUANTITY.get(volume, (1, 4))[1]
            self._order(c, before + _between(rng, 0, last - before - 1), out, won=True,
                        product=product, quantity=2 * most)
            if rng.random() < 0.5:
                self._order(c, last + _between(rng, 0, this - last - 1), out, won=True,
                            product=product, quantity=1)
        if volume == VolumeTier.KEY.value and loyalty != Loyalty.LOST.value:
            self._targets(c, start, out)
        spend: int | None = None
        if c.currency == "CNY" and rng.random() < 0.7:
            yearly = (c.won_cents / 100 * 365 / max(365, self.today - c.first_won)
                      if c.first_won is not None else rng.uniform(20_000, 500_000))
            spend = int(max(10_000, round(yearly / rng.uniform(0.2, 0.85), -3)))
        return SalesFacts(spend, c.last_call)

    def _quotes(self, c: _Client, start: int, out: Chunk) -> None:
        """A prospect's quotes: most were lost, the recent ones may still be open."""
        rng = self.rng
        if rng.random() >= 0.35:
            return
        for _ in range(_between(rng, 1, 2)):
            day = max(start, self.today - _between(rng, 0, 300))
            if day > self.today:
                return
            status = S.QUOTED if self.today - day < 30 and rng.random() < 0.7 else S.LOST
            self._order(c, day, out, status=status)

    def _order(self, c: _Client, day: int, out: Chunk, status: OrderStatus | None = None,
               won: bool = False, product: Product | None = None,
               quantity: int | None = None) -> None:
        rng = self.rng
        if product is None:
            product = _pick(rng, c.favourites) if rng.random() < 0.85 else _pick(rng, PRODUCTS)
        if quantity is None:
            low, high = _QUANTITY.get(c.tier, (1, 4))
            quantity = 1 if product.service else _between(rng, low, high)
        price = product.price * c.scale * rng.uniform(0.88, 1.0)
        if c.currency == "USD":
            price /= USD_RATE
        amount = round(price * quantity) * 100
        age = self.today - day
        if status is None:
            status = self._status(age, won)
        due: int | None = None
        paid: int | None = None
        reason = ""
        if status == S.LOST:
            reason = _pick(rng, LOST_REASONS)[c.english]
        elif status != S.QUOTED:
            due = day + c.terms
            if status == S.PAID:
                paid = (due + _between(rng, 3, 45) if rng.random() < LATE_SHARE
                        else max(day, due - _between(rng, 0, 25)))
                if paid > self.today:
                    status, paid = S.DELIVERED, None
        created = self._moment(day)
        updated = created
        if paid is not None:
            updated = max(created, datetime.combine(date.fromordinal(paid), time(16, 30)))
        out.orders.append({
            "client_id": c.cid, "ordered_on": date.fromordinal(day),
            "product": product.en if c.english else product.zh, "quantity": float(quantity),
            "amount_cents": amount, "currency": c.currency, "status": status.value,
            "payment_due": date.fromordinal(due) if due is not None else None,
            "paid_on": date.fromordinal(paid) if paid is not None else None,
            "lost_reason": reason,
            "notes": _pick(rng, ORDER_NOTES)[c.english] if rng.random() < 0.1 else "",
            "created_at": created, "updated_at": min(updated, self.now),
        })
        if status in (S.WON, S.DELIVERED, S.PAID):
            c.won_cents += amount
            c.first_won = day if c.first_won is None else c.first_won
            c.last_won = day
        if status in (S.DELIVERED, S.PAID) and age > 12 and rng.random() < THANK_YOU_SHARE:
            self._thank_you(c, day + _between(rng, 3, 10) + _between(rng, 2, 3), out)

    def _status(self, age: int, won: bool) -> OrderStatus:
        r = self.rng.random()
        if not won and r < LOST_SHARE:
            return S.LOST
        r = self.rng.random()
        if age <= 14:
            return S.WON if won or r >= 0.65 else S.QUOTED
        if age <= 60:
            return S.WON if r < 0.1 else S.DELIVERED if r < 0.5 else S.PAID
        return S.DELIVERED if r < 0.03 else S.PAID  # never paid: late

    def _thank_you(self, c: _Client, day: int, out: Chunk) -> None:
        """The call two or three days after a delivery, with the client's
        satisfaction (within the timeline's two years)."""
        if day >= self.today or day < self.today - TIMELINE_DAYS:
            return
        score = (_UNHAPPY if c.unhappy else _HAPPY)(self.rng)
        when = self._moment(day)
        out.interactions.append({
            "client_id": c.cid, "occurred_at": when, "channel": Channel.CALL.value,
            "summary": THANK_YOU[score - 1][c.english], "next_step": "", "follow_up_on": None,
            "follow_up_done": False, "milestone": None, "satisfaction": score,
            "created_at": when + timedelta(minutes=_between(self.rng, 0, 60)),
        })
        c.last_call = when if c.last_call is None else max(c.last_call, when)

    def _targets(self, c: _Client, start: int, out: Chunk) -> None:
        """Quarterly targets near what the client bought a quarter, this quarter and
        the three before it (those after the client's first day)."""
        rng = self.rng
        per_quarter = (c.won_cents / 100 * 91 / max(91, (c.last_won or 0) - (c.first_won or 0))
                       if c.won_cents else rng.uniform(50_000, 300_000))
        day = date.fromordinal(self.today)
        for _ in range(4):
            first, last = quarter_of(day)
            if last.toordinal() < start:
                break
            amount = max(1000, round(per_quarter * rng.uniform(0.8, 1.3), -3))
            out.targets.append({
                "client_id": c.cid, "period_start": first, "period_end": last,
                "amount_cents": int(amount) * 100, "currency": c.currency,
                "created_at": datetime.combine(first, time(9, 0)),
            })
            day = first - timedelta(days=1)

    def _moment(self, day: int) -> datetime:
        seconds = 8 * 3600 + int(self.rng.random() * 10 * 3600)
        value = datetime.combine(date.fromordinal(day),
                                 time(seconds // 3600, seconds // 60 % 60, seconds % 60))
        return min(value, self.now)


def _between(rng: random.Random, low: int, high: int) -> int:
    """``rng.randint(low, high)`` at a third of its cost (the demo draws millions)."""
    return low + int(rng.random() * (high - low + 1))


def _pick(rng: random.Random, items: Sequence[T]) -> T:
    """``rng.choice(items)``, likewise."""
    return items[int(rng.random() * len(items))]


def _month_start(today: int, back: int) -> int:
    """The ordinal of the first day of the month ``back`` months before ``today``'s."""
    day = date.fromordinal(today)
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1).toordinal()
