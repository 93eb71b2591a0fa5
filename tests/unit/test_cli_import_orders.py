"""``desktop-crm import FILE --kind orders [--dry-run] [--mapping ...] [--sheet ...]``:
the client import's contract (bad input exit 2 and one line, busy 3, nothing
written when it fails) for orders, on both engines."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from desktop_crm.cli import EXIT_BUSY, main
from desktop_crm.domain.sales import OrderStatus
from desktop_crm.services.sales import SalesService
from desktop_crm.storage.database import Database
from tests.conftest import one_line
from tests.unit.book import book_rows


def _xlsx(path: Path, rows: list[list[Any]], sheet: str = "Sheet") -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


@pytest.fixture
def book(tmp_path: Path, db_target: str) -> str:
    """Two clients imported from a client sheet, as a user would."""
    clients = _xlsx(tmp_path / "clients.xlsx", [["姓名", "公司", "手机"],
                                                ["张伟", "华为", "13800138000"],
                                                ["李娜", "腾讯", "13900139000"]])
    assert main(["import", str(clients), "--db", db_target]) == 0
    return db_target


ORDERS = [["手机", "客户", "公司", "日期", "产品", "数量", "金额", "状态"],
          ["13800138000", None, None, datetime(2026, 3, 5), "服务器", 2, 24000, None],
          [None, "李娜", "腾讯", "2026-03-06", "维保", None, "¥1,200.50", "已回款"]]


def _orders(target: str) -> list[tuple[str, str, Decimal, OrderStatus]]:
    db = Database.open(target)
    try:
        sales = SalesService(db)
        return sorted((o.product, str(o.ordered_on), o.amount, o.status)
                      for cid in (1, 2) for o in sales.orders_of(cid))
    finally:
        db.close()


def test_import_orders(tmp_path: Path, book: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    path = _xlsx(tmp_path / "orders.xlsx", ORDERS)
    assert main(["import", str(path), "--kind", "orders", "--db", book]) == 0
    out = capsys.readouterr().out
    assert "Column 日期 -> Order date" in out and "Column 手机 -> Client phone" in out
    assert "3 rows" not in out and "2 rows: 2 new orders, 0 skipped, 0 with errors" in out
    assert "batch 2" in out
    assert _orders(book) == [("服务器", "2026-03-05", Decimal("24000.00"), OrderStatus.WON),
                             ("维保", "2026-03-06", Decimal("1200.50"), OrderStatus.PAID)]
    # the same file again: every row is already recorded
    assert main(["import", str(path), "--kind", "orders", "--db", book]) == 0
    assert "2 rows: 0 new orders, 2 skipped" in capsys.readouterr().out
    assert len(_orders(book)) == 2


def test_a_dry_run_writes_nothing(tmp_path: Path, book: str,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    before = book_rows(book)
    path = _xlsx(tmp_path / "orders.xlsx", ORDERS)
    assert main(["import", str(path), "--kind", "orders", "--dry-run", "--db", book]) == 0
    out = capsys.readouterr().out
    assert "2 new orders" in out and "Dry run: nothing was written" in out
    assert book_rows(book) == before


@pytest.mark.parametrize("rows, extra, expected", [
    ([ORDERS[0], ORDERS[1], ["13800138000", None, None, "2026-02-30", "x", 1, 5, None]], [],
     "orders.xlsx: row 3, column 日期: Not a valid date: 2026-02-30"),
    ([ORDERS[0], ["13700000000", None, None, "2026-02-01", "x", 1, 5, None]], [],
     "orders.xlsx: row 2, column 手机: No client has the phone 13700000000"),
    ([ORDERS[0], ["13800138000", None, None, "2026-02-01", "x", 1, 5, "搁置"]], [],
     "orders.xlsx: row 2, column 状态: Unknown status"),
    (ORDERS, ["--on-duplicate", "merge"], "Orders are never merged"),
    ([["手机", "日期", "金额"], ["13800138000", "2026-01-01", 5]], [],
     "orders.xlsx: no column is mapped to Product or service (columns found: 手机, 日期, 金额); "
     'map the column that holds it with --mapping FILE.json, a JSON object such as '
     '{"手机": "product"}'),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(
        tmp_path: Path, book: str, capsys: pytest.CaptureFixture[str], rows: list[list[Any]],
        extra: list[str], expected: str) -> None:
    before = book_rows(book)
    path = _xlsx(tmp_path / "orders.xlsx", rows)
    capsys.readouterr()
    assert main(["import", str(path), "--kind", "orders", "--db", book, *extra]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and expected in one_line(err)
    assert book_rows(book) == before


def test_mapping_and_sheet_options(tmp_path: Path, book: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    book_file = tmp_path / "manager.xlsx"
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = "Summary"
    first.append(["Clients", 2])
    ws = wb.create_sheet("Q1")
    for row in [["Kunde", "Firma", "Datum", "Artikel", "Betrag"],
                ["张伟", "华为", "2026-01-08", "服务器", 99]]:
        ws.append(row)
    wb.save(book_file)
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"Kunde": "name", "Firma": "company", "Datum": "ordered_on",
                                   "Artikel": "product", "Betrag": "amount"}), encoding="utf-8")
    assert main(["import", str(book_file), "--kind", "orders", "--sheet", "Q1", "--mapping",
                 str(mapping), "--db", book]) == 0
    assert _orders(book) == [("服务器", "2026-01-08", Decimal("99.00"), OrderStatus.WON)]
    mapping.write_text(json.dumps({"Kunde": "birthday"}), encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(book_file), "--kind", "orders", "--sheet", "Q1", "--mapping",
                 str(mapping), "--db", book]) == 2
    assert "unknown field: birthday" in one_line(capsys.readouterr().err)


@pytest.mark.sqlite_only("SQLite's busy timeout")
def test_a_busy_database_is_exit_3_and_nothing_written(
        tmp_path: Path, book: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError

    from desktop_crm.storage import order_import_repo

    def locked(*args: object) -> list[int]:
        raise OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(order_import_repo, "insert_orders", locked)
    before = book_rows(book)
    path = _xlsx(tmp_path / "orders.xlsx", ORDERS)
    capsys.readouterr()
    assert main(["import", str(path), "--kind", "orders", "--db", book]) == EXIT_BUSY
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "busy" in err
    assert book_rows(book) == before  # not even the batch
