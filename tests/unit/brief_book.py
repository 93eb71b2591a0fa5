"""Clients for the pre-visit brief's tests, written through the services on
either engine: one with much data (``rich_client``), one with every field
filled at its limits (``full_client``) and one with only a name."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from desktop_crm.domain.client import ClientCard, FamilyMember, ImportantDate, Interaction, Phone
from desktop_crm.domain.complaint import Complaint, ComplaintCategory, ComplaintStatus
from desktop_crm.domain.contact import ContactPerson, PurchaseRole
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import Channel, ClientKind, DateKind, Loyalty, PhoneKind
from desktop_crm.domain.sales import Order, OrderStatus
from desktop_crm.domain.validation import MAX_NAME, MAX_PHONES, MAX_TEXT, TEXT_LIMITS
from desktop_crm.services.registry import Services

NOW = datetime(2026, 6, 10, 9, 30)
# Questions 15 (spouse's interests) and 55 (proudest achievement) are
# ordinary; 40 (health) is confidential by nature; the user marked 20
# (previous employer) private.
PUBLIC_ANSWER = "带队拿下国家重点项目"
OTHER_ANSWER = "太太喜欢园艺和瑜伽"
SECRET_ANSWER = "高血压，忌饮酒"
PRIVATE_ANSWER = "曾在竞争对手公司任职"


def rich_client(services: Services) -> int:
    """王建国 of 华东机电 with grade A, core loyalty, profile answers (one
    confidential by nature, one marked private), seven interactions, two
    open complaints and a closed one, orders, contact people and dates in the
    next 30 days (a lunar birthday among them)."""
    card = ClientCard(
        name="王建国", kind=ClientKind.ORGANISATION, company="华东机电有限公司",
        title="采购总监", phones=[Phone("138 0013 8000"), Phone("021-6234 5678", PhoneKind.OFFICE)],
        email="wang@hdjd.example.com", wechat="wjg_1975", website="www.hdjd.example.com",
        address="上海市浦东新区张江路88号",
        owner="李销售", loyalty=Loyalty.CORE,
        birthday=DateSpec.solar(6, 20, 1976),
        dates=[ImportantDate(DateKind.WEDDING_ANNIVERSARY, DateSpec.solar(7, 1, 2001))],
        family=[FamilyMember("女儿", "王小雨", DateSpec.lunar(5, 10, year=2005))],
        founded_on=date(2010, 6, 25),
        profile={55: PUBLIC_ANSWER, 40: SECRET_ANSWER, 20: PRIVATE_ANSWER,
                 15: OTHER_ANSWER},
        profile_private={20},
    )
    client_id = services.clients.save(card)
    services.evaluations.evaluate_client(client_id, {
        "sales_attainment": 95, "cooperation": "excellent", "late_payments": 0,
        "information": "valuable"})
    for day in range(7):
        services.clients.log_interaction(Interaction(
            client_id, NOW - timedelta(days=10 * day + 1), Channel.VISIT,
            f"第{day + 1}次拜访：讨论二期设备", next_step=f"寄送报价单{day + 1}",
            follow_up_on=(NOW + timedelta(days=3)).date() if day == 0 else None))
    services.complaints.register(Complaint(client_id, NOW - timedelta(hours=2),
                                           "交货晚了三天，影响生产",
                                           category=ComplaintCategory.DELIVERY))
    later = services.complaints.register(Complaint(client_id, NOW - timedelta(days=3),
                                                   "包装破损"))
    services.complaints.transition(later.id or 0, ComplaintStatus.IN_PROGRESS)
    people = [ContactPerson(client_id, "陈静", "采购经理", PurchaseRole.BUYER, ["139 1111 2222"],
                            birthday=DateSpec.solar(6, 15)),
              ContactPerson(client_id, "赵总", "总经理", PurchaseRole.DECISION_MAKER)]
    for person in people:
        _contact(services, person)
    for day, amount, status, due, paid in (
            (date(2026, 3, 1), "120000.00", OrderStatus.PAID, date(2026, 4, 1), date(2026, 4, 20)),
            (date(2025, 11, 5), "80000.00", OrderStatus.DELIVERED, None, None),
            (date(2024, 12, 1), "50000.00", OrderStatus.PAID, None, None),
            (date(2026, 5, 28), "30000.00", OrderStatus.QUOTED, None, None)):
        services.sales.save(Order(client_id, day, "数控机床", Decimal(amount), status=status,
                                  payment_due=due, paid_on=paid))
    return client_id


def _contact(services: Services, person: ContactPerson) -> None:
    from desktop_crm.services.contacts import ContactService

    ContactService(services.db, services.clock, services.user).save(person)


def full_client(services: Services) -> int:
    """A card with every field filled at its limits: the longest name, 20
    phones, all 66 answers of 20,000 characters, many dates, interactions,
    complaints, contact people and orders."""
    long = "很长的内容" * (MAX_TEXT // 5)
    card = ClientCard(
        name="长" * MAX_NAME, kind=ClientKind.ORGANISATION,
        company="公" * TEXT_LIMITS["company"], title="T" * TEXT_LIMITS["title"],
        phones=[Phone(f"138 0000 {i:04d}") for i in range(MAX_PHONES)],
        email="a" * 60 + "@example.com", wechat="w" * TEXT_LIMITS["wechat"],
        website="www." + "w" * (TEXT_LIMITS["website"] - 8) + ".com",
        address="路" * MAX_TEXT, owner="o" * TEXT_LIMITS["owner"], loyalty=Loyalty.AT_RISK,
        birthday=DateSpec.solar(6, 12, 1960),
        dates=[ImportantDate(DateKind.CUSTOM, DateSpec.solar(6, 11 + i % 20), "纪念日" * 30)
               for i in range(30)],
        family=[FamilyMember("儿子" * 20, "名" * 200, DateSpec.solar(6, 13 + i % 10, 1990))
                for i in range(20)],
        profile={n: long for n in range(1, 67)}, profile_private=set(range(1, 67, 3)),
        notes=long, tags=[f"标签{i}" * 10 for i in range(50)],
    )
    client_id = services.clients.save(card)
    services.evaluations.evaluate_client(client_id, {
        "sales_attainment": 70, "cooperation": "good", "late_payments": 1,
        "information": "some"})
    for i in range(40):
        services.clients.log_interaction(Interaction(
            client_id, NOW - timedelta(days=i + 1), Channel.CALL, long, next_step=long))
    for i in range(12):
        services.complaints.register(Complaint(client_id, NOW - timedelta(hours=i + 1), long,
                                               restated=long))
    for _i in range(25):
        _contact(services, ContactPerson(client_id, "人" * 200, "职" * 200,
                                         phones=["139 0000 0000"],
                                         birthday=DateSpec.solar(6, 20)))
    for i in range(30):
        services.sales.save(Order(client_id, date(2026, 5, 1) - timedelta(days=20 * i),
                                  "产" * 200, Decimal("9999999999.99"),
                                  status=OrderStatus.QUOTED if i % 2 else OrderStatus.WON,
                                  currency=("CNY", "USD", "EUR")[i % 3]))
    return client_id


def bare_client(services: Services) -> int:
    return services.clients.save(ClientCard(name="Ann Lee"))
