"""What migration 24's triggers cost a bulk insert of orders.

Migration 20's triggers on ``orders`` keep each client's monthly sales in
``client_month_sales``; migration 24's triggers on that table keep each month
row's next month's sales and its dismissed drop. This prints the CPU (and,
in the note, the wall time: on PostgreSQL most of the work is the server's)
of one import-sized bulk insert of orders (``order_import_repo.insert_orders``)
with every trigger, beside the same insert with migration 24's month-row
triggers dropped inside the same transaction, as the baseline. Each insert is
rolled back, so the book is left as it was; the two are measured in turns.

The book: a new SQLite file (or PostgreSQL database) with 1,000 demo clients,
in a temporary folder, removed at the end. No target: the price on writes of
the faster reads (README "Speed", "Churn warnings").

Usage: python benchmarks/order_triggers.py [--orders 50000] [--runs 3]
    [--pg-url URL | --pg-dir DIR | --no-pg]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pg_bench
import report
from sqlalchemy import text

from desktop_crm.domain.sales import Order
from desktop_crm.services import demo
from desktop_crm.storage.database import Database
from desktop_crm.storage.order_import_repo import insert_orders

NOW = datetime(2026, 12, 1, 9)
CLIENTS = 1000
# migration 24's triggers on client_month_sales, by engine
MONTH_ROW_TRIGGERS = {
    "sqlite": ("tr_month_sales_insert", "tr_month_sales_cents", "tr_month_sales_delete"),
    "postgresql": ("tr_month_sales_fill ON client_month_sales",
                   "tr_month_sales_next ON client_month_sales"),
}


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} cores"


class _RollBackError(Exception):
    """Raised to roll the measured insert back."""


def _orders(db: Database, count: int) -> list[Order]:
    with db.read() as s:
        ids = [int(row[0]) for row in s.execute(text("SELECT id FROM clients"))]
    rng = random.Random(1)
    first = date(2023, 1, 1)
    return [Order(client_id=rng.choice(ids), ordered_on=first + timedelta(days=rng.randrange(1400)),
                  product="P", amount=Decimal(rng.randrange(100, 100_000)) / 100)
            for _ in range(count)]


def _insert(db: Database, orders: list[Order], *, triggers: bool) -> tuple[float, float]:
    """CPU and wall seconds of one insert of ``orders``, rolled back."""
    engine = db.engine.dialect.name
    try:
        with db.session(lock=True) as s:  # BEGIN IMMEDIATE: the DROP is rolled back too
            if not triggers:
                for name in MONTH_ROW_TRIGGERS[engine]:
                    s.execute(text(f"DROP TRIGGER {name}"))
            wall, cpu = time.perf_counter(), time.process_time()
            insert_orders(s, orders, None, NOW)  # type: ignore[arg-type]  # no import batch
            s.flush()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            raise _RollBackError
    except _RollBackError:
        pass
    return cpu, wall


def measure(db: Database, engine_name: str, count: int, runs: int) -> None:
    demo.generate(db, CLIENTS, seed=3, now=NOW)
    orders = _orders(db, count)
    with db.read() as s:
        before = s.execute(text("SELECT count(*) FROM orders")).scalar()
    times: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for _ in range(runs):
        for triggers in (True, False):
            times[triggers].append(_insert(db, orders, triggers=triggers))
    with db.read() as s:
        after = s.execute(text("SELECT count(*) FROM orders")).scalar()
    if after != before:
        raise SystemExit(f"the inserts were not rolled back: {before} -> {after} orders")
    cpu = {k: statistics.median(c for c, _ in v) for k, v in times.items()}
    wall = {k: statistics.median(w for _, w in v) for k, v in times.items()}
    report.emit(report.Figure(
        f"bulk insert of {count:,} orders, all triggers", engine_name, cpu[True], "s",
        baseline=cpu[False], baseline_name="without migration 24's month-row triggers:",
        peak_mb=report.peak_mb(),
        note=(f"CPU, median of {runs}; wall {wall[True]:.2f} s against {wall[False]:.2f} s; "
              f"{CLIENTS:,} demo clients; rolled back; {load()}")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    pg_bench.add_arguments(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crm-bench-orders-") as folder:
        db = Database.open(Path(folder) / "book.db", create=True)
        try:
            measure(db, "SQLite", args.orders, args.runs)
        finally:
            db.close()
    with pg_bench.server(args) as server:
        if server is None:
            return
        url = server.new_database()
        try:
            db = Database.open(url, create=True)
            try:
                measure(db, "PostgreSQL", args.orders, args.runs)
            finally:
                db.close()
        finally:
            server.drop(url)


if __name__ == "__main__":
    sys.exit(main())
