"""The agenda's item lists of one checkout against another's: the check that
a change to the agenda's reads or build gives the same items in the same
order (README, "Speed": the care agenda).

Usage:
    python benchmarks/same_agenda.py dump BOOK OUT   (run with this checkout's code)
    python benchmarks/same_agenda.py compare OLD NEW

``dump`` writes the items of several calls on BOOK (a SQLite path or a
PostgreSQL URL; read only) as of the bench book's day (``agenda.NOW``): the
30-, 90- and 400-day agendas, 30 and 90 days without overdue items, three
kinds filters, "Mine" (the owner with the most clients), Today and Today
"Mine". Run it once with each checkout's code on its ``PYTHONPATH`` (the
old one's from a detached worktree), then ``compare`` the two files: each
call's list must be equal, item by item. Exit status 1 when one differs.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

NOW = datetime(2026, 11, 24, 9)  # benchmarks/agenda.py's day of the bench book


def dump(book: str, out: Path) -> None:
    from sqlalchemy import text

    from desktop_crm.domain.enums import AgendaKind as K
    from desktop_crm.services.agenda import AgendaService
    from desktop_crm.storage.database import Database

    db = Database.open(book)
    try:
        with db.read() as s:
            owner = s.execute(text(
                "SELECT owner FROM clients WHERE owner IS NOT NULL GROUP BY owner "
                "ORDER BY count(*) DESC, owner LIMIT 1")).scalar()
        service = AgendaService(db, lambda: NOW, user=owner)
        dated = [K.BIRTHDAY, K.FAMILY_BIRTHDAY, K.FOUNDING_ANNIVERSARY,
                 K.RELATIONSHIP_ANNIVERSARY, K.CUSTOM_DATE, K.WEDDING_ANNIVERSARY,
                 K.CONTACT_BIRTHDAY, K.FESTIVAL]
        calls: dict[str, Callable[[], list[Any]]] = {
            "30 days": lambda: service.agenda(30),
            "90 days": lambda: service.agenda(90),
            "400 days": lambda: service.agenda(400),
            "30 days, no overdue": lambda: service.agenda(30, include_overdue=False),
            "90 days, no overdue": lambda: service.agenda(90, include_overdue=False),
            "30 days, follow-ups": lambda: service.agenda(30, kinds=[K.FOLLOW_UP]),
            "30 days, contact and churn": lambda: service.agenda(
                30, kinds=[K.NO_CONTACT, K.CHURN_WARNING]),
            "30 days, dated": lambda: service.agenda(30, kinds=dated),
            "30 days, mine": lambda: service.agenda(30, mine=True),
            "90 days, mine, no overdue": lambda: service.agenda(90, include_overdue=False,
                                                               mine=True),
            "Today": service.due_today,
            "Today, mine": lambda: service.due_today(mine=True),
        }
        found: dict[str, list[tuple[Any, ...]]] = {}
        for name, call in calls.items():
            found[name] = [tuple(item) for item in call()]
            digest = hashlib.sha1(repr(found[name]).encode()).hexdigest()[:12]
            print(f"{name:28}{len(found[name]):9,}  {digest}", flush=True)
        print(f"'mine' is {owner}")
    finally:
        db.close()
    with out.open("wb") as f:
        pickle.dump(found, f)


def compare(old: Path, new: Path) -> int:
    with old.open("rb") as f:
        a: dict[str, list[tuple[Any, ...]]] = pickle.load(f)
    with new.open("rb") as f:
        b: dict[str, list[tuple[Any, ...]]] = pickle.load(f)
    bad = 0
    for name in [*a, *(name for name in b if name not in a)]:
        same = a.get(name) == b.get(name)
        bad += not same
        print(f"{name:28}{len(a.get(name, [])):9,}{len(b.get(name, [])):9,}  "
              f"{'same' if same else 'DIFFERENT'}")
    print("all the same" if not bad else f"{bad} call(s) differ")
    return 1 if bad else 0


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "dump":
        dump(sys.argv[2], Path(sys.argv[3]))
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "compare":
        return compare(Path(sys.argv[2]), Path(sys.argv[3]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
