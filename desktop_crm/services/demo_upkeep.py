"""A demo book looks well kept on the day it is made (``services.demo``).

The generator writes two years of a salesperson's work; without this step
every follow-up, birthday, anniversary and churn warning that fell before
today would still wait on Today (a 5,000-client book had 1,853 overdue items,
follow-ups 616 days late). A diligent salesperson handled them on their day,
so each is done here the way marking it done in the app does it: the
greeting or call on the client's timeline (in Chinese, like the rest of the
demo timeline), the follow-up closed or a ``care_done`` row, the last
contact moved. A few recent ones are left, as any real book has some:
``kept_count(clients)`` items, none older than ``KEEP_DAYS``. Complaint
follow-ups are kept in order by ``demo_complaints`` itself, and the
not-contacted backlog row (clients past their grade's limit for long, most of
them lost or inactive clients nobody calls) stays one row.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from desktop_crm.domain.care import AgendaItem, CareSettings, Source
from desktop_crm.i18n import language_in_this_thread
from desktop_crm.services.agenda import SETTINGS_KEY, missed_items
from desktop_crm.storage import care_repo, demo_repo

KEEP_DAYS = 14  # what is left overdue is at most two weeks old
Row = dict[str, Any]


def kept_count(clients: int) -> int:
    """How many overdue items a book of ``clients`` keeps: 2, and one more per
    thousand clients (2 at 300, 7 at 5,000)."""
    return 2 + clients // 1000


def _moment(rng: random.Random, day: date, now: datetime) -> datetime:
    """Some working hour of ``day`` (before ``now``)."""
    when = datetime.combine(day, time(9)) + timedelta(minutes=rng.randint(0, 9 * 60))
    return min(when, now - timedelta(minutes=1))


def keep_up(s: Session, today: date, now: datetime, seed: int, clients: int,
            new_uuid: Callable[[], str]) -> int:
    """Handle the items overdue on ``today`` but a few recent ones; returns how
    many were handled. ``new_uuid`` gives each written record its identity."""
    rng = random.Random(seed * 104_729 + 7)
    items = [i for i in missed_items(s, today)
             if i.can_be_done and i.source != Source.COMPLAINT]
    recent = [i for i in items if i.client_id is not None and (today - i.day).days <= KEEP_DAYS]
    kept = {i.key for i in rng.sample(recent, min(len(recent), kept_count(clients)))}
    stored = care_repo.get_setting(s, SETTINGS_KEY)
    settings = CareSettings.from_dict(stored) if isinstance(stored, dict) else CareSettings()
    interactions: list[Row] = []
    done: list[Row] = []
    follow_ups: list[int] = []
    handled = 0
    with language_in_this_thread("zh"):
        for item in items:
            if item.key in kept:
                continue
            handled += 1
            when = _moment(rng, item.day, now)
            index: int | None = len(interactions)
            if item.client_id is None:  # a festival: the greeting list, as one mass greeting
                index = None
                for client_id in care_repo.graded_ids(s, settings.festival_grades):
                    interactions.append(_entry(client_id, when, item, new_uuid, mass=True))
            else:
                interactions.append(_entry(item.client_id, when, item, new_uuid))
            if item.source == Source.INTERACTION:
                follow_ups.append(item.ref)
            elif item.source != Source.NO_CONTACT:
                done.append({"uuid": new_uuid(), "source": item.source, "ref_id": item.ref,
                             "occurs_on": item.day, "client_id": item.client_id,
                             "done_at": when, "interaction": index})
    demo_repo.write_upkeep(s, interactions, done, follow_ups)
    return handled


def _entry(client_id: int, when: datetime, item: AgendaItem, new_uuid: Callable[[], str],
           mass: bool = False) -> Row:
    return {"uuid": new_uuid(), "client_id": client_id, "occurred_at": when,
            "channel": item.done_channel.value, "summary": item.done_summary, "next_step": "",
            "follow_up_on": None, "follow_up_done": False, "milestone": None,
            "satisfaction": None, "mass": mass, "created_at": when}
