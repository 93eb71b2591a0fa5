"""Excel export and import at 100,000 clients, next to pandas.

Two figures (benchmarks/report.py), each step in a child process of its own
(its peak memory is that process's, interpreter and imports included):

- "manager workbook, all sheets": ``export_xlsx(db, path, lang="zh")``, the
  whole workbook written by xlsxwriter. Baseline: the same sheets with the
  same rows written by pandas ``DataFrame.to_excel`` (openpyxl engine, one
  DataFrame a sheet), read the same way (the app's own reads, the rows kept
  instead of written), in the same run. The issue asks for under 10 s, under
  300 MB and at least 5x faster than that baseline; the note says whether the
  5x holds.
- "import of the exported client sheet into an empty database, end to end":
  the exported Clients sheet ("客户") imported into a new, empty database
  (``ImportService.open``, ``plan`` and ``commit``, duplicate policy "skip").
  Baseline: ``pandas.read_excel`` of the same sheet with the calamine engine
  (the parser the app uses). Target: under 10 s and 500 MB.

Both run on SQLite and on PostgreSQL (``benchmarks/pg_bench.py``; the export
reads the server's copy of the demo clients, built there on first use; the
import goes into a new, empty database on the server).

pandas is a benchmark-only dependency: ``pip install -e '.[bench]'``.

Usage: python benchmarks/excel.py [--clients 100000] [--db PATH] [--keep]
    [--compare CHECKOUT] [--only export|import] [--no-pandas] [--xlsx PATH]
    [--pg-url URL | --pg-dir DIR | --no-pg]
(--db reuses that database, or builds it there when missing; else a temp dir,
removed at the end unless --keep. --compare also times another checkout of the
app (e.g. main) in the same run, printed only: its export on SQLite, its
import on both engines, each right after this checkout's. --only measures one
figure; --no-pandas leaves out the pandas baselines (the figure then has no
baseline); --xlsx imports that exported Clients sheet instead of exporting
one first. Without them it is what ``make bench`` runs.
``--step NAME`` is the child process's entry.)
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import report

NOW = datetime(2026, 11, 24, 9)
LANG = "zh"
EXPORT = "manager workbook, all sheets"
IMPORT = "import of the exported client sheet into an empty database, end to end"
EXPORT_SECONDS, EXPORT_MB, IMPORT_SECONDS, IMPORT_MB = 10.0, 300.0, 10.0, 500.0
PANDAS_FASTER = 5.0  # the issue: at least this many times faster than pandas
SCRIPT = Path(__file__)


def fixed_clock() -> datetime:
    return NOW


def clients_sheet() -> str:
    from desktop_crm.services.exporting import texts

    return texts.Texts(LANG)(texts.CLIENTS)


def _times() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


# -- the steps, each run alone in a child process ------------------------------------

def step_export(target: str, out: Path) -> dict[str, Any]:
    from desktop_crm.services.exporting import export_xlsx
    from desktop_crm.storage.database import Database

    db = Database.open(target)
    start_mb = report.peak_mb()
    helper_before = _children_cpu()
    with report.TogetherPeak() as together:
        wall, cpu = _times()
        result = export_xlsx(db, out, lang=LANG, clock=fixed_clock)
        seconds, cpu = time.perf_counter() - wall, time.process_time() - cpu
    db.close()
    # a split export's helper process (services/exporting/parallel.py): its
    # CPU counts in; the figure's memory is the processes' resident memory
    # together at its highest (sampled), and the note adds each one's own peak
    helper_cpu = _children_cpu() - helper_before
    own_mb = report.peak_mb()
    helper_mb = report.children_peak_mb() if helper_cpu else 0.0
    split = (f" (this process {cpu:.1f} s + the helper's {helper_cpu:.1f} s; memory: "
             f"the processes together at most {together.mb:.0f} MB, sampled every 20 ms; "
             f"this process's own peak {own_mb:.0f} MB, the helper's {helper_mb:.0f} MB "
             f"(Linux counts its parent's pages before its exec in), summed "
             f"{own_mb + helper_mb:.0f} MB)" if helper_cpu else "")
    return {"seconds": seconds, "cpu": cpu + helper_cpu, "start_mb": start_mb,
            "rows": result.rows,
            "together_mb": max(together.mb, own_mb) if helper_cpu else 0.0,
            "note": f"{len(result.rows) + 2} sheets, {out.stat().st_size / 1e6:.1f} MB file, "
                    f"CPU {cpu + helper_cpu:.1f} s{split}"}


def _children_cpu() -> float:
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def step_pandas_export(target: str, out: Path) -> dict[str, Any]:
    """The app's reads and rows, kept instead of written, then each sheet as
    a DataFrame through ``to_excel``."""
    import pandas as pd

    from desktop_crm.services.exporting import export_xlsx, parallel, sheet, workbook
    from desktop_crm.storage.database import Database

    sheets: dict[str, list[list[Any]]] = {}

    def keep_header(self: sheet.SheetWriter, headers: Any) -> None:
        sheets.setdefault(self.ws.name, []).append(list(headers))
        self.next_row += 1

    def keep(self: sheet.SheetWriter, values: Any, number_formats: Any = None) -> None:
        sheets[self.ws.name].append(list(values))
        self.rows += 1
        self.next_row += 1

    # one process: a split export's helper would write its sheets itself
    parallel.worth_splitting = lambda clients: False
    sheet.SheetWriter.header_row = keep_header  # type: ignore[method-assign]
    sheet.SheetWriter.append = keep  # type: ignore[method-assign]
    workbook._close = lambda wb: None  # the rows are all the baseline takes from the app
    db = Database.open(target)
    start_mb = report.peak_mb()
    wall, cpu = _times()
    export_xlsx(db, out.with_suffix(".unused.xlsx"), lang=LANG, clock=fixed_clock)
    read = time.perf_counter() - wall
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, rows in sheets.items():
            width = len(rows[0])
            frame = pd.DataFrame([r + [None] * (width - len(r)) for r in rows[1:]],
                                 columns=rows[0])
            frame.to_excel(writer, sheet_name=name, index=False)
    seconds, cpu = time.perf_counter() - wall, time.process_time() - cpu
    db.close()
    cells = sum(len(rows) * len(rows[0]) for rows in sheets.values())
    return {"seconds": seconds, "cpu": cpu, "start_mb": start_mb,
            "rows": {name: len(rows) - 1 for name, rows in sheets.items()},
            "version": pd.__version__,
            "note": f"the app's reads {read:.1f} s + to_excel {seconds - read:.1f} s, "
                    f"{cells / 1e6:.1f} M cells, {out.stat().st_size / 1e6:.1f} MB file, "
                    f"CPU {cpu:.1f} s"}


def step_import(xlsx: Path, target: str) -> dict[str, Any]:
    """Import into ``target``: a new SQLite file's path or an empty server database's URL."""
    from desktop_crm.services.importing import ImportService
    from desktop_crm.storage.database import Database

    db = Database.open(target, create=True)
    start_mb = report.peak_mb()
    wall, cpu = _times()
    svc = ImportService(db, clock=fixed_clock, backup_first=False)
    src = svc.open(xlsx, sheet=clients_sheet())
    opened = time.perf_counter() - wall
    plan = svc.plan(src, None, "skip")
    planned = time.perf_counter() - wall
    result = svc.commit(src, None, "skip", skip_invalid=True, plan=plan)
    seconds, cpu = time.perf_counter() - wall, time.process_time() - cpu
    db.close()
    counts = ", ".join(f"{k} {v:,}" for k, v in result.counts.items() if v)
    return {"seconds": seconds, "cpu": cpu, "start_mb": start_mb, "rows": result.counts,
            "note": f"open {opened:.1f} s + plan {planned - opened:.1f} s + commit "
                    f"{seconds - planned:.1f} s; {counts}"}


def step_pandas_import(xlsx: Path, engine: str) -> dict[str, Any]:
    import pandas as pd

    start_mb = report.peak_mb()
    start = time.perf_counter()
    frame = pd.read_excel(xlsx, sheet_name=clients_sheet(), engine=engine)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "start_mb": start_mb, "rows": {"rows": len(frame)},
            "version": pd.__version__,
            "note": f"{len(frame):,} rows x {len(frame.columns)} columns"}


def run_step(argv: list[str]) -> None:
    name, *args = argv
    steps = {"export": lambda: step_export(args[0], Path(args[1])),
             "pandas-export": lambda: step_pandas_export(args[0], Path(args[1])),
             "import": lambda: step_import(Path(args[0]), args[1]),
             "pandas-import": lambda: step_pandas_import(Path(args[0]), args[1])}
    result = steps[name]()
    # with a helper process: the processes together at their highest
    result["peak_mb"] = result.pop("together_mb", 0.0) or report.peak_mb()
    print(json.dumps(result, ensure_ascii=False))


def child(*argv: str | Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = report.child(SCRIPT, *argv, env=env)
    cpu = f", CPU {result['cpu']:.1f} s" if "cpu" in result else ""
    print(f"  {argv[0]}: {result['seconds']:.1f} s{cpu}, peak {result['peak_mb']:.0f} MB",
          flush=True)
    return result


# -- the parent ------------------------------------------------------------------------

def generate_demo(target: str, clients: int) -> None:
    """The benchmark's demo clients (seed 42, the fixed now) into ``target``."""
    from desktop_crm.services.demo import generate
    from desktop_crm.storage.database import Database

    db = Database.open(target, create=True)
    start = time.perf_counter()
    print(f"building {clients:,} demo clients (seed 42, now {NOW:%Y-%m-%d %H:%M}) in {target}",
          flush=True)
    try:
        generate(db, clients, seed=42, now=NOW)
    finally:
        db.close()
    print(f"built {clients:,} demo clients in {time.perf_counter() - start:.1f} s")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--step":
        run_step(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    parser.add_argument("--compare", type=Path, default=None, metavar="CHECKOUT",
                        help="also time this checkout of the app (printed only)")
    parser.add_argument("--only", choices=("export", "import"), default=None,
                        help="measure this figure only")
    parser.add_argument("--no-pandas", action="store_true",
                        help="leave out the pandas baselines")
    parser.add_argument("--xlsx", type=Path, default=None,
                        help="import this exported Clients sheet (no export first)")
    import pg_bench  # not at the top: the child processes' memory is measured

    pg_bench.add_arguments(parser)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="crm-bench-"))
    db_path: Path = args.db or workdir / "bench.db"
    try:
        if args.only == "import" and args.xlsx is not None:
            pass  # the sheet is given: no database to export from
        elif not db_path.exists():
            generate_demo(str(db_path), args.clients)
        else:
            print(f"reusing {db_path} ({db_path.stat().st_size / 1e6:.0f} MB)")
        xlsx = run_sqlite(db_path, workdir, args)
        with pg_bench.server(args) as pg:
            if pg is not None:
                run_pg(pg, xlsx, workdir, args)
    finally:
        if args.keep:
            print(f"\nkept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def export_figure(engine: str, export: dict[str, Any],
                  pandas: dict[str, Any] | None) -> report.Figure:
    rows = ", ".join(f"{k} {v:,}" for k, v in export["rows"].items())
    if pandas is None:
        return report.Figure(
            name=EXPORT, engine=engine, value=export["seconds"], unit="s",
            target=EXPORT_SECONDS, peak_mb=export["peak_mb"], memory_target_mb=EXPORT_MB,
            note=f"{export['note']}; rows: {rows}; pandas not measured (--no-pandas)")
    times = pandas["seconds"] / export["seconds"]
    holds = "holds" if times >= PANDAS_FASTER else "does NOT hold"
    # on a loaded machine the wall times say more about the neighbours: CPU too
    cpu_times = pandas["cpu"] / export["cpu"]
    return report.Figure(
        name=EXPORT, engine=engine, value=export["seconds"], unit="s", target=EXPORT_SECONDS,
        baseline=pandas["seconds"],
        baseline_name=f"pandas {pandas['version']} to_excel (openpyxl) of the same sheets",
        peak_mb=export["peak_mb"], memory_target_mb=EXPORT_MB,
        note=f"{times:.1f}x faster than pandas: the {PANDAS_FASTER:.0f}x condition {holds} "
             f"(in CPU time {cpu_times:.1f}x); "
             f"{export['note']}; rows: {rows}; pandas: {pandas['note']}, "
             f"peak {pandas['peak_mb']:.0f} MB")


def import_figure(engine: str, imported: dict[str, Any], calamine: dict[str, Any] | None,
                  extra: str = "") -> report.Figure:
    if calamine is None:
        return report.Figure(
            name=IMPORT, engine=engine, value=imported["seconds"], unit="s",
            target=IMPORT_SECONDS, peak_mb=imported["peak_mb"], memory_target_mb=IMPORT_MB,
            note=f"{imported['note']}; CPU {imported['cpu']:.1f} s; "
                 f"pandas not measured (--no-pandas)")
    return report.Figure(
        name=IMPORT, engine=engine, value=imported["seconds"], unit="s",
        target=IMPORT_SECONDS, baseline=calamine["seconds"],
        baseline_name=f"pandas {calamine['version']} read_excel (calamine)",
        peak_mb=imported["peak_mb"], memory_target_mb=IMPORT_MB,
        note=f"{imported['note']}; CPU {imported['cpu']:.1f} s; read_excel: "
             f"{calamine['note']}{extra}")


def compared(name: str, engine: str, measured: dict[str, Any], other: dict[str, Any],
             checkout: Path, target: float, memory: float) -> str:
    """A line for another checkout's run of the same step: its figure, this
    checkout's as the baseline (ratio: other / this)."""
    return report.line(report.Figure(
        name=f"{name}, {checkout}", engine=engine, value=other["seconds"], unit="s",
        target=target, baseline=measured["seconds"], baseline_name="this checkout",
        peak_mb=other["peak_mb"], memory_target_mb=memory,
        note=f"{other['note']}; CPU {other['cpu']:.1f} s (this checkout's "
             f"{measured['cpu']:.1f} s)"))


def other_checkout(args: argparse.Namespace) -> dict[str, str]:
    return {"PYTHONPATH": str(args.compare.resolve())}


def run_sqlite(db_path: Path, workdir: Path, args: argparse.Namespace) -> Path:
    xlsx: Path = args.xlsx or workdir / "export.xlsx"
    pandas = not args.no_pandas
    lines: list[str] = []
    if args.only != "import":
        print("export on SQLite ...", flush=True)
        export = child("export", db_path, xlsx)
        if args.compare is not None:
            before = child("export", db_path, workdir / "compare.xlsx", env=other_checkout(args))
            lines.append(compared(EXPORT, "SQLite", export, before, args.compare,
                                  EXPORT_SECONDS, EXPORT_MB))
        pandas_export = child("pandas-export", db_path, workdir / "pandas.xlsx") \
            if pandas else None
        report.emit(export_figure("SQLite", export, pandas_export))
    elif args.xlsx is None:
        print("export on SQLite (the sheet to import) ...", flush=True)
        child("export", db_path, xlsx)
    if args.only != "export":
        print("import on SQLite ...", flush=True)
        imported = child("import", xlsx, workdir / "imported.db")
        if args.compare is not None:
            other = child("import", xlsx, workdir / "imported-compare.db",
                          env=other_checkout(args))
            lines.append(compared(IMPORT, "SQLite", imported, other, args.compare,
                                  IMPORT_SECONDS, IMPORT_MB))
        calamine = read_openpyxl = None
        if pandas:
            calamine = child("pandas-import", xlsx, "calamine")
            read_openpyxl = child("pandas-import", xlsx, "openpyxl")
        extra = f"; read_excel (openpyxl) {read_openpyxl['seconds']:.1f} s" \
            if read_openpyxl else ""
        report.emit(import_figure("SQLite", imported, calamine, extra))
    for text in lines:
        print(text)
    return xlsx


def run_pg(pg: Any, xlsx: Path, workdir: Path, args: argparse.Namespace) -> None:
    """The export of the server's demo clients and the import into a new,
    empty database on the server (dropped afterwards)."""
    import pg_bench

    pandas = not args.no_pandas
    lines: list[str] = []
    if args.only != "import":
        pg_bench.ensure_clients(pg, args.clients, lambda url: generate_demo(url, args.clients))
        print("export on PostgreSQL ...", flush=True)
        export = child("export", pg.url, workdir / "export-pg.xlsx")
        pandas_export = child("pandas-export", pg.url, workdir / "pandas-pg.xlsx") \
            if pandas else None
        report.emit(export_figure("PostgreSQL", export, pandas_export))
    if args.only != "export":
        print("import on PostgreSQL ...", flush=True)
        imported = import_pg(pg, xlsx)
        if args.compare is not None:
            other = import_pg(pg, xlsx, other_checkout(args))
            lines.append(compared(IMPORT, "PostgreSQL", imported, other, args.compare,
                                  IMPORT_SECONDS, IMPORT_MB))
        calamine = child("pandas-import", xlsx, "calamine") if pandas else None
        report.emit(import_figure("PostgreSQL", imported, calamine))
    for text in lines:
        print(text)


def import_pg(pg: Any, xlsx: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    url = pg.new_database()
    try:
        return child("import", xlsx, url, env=env)
    finally:
        pg.drop(url)


if __name__ == "__main__":
    main()
