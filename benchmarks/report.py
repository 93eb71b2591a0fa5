"""One format for every figure ``make bench`` prints.

Each benchmark script measures its figures (each in a process of its own where
memory matters, so that its peak is its own) and hands them to :func:`emit`,
which prints them as one line each: the measured value, the baseline measured
in the same run, their ratio, the target and whether it was met. With
``BENCH_RESULTS`` set (``make bench`` sets it) the figures are also appended
to that file as JSON lines, and ``benchmarks/summary.py`` prints the whole
table at the end, the one the README's "Speed" section shows.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One measured figure: ``value`` in ``unit`` ("ms" or "s"), lower is better."""

    name: str                      # the row, as the issue and the README name it
    engine: str                    # "SQLite", "PostgreSQL", or "" when no database is involved
    value: float
    unit: str
    target: float | None = None    # met when value < target (same unit)
    baseline: float | None = None  # the same job done another way, in the same run and unit
    baseline_name: str = ""
    peak_mb: float | None = None   # the peak resident memory of the process that measured it
    memory_target_mb: float | None = None
    note: str = ""                 # what was measured: sizes, repetitions, load

    @property
    def ratio(self) -> float | None:
        """Measured over baseline: below 1 is faster than the baseline."""
        if self.baseline is None or self.baseline <= 0:
            return None
        return self.value / self.baseline

    @property
    def met(self) -> bool | None:
        if self.target is None and self.memory_target_mb is None:
            return None
        ok = self.target is None or self.value < self.target
        if self.memory_target_mb is not None:
            ok = ok and self.peak_mb is not None and self.peak_mb < self.memory_target_mb
        return ok


def amount(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:,.0f} ms"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def verdict(figure: Figure) -> str:
    met = figure.met
    return "-" if met is None else ("met" if met else "MISSED")


def target_text(figure: Figure) -> str:
    parts = []
    if figure.target is not None:
        parts.append(f"< {amount(figure.target, figure.unit)}")
    if figure.memory_target_mb is not None:
        parts.append(f"< {figure.memory_target_mb:,.0f} MB")
    return ", ".join(parts) or "-"


def line(figure: Figure) -> str:
    peak = f"{figure.peak_mb:,.0f} MB" if figure.peak_mb is not None else "-"
    ratio = f"{figure.ratio:.2f}x" if figure.ratio is not None else "-"
    base = (f"{figure.baseline_name} {amount(figure.baseline, figure.unit)}"
            if figure.baseline is not None else "-")
    engine = f" [{figure.engine}]" if figure.engine else ""
    return (f"  {figure.name}{engine}: {amount(figure.value, figure.unit)}, peak {peak}; "
            f"baseline {base}; ratio {ratio}; target {target_text(figure)}: {verdict(figure)}"
            + (f"\n      ({figure.note})" if figure.note else ""))


def emit(*figures: Figure) -> None:
    """Print the figures; append them to ``$BENCH_RESULTS`` when it is set."""
    for figure in figures:
        print(line(figure), flush=True)
    results = os.environ.get("BENCH_RESULTS")
    if results:
        with open(results, "a", encoding="utf-8") as fh:
            for figure in figures:
                fh.write(json.dumps(asdict(figure), ensure_ascii=False) + "\n")


def load(path: Path) -> list[Figure]:
    with open(path, encoding="utf-8") as fh:
        return [Figure(**json.loads(text)) for text in fh if text.strip()]


def peak_mb() -> float:
    """This process's peak resident memory. On Linux VmHWM, which starts again
    at exec (ru_maxrss would keep the parent's peak at fork)."""
    try:
        for text in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if text.startswith("VmHWM:"):
                return int(text.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e6


def children_peak_mb() -> float:
    """The peak resident memory of the largest child process this process
    waited for (a split export's helper). Linux counts a child's size before
    its exec in, so this is at least its own peak."""
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale / 1e6


class TogetherPeak:
    """The resident memory of this process and its child processes together
    (a split export's helper, multiprocessing's resource tracker), at its
    highest, sampled every 20 ms on a thread of its own (Linux; elsewhere
    nothing is sampled and ``mb`` stays 0). Each process's VmRSS is read at
    the same moment, so two processes whose peaks come at different times
    are not summed at both peaks; pages they share count twice, so this is
    never less than what they hold together. Use as a context manager."""

    def __init__(self) -> None:
        import threading

        self.mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TogetherPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    @staticmethod
    def _rss(pid: str) -> float:
        try:
            for text in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
                if text.startswith("VmRSS:"):
                    return int(text.split()[1]) * 1024 / 1e6
        except OSError:
            pass  # gone meanwhile, or no /proc
        return 0.0

    def _run(self) -> None:
        while not self._done.wait(0.02):
            kids: list[str] = []
            for task in Path("/proc/self/task").glob("*/children"):
                with contextlib.suppress(OSError):  # a thread ended meanwhile
                    kids += task.read_text(encoding="ascii").split()
            self.mb = max(self.mb, self._rss("self") + sum(map(self._rss, kids)))


def child(script: Path, *argv: str | Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``script --step ...`` in a new interpreter and return the JSON object
    it prints last (the step adds its own ``peak_mb()`` to it)."""
    out = subprocess.run([sys.executable, str(script), "--step", *map(str, argv)],
                         capture_output=True, text=True, check=False,
                         env=None if env is None else {**os.environ, **env})
    if out.returncode:
        raise SystemExit(f"step {argv[0] if argv else ''} of {script.name} failed:\n"
                         f"{out.stdout}{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def statements(engine: Any, fn: Callable[[], Any]) -> dict[str, int]:
    """How many statements one call of ``fn`` executes on ``engine``, and in
    how many transactions (connections taken from its pool): on a server
    each statement is a round trip, each transaction about three more."""
    from sqlalchemy import event

    counted = {"statements": 0, "transactions": 0}
    # On SQLite the driver's own trace of each statement run: some reads run
    # their text on the driver's cursor, not through SQLAlchemy's execute
    # (``dialect.text_rows``), and would not be seen by its events.
    sqlite = engine.dialect.name == "sqlite"

    def statement(*_args: Any) -> None:
        counted["statements"] += 1

    def traced(sql: str) -> None:
        if sql.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            counted["statements"] += 1

    def checkout(dbapi_conn: Any, *_args: Any) -> None:
        counted["transactions"] += 1
        if sqlite:
            dbapi_conn.set_trace_callback(traced)

    def checkin(dbapi_conn: Any, *_args: Any) -> None:
        if sqlite and dbapi_conn is not None:
            dbapi_conn.set_trace_callback(None)

    if not sqlite:
        event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine.pool, "checkout", checkout)
    event.listen(engine.pool, "checkin", checkin)
    try:
        fn()
    finally:
        event.remove(engine.pool, "checkin", checkin)
        event.remove(engine.pool, "checkout", checkout)
        if not sqlite:
            event.remove(engine, "before_cursor_execute", statement)
    return counted
