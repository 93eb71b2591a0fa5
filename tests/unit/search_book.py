"""A small book for the search ranking tests (storage, CLI, GUI): names that
share a reading with a polyphonic surname (长 zhang/chang), an organisation
and its staff, whole-name and mid-name initials, and last contacts (one of
them overtaken by a mass festival greeting, which is not contact)."""

from __future__ import annotations

from datetime import datetime

from desktop_crm.domain.client import ClientCard, ClientKind, Interaction
from desktop_crm.domain.enums import Channel
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database

NOW = datetime(2026, 11, 24, 9, 30)
ORG = ClientKind.ORGANISATION

# name: (kind, company, last personal contact or None)
BOOK: dict[str, tuple[ClientKind, str, datetime | None]] = {
    "章子怡": (ClientKind.PERSON, "", None),
    "长沙宏达": (ORG, "", datetime(2026, 11, 23)),
    "张三丰": (ClientKind.PERSON, "", datetime(2026, 11, 10)),
    "长江": (ClientKind.PERSON, "", datetime(2026, 11, 21)),
    "张伟": (ClientKind.PERSON, "", datetime(2026, 11, 20)),
    "张伟明": (ClientKind.PERSON, "", datetime(2026, 11, 15)),
    "润泽物流": (ORG, "", datetime(2026, 11, 22)),
    "赵文": (ClientKind.PERSON, "", None),
    "网络科技": (ORG, "", None),
    "刘强": (ClientKind.PERSON, "网络科技", datetime(2026, 11, 23)),
    "王芳": (ClientKind.PERSON, "", None),
    "李明": (ClientKind.PERSON, "长沙宏达", None),
    "单雪梅": (ClientKind.PERSON, "", None),
}

# what a user types, and the names listed, in order
RANKED: dict[str, list[str]] = {
    # 张 and 章 read zhang as surnames; 长江's surname reads chang (zhang is
    # its other reading); 长沙宏达 is an organisation; within a tier the most
    # recent personal contact first (张三丰's later mass greeting is not one)
    "zhang": ["张伟", "张伟明", "张三丰", "章子怡", "长江", "长沙宏达"],
    # whole-name initials first, then a name that starts with them, and the
    # initials from the middle of 润泽物流 last
    "zw": ["张伟", "赵文", "张伟明", "润泽物流"],
    # people surnamed 王 before the 网络 company and its staff
    "wang": ["王芳", "网络科技", "刘强"],
    "张": ["张伟", "张伟明", "张三丰"],
    "zhangwei": ["张伟", "张伟明"],
    "长沙": ["长沙宏达", "李明"],
    "chang": ["长江", "长沙宏达", "李明"],
}


def fill(db: Database) -> dict[str, int]:
    """Save the book's clients and their contacts; returns their ids by name."""
    service = ClientService(db, clock=lambda: NOW, user="tester")
    ids: dict[str, int] = {}
    for name, (kind, company, contact) in BOOK.items():
        ids[name] = service.save(ClientCard(name=name, kind=kind, company=company))
        if contact is not None:
            service.log_interaction(Interaction(client_id=ids[name], occurred_at=contact,
                                                channel=Channel.CALL, summary="call"))
    service.log_interaction(Interaction(client_id=ids["张三丰"], occurred_at=datetime(2026, 11, 23),
                                        channel=Channel.WECHAT, summary="festival greeting",
                                        mass=True))
    return ids
