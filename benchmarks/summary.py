"""The table at the end of ``make bench``: every figure the benchmarks emitted.

Usage: python benchmarks/summary.py RESULTS.jsonl
Prints a Markdown table (the README's "Speed" section is this output) with,
for each figure, the measured value, its peak memory, the baseline measured
in the same run, their ratio, the target and whether it was met.
"""

from __future__ import annotations

import sys
from pathlib import Path

from report import Figure, amount, load, target_text, verdict

HEADER = ("| figure | engine | measured | peak memory | baseline (same run) | ratio "
          "| target | met |")


def row(figure: Figure) -> str:
    peak = f"{figure.peak_mb:,.0f} MB" if figure.peak_mb is not None else "-"
    base = (f"{figure.baseline_name}: {amount(figure.baseline, figure.unit)}"
            if figure.baseline is not None else "-")
    ratio = f"{figure.ratio:.2f}x" if figure.ratio is not None else "-"
    return (f"| {figure.name} | {figure.engine or '-'} | {amount(figure.value, figure.unit)} "
            f"| {peak} | {base} | {ratio} | {target_text(figure)} | {verdict(figure)} |")


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    path = Path(sys.argv[1])
    figures = load(path) if path.exists() else []
    if not figures:
        raise SystemExit(f"no figures in {path}")
    print(HEADER)
    print("|" + "---|" * 8)
    for figure in figures:
        print(row(figure))
    notes = [f for f in figures if f.note]
    if notes:
        print()
        for figure in notes:
            print(f"- {figure.name} ({figure.engine or 'no database'}): {figure.note}")
    missed = sum(f.met is False for f in figures)
    print(f"\n{len(figures)} figures, {missed} targets missed.")


if __name__ == "__main__":
    main()
