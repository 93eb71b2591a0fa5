"""PostgreSQL for the benchmarks, beside SQLite in the same run.

A server given by ``--pg-url`` (its database holds the benchmark's clients,
built there when it has none), or else a cluster started from Debian's
``postgresql`` package the way the tests start theirs (``tools/pg_cluster.py``):
kept in ``--pg-dir`` between runs like ``--db``'s SQLite file, or in a
temporary folder removed at the end. The benchmark cluster runs with
PostgreSQL's own defaults for durability and memory (fsync on, 128 MB of
shared buffers), not the tests' shortcuts. Where there is no server to use,
``server()`` prints why and gives None: the benchmark runs on SQLite only.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # tools/ is not part of the package

from tools import pg_cluster  # noqa: E402

# PostgreSQL's defaults where the tests' cluster trades safety for speed
SETTINGS = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on",
            "shared_buffers": "128MB"}
DATABASE = "crm_bench"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("PostgreSQL")
    group.add_argument("--pg-url", default=None,
                       help="a server database (postgresql+psycopg://USER@HOST/DB) to use")
    group.add_argument("--pg-dir", type=Path, default=None,
                       help="keep the benchmark's own cluster in this folder between runs")
    group.add_argument("--no-pg", action="store_true", help="SQLite only")


class PgServer:
    """The server the benchmark runs on: its benchmark database's URL, and
    new empty databases beside it (an import's target)."""

    def __init__(self, url: str) -> None:
        self.base: URL = make_url(url)

    @property
    def url(self) -> str:
        return self.base.render_as_string(hide_password=False)

    def _admin(self, sql: str) -> None:
        engine = create_engine(self.base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(sql))
        finally:
            engine.dispose()

    def new_database(self) -> str:
        """A new empty database on the server; returns its URL."""
        name = "crm_bench_" + uuid.uuid4().hex[:12]
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.base.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def size_mb(self) -> float:
        engine = create_engine(self.base)
        try:
            with engine.connect() as conn:
                size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar()
        finally:
            engine.dispose()
        return float(size or 0) / 1e6

    def vacuum_analyze(self) -> float:
        """VACUUM ANALYZE the benchmark database (what autovacuum does within a
        minute of a bulk load on a running server); returns the seconds."""
        start = time.perf_counter()
        engine = create_engine(self.base, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text("VACUUM ANALYZE"))
        finally:
            engine.dispose()
        return time.perf_counter() - start


@contextmanager
def server(args: argparse.Namespace) -> Iterator[PgServer | None]:
    """The PostgreSQL server of this run, or None (the reason printed)."""
    if args.no_pg:
        print("PostgreSQL: not run (--no-pg)")
        yield None
        return
    if args.pg_url:
        yield PgServer(args.pg_url)
        return
    reason = pg_cluster.unavailable()
    if reason:
        print(f"PostgreSQL: not run: {reason}")
        yield None
        return
    kept = args.pg_dir is not None
    cluster = pg_cluster.start_cluster(SETTINGS, root=args.pg_dir)
    try:
        if not cluster.has_database(DATABASE):
            cluster.admin(f'CREATE DATABASE "{DATABASE}"')
        yield PgServer(cluster.url(DATABASE))
    finally:
        cluster.stop(remove=not kept)


def ensure_clients(pg: PgServer, clients: int, generate: Callable[[str], None]) -> None:
    """Build the benchmark's demo clients in the server's database when it has
    none (``generate(url)`` writes them), then vacuum and analyze it."""
    from desktop_crm.storage.database import Database

    db = Database.open(pg.url, create=True)
    try:
        with db.read() as s:
            count = int(s.execute(text("SELECT count(*) FROM clients")).scalar() or 0)
    finally:
        db.close()
    if count:
        print(f"reusing PostgreSQL database {pg.base.database} ({count:,} clients, "
              f"{pg.size_mb():.0f} MB)")
        return
    start = time.perf_counter()
    print(f"building {clients:,} demo clients on PostgreSQL ({pg.base.database}) ...",
          flush=True)
    generate(pg.url)
    built = time.perf_counter() - start
    vacuum = pg.vacuum_analyze()
    print(f"built {clients:,} demo clients on PostgreSQL in {built:.1f} s "
          f"({pg.size_mb():.0f} MB; then VACUUM ANALYZE {vacuum:.1f} s)")


# the day the benchmarks' demo books are written for (benchmarks/agenda.py and
# excel.py read them with this clock too), so that every engine holds the same book
DEMO_NOW = datetime(2026, 11, 24, 9)


def build_demo(target: str | Path, clients: int) -> None:
    """The benchmarks' demo book (seed 42, as of DEMO_NOW) in ``target``: a
    SQLite path or a server URL; created when missing."""
    from desktop_crm.services.demo import generate
    from desktop_crm.storage.database import Database

    db = Database.open(target, create=True)
    try:
        generate(db, clients, seed=42, now=DEMO_NOW)
    finally:
        db.close()


def ensure_demo_file(path: Path, clients: int) -> None:
    """Build the demo book at ``path`` unless a file is there already."""
    if path.exists():
        return
    start = time.perf_counter()
    build_demo(path, clients)
    print(f"built {clients:,} demo clients in {time.perf_counter() - start:.1f} s "
          f"({path.stat().st_size / 1e6:.0f} MB)")


def ensure_demo(pg: PgServer, clients: int) -> None:
    """The demo book on the server too (built on first use)."""
    ensure_clients(pg, clients, lambda url: build_demo(url, clients))
