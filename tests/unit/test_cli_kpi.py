"""`desktop-crm kpi` and the sales figures of `stats --json`, on both engines."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from desktop_crm.cli import kpi_period, main
from desktop_crm.domain.loyalty import KPI_KEYS
from desktop_crm.storage.database import Database
from tests.conftest import one_line
from tests.unit.book import book_rows
from tests.unit.loyalty_book import EXPECTED, OTHER, OWNER, write_book


@pytest.fixture
def book(db_target: str) -> str:
    db = Database.open(db_target)
    try:
        write_book(db)
    finally:
        db.close()
    return db_target


def _kpi(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["kpi", *args, "--json"]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def test_kpi_json_gives_the_ten_figures_of_the_period(
        book: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = _kpi(capsys, "--db", book, "--from", "2026-01-01", "--to", "2026-06-30",
                "--owner", OWNER)
    assert (data["from"], data["to"]) == ("2026-01-01", "2026-06-30")
    assert data["previous"] == {"from": "2025-07-01", "to": "2025-12-31"}
    kpis = data["kpis"]
    assert isinstance(kpis, dict) and list(kpis) == list(KPI_KEYS)
    for key, expected in EXPECTED.items():
        assert kpis[key] == pytest.approx(expected), key
    assert kpis["client_base"] == 5 and isinstance(kpis["client_base"], int)
    # --mine is the user's clients; everyone's includes the other owner's client
    mine = _kpi(capsys, "--db", book, "--from", "2026-01-01", "--to", "2026-06-30", "--mine",
                "--user", OWNER)
    assert mine["kpis"] == kpis
    everyone = _kpi(capsys, "--db", book, "--from", "2026-01-01", "--to", "2026-06-30")
    assert everyone["kpis"]["client_base"] == 6  # type: ignore[index]
    theirs = _kpi(capsys, "--db", book, "--from", "2026-01-01", "--to", "2026-06-30",
                  "--owner", OTHER)
    assert theirs["kpis"]["average_purchase"] == 8888  # type: ignore[index]


def test_an_undefined_figure_is_null(book: str, capsys: pytest.CaptureFixture[str]) -> None:
    kpis = _kpi(capsys, "--db", book, "--from", "2031-01-01", "--to", "2031-01-31")["kpis"]
    assert isinstance(kpis, dict)
    assert kpis["client_base"] == 0 and kpis["churn_rate"] is None
    assert kpis["average_purchase"] is None and kpis["new_clients_per_month"] == 0


def test_kpi_text_is_a_table_with_labels(book: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kpi", "--db", book, "--from", "2026-01-01", "--to", "2026-06-30",
                 "--owner", OWNER, "--lang", "zh"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 11 and "2026-01-01" in lines[0] and "2025-07-01" in lines[0]
    assert lines[1].startswith("客户基础") and lines[1].split()[-1] == "5"
    churn = next(line for line in lines if line.startswith("流失率"))
    assert churn.split()[1:] == ["50.0%", "2", "/", "4"]
    average = next(line for line in lines if line.startswith("平均消费金额"))
    assert "403.33 CNY" in average


@pytest.mark.parametrize(("args", "needle"), [
    (["--from", "2026-02-30", "--to", "2026-03-01"], "--from"),
    (["--from", "2026-01-01", "--to", "1.3.2026"], "--to"),
    (["--from", "2026-7-1", "--to", "2026-08-01"], "--from"),
    (["--from", "2026-07-01", "--to", "2026-06-30"], "2026-07-01"),
    (["--mine", "--owner", "x"], "--owner"),
])
def test_bad_periods_exit_2_with_one_line(book: str, capsys: pytest.CaptureFixture[str],
                                          args: list[str], needle: str) -> None:
    before = book_rows(book)
    try:
        code = main(["kpi", "--db", book, *args])
    except SystemExit as exc:  # argparse's errors
        code = int(exc.code or 0)
    assert code == 2
    captured = capsys.readouterr()
    assert needle in one_line(captured.err) and captured.out == ""
    assert book_rows(book) == before


def test_kpi_refuses_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "missing.db"
    assert main(["kpi", "--db", str(path)]) == 2
    assert str(path) in one_line(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


def test_the_default_period() -> None:
    today = date(2026, 12, 6)
    # neither: the last 12 full months
    assert kpi_period(None, None, today) == (date(2025, 12, 1), date(2026, 11, 30))
    assert kpi_period(None, None, date(2026, 1, 1)) == (date(2025, 1, 1), date(2025, 12, 31))
    # only --from: up to today; only --to: the year ending that day
    assert kpi_period(date(2026, 3, 1), None, today) == (date(2026, 3, 1), today)
    assert kpi_period(None, date(2026, 6, 30), today) == (date(2025, 7, 1), date(2026, 6, 30))
    assert kpi_period(None, date(2024, 2, 29), today) == (date(2023, 3, 1), date(2024, 2, 29))
    assert kpi_period(date(2026, 1, 5), date(2026, 1, 9), today) == (date(2026, 1, 5),
                                                                     date(2026, 1, 9))


def test_stats_json_gains_orders_and_sales(book: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--db", book, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # every order of a live client (client 11's is in the trash): 18 orders,
    # 16 of them won: 15 in CNY, one in USD
    assert data["orders"] == 18
    cny = 100 + 200 + 300 + 500 + 50 + 100 + 1000 + 200 + 80 + 20 + 70 + 10 + 400 + 10 + 8888
    assert data["sales"] == {"CNY": {"orders": 15, "amount": f"{cny}.00"},
                             "USD": {"orders": 1, "amount": "5000.00"}}
