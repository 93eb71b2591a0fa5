"""The care agenda at 100,000 clients with family dates.

Prints the median and p95 time of ``AgendaService.agenda(30)`` (the calendar's
30-day view: the window's recurring dates computed once by
``occurrences_between`` and the stored dates looked up by key), next to a
naive loop in the same process that reads every live client's dated rows
(important dates, family birthdays, founding and relationship dates) and calls
``next_occurrence`` on each one, i.e. converts lunar dates per row per query.
With ``--orders`` (default 1,000,000) the database also gets that many
synthetic orders spread over the clients and the three years before today, so
that the churn warnings (sales drop, no order for longer than the grade allows)
read a realistic orders table. Also times a cold first call, the Today list
(``due_today``) and the 90-day view, counts the items by kind, and checks that
both approaches find the same birthdays and anniversaries from today on. All
of it on SQLite and then on PostgreSQL over the same demo clients
(``benchmarks/pg_bench.py``). Targets (issues): 30-day agenda < 200 ms on
SQLite, < 300 ms on PostgreSQL.

Usage: python benchmarks/agenda.py [--clients 100000] [--orders 1000000] [--db PATH] [--keep]
    [--runs 20] [--naive-runs 3] [--explain] [--pg-url URL | --pg-dir DIR | --no-pg]
(--db reuses an existing benchmark database, or builds one at PATH and keeps it;
without it one is built in a temp dir, removed at the end unless --keep.
--pg-dir keeps the PostgreSQL cluster there between runs the same way; without
a PostgreSQL server the reason is printed and only SQLite runs. --explain
prints each query of one 30-day agenda on SQLite with its time and SQLite's
EXPLAIN QUERY PLAN.)
"""

from __future__ import annotations

import argparse
import functools
import random
import shutil
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pg_bench
from lunar_python import LunarYear
from sqlalchemy import event, func, insert, select

from desktop_crm.domain.care import AgendaItem, Source
from desktop_crm.domain.dates import (
    SOLAR,
    DateSpec,
    _lunar_months,
    next_occurrence,
    years_at,
)
from desktop_crm.domain.enums import AgendaKind, DateKind
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.demo import generate
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client, FamilyMemberRow, ImportantDateRow, OrderRow

NOW = datetime(2026, 11, 24, 9)
TARGET_MS = 200.0  # SQLite
PG_TARGET_MS = 300.0
T = TypeVar("T")
S = TypeVar("S")

# The yearly dates both approaches find; the rest of the agenda (follow-ups,
# thank-yous, not contacted, festivals) has no per-row lunar conversion to compare.
DATED = (AgendaKind.BIRTHDAY, AgendaKind.FAMILY_BIRTHDAY, AgendaKind.WEDDING_ANNIVERSARY,
         AgendaKind.FOUNDING_ANNIVERSARY, AgendaKind.RELATIONSHIP_ANNIVERSARY,
         AgendaKind.CUSTOM_DATE)
_IMPORTANT = {DateKind.BIRTHDAY.value: AgendaKind.BIRTHDAY,
              DateKind.WEDDING_ANNIVERSARY.value: AgendaKind.WEDDING_ANNIVERSARY,
              DateKind.CUSTOM.value: AgendaKind.CUSTOM_DATE}

# The agenda's parts, timed alone through ``kinds=`` to show where the time goes.
PARTS = (("  dated kinds only (as naive)", DATED),
         ("  follow-ups and thank-yous", (AgendaKind.FOLLOW_UP,)),
         ("  not contacted", (AgendaKind.NO_CONTACT,)),
         ("  festivals", (AgendaKind.FESTIVAL,)),
         ("  churn warnings", (AgendaKind.CHURN_WARNING,)))

# (kind, source, ref, client id, day): one dated item, as both approaches name it.
Found = tuple[AgendaKind, str, int, int, date]


def fixed_clock() -> datetime:
    return NOW


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def time_runs(fn: Callable[[], T], runs: int, summary: Callable[[T], S],
              warm_up: bool = True) -> tuple[list[float], S]:
    """Milliseconds of ``runs`` calls (after one untimed call) and the summary of
    the last result. Each result is dropped before the next call, so that no
    more than one agenda is alive at a time (as in the app; a heap holding
    several agendas of 100,000 clients slows every garbage collection)."""
    if warm_up:
        fn()
    times: list[float] = []
    result: T | None = None
    for _run in range(runs):
        result = None
        elapsed, result = timed(fn)
        times.append(elapsed)
    assert result is not None
    return times, summary(result)


def reset_lunar_caches() -> None:
    """Forget every lunar conversion: our per-year month table and lunar_python's
    own one-year cache (a private class attribute, reset only for this benchmark)."""
    _lunar_months.cache_clear()
    setattr(LunarYear, "_LunarYear__CACHE_YEAR", None)  # noqa: B010 (name-mangled)


def generate_demo(target: str, clients: int) -> None:
    """The benchmark's demo clients (seed 42, the fixed now) into ``target``."""
    db = Database.open(target, create=True)
    start = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done == total or done % 20_000 == 0:
            print(f"  {done:>7,} / {total:,} clients  {time.perf_counter() - start:6.1f} s",
                  flush=True)

    print(f"building {clients:,} demo clients (seed 42, now {NOW:%Y-%m-%d %H:%M})")
    try:
        generate(db, clients, seed=42, now=NOW, progress=progress)
    finally:
        db.close()


def ensure_orders(target: str, orders: int) -> None:
    """Give the benchmark's clients ``orders`` synthetic orders (seed 42) when
    the database has none: each client a few per year over the three years
    before today, most won, delivered or paid, some quoted or lost, amounts
    from a few hundred to tens of thousands of yuan."""
    db = Database.open(target)
    try:
        with db.read() as s:
            have = int(s.scalar(select(func.count(OrderRow.id))) or 0)
            ids = list(s.scalars(select(Client.id).order_by(Client.id)))
        if have or not orders or not ids:
            if have:
                print(f"reusing {have:,} orders")
            return
        start = time.perf_counter()
        rng = random.Random(42)
        first = NOW.date() - timedelta(days=3 * 365)
        statuses = ["won"] * 3 + ["delivered"] * 2 + ["paid"] * 4 + ["quoted", "lost"]
        chunk: list[dict[str, Any]] = []
        for n in range(orders):
            status = rng.choice(statuses)
            chunk.append({
                "client_id": rng.choice(ids),
                "ordered_on": first + timedelta(days=rng.randrange(3 * 365)),
                "product": "benchmark", "quantity": 1.0,
                "amount_cents": int(rng.lognormvariate(8, 1.2)) * 100, "currency": "CNY",
                "status": status, "lost_reason": "price" if status == "lost" else "",
                "notes": "", "created_at": NOW, "updated_at": NOW})
            if len(chunk) == 50_000 or n == orders - 1:
                with db.session() as s:
                    s.execute(insert(OrderRow), chunk)
                chunk = []
        print(f"added {orders:,} orders in {time.perf_counter() - start:.1f} s")
    finally:
        db.close()


def build(db_path: Path, clients: int) -> None:
    start = time.perf_counter()
    generate_demo(str(db_path), clients)
    print(f"built {clients:,} demo clients in {time.perf_counter() - start:.1f} s "
          f"({db_path.stat().st_size / 1e6:.0f} MB) in {db_path}")


# -- the naive baseline ---------------------------------------------------------------

def naive_dated(db: Database, today: date, days: int) -> tuple[set[Found], Counter[str]]:
    """Every live client's dated rows through plain SELECTs, ``next_occurrence``
    per row, kept when it falls within ``days`` from today; also how many rows
    of each calendar were converted."""
    end = today + timedelta(days=days - 1)
    found: set[Found] = set()
    converted: Counter[str] = Counter()

    def keep(kind: AgendaKind, source: str, ref: int, client_id: int, spec: DateSpec) -> None:
        converted[spec.calendar] += 1
        day = next_occurrence(spec, today)
        if day > end:
            return
        years = years_at(spec, day)
        if years is not None and years <= 0:
            return  # the original date itself is not an anniversary (as the agenda says)
        found.add((kind, source, ref, client_id, day))

    d, f = ImportantDateRow, FamilyMemberRow
    live = Client.deleted_at.is_(None)
    with db.read() as s:
        for r in s.execute(select(d.id, d.client_id, d.kind, d.calendar, d.month, d.day,
                                  d.year, d.leap).join(Client, Client.id == d.client_id)
                           .where(live)):
            keep(_IMPORTANT[r.kind], Source.IMPORTANT_DATE, r.id, r.client_id,
                 DateSpec(r.calendar, r.month, r.day, r.year, bool(r.leap)))
        for fr in s.execute(select(f.id, f.client_id, f.birth_calendar, f.birth_month,
                                   f.birth_day, f.birth_year, f.birth_leap)
                            .join(Client, Client.id == f.client_id)
                            .where(live, f.birth_calendar.is_not(None))):
            keep(AgendaKind.FAMILY_BIRTHDAY, Source.FAMILY_MEMBER, fr.id, fr.client_id,
                 DateSpec(fr.birth_calendar, fr.birth_month, fr.birth_day, fr.birth_year,
                          bool(fr.birth_leap)))
        for cr in s.execute(select(Client.id, Client.founded_on, Client.relationship_since)
                            .where(live, (Client.founded_on.is_not(None))
                                   | (Client.relationship_since.is_not(None)))):
            for kind, source, value in (
                (AgendaKind.FOUNDING_ANNIVERSARY, Source.FOUNDING, cr.founded_on),
                (AgendaKind.RELATIONSHIP_ANNIVERSARY, Source.RELATIONSHIP,
                 cr.relationship_since),
            ):
                if value is not None:
                    keep(kind, source, cr.id, cr.id,
                         DateSpec(SOLAR, value.month, value.day, value.year))
    return found, converted


def agenda_dated(items: list[AgendaItem], today: date) -> set[Found]:
    found: set[Found] = set()
    for i in items:
        if i.kind in DATED and i.day >= today:
            assert i.client_id is not None
            found.add((i.kind, i.source, i.ref, i.client_id, i.day))
    return found


# -- reporting ------------------------------------------------------------------------

def row(label: str, times: list[float], note: str = "") -> None:
    print(f"  {label:34}{statistics.median(times):9.1f}ms{percentile(times, 95):9.1f}ms"
          f"{max(times):9.1f}ms{len(times):6d}  {note}".rstrip())


def verdict(ms: float, target_ms: float = TARGET_MS) -> str:
    return "PASS" if ms < target_ms else "FAIL"


def by_kind(items: list[AgendaItem], today: date
            ) -> tuple[int, Counter[AgendaKind], Counter[AgendaKind], set[Found]]:
    """What is kept of the 30-day agenda: its length, items per kind from today on
    and overdue, and its dated items from today on."""
    ahead = Counter(i.kind for i in items if i.day >= today)
    overdue = Counter(i.kind for i in items if i.day < today)
    return len(items), ahead, overdue, agenda_dated(items, today)


def print_kinds(ahead: Counter[AgendaKind], overdue: Counter[AgendaKind]) -> None:
    print(f"  {'kind':28}{'today on':>10}{'overdue':>10}")
    for kind in AgendaKind:
        if ahead[kind] or overdue[kind]:
            print(f"  {kind.value:28}{ahead[kind]:10,}{overdue[kind]:10,}")
    print(f"  {'total':28}{sum(ahead.values()):10,}{sum(overdue.values()):10,}")


def explain(db: Database, service: AgendaService) -> None:
    """One 30-day agenda with each statement's time and query plan."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, sql: str, params: Any, _ctx: Any, _many: bool
               ) -> None:
        statements.append((sql, params))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        service.agenda(30)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    print("\nqueries of one 30-day agenda, each run again alone through the DB-API "
          "(execute + fetchall, median of 3)")
    raw = db.engine.raw_connection()
    try:
        for sql, params in statements:
            cur = raw.cursor()
            times = []
            for _run in range(3):
                start = time.perf_counter()
                rows = cur.execute(sql, params).fetchall()
                times.append((time.perf_counter() - start) * 1000)
            flat = " ".join(sql.split())
            print(f"  {statistics.median(times):7.1f} ms {len(rows):7,} rows  "
                  f"{flat[:110]}{' ...' if len(flat) > 110 else ''}")
            for plan in cur.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall():
                print(f"{'':28}{plan[-1]}")
            cur.close()
    finally:
        raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the temp database")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--naive-runs", type=int, default=3)
    parser.add_argument("--explain", action="store_true")
    pg_bench.add_arguments(parser)
    args = parser.parse_args()
    workdir = None if args.db else Path(tempfile.mkdtemp(prefix="crm-bench-"))
    db_path: Path = args.db if workdir is None else workdir / "bench.db"
    try:
        if not db_path.exists():
            build(db_path, args.clients)
        else:
            print(f"reusing {db_path} ({db_path.stat().st_size / 1e6:.0f} MB)")
        ensure_orders(str(db_path), args.orders)
        sqlite_median = run(str(db_path), args, "SQLite", TARGET_MS)
        with pg_bench.server(args) as pg:
            if pg is not None:
                pg_bench.ensure_clients(pg, args.clients,
                                        lambda url: generate_demo(url, args.clients))
                ensure_orders(pg.url, args.orders)
                pg_median = run(pg.url, args, "PostgreSQL", PG_TARGET_MS)
                print(f"\n  agenda(30) warm median, PostgreSQL/SQLite: "
                      f"{pg_median / sqlite_median:.2f}x")
    finally:
        if workdir is not None:
            if args.keep:
                print(f"\nkept {db_path}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)


def run(target: str, args: argparse.Namespace, engine: str, target_ms: float) -> float:
    """Time and check the agenda on one database; returns agenda(30)'s warm median."""
    today = NOW.date()
    # Cold: a new Database (new connection: on SQLite an empty page cache, and
    # an empty SQLAlchemy statement cache), a new AgendaService and no lunar
    # caches; the operating system's file cache and PostgreSQL's shared buffers
    # stay warm (the database was just built or read).
    reset_lunar_caches()
    db = Database.open(target)
    try:
        with db.read() as s:
            clients = s.scalar(select(func.count(Client.id)).where(Client.deleted_at.is_(None)))
        cold_ms, cold_items = timed(lambda: len(AgendaService(db, fixed_clock).agenda(30)))
        service = AgendaService(db, fixed_clock)
        warm30, (items30, ahead, overdue, ours) = time_runs(
            lambda: service.agenda(30), args.runs, lambda items: by_kind(items, today))
        parts = []
        for label, kinds in PARTS:
            part = functools.partial(service.agenda, 30, kinds=kinds)
            parts.append((label, *time_runs(part, args.runs, len)))
        warm90, items90 = time_runs(lambda: service.agenda(90), args.runs, len)
        warm_today, due = time_runs(service.due_today, args.runs, len)
        naive, (found, converted) = time_runs(lambda: naive_dated(db, today, 30),
                                              args.naive_runs, lambda r: r, warm_up=False)

        end = today + timedelta(days=29)
        print(f"\ncare agenda on {engine} at {clients:,} clients, today {today} (fixed clock), "
              f"30-day window {today} .. {end}")
        print("  cold = first call on a new Database and AgendaService with the lunar caches "
              "cleared;\n  warm = after one untimed call (lunar month tables cached, database "
              "pages cached)")
        print(f"\n  {'':34}{'median':>11}{'p95':>11}{'max':>11}{'runs':>6}")
        row("agenda(30), cold first call", [cold_ms], f"{cold_items:,} items")
        row("agenda(30), warm", warm30, f"{items30:,} items")
        for label, times, items in parts:
            row(label, times, f"{items:,} items")
        row("due_today(), warm", warm_today, f"{due:,} items")
        row("agenda(90), warm", warm90, f"{items90:,} items")
        row("naive next_occurrence per row", naive,
            f"{sum(converted.values()):,} rows converted ({converted['lunar']:,} lunar); "
            f"{len(found):,} dated hits")

        print(f"\n30-day agenda items by kind (overdue ones go back "
              f"{service.settings().overdue_days} days)")
        print_kinds(ahead, overdue)

        only_agenda, only_naive = ours - found, found - ours
        print(f"\ndated items from today on: agenda {len(ours):,}, naive {len(found):,}; "
              f"mismatches {len(only_agenda) + len(only_naive)} "
              f"(only in agenda {len(only_agenda)}, only in naive {len(only_naive)})")
        for label, extra in (("only in agenda", only_agenda), ("only in naive", only_naive)):
            for kind, source, ref, client_id, day in sorted(extra, key=str)[:10]:
                print(f"    {label}: {kind.value} {source} #{ref} client {client_id} on {day}")

        median30 = statistics.median(warm30)
        median_dated = statistics.median(parts[0][1])
        print(f"\n  ratio naive/agenda(30) at median: {statistics.median(naive) / median30:,.0f}x"
              f" (naive/dated kinds only: {statistics.median(naive) / median_dated:,.0f}x)")
        print(f"  agenda(30) warm p95 {percentile(warm30, 95):.1f} ms: "
              f"target < {target_ms:.0f} ms: {verdict(percentile(warm30, 95), target_ms)}")
        print(f"  agenda(30) cold {cold_ms:.1f} ms: target < {target_ms:.0f} ms: "
              f"{verdict(cold_ms, target_ms)}")
        if args.explain and engine == "SQLite":
            explain(db, service)
        return median30
    finally:
        db.close()


if __name__ == "__main__":
    main()
