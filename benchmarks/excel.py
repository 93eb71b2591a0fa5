"""Excel export and import at 100,000 clients, next to pandas.

Prints, for each step, the wall time and the peak memory (max RSS of a child
process that runs only that step, so the interpreter and its imports are
included), next to a pandas baseline run the same way:

- export: ``export_xlsx(db, path, lang="zh")`` (the whole manager's workbook),
  next to plain SQL selects of the live clients and of their interactions into
  DataFrames written by ``DataFrame.to_excel`` through an openpyxl
  ``ExcelWriter`` (two sheets with the same rows as the app's Clients and
  Interactions sheets; the app also writes Summary, Mackay 66, Evaluations,
  Care calendar and Complaints);
- import: the exported Clients sheet ("客户") imported into a new, empty
  database (``ImportService.open``, ``plan`` and ``commit``, duplicate policy
  "skip"), next to ``pandas.read_excel`` of the same sheet with the calamine
  engine (the parser the app uses) and with the openpyxl engine.

The import runs again into a new, empty PostgreSQL database
(``benchmarks/pg_bench.py``; reported as measured, beside SQLite's).
Targets (issue): export < 10 s and < 500 MB, import < 20 s.
pandas is a benchmark-only dependency: ``pip install -e '.[bench]'``.

Usage: python benchmarks/excel.py [--clients 100000] [--db PATH] [--keep]
    [--pg-url URL | --pg-dir DIR | --no-pg]
(--db reuses that database, or builds it there when missing; else a temp dir,
removed at the end unless --keep. --pg-url's server must let its user create
databases; without a PostgreSQL server the reason is printed and only SQLite
runs. ``--step NAME`` is the child process's entry.)
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

NOW = datetime(2026, 11, 24, 9)
LANG = "zh"
EXPORT_SECONDS, EXPORT_MB, IMPORT_SECONDS = 10.0, 500.0, 20.0

CLIENTS_SQL = "SELECT * FROM clients WHERE deleted_at IS NULL ORDER BY sort_key, id"
INTERACTIONS_SQL = (
    "SELECT i.client_id, c.name, i.occurred_at, i.channel, i.summary, i.next_step, "
    "i.follow_up_on, i.follow_up_done, i.milestone FROM interactions i "
    "JOIN clients c ON c.id = i.client_id WHERE c.deleted_at IS NULL "
    "ORDER BY c.sort_key, c.id, i.occurred_at")


def fixed_clock() -> datetime:
    return NOW


def peak_mb() -> float:
    """This process's peak resident memory. On Linux VmHWM, which starts again
    at exec (ru_maxrss would keep the parent's peak at fork)."""
    try:
        for text in Path("/proc/self/status").read_text().splitlines():
            if text.startswith("VmHWM:"):
                return int(text.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e6


def clients_sheet() -> str:
    from desktop_crm.services.exporting import texts

    return texts.Texts(LANG)(texts.CLIENTS)


# -- the steps, each run alone in a child process ------------------------------------

def step_export(db_path: Path, out: Path) -> dict[str, Any]:
    from desktop_crm.services.exporting import export_xlsx
    from desktop_crm.storage.database import Database

    db = Database.open(db_path)
    start_mb = peak_mb()
    start = time.perf_counter()
    result = export_xlsx(db, out, lang=LANG, clock=fixed_clock)
    seconds = time.perf_counter() - start
    db.close()
    return {"seconds": seconds, "start_mb": start_mb, "rows": result.rows,
            "note": f"{len(result.rows) + 1} sheets, {out.stat().st_size / 1e6:.1f} MB file"}


def step_pandas_export(db_path: Path, out: Path) -> dict[str, Any]:
    import sqlite3

    import pandas as pd

    start_mb = peak_mb()
    start = time.perf_counter()
    with sqlite3.connect(db_path) as conn:
        frames = {"clients": pd.read_sql_query(CLIENTS_SQL, conn),
                  "interactions": pd.read_sql_query(INTERACTIONS_SQL, conn)}
    conn.close()
    read = time.perf_counter() - start
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "start_mb": start_mb,
            "rows": {name: len(frame) for name, frame in frames.items()},
            "note": f"SQL read {read:.1f} s + to_excel {seconds - read:.1f} s, "
                    f"{out.stat().st_size / 1e6:.1f} MB file"}


def step_import(xlsx: Path, target: str) -> dict[str, Any]:
    """Import into ``target``: a new SQLite file's path or an empty server database's URL."""
    from desktop_crm.services.importing import ImportService
    from desktop_crm.storage.database import Database

    db = Database.open(target, create=True)
    start_mb = peak_mb()
    start = time.perf_counter()
    svc = ImportService(db, clock=fixed_clock, backup_first=False)
    src = svc.open(xlsx, sheet=clients_sheet())
    opened = time.perf_counter() - start
    plan = svc.plan(src, None, "skip")
    planned = time.perf_counter() - start
    result = svc.commit(src, None, "skip", skip_invalid=True, plan=plan)
    seconds = time.perf_counter() - start
    db.close()
    counts = ", ".join(f"{k} {v:,}" for k, v in result.counts.items() if v)
    return {"seconds": seconds, "start_mb": start_mb, "rows": result.counts,
            "note": f"open {opened:.1f} s + plan {planned - opened:.1f} s + commit "
                    f"{seconds - planned:.1f} s; {counts}"}


def step_pandas_import(xlsx: Path, engine: str) -> dict[str, Any]:
    import pandas as pd

    start_mb = peak_mb()
    start = time.perf_counter()
    frame = pd.read_excel(xlsx, sheet_name=clients_sheet(), engine=engine)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "start_mb": start_mb, "rows": {"rows": len(frame)},
            "version": pd.__version__,
            "note": f"{len(frame):,} rows x {len(frame.columns)} columns"}


def run_step(argv: list[str]) -> None:
    name, *paths = argv
    steps = {"export": lambda: step_export(Path(paths[0]), Path(paths[1])),
             "pandas-export": lambda: step_pandas_export(Path(paths[0]), Path(paths[1])),
             "import": lambda: step_import(Path(paths[0]), paths[1]),
             "pandas-import": lambda: step_pandas_import(Path(paths[0]), paths[1])}
    result = steps[name]()
    result["peak_mb"] = peak_mb()
    print(json.dumps(result, ensure_ascii=False))


def child(*argv: str | Path) -> dict[str, Any]:
    """Run one step in a new interpreter; its own max RSS is that step's peak."""
    out = subprocess.run([sys.executable, __file__, "--step", *map(str, argv)],
                         capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"step {argv[0]} failed:\n{out.stdout}{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# -- the parent ------------------------------------------------------------------------

def build(db_path: Path, clients: int) -> None:
    from desktop_crm.services.demo import generate
    from desktop_crm.storage.database import Database

    db = Database.open(db_path, create=True)
    start = time.perf_counter()
    print(f"building {clients:,} demo clients (seed 42, now {NOW:%Y-%m-%d %H:%M}) in {db_path}",
          flush=True)
    generate(db, clients, seed=42, now=NOW)
    db.close()
    print(f"built {clients:,} demo clients in {time.perf_counter() - start:.1f} s "
          f"({db_path.stat().st_size / 1e6:.0f} MB)")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def line(step: str, ours: dict[str, Any], base: dict[str, Any], target: str) -> None:
    ratio = ours["seconds"] / base["seconds"]
    print(f"  {step:28}{ours['seconds']:8.1f}s{ours['peak_mb']:7.0f}MB"
          f"{base['seconds']:8.1f}s{base['peak_mb']:7.0f}MB"
          f"{ratio:7.2f}x  {target}".rstrip())


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--step":
        run_step(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    import pg_bench  # not at the top: the child processes' memory is measured

    pg_bench.add_arguments(parser)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="crm-bench-"))
    db_path: Path = args.db or workdir / "bench.db"
    try:
        if not db_path.exists():
            build(db_path, args.clients)
        else:
            print(f"reusing {db_path} ({db_path.stat().st_size / 1e6:.0f} MB)")
        run(db_path, workdir, args)
    finally:
        if args.keep:
            print(f"\nkept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def import_on_postgres(xlsx: Path, args: argparse.Namespace) -> dict[str, Any] | None:
    """The same import into a new, empty database on the PostgreSQL server
    (dropped afterwards), or None when there is no server."""
    import pg_bench

    with pg_bench.server(args) as pg:
        if pg is None:
            return None
        url = pg.new_database()
        try:
            return child("import", xlsx, url)
        finally:
            pg.drop(url)


def run(db_path: Path, workdir: Path, args: argparse.Namespace) -> None:
    xlsx = workdir / "export.xlsx"
    print("export ...", flush=True)
    export = child("export", db_path, xlsx)
    pandas_export = child("pandas-export", db_path, workdir / "pandas.xlsx")
    print("import ...", flush=True)
    imported = child("import", xlsx, workdir / "imported.db")
    read_calamine = child("pandas-import", xlsx, "calamine")
    read_openpyxl = child("pandas-import", xlsx, "openpyxl")
    imported_pg = import_on_postgres(xlsx, args)

    sheet = clients_sheet()
    print(f"\nExcel at {export['rows'][sheet]:,} clients (pandas {read_calamine['version']}; "
          f"each step in its own process, peak = its max RSS incl. interpreter and imports)")
    print(f"  {'step':28}{'seconds':>9}{'peak':>9}{'pandas':>9}{'peak':>9}{'ratio':>8}  target")
    e_ok = export["seconds"] < EXPORT_SECONDS and export["peak_mb"] < EXPORT_MB
    line("export workbook", export, pandas_export,
         f"< {EXPORT_SECONDS:.0f} s, < {EXPORT_MB:.0f} MB: {verdict(e_ok)}")
    i_ok = imported["seconds"] < IMPORT_SECONDS
    line("import Clients sheet", imported, read_calamine,
         f"< {IMPORT_SECONDS:.0f} s: {verdict(i_ok)} (vs read_excel calamine)")
    line("  same, vs read_excel openpyxl", imported, read_openpyxl, "")
    if imported_pg is not None:
        line("import into PostgreSQL", imported_pg, read_calamine,
             f"as measured: {imported_pg['seconds'] / imported['seconds']:.2f}x SQLite's "
             f"(vs read_excel calamine)")

    print("\nwhat each step did")
    for label, result in (("export_xlsx", export), ("pandas to_excel", pandas_export),
                          ("import", imported), ("import, PostgreSQL", imported_pg),
                          ("read_excel calamine", read_calamine),
                          ("read_excel openpyxl", read_openpyxl)):
        if result is not None:
            print(f"  {label:22}{result['note']}  (process at start "
                  f"{result['start_mb']:.0f} MB)")
    rows = ", ".join(f"{k} {v:,}" for k, v in export["rows"].items())
    base_rows = ", ".join(f"{k} {v:,}" for k, v in pandas_export["rows"].items())
    print(f"  rows written: app {rows}; pandas {base_rows}")


if __name__ == "__main__":
    main()
