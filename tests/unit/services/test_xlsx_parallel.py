"""A workbook split over two processes (services/exporting/parallel.py): the
same file, byte for byte, as one process writes; a failure, a helper that
dies or a cancel fails the export with one error and leaves no file."""

from __future__ import annotations

import dataclasses
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from xlsxwriter.workbook import Workbook

from desktop_crm.domain.sales import Order, OrderStatus
from desktop_crm.services.exporting import parallel, workbook
from desktop_crm.services.exporting.summary import Tally
from desktop_crm.services.files import ExportError
from desktop_crm.services.sales import SalesService
from desktop_crm.storage.database import Database
from tests.unit.services.test_xlsx_export import book, clock, export

__all__ = ["book"]  # the fixture


@pytest.fixture
def sales(db: Database, book: dict[str, int]) -> dict[str, int]:
    """The small book with orders: won, quoted and lost, of several clients."""
    service = SalesService(db, clock, user="test")
    for i, client_id in enumerate(book.values()):
        for j, status in enumerate((OrderStatus.WON, OrderStatus.QUOTED, OrderStatus.LOST)):
            service.save(Order(client_id=client_id, ordered_on=date(2026, 1 + i, 1 + j),
                               product=f"=产品{i}", quantity=1 + j,
                               amount=Decimal("123.45") * (i + 1), status=status,
                               lost_reason="价格" if status is OrderStatus.LOST else ""))
    return book


@pytest.fixture
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder of the exports (checked empty afterwards)."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    # the package's creation time fixed, so two exports compare byte for byte
    made = Workbook.__init__

    def init(self: Workbook, *args: Any, **kwargs: Any) -> None:
        made(self, *args, **kwargs)
        self.set_properties({"created": datetime(2026, 11, 24, 9, 30)})

    monkeypatch.setattr(Workbook, "__init__", init)
    return folder


@pytest.fixture
def helpers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[parallel.Helper]]:
    """Every export splits (whatever its size); the helpers started."""
    started: list[parallel.Helper] = []
    start = parallel.Helper.start

    def recorded(part: workbook.Part, tmpdir: str) -> parallel.Helper:
        helper = start(part, tmpdir)
        started.append(helper)
        return helper

    monkeypatch.setattr(parallel, "MIN_CLIENTS", 0)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    monkeypatch.setattr(parallel.Helper, "start", staticmethod(recorded))
    yield started
    for helper in started:  # none left running, whatever the test did
        helper.process.join(5)
        assert not helper.process.is_alive()


def split(monkeypatch: pytest.MonkeyPatch, on: bool) -> None:
    monkeypatch.setattr(parallel, "MIN_CLIENTS", 0 if on else 10**9)


@pytest.mark.parametrize("options", [
    {"lang": "zh"},
    {"lang": "en", "include_confidential": True},
    {"lang": "zh", "filtered": True},
])
def test_a_split_export_is_the_same_file_byte_for_byte(
        db: Database, sales: dict[str, int], tmp_path: Path, temp: Path,
        helpers: list[parallel.Helper], monkeypatch: pytest.MonkeyPatch,
        options: dict[str, Any]) -> None:
    if options.pop("filtered", False):
        options["client_ids"] = list(sales.values())[::2]
    one, two = tmp_path / "one.xlsx", tmp_path / "two.xlsx"
    split(monkeypatch, False)
    single = export(db, one, **options)
    split(monkeypatch, True)
    both = export(db, two, **options)

    assert len(helpers) == 1 and helpers[0].process.exitcode == 0
    assert both == single
    assert single.rows["销售记录" if options["lang"] == "zh" else "Sales"] > 0
    with zipfile.ZipFile(one) as a, zipfile.ZipFile(two) as b:
        assert [i.filename for i in a.infolist()] == [i.filename for i in b.infolist()]
        for name in a.namelist():
            assert a.read(name) == b.read(name), name
    assert one.read_bytes() == two.read_bytes()
    assert list(temp.iterdir()) == []


def test_the_helper_writes_the_sheets_of_orders_and_evaluations(
        db: Database, sales: dict[str, int], tmp_path: Path, temp: Path,
        helpers: list[parallel.Helper]) -> None:
    """The parts copied from the helper's package are its sheets, and their
    rows are the helper's own (not the placeholders this process wrote)."""
    seen: dict[str, set[str]] = {}
    assemble = parallel.assemble

    def spy(package: Any, helper: Path, taken: set[str], out: Any) -> None:
        with zipfile.ZipFile(helper) as theirs:
            seen["taken"] = taken
            seen["rows"] = {name for name in taken if b"<row r=\"2\"" in theirs.read(name)}
        assemble(package, helper, taken, out)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(parallel, "assemble", spy)
        export(db, tmp_path / "out.xlsx", lang="en")
    # Sales and Evaluations: the 4th and 7th sheets
    assert seen["taken"] == {"xl/worksheets/sheet4.xml", "xl/worksheets/sheet7.xml"}
    assert seen["rows"] == seen["taken"]


def _no_output(tmp_path: Path, temp: Path) -> None:
    assert list(tmp_path.glob("*out.xlsx*")) == []  # no file, no part
    assert list(temp.iterdir()) == []  # the export's temporary folder removed


def test_an_error_in_the_helper_fails_the_export(
        db: Database, sales: dict[str, int], tmp_path: Path, temp: Path,
        helpers: list[parallel.Helper], monkeypatch: pytest.MonkeyPatch) -> None:
    start = parallel.Helper.start
    missing = tmp_path / "no such folder" / "crm.db"

    def broken(part: workbook.Part, tmpdir: str) -> parallel.Helper:
        return start(dataclasses.replace(part, url=f"sqlite:///{missing}"), tmpdir)

    monkeypatch.setattr(parallel.Helper, "start", staticmethod(broken))
    with pytest.raises(Exception, match="unable to open database file"):
        export(db, tmp_path / "out.xlsx")
    _no_output(tmp_path, temp)


def test_a_file_error_in_the_helper_is_raised_as_such(
        db: Database, sales: dict[str, int], tmp_path: Path, temp: Path,
        helpers: list[parallel.Helper], monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk or a folder it cannot write in: the OSError itself, which
    the window and the command line show as for one process."""
    start = parallel.Helper.start
    not_a_folder = tmp_path / "file"
    not_a_folder.write_bytes(b"")

    def broken(part: workbook.Part, tmpdir: str) -> parallel.Helper:
        helper = start(part, str(not_a_folder))
        return helper

    monkeypatch.setattr(parallel.Helper, "start", staticmethod(broken))
    with pytest.raises(OSError, match="Not a directory") as raised:
        export(db, tmp_path / "out.xlsx")
    assert not isinstance(raised.value, ExportError)
    not_a_folder.unlink()
    _no_output(tmp_path, temp)


def test_a_helper_that_dies_fails_the_export(
        db: Database, sales: dict[str, int], tmp_path: Path, temp: Path,
        helpers: list[parallel.Helper], monkeypatch: pytest.MonkeyPatch) -> None:
    start = parallel.Helper.start

    def killed(part: workbook.Part, tmpdir: str) -> parallel.Helper:
        helper = start(part, tmpdir)
        helper.process.kill()  # as the system does when memory runs out
        return helper

    monkeypatch.setattr(parallel.Helper, "start", staticmethod(killed))
    with pytest.raises(ExportError, match=r"helper process stopped \(exit code -9\)"):
        export(db, tmp_path / "out.xlsx")
    _no_output(tmp_path, temp)


def test_a_cancel_stops_the_helper(db: Database, sales: dict[str, int], tmp_path: Path,
                                   temp: Path, helpers: list[parallel.Helper]) -> None:
    class CancelledError(Exception):  # as the window's Cancel raises in its progress
        pass

    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        raise CancelledError

    with pytest.raises(CancelledError):
        export(db, tmp_path / "out.xlsx", progress=progress)
    assert len(calls) == 1
    assert helpers[0].process.exitcode is not None  # ended, not left writing
    _no_output(tmp_path, temp)


def test_progress_counts_the_clients_both_processes_are_done_with(
        db: Database, sales: dict[str, int], tmp_path: Path, temp: Path,
        helpers: list[parallel.Helper]) -> None:
    calls: list[tuple[int, int]] = []
    export(db, tmp_path / "out.xlsx", progress=lambda done, total: calls.append((done, total)))
    total = len(sales)
    assert calls[-1] == (total, total)
    assert all(t == total and 0 <= d <= total for d, t in calls)
    assert [d for d, _t in calls] == sorted(d for d, _t in calls)


def test_small_exports_and_one_core_stay_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not parallel.worth_splitting(parallel.MIN_CLIENTS - 1)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    assert parallel.worth_splitting(parallel.MIN_CLIENTS)
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    assert not parallel.worth_splitting(100_000)


def test_tallies_add_up() -> None:
    day = date(2026, 11, 24)
    a, b = Tally(month=(2026, 11), today=day), Tally(month=(2026, 11), today=day)
    a.clients, a.grades["A"], a.interactions = 3, 2, 5
    b.orders, b.won_cents, b.client_sales = 4, {2026: 100}, {7: ("王芳", 100)}
    b.evaluations, b.late_payments, b.lost_deals = 2, 1, 1
    a.client_sales = {7: ("王芳", 50)}
    a.add(b)
    assert (a.clients, a.grades["A"], a.interactions, a.orders, a.evaluations) == (3, 2, 5, 4, 2)
    assert (a.won_cents, a.client_sales) == ({2026: 100}, {7: ("王芳", 150)})
    assert (a.late_payments, a.lost_deals) == (1, 1)


def test_the_top_clients_are_kept_whole() -> None:
    day = date(2026, 11, 24)
    tally = Tally(month=(2026, 11), today=day)
    tally.client_sales = {cid: (f"客户{cid}", 1000 - cid % 17) for cid in range(1, 200)}
    top = tally.top_clients()
    tally.keep_top_clients()
    assert len(tally.client_sales) == len(top) == 10
    merged = Tally(month=(2026, 11), today=day)
    merged.add(tally)
    assert merged.top_clients() == top
