"""Process start to the main window shown with Today filled, at 100,000 clients.

Spawns ``benchmarks/window_start.py`` (the app's first start: language,
database opened, window built and shown on Today, Today filled right after)
and times, from the spawn, the child's "shown" line and its "today filled"
line (read as they come; the child's exit is not timed). The note adds a
start on the client cards (the window closed on them last time: the tab
and its card editor are built before the window shows, the list read right
after, before Today). The app is started as on the book's own day
(``pg_bench.DEMO_NOW``), the day it was built for; the note adds the first
start on the machine's date, the book aged by the days since with nothing
logged (on 7 December 2026 its Today listed 38,030 items against 3,875 on
its day). Five runs after one warm-up, median;
the baseline is a bare ``QMainWindow`` started the same way. The child runs
with its bytecode cached (``PYTHONPYCACHEPREFIX`` in a temp dir, and without
``PYTHONDONTWRITEBYTECODE``), as an installed app has it; its own peak memory
is reported. Then the same on a 300-client demo book (no target: a note of
what is fixed cost).

Target (issue 20): under 0.6 s at 100,000 clients.

Usage: python benchmarks/window.py --db PATH [--runs 5] [--no-demo]
(``--db`` is the 100,000-client bench database ``benchmarks/search.py`` builds.)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import pg_bench
import report

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NAME = "process start to window shown, Today filled"
TARGET_S = 0.6
# The bench book's own day (``pg_bench.DEMO_NOW``): the app is started as on
# it, so Today lists what a book in use lists that day, and runs on later
# days compare
BOOK_NOW = pg_bench.DEMO_NOW


def child_env(pycache: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(pycache),
               QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return env


def start_once(db_path: Path, bare: bool, env: dict[str, str], tab: str | None = None,
               now: datetime | None = None) -> tuple[float, float, float, float, float]:
    """Seconds from spawn to "shown" and to "today filled", the child's peak
    MB and the CPU seconds it (and its main thread) used until Today was
    filled; ``tab``: the tab the window was closed on (None: the first start);
    ``now``: the moment the window takes as now (None: the machine's clock)."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, str(HERE / "window_start.py"), str(db_path)]
        + (["--bare"] if bare else []) + (["--tab", tab] if tab else [])
        + (["--now", now.isoformat()] if now else []),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    times: dict[str, float] = {}
    peak = cpu = main_cpu = 0.0
    for text in child.stdout:
        line = text.strip()
        if line in ("shown", "today filled"):
            times[line] = time.perf_counter() - start
        elif line.startswith("{"):
            data = json.loads(line)
            peak, cpu = float(data["peak_mb"]), float(data["cpu_s"])
            main_cpu = float(data["main_cpu_s"])
    errors = child.stderr.read() if child.stderr else ""
    if child.wait() or len(times) != 2:
        raise SystemExit(f"window_start.py {db_path} failed:\n{errors}")
    return times["shown"], times["today filled"], peak, cpu, main_cpu


def measure(db_path: Path, runs: int, env: dict[str, str],
            now: datetime | None = None) -> dict[str, float]:
    """Medians over ``runs`` interleaved starts of the app (the first start,
    and one on the client cards) and of a bare window, after one warm-up of
    each (it writes the bytecode); ``now``: the moment the app takes as now
    (the book's own day), and then the first start also on the machine's
    clock ("aged": the book as opened that many days later, nothing logged
    since)."""
    start_once(db_path, True, env)
    start_once(db_path, False, env, now=now)
    full: list[tuple[float, float, float, float, float]] = []
    bare: list[tuple[float, float, float, float, float]] = []
    cards: list[tuple[float, float, float, float, float]] = []
    aged: list[tuple[float, float, float, float, float]] = []
    for _run in range(runs):
        bare.append(start_once(db_path, True, env))
        full.append(start_once(db_path, False, env, now=now))
        cards.append(start_once(db_path, False, env, "clients", now=now))
        if now is not None:
            aged.append(start_once(db_path, False, env))
    return {
        "cards_shown": statistics.median(r[0] for r in cards),
        "cards_filled": statistics.median(r[1] for r in cards),
        "cards_main_cpu": statistics.median(r[4] for r in cards),
        "shown": statistics.median(r[0] for r in full),
        "filled": statistics.median(r[1] for r in full),
        "peak_mb": max(r[2] for r in full),
        "bare": statistics.median(r[0] for r in bare),
        "cpu": statistics.median(r[3] for r in full),
        "bare_cpu": statistics.median(r[3] for r in bare),
        "main_cpu": statistics.median(r[4] for r in full),
        "runs_filled": [round(r[1], 3) for r in full],  # type: ignore[dict-item]
        "aged_filled": statistics.median(r[1] for r in aged) if aged else 0.0,
        "aged_main_cpu": statistics.median(r[4] for r in aged) if aged else 0.0,
    }


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-demo", action="store_true",
                        help="skip the 300-client demo book's figure")
    args = parser.parse_args()
    if not args.db.exists():
        raise SystemExit(f"{args.db} does not exist (benchmarks/search.py builds it)")
    with tempfile.TemporaryDirectory(prefix="crm-window-") as tmp:
        env = child_env(Path(tmp) / "pycache")
        big = measure(args.db, args.runs, env, BOOK_NOW)
        aged_days = (datetime.now().date() - BOOK_NOW.date()).days
        report.emit(report.Figure(
            name=NAME, engine="SQLite", value=big["filled"], unit="s", target=TARGET_S,
            baseline=big["bare"], baseline_name="bare QMainWindow", peak_mb=big["peak_mb"],
            note=(f"{args.db.name}, median of {args.runs} after a warm-up, bytecode cached, "
                  f"offscreen; window shown {big['shown']:.2f} s, Today filled "
                  f"{big['filled']:.2f} s; runs {big['runs_filled']}; the child's CPU time "
                  f"{big['cpu']:.2f} s (its window thread {big['main_cpu']:.2f} s), bare "
                  f"{big['bare_cpu']:.2f} s; a start on the client cards (closed on them): "
                  f"shown {big['cards_shown']:.2f} s, Today filled {big['cards_filled']:.2f} s, "
                  f"window thread {big['cards_main_cpu']:.2f} s; on the machine's date, "
                  f"{aged_days} days after the book's with nothing logged since: Today "
                  f"filled {big['aged_filled']:.2f} s, window thread "
                  f"{big['aged_main_cpu']:.2f} s; {load()}")))
        if args.no_demo:
            return
        demo = Path(tmp) / "demo.db"
        subprocess.run([sys.executable, "-m", "desktop_crm", "demo", "--db", str(demo),
                        "--clients", "300", "--seed", "1"], env=env, check=True,
                       capture_output=True)
        small = measure(demo, args.runs, env)
        report.emit(report.Figure(
            name=NAME + " (300-client demo)", engine="SQLite", value=small["filled"],
            unit="s", baseline=small["bare"], baseline_name="bare QMainWindow",
            peak_mb=small["peak_mb"],
            note=(f"300 demo clients, same method; window shown {small['shown']:.2f} s; "
                  f"CPU time {small['cpu']:.2f} s (window thread {small['main_cpu']:.2f} s), "
                  f"bare {small['bare_cpu']:.2f} s; on the client cards: shown "
                  f"{small['cards_shown']:.2f} s; "
                  "no target: what the start costs at any size")))


if __name__ == "__main__":
    main()
