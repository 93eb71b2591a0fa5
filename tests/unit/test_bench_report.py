"""The format every ``make bench`` figure is printed and summed up in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

from report import Figure, emit  # noqa: E402


def test_ratio_and_verdict() -> None:
    fast = Figure("search p95", "SQLite", 3.2, "ms", target=5.0, baseline=0.2,
                  baseline_name="bare lookup")
    assert fast.ratio == pytest.approx(16.0)
    assert fast.met is True
    slow = Figure("workbook", "SQLite", 9.0, "s", target=10.0, peak_mb=320.0,
                  memory_target_mb=300.0)
    assert slow.ratio is None
    assert slow.met is False  # fast enough, but over its memory target
    assert Figure("trend", "", 2.1, "s").met is None  # no target: only reported


def test_emit_appends_and_summary_prints_every_figure(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    results = tmp_path / "results.jsonl"
    monkeypatch.setenv("BENCH_RESULTS", str(results))
    emit(Figure("agenda, first call", "SQLite", 80.0, "ms", target=100.0, baseline=800.0,
                baseline_name="naive loop"))
    emit(Figure("agenda, first call", "PostgreSQL", 140.0, "ms", target=100.0))
    printed = capsys.readouterr().out
    assert "80.0 ms" in printed and "ratio 0.10x" in printed and "MISSED" in printed
    out = subprocess.run([sys.executable, str(BENCH / "summary.py"), str(results)],
                         capture_output=True, text=True, check=True).stdout
    lines = [text for text in out.splitlines() if text.startswith("| agenda")]
    assert lines == [
        "| agenda, first call | SQLite | 80.0 ms | - | naive loop: 800 ms | 0.10x "
        "| < 100 ms | met |",
        "| agenda, first call | PostgreSQL | 140 ms | - | - | - | < 100 ms | MISSED |",
    ]
    assert "2 figures, 1 targets missed." in out
