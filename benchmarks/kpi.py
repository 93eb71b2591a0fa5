"""The ten loyalty KPIs for a year at 100,000 clients with 1,000,000 orders.

Prints the figure "KPIs for a year" of ``benchmarks/report.py``: the median
time of ``LoyaltyService.kpis(start, end)`` for a year (one grouped scan of
the won orders, the figures computed in domain.loyalty), measured in a child
process of its own (its peak memory is the figure's), next to a naive loop in
the same run, in another child, over the same data: every live client's
orders read with its own query (``order_repo.for_client``) and reduced client
by client (``domain.loyalty.client_sales``). Checks that both give the same
ten figures, and prints the cold first call, the 12-month trend and one
drill-down (``members``). On SQLite, then on PostgreSQL over the same rows
(``benchmarks/pg_bench.py``). Target (issues 16 and 20): under 1 s.

The book is written with Core inserts from a fixed seed, the same on both
engines: clients (only the columns the KPIs read are varied: owner, the
estimated yearly spend, the trash), six years of orders with seasonality,
churned and won-back clients, quotes and lost deals, a few USD orders, and
complaints followed up with a satisfaction score. The KPIs read nothing else,
so the demo generator's cards, timelines and evaluations are left out (they
would take minutes to build and change no figure).

Usage: python benchmarks/kpi.py [--db PATH] [--clients 100000] [--orders 1000000]
    [--runs 10] [--naive-runs 1] [--pg-url URL | --pg-dir DIR | --no-pg]
(--db reuses a KPI benchmark database or builds one there and keeps it;
without it one is built in a temp dir and removed at the end. On PostgreSQL
the book goes to its own database, crm_bench_kpi, beside the other
benchmarks' crm_bench. --naive-runs 0 leaves the naive loop out. ``--step NAME``
is the child process's entry.)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pg_bench
import report
from sqlalchemy import create_engine, func, insert, select, text

from desktop_crm.domain import loyalty
from desktop_crm.domain.loyalty import KPI_KEYS, KpiReport
from desktop_crm.services.loyalty import LoyaltyService
from desktop_crm.storage import kpi_repo, order_repo
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client, ComplaintRow, OrderRow

NOW = datetime(2026, 11, 24, 9)
START, END = date(2025, 11, 1), date(2026, 10, 31)  # the last 12 full months
FIRST_DAY = date(2020, 11, 1)  # six years of orders
TARGET_MS = 1000.0
SCRIPT = Path(__file__).resolve()
OWNERS = ("王经理", "李经理", "张经理", "赵经理", "陈经理")
# sales by month: a slow first quarter (Spring Festival), a busy end of year
SEASON = (0.6, 0.5, 0.9, 1.0, 1.0, 1.1, 0.9, 0.9, 1.1, 1.1, 1.3, 1.6)
STATUSES = (("paid", 70), ("delivered", 8), ("won", 7), ("quoted", 8), ("lost", 7))
PG_DATABASE = "crm_bench_kpi"
BATCH = 20_000
T = TypeVar("T")


# -- the book ---------------------------------------------------------------------------

def _clients(rng: random.Random, count: int) -> Iterator[dict[str, Any]]:
    for cid in range(1, count + 1):
        spend = int(math.exp(rng.gauss(12, 1))) if rng.random() < 0.7 else None
        yield {"id": cid, "name": f"客户{cid:06d}", "sort_key": f"kehu{cid:06d}",
               "owner": OWNERS[cid % len(OWNERS)], "annual_spend": spend,
               "created_at": NOW, "updated_at": NOW,
               "deleted_at": NOW if rng.random() < 0.01 else None}


def _order_days(rng: random.Random, clients: int, orders: int) -> Iterator[tuple[int, date]]:
    """(client, day) of ``orders`` orders: each client buys from its first
    day for a while, some stop (churn) and some of those come back later."""
    span = (NOW.date() - FIRST_DAY).days
    weights = [rng.paretovariate(1.5) for _ in range(clients)]
    scale = orders / sum(weights)
    counts = [max(1, round(w * scale)) for w in weights]
    while sum(counts) > orders:  # trim the rounding to exactly ``orders``
        i = rng.randrange(clients)
        if counts[i] > 1:
            counts[i] -= 1
    while sum(counts) < orders:
        counts[rng.randrange(clients)] += 1
    for index, count in enumerate(counts):
        first = int(span * rng.random() ** 0.7)  # more clients won lately
        length = min(span - first, int(rng.expovariate(1 / 900)) + 30)
        comeback = rng.random() < 0.15 and first + length + 200 < span
        for _ in range(count):
            offset = first + rng.randrange(length + 1)
            if comeback and rng.random() < 0.3:
                offset = first + length + 200 + rng.randrange(span - first - length - 199)
            day = FIRST_DAY + timedelta(days=offset)
            while rng.random() > SEASON[day.month - 1] / 1.6:  # seasonality
                day = FIRST_DAY + timedelta(days=first + rng.randrange(length + 1))
            yield index + 1, day


def _orders(rng: random.Random, clients: int, orders: int) -> Iterator[dict[str, Any]]:
    statuses = [s for s, weight in STATUSES for _ in range(weight)]
    for cid, day in _order_days(rng, clients, orders):
        status = rng.choice(statuses)
        yield {"client_id": cid, "ordered_on": day, "product": "服务器",
               "quantity": 1.0, "amount_cents": int(math.exp(rng.gauss(9.5, 1.2))) * 100,
               "currency": "USD" if rng.random() < 0.02 else "CNY", "status": status,
               "lost_reason": "价格" if status == "lost" else "",
               "created_at": NOW, "updated_at": NOW}


def _complaints(rng: random.Random, clients: int, count: int) -> Iterator[dict[str, Any]]:
    for seq in range(1, count + 1):
        at = datetime.combine(FIRST_DAY, datetime.min.time()) + timedelta(
            minutes=rng.randrange((NOW.date() - FIRST_DAY).days * 1440))
        yield {"year": at.year, "sequence": seq, "number": f"TS-{at.year}-{seq:06d}",
               "client_id": rng.randrange(1, clients + 1), "received_at": at,
               "channel": "phone", "category": "delivery", "priority": "normal",
               "words": "送货晚了", "status": "followed_up", "followed_up_at": at,
               "satisfaction": rng.choice([None, 1, 2, 3, 4, 4, 5, 5]),
               "created_at": at, "updated_at": at}


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def build(target: str, clients: int, orders: int) -> None:
    """Write the book into the (new, empty) database at ``target``."""
    db = Database.open(target, create=True)
    start = time.perf_counter()
    try:
        for label, table, rows in (
                ("clients", Client, _clients(random.Random(1), clients)),
                ("orders", OrderRow, _orders(random.Random(2), clients, orders)),
                ("complaints", ComplaintRow, _complaints(random.Random(3), clients,
                                                         clients // 20))):
            done = 0
            for batch in _batches(rows):
                with db.session() as s:
                    s.execute(insert(table), batch)
                done += len(batch)
                if done % 200_000 == 0:
                    print(f"  {done:>9,} {label}  {time.perf_counter() - start:6.1f} s",
                          flush=True)
            print(f"  {done:>9,} {label}  {time.perf_counter() - start:6.1f} s", flush=True)
        with db.session() as s:
            if db.shared:
                for table in ("clients", "orders", "complaints"):
                    s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                   f"(SELECT max(id) FROM {table}))"))
            else:
                s.execute(text("ANALYZE"))
    finally:
        db.close()


# -- the naive baseline -----------------------------------------------------------------

def naive(db: Database, start: date, end: date) -> KpiReport:
    """Each live client's orders through its own query, reduced in Python."""
    with db.read() as s:
        clients = s.execute(select(Client.id, Client.annual_spend)
                            .where(Client.deleted_at.is_(None))).all()
        per_client = [loyalty.client_sales(cid, order_repo.for_client(s, cid), start, end, spend)
                      for cid, spend in clients]
        rated = kpi_repo.ratings(s, start, end)
    return loyalty.compute(start, end, per_client, [r for _day, r in rated])


# -- timing -----------------------------------------------------------------------------

def timed(fn: Callable[[], T]) -> tuple[float, T]:
    began = time.perf_counter()
    result = fn()
    return (time.perf_counter() - began) * 1000, result


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def runs(fn: Callable[[], T], count: int, cpu: list[float] | None = None
         ) -> tuple[list[float], T]:
    """Milliseconds of ``count`` calls after one untimed call; ``cpu`` gets
    this process's CPU milliseconds of each (SQLite works in this process:
    the figure a machine shared with other work does not inflate as much)."""
    times: list[float] = []
    result = fn()  # warm up: pages cached, statements compiled
    for _ in range(count):
        began = time.process_time()
        elapsed, result = timed(fn)
        times.append(elapsed)
        if cpu is not None:
            cpu.append((time.process_time() - began) * 1000)
    return times, result


def step(name: str, target: str, runs_: int) -> dict[str, Any]:
    """One measurement in this (child) process: "kpis" (a cold first call,
    then ``runs_`` warm ones, the trend and a drill-down) or "naive" (the
    loop of a query per client, once)."""
    db = Database.open(target)
    try:
        if name == "naive":
            began = time.process_time()
            elapsed, report_ = timed(lambda: naive(db, START, END))
            return {"ms": elapsed, "cpu_ms": (time.process_time() - began) * 1000,
                    "values": report_.values}
        with db.read() as s:
            clients = s.scalar(select(func.count(Client.id))
                               .where(Client.deleted_at.is_(None))) or 0
            orders = s.scalar(select(func.count(OrderRow.id))) or 0
        service = LoyaltyService(db, lambda: NOW, user="bench")
        cold, kpis = timed(lambda: service.kpis(START, END))
        cpu: list[float] = []
        warm, kpis = runs(lambda: service.kpis(START, END), runs_, cpu)
        mine, _mine = runs(lambda: service.kpis(START, END, owner=OWNERS[0]), runs_)
        trend, months = runs(lambda: service.trend(START, END), max(1, runs_ // 3))
        drill, churned = runs(lambda: service.members("churn_rate", START, END),
                              max(1, runs_ // 3))
        return {"ms": statistics.median(warm), "p95": percentile(warm, 95), "cold_ms": cold,
                "cpu_ms": statistics.median(cpu), "mine_ms": statistics.median(mine),
                "trend_ms": statistics.median(trend), "months": len(months),
                "drill_ms": statistics.median(drill), "churned": len(churned),
                "clients": clients, "orders": orders, "values": kpis.values,
                "numerators": kpis.numerators, "denominators": kpis.denominators,
                "previous": [str(d) for d in kpis.previous]}
    finally:
        db.close()


def run_step(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("--target", required=True)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    print(json.dumps({**step(args.name, args.target, args.runs), "peak_mb": report.peak_mb()}))


def differing(a: dict[str, float | None], b: dict[str, float | None]) -> list[str]:
    """The keys whose figures differ (beyond float rounding)."""
    return [k for k in KPI_KEYS if (a[k] is None) != (b[k] is None)
            or (a[k] is not None and not math.isclose(
                a[k] or 0.0, b[k] or 0.0, rel_tol=1e-9, abs_tol=1e-12))]


def run(target: str, args: argparse.Namespace, engine: str) -> None:
    """The KPIs' figure on one database: the KPIs and the naive loop each in
    a child process of its own (the figure's peak is the KPIs' process's)."""
    ours = report.child(SCRIPT, "kpis", "--target", target, "--runs", str(args.runs))
    base = (report.child(SCRIPT, "naive", "--target", target) if args.naive_runs
            else None)
    one, five, fifteen = os.getloadavg()
    load = f"load {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} cores"
    print(f"\nloyalty KPIs on {engine}: {ours['clients']:,} live clients, "
          f"{ours['orders']:,} orders, period {START} .. {END} "
          f"(P' {ours['previous'][0]} .. {ours['previous'][1]}); {load}")
    print(f"  kpis(year): cold {ours['cold_ms']:.0f} ms, warm median {ours['ms']:.0f} ms "
          f"(p95 {ours['p95']:.0f}, CPU {ours['cpu_ms']:.0f}); one owner's "
          f"{ours['mine_ms']:.0f} ms; trend of {ours['months']} months "
          f"{ours['trend_ms']:.0f} ms; members('churn_rate') {ours['drill_ms']:.0f} ms "
          f"({ours['churned']:,} clients)")
    print("  the ten KPIs (fast | naive)")
    for key in KPI_KEYS:
        other = base["values"][key] if base else None
        print(f"    {key:24}{_fmt(ours['values'][key]):>16}{_fmt(other):>16}   "
              f"{ours['numerators'][key]:,.2f} / {ours['denominators'][key]:,.2f}")
    agree = ""
    if base is not None:
        differ = differing(ours["values"], base["values"])
        agree = "; figures agree with the naive loop" if not differ else f"; DIFFER: {differ}"
    report.emit(report.Figure(
        name="KPIs for a year", engine=engine, value=ours["ms"] / 1000, unit="s",
        target=TARGET_MS / 1000, peak_mb=ours["peak_mb"],
        baseline=base["ms"] / 1000 if base else None,
        baseline_name="naive loop (a query per client)" if base else "",
        note=f"warm median of {args.runs}, cold first call {ours['cold_ms']:.0f} ms, CPU "
             f"{ours['cpu_ms']:.0f} ms; {ours['clients']:,} clients, {ours['orders']:,} orders"
             f"{agree}; {load}"))


def _fmt(value: float | None) -> str:
    return "null" if value is None else f"{value:,.4f}"


def ensure_pg(pg: pg_bench.PgServer, args: argparse.Namespace) -> str:
    """The KPI book's own database on the server (built the first time)."""
    url = pg.base.set(database=PG_DATABASE).render_as_string(hide_password=False)
    engine = create_engine(pg.base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                  {"n": PG_DATABASE}).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{PG_DATABASE}" TEMPLATE template0'))
    finally:
        engine.dispose()
    if exists:
        print(f"\nreusing PostgreSQL database {PG_DATABASE}")
        return url
    print(f"\nbuilding the KPI book on PostgreSQL ({PG_DATABASE}) ...", flush=True)
    build(url, args.clients, args.orders)
    analyzed = pg_bench.PgServer(url).vacuum_analyze()
    print(f"  VACUUM ANALYZE {analyzed:.1f} s")
    return url


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--step":
        run_step(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--naive-runs", type=int, default=1)
    pg_bench.add_arguments(parser)
    args = parser.parse_args()
    workdir = None if args.db else Path(tempfile.mkdtemp(prefix="crm-kpi-bench-"))
    db_path: Path = args.db if workdir is None else workdir / "kpi.db"
    try:
        if db_path.exists():
            print(f"reusing {db_path} ({db_path.stat().st_size / 1e6:.0f} MB)")
        else:
            print(f"building {args.clients:,} clients and {args.orders:,} orders in {db_path}")
            build(str(db_path), args.clients, args.orders)
        run(str(db_path), args, "SQLite")
        with pg_bench.server(args) as pg:
            if pg is not None:
                run(ensure_pg(pg, args), args, "PostgreSQL")
    finally:
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
