"""A card opens at 100,000 clients: from selecting a client in the list to
the card editor showing all its sections, the interaction timeline and the
history, filled.

The real Clients tab, offscreen and shown: for 200 random clients of the list
(seed 7), each scrolled into view first, the time from making the client's
row the list's current one (what a click does) until the editor has loaded the card and the
events it posted are processed (layout and paint included). Beside it, in the
same process over the same clients: the service-level read of the same card
(``ClientService.get``, ``interactions`` and ``history``). Median and p95;
each engine in a child process of its own (its peak memory is the step's), on
SQLite and then on PostgreSQL (the same demo clients; ``benchmarks/pg_bench.py``).
Target (issue 20): p95 < 50 ms.

Usage: python benchmarks/card_open.py [--clients 100000] [--db PATH]
    [--pg-url URL | --pg-dir DIR | --no-pg] [--opens 200] [--profile FILE]
(--db reuses that database, or builds it there when missing; else a temp
dir. --profile FILE writes cProfile stats of the SQLite opens there.
``--step NAME`` is the child process's entry.)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import report

NAME = "a card opens (all sections, timeline, history)"
TARGET_MS = 50.0
WARM = 10  # opens before the timed ones: a running app has its caches warm


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def step(target: str, opens: int, profile: str) -> dict[str, Any]:
    """One engine's measurements, in this (child) process."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QApplication

    from desktop_crm.services.clients import ClientService
    from desktop_crm.storage.database import Database
    from desktop_crm.ui.clients.tab import ClientsTab

    app = QApplication.instance() or QApplication([])
    db = Database.open(target)
    service = ClientService(db, user="bench")
    tab = ClientsTab(service)
    tab.resize(1400, 900)
    tab.show()
    app.processEvents()
    model, view = tab.model, tab.view
    rng = random.Random(7)
    rows = rng.sample(range(model.rowCount()), min(model.rowCount(), opens + WARM))
    flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
             | QItemSelectionModel.SelectionFlag.Rows)

    cpu: list[float] = []

    def open_row(row: int) -> float:
        # the row on screen first, as a row the user clicks is (not timed)
        view.scrollTo(model.index(row, 0))
        app.processEvents()
        start, start_cpu = time.perf_counter(), time.process_time()
        view.selectionModel().setCurrentIndex(model.index(row, 0), flags)
        app.processEvents()
        elapsed = (time.perf_counter() - start) * 1000
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert tab.editor.client_id == model.id_at(row)
        return elapsed

    for row in rows[:WARM]:
        open_row(row)
    # what one opening executes: statements, and transactions (connections
    # taken from the pool); on a server each is a round trip, each
    # transaction about three more
    def warm_again() -> None:
        for row in rows[:WARM]:  # the warm-up's clients again: the timed ones stay unopened
            open_row(row)

    counted = report.statements(db.engine, warm_again)
    per_open = {k: v / WARM for k, v in counted.items()}
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    del cpu[:]
    times = [open_row(row) for row in rows[WARM:]]
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    ids = [model.id_at(row) or 0 for row in rows[WARM:]]
    entries = [tab.editor.timeline.list.count()]
    reads = []
    for client_id in ids:
        start = time.perf_counter()
        service.get(client_id)
        service.interactions(client_id)
        service.history(client_id)
        reads.append((time.perf_counter() - start) * 1000)
    interactions = sum(len(service.interactions(i)) for i in ids)
    tab.close()
    tab.deleteLater()
    app.processEvents()
    version = ""
    if db.engine.dialect.name == "postgresql":
        with db.read() as s:
            from sqlalchemy import text

            version = str(s.execute(text("SHOW server_version")).scalar())
    db.close()
    return {"opens": times, "cpu": cpu, "reads": reads, "clients": model.rowCount(),
            "version": version, "interactions": interactions, "last_timeline": entries[0],
            "per_open": per_open,
            "peak_mb": report.peak_mb()}


def figure(engine: str, result: dict[str, Any]) -> report.Figure:
    opens, reads = result["opens"], result["reads"]
    title = f"{engine} {result['version']}".strip()
    print(f"\n{title} at {result['clients']:,} clients, {len(opens)} cards opened "
          f"({result['interactions'] / len(opens):.1f} timeline entries a card)")
    print(f"  {'':46}{'median':>10}{'p95':>10}{'max':>10}")
    for label, values in (("select in the list -> card shown, filled", opens),
                          ("  the same, CPU time of this process", result["cpu"]),
                          ("service: get + interactions + history", reads)):
        print(f"  {label:46}{statistics.median(values):8.2f}ms"
              f"{percentile(values, 95):8.2f}ms{max(values):8.2f}ms")
    note = (f"{len(opens)} random clients; median {statistics.median(opens):.1f} ms "
            f"(service read median {statistics.median(reads):.1f} ms); CPU time of an "
            f"opening: median {statistics.median(result['cpu']):.1f} ms, "
            f"p95 {percentile(result['cpu'], 95):.1f} ms; "
            f"{result['per_open']['statements']:.0f} statements in "
            f"{result['per_open']['transactions']:.0f} transaction(s) an opening; "
            f"load {os.getloadavg()[0]:.1f}")
    return report.Figure(
        name=NAME, engine=engine, value=percentile(opens, 95), unit="ms", target=TARGET_MS,
        baseline=percentile(reads, 95), baseline_name="service read of the card p95",
        peak_mb=result["peak_mb"], note=note)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--step":
        _flag, target, opens, profile = (*sys.argv[1:4], sys.argv[4] if len(sys.argv) > 4
                                         else "")
        print(json.dumps(step(target, int(opens), profile), ensure_ascii=False))
        return
    import pg_bench


    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--opens", type=int, default=200)
    parser.add_argument("--profile", default="", metavar="FILE",
                        help="write cProfile stats of the SQLite opens to FILE")
    pg_bench.add_arguments(parser)
    args = parser.parse_args()
    db_path = args.db or Path(tempfile.mkdtemp(prefix="crm-bench-")) / "bench.db"
    pg_bench.ensure_demo_file(db_path, args.clients)
    env = {"QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    extra = [args.profile] if args.profile else []
    result = report.child(Path(__file__), db_path, args.opens, *extra, env=env)
    report.emit(figure("SQLite", result))

    with pg_bench.server(args) as pg:
        if pg is not None:
            pg_bench.ensure_demo(pg, args.clients)
            result = report.child(Path(__file__), pg.url, args.opens, env=env)
            report.emit(figure("PostgreSQL", result))


if __name__ == "__main__":
    main()
