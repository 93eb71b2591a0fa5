"""A small client book with a known order history, written through the
services, for the loyalty KPI tests of the service and the command line.

P = the first half of 2026, P' = the second half of 2025. Clients (by name):
1 loyal (P' and P), 2 churned (P' only), 3 new in P, 4 new in P' and kept,
5 new in P' and not kept, 6 won back (2024, nothing in P', back in P),
7 lapsed for good, 8 only a quote and a lost deal, 9 one USD order in P,
10 an estimate and no orders, 11 in the trash (bought in P), 12 another
owner's client (bought in P).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.complaint import Complaint, ComplaintStatus
from desktop_crm.domain.sales import Order, OrderStatus
from desktop_crm.services.clients import ClientService
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.services.sales import SalesService
from desktop_crm.storage import complaint_repo
from desktop_crm.storage.database import Database

START, END = date(2026, 1, 1), date(2026, 6, 30)
NOW = datetime(2026, 7, 10, 9, 0)
OWNER, OTHER = "王经理", "李经理"
W, D, P, Q, L = (OrderStatus.WON, OrderStatus.DELIVERED, OrderStatus.PAID,
                 OrderStatus.QUOTED, OrderStatus.LOST)

ORDERS: list[tuple[int, date, str, OrderStatus, str]] = [
    (1, date(2025, 3, 1), "100", W, "CNY"), (1, date(2025, 9, 1), "200", W, "CNY"),
    (1, date(2026, 2, 1), "300", D, "CNY"), (1, date(2026, 3, 1), "500", P, "CNY"),
    (2, date(2025, 2, 1), "50", W, "CNY"), (2, date(2025, 8, 1), "100", W, "CNY"),
    (3, date(2026, 4, 30), "1000", W, "CNY"), (3, date(2026, 6, 30), "200", W, "CNY"),
    (4, date(2025, 7, 1), "80", W, "CNY"), (4, date(2026, 1, 1), "20", W, "CNY"),
    (5, date(2025, 12, 31), "70", W, "CNY"),
    (6, date(2024, 5, 5), "10", W, "CNY"), (6, date(2026, 5, 5), "400", W, "CNY"),
    (7, date(2024, 6, 6), "10", W, "CNY"),
    (8, date(2026, 2, 2), "999", Q, "CNY"), (8, date(2026, 2, 3), "999", L, "CNY"),
    (9, date(2026, 3, 3), "5000", W, "USD"),
    (11, date(2026, 3, 3), "7777", W, "CNY"),
    (12, date(2026, 3, 3), "8888", W, "CNY"),
]
SPEND = {1: 2000, 3: 730, 10: 365}

# what the owner's book (clients 1-10) gives for P, worked out by hand
EXPECTED = {
    "client_base": 5,  # 1, 3, 4, 6, 9
    "new_client_retention": 0.5,  # 4 of 4, 5
    "client_retention": 0.5,  # 1, 4 of 1, 2, 4, 5
    "share_of_wallet": (800 + 730 * 181 / 365) / ((2000 + 730 + 365) * 181 / 365),
    "complaint_satisfaction": 0.5,  # ratings 5, 2, 4, 3
    "new_clients_per_month": 2 / 6,  # 3 and 9
    "purchase_frequency": 7 / 5,
    "average_purchase": 2420 / 6,
    "churn_rate": 0.5,
    "win_back_rate": 0.5,  # 6 of 6, 7
}


def write_book(db: Database) -> dict[int, int]:
    """Write the book; returns book number -> client id."""
    clock = lambda: NOW  # noqa: E731
    ids: dict[int, int] = {}
    for number in range(1, 13):
        ids[number] = ClientService(db, clock, user=OWNER).save(
            ClientCard(name=f"客户{number}", owner=OTHER if number == 12 else OWNER,
                       annual_spend=SPEND.get(number)))
    sales = SalesService(db, clock, user=OWNER)
    for number, day, amount, status, currency in ORDERS:
        sales.save(Order(ids[number], day, "服务", Decimal(amount), status=status,
                         currency=currency, lost_reason="价格" if status == L else ""))
    # complaint follow-ups: four in P (rated 5, 2, 4, 3), one in P' and one
    # unrated in P, which do not count
    for number, day, score in [(1, date(2026, 2, 10), 5), (2, date(2026, 3, 10), 2),
                               (2, date(2026, 6, 30), 4), (3, date(2026, 5, 1), 3),
                               (4, date(2025, 12, 31), 1), (5, date(2026, 4, 1), None)]:
        follow_up(db, ids[number], day, score)
    ClientService(db, clock, user=OWNER).delete(ids[11])
    return ids


def follow_up(db: Database, client_id: int, day: date, score: int | None) -> None:
    """A complaint of the client followed up on ``day`` and rated ``score``."""
    at = datetime.combine(day, datetime.min.time()).replace(hour=23, minute=30)
    service = ComplaintService(db, lambda: at, user=OWNER)
    c = service.register(Complaint(client_id=client_id, received_at=at, words="送货晚了"))
    assert c.id is not None
    for status in (ComplaintStatus.IN_PROGRESS, ComplaintStatus.RESOLVED):
        c = service.transition(c.id, status)
    if score is None:  # followed up before a follow-up needed its satisfaction (older data)
        with db.session() as s:
            complaint_repo.set_status(s, c.id, ComplaintStatus.RESOLVED,
                                      ComplaintStatus.FOLLOWED_UP, at, "", OWNER)
        return
    c.satisfaction = score
    service.save(c)
    service.transition(c.id, ComplaintStatus.FOLLOWED_UP)
