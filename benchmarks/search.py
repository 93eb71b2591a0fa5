"""Search-as-you-type at 100,000 clients.

Prints, for 200 typed queries (Chinese names and surnames, full pinyin,
initials, phone digits), the median and p95 latency of what the search box
does (SQL id list through the FTS index, then the first page of rows), next to
a plain ``LIKE '%q%'`` scan over name, company and phone on the same data,
on SQLite and then on PostgreSQL (the same queries over the same demo
clients; ``benchmarks/pg_bench.py``). Target (README, "Speed"): search p95
< 50 ms on either engine. (The window's start: ``benchmarks/window.py``.)

Usage: python benchmarks/search.py [--clients 100000] [--db PATH]
    [--pg-url URL | --pg-dir DIR | --no-pg]
(--db reuses that database, or builds it there when missing; else a temp dir.
--pg-dir keeps the PostgreSQL cluster there between runs the same way; without
a PostgreSQL server the reason is printed and only SQLite runs.)
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import pg_bench
from sqlalchemy import select, text

from desktop_crm.domain.search import pinyin_keys
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.services.demo import generate
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client

HERE = Path(__file__).resolve().parent
TARGET_MS = 50.0


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def make_queries(db: Database, count: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    with db.read() as s:
        rows = s.execute(select(Client.name, Client.primary_phone)
                         .order_by(Client.id).limit(5000)).all()
    queries: list[str] = []
    kinds = ["name", "surname", "pinyin", "initials", "phone4", "phone_prefix", "two_chars"]
    while len(queries) < count:
        name, phone = rng.choice(rows)
        kind = kinds[len(queries) % len(kinds)]
        full, initials = pinyin_keys(name)
        digits = "".join(ch for ch in phone if ch.isdigit())
        if kind == "name":
            queries.append(name)
        elif kind == "surname":
            queries.append(name[0])
        elif kind == "two_chars":
            queries.append(name[:2])
        elif kind == "pinyin" and full:
            queries.append(full[0][: rng.randint(3, len(full[0]))])
        elif kind == "initials" and initials:
            queries.append(initials[0])
        elif kind == "phone4" and len(digits) >= 8:
            queries.append(digits[-4:])
        elif kind == "phone_prefix" and len(digits) >= 7:
            queries.append(digits[:7])
    return queries


def time_search(service: ClientService, queries: list[str]) -> tuple[list[float], int]:
    times, hits = [], 0
    for q in queries:
        start = time.perf_counter()
        ids = service.list_ids(ClientFilter(text=q))
        service.rows(ids[:60])  # the first screenful, as the view asks for it
        times.append((time.perf_counter() - start) * 1000)
        hits += bool(ids)
    return times, hits


def time_like(db: Database, queries: list[str]) -> list[float]:
    times = []
    sql = text("SELECT id FROM clients WHERE deleted_at IS NULL AND (name LIKE :q "
               "OR company LIKE :q OR primary_phone LIKE :q) ORDER BY sort_key")
    with db.engine.connect() as conn:
        for q in queries:
            start = time.perf_counter()
            ids = [r[0] for r in conn.execute(sql, {"q": f"%{q}%"})]
            first = ",".join(str(i) for i in ids[:60]) or "0"
            conn.execute(text(f"SELECT id, name FROM clients WHERE id IN ({first})"))
            times.append((time.perf_counter() - start) * 1000)
    return times


def print_times(rows: list[tuple[str, list[float]]]) -> None:
    print(f"  {'':32}{'median':>10}{'p95':>10}{'max':>10}")
    for label, values in rows:
        print(f"  {label:32}{statistics.median(values):8.2f}ms{percentile(values, 95):8.2f}ms"
              f"{max(values):8.2f}ms")


def verdict(values: list[float]) -> str:
    return "met" if percentile(values, 95) < TARGET_MS else "MISSED"


def run_pg(pg: pg_bench.PgServer, args: argparse.Namespace, queries: list[str],
           sqlite_p95: float) -> None:
    """The same queries on PostgreSQL, over the same demo clients."""
    def build(url: str) -> None:
        db = Database.open(url, create=True)
        try:
            generate(db, args.clients, seed=42)
        finally:
            db.close()

    pg_bench.ensure_clients(pg, args.clients, build)
    db = Database.open(pg.url)
    try:
        with db.read() as s:
            version = s.execute(text("SHOW server_version")).scalar()
        service = ClientService(db)
        count = service.counts()["clients"]
        time_search(service, queries[:20])  # warm the server's buffers, as a running app has
        index, hits = time_search(service, queries)
        like = time_like(db, queries)
    finally:
        db.close()
    print(f"\nsearch on PostgreSQL {version} at {count:,} clients, the same {len(queries)} "
          f"queries ({hits} with hits)")
    print_times([("search box (tsvector GIN index)", index),
                 ("plain LIKE '%q%' scan", like)])
    print(f"  ratio LIKE/index at p95: {percentile(like, 95) / percentile(index, 95):.1f}x"
          f"   PostgreSQL/SQLite at p95: {percentile(index, 95) / sqlite_p95:.2f}x"
          f"   target p95 < {TARGET_MS:.0f} ms: {verdict(index)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--queries", type=int, default=200)
    pg_bench.add_arguments(parser)
    args = parser.parse_args()
    db_path = args.db or Path(tempfile.mkdtemp(prefix="crm-bench-")) / "bench.db"
    if not db_path.exists():
        db = Database.open(db_path, create=True)
        start = time.perf_counter()
        generate(db, args.clients, seed=42)
        print(f"built {args.clients:,} demo clients in {time.perf_counter() - start:.1f} s "
              f"({db_path.stat().st_size / 1e6:.0f} MB)")
    else:
        db = Database.open(db_path)
    service = ClientService(db)
    count = service.counts()["clients"]
    queries = make_queries(db, args.queries)
    time_search(service, queries[:20])  # warm the page cache, as a running app has it
    fts, hits = time_search(service, queries)
    like = time_like(db, queries)
    print(f"\nsearch on SQLite at {count:,} clients, {len(queries)} queries ({hits} with hits)")
    print_times([("search box (FTS5 index)", fts), ("plain LIKE '%q%' scan", like)])
    print(f"  ratio LIKE/FTS at p95: {percentile(like, 95) / percentile(fts, 95):.1f}x"
          f"   target p95 < {TARGET_MS:.0f} ms: {verdict(fts)}")
    db.close()

    with pg_bench.server(args) as pg:
        if pg is not None:
            run_pg(pg, args, queries, percentile(fts, 95))


if __name__ == "__main__":
    main()
