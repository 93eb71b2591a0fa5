"""Demo complaints: about one client in twenty-five complained in the last
year, in every state of the workflow, with realistic handling times (most
replied the same day, some follow-ups late), satisfaction and improvements."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from desktop_crm.domain.complaint import (
    ComplaintCategory,
    ComplaintCause,
    ComplaintChannel,
    ComplaintStatus,
    Priority,
    Temperament,
    follow_up_due,
    number_text,
)
from desktop_crm.storage import demo_repo

S = ComplaintStatus
SHARE = 0.04
# category: (cause, department, the client's words, demand, solution, improvement)
_CASES: dict[ComplaintCategory, list[tuple[str, str, str, str, str, str]]] = {
    ComplaintCategory.PRODUCT_QUALITY: [
        ("product", "质量部", "用了不到一个月就出现故障，影响我们生产。", "免费维修或更换",
         "上门检修并更换主板", "加强出厂老化测试"),
        ("product", "质量部", "这批货的颜色和样品差别太大了。", "退货", "同意退货并补发新批次",
         "每批次留样比对"),
    ],
    ComplaintCategory.PACKAGING: [
        ("product", "物流部", "收到的货外箱破损，里面有几件磕坏了。", "补发损坏部分",
         "补发 12 件并承担运费", "更换加厚纸箱"),
    ],
    ComplaintCategory.DEFECT: [
        ("product", "生产部", "有三台设备开机就报错。", "更换设备", "更换三台并延长保修",
         "增加出货前通电检测"),
    ],
    ComplaintCategory.MISUSE: [
        ("customer", "客服部", "说明书看不懂，按步骤操作还是用不了。", "派人来教",
         "安排工程师上门培训", "重写快速上手指南"),
    ],
    ComplaintCategory.SERVICE_ATTITUDE: [
        ("service", "客服部", "打了三次客服电话都没人处理，态度还很差。", "道歉并尽快处理",
         "主管致电道歉，专人跟进", "客服话术培训与回访抽查"),
    ],
    ComplaintCategory.DELIVERY: [
        ("service", "物流部", "说好周一到货，周四还没到，耽误了我们开工。", "赔偿损失",
         "加急补送并减免运费", "更换合作物流商"),
    ],
    ComplaintCategory.BILLING: [
        ("service", "财务部", "发票金额和合同对不上，多开了两千元。", "重开发票",
         "作废重开发票", "开票前与合同双人核对"),
    ],
    ComplaintCategory.OTHER: [
        ("service", "销售部", "业务员承诺的赠品一直没给。", "兑现承诺", "补寄赠品并致歉",
         "承诺事项录入系统"),
    ],
}
_TARGETS = [S.CLOSED] * 8 + [S.FOLLOWED_UP] * 3 + [S.RESOLVED] * 3 + [S.IN_PROGRESS] * 3 \
    + [S.NEW] * 2
# a complaint received over a month ago was handled to the end (a well-kept
# book: open complaints are recent ones)
_OLD_TARGETS = [S.CLOSED] * 8 + [S.FOLLOWED_UP] * 3
_ORDER = (S.NEW, S.IN_PROGRESS, S.RESOLVED, S.FOLLOWED_UP, S.CLOSED)


def generate_complaints(session: Session, client_ids: Sequence[int], seed: int,
                        now: datetime) -> int:
    """Insert demo complaints for some of ``client_ids``; returns how many."""
    rng = random.Random(seed * 7919 + 17)
    count = max(min(len(client_ids), len(_ORDER) * 2), int(len(client_ids) * SHARE))
    chosen = [rng.choice(client_ids) for _ in range(count)]  # repeats: repeat complainers
    # the newest: every state twice, the newest still new (fewer in a book of
    # fewer than ten clients: the newest states of that list)
    recent = min(len(_ORDER) * 2, count)
    received = sorted(now - timedelta(minutes=rng.randint(30 * 24 * 60, 360 * 24 * 60))
                      for _ in range(count - recent))
    received += sorted(now - timedelta(minutes=rng.randint(60, 25 * 24 * 60))
                       for _ in range(recent))
    targets = [rng.choice(_OLD_TARGETS) for _ in range(count - recent)]
    targets += [status for status in reversed(_ORDER) for _twice in (1, 2)][-recent:] \
        if recent else []
    rows, changes, logs = [], [], []
    counters = demo_repo.complaint_counters(session)
    for index, (client_id, when, target) in enumerate(zip(chosen, received, targets,
                                                           strict=True)):
        year = when.year
        counters[year] = counters.get(year, 0) + 1
        row, steps = _complaint(rng, index + 1, client_id, when, target, now)
        row.update(year=year, sequence=counters[year], number=number_text(year, counters[year]))
        rows.append(row)
        changes += [{"complaint_id": index + 1, **step} for step in steps]
        if row["first_reply_at"]:
            logs.append({"complaint_id": index + 1, "at": row["first_reply_at"],
                         "author": "", "text": "已致电客户，记录问题并致歉"})
    demo_repo.write_complaints(session, rows, changes, logs, counters)
    return len(rows)


def _complaint(rng: random.Random, _index: int, client_id: int, received: datetime,
               target: ComplaintStatus, now: datetime
               ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    category = rng.choice(list(ComplaintCategory))
    cause, department, words, demand, solution, improvement = rng.choice(_CASES[category])
    times: dict[ComplaintStatus, datetime] = {S.NEW: received}
    at = received
    # replies mostly the same day; resolution in days; follow-up usually within a week
    for status, low, high in ((S.IN_PROGRESS, 0.2, 30.0), (S.RESOLVED, 4.0, 240.0),
                              (S.FOLLOWED_UP, 24.0, 230.0), (S.CLOSED, 1.0, 72.0)):
        # a resolution whose follow-up call is due before today was followed up
        # (within its seven days): the book has no complaint follow-up overdue
        due = status == S.FOLLOWED_UP and follow_up_due(at) < now.date()
        if _ORDER.index(status) > _ORDER.index(target) and not due:
            break
        if due:
            high = min(high, max(low, (follow_up_due(at) - at.date()).days * 24.0 - 12.0))
        at = at + timedelta(seconds=int(3600 * (rng.uniform(low, high) if rng.random() < 0.85
                                                or due else rng.uniform(low, high * 2))))
        if at >= now:
            break
        times[status] = at
    status = max(times, key=_ORDER.index)
    reached = [s for s in _ORDER if s in times]
    steps = [{"at": times[s], "old_status": (reached[i - 1].value if i else None),
              "new_status": s.value, "note": ""} for i, s in enumerate(reached)]
    followed = status in (S.FOLLOWED_UP, S.CLOSED)
    row = {
        "client_id": client_id, "received_at": received,
        "channel": rng.choice(list(ComplaintChannel)).value, "category": category.value,
        "cause": ComplaintCause(cause).value, "department": department,
        "priority": rng.choice([Priority.NORMAL] * 5 + [Priority.HIGH] * 3
                               + [Priority.URGENT, Priority.LOW]).value,
        "words": words, "restated": words.rstrip("。") + "，客户已确认。" if S.IN_PROGRESS in times
        else "", "demand": demand, "temperament": rng.choice(list(Temperament)).value,
        "escalation": rng.choice([0, 0, 0, 1, 1, 2]),
        "solution": solution if S.IN_PROGRESS in times else "",
        "compensation": float(rng.choice([0, 0, 0, 100, 200, 500, 2000])),
        "resolution": solution if S.RESOLVED in times else "",
        "satisfaction": rng.choice([5, 5, 4, 4, 4, 3, 2]) if followed else None,
        "improvement": improvement if followed and rng.random() < 0.7 else "",
        "status": status.value,
        "first_reply_at": times.get(S.IN_PROGRESS), "resolved_at": times.get(S.RESOLVED),
        "followed_up_at": times.get(S.FOLLOWED_UP), "closed_at": times.get(S.CLOSED),
        "created_at": received, "updated_at": max(times.values()),
    }
    return row, steps
