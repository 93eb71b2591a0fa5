"""The lunar months lunar_python computed, kept in a file of the app's data
folder (services/lunar_cache.py): a new process's agenda takes them from
there without computing them, and gives the same items on both engines; a
file of another lunar_python, or whose months are wrong, is left aside,
the months computed and the file written again; without a folder nothing
is written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from desktop_crm.domain import dates
from desktop_crm.domain.client import ClientCard, FamilyMember
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import AgendaKind
from desktop_crm.services import lunar_cache
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database
from tests.conftest import Clock

NOW = datetime(2026, 11, 24, 9, 0)


def _new_process() -> None:
    """Forget every lunar month this process knows, as a new process would."""
    dates._REMEMBERED.clear()
    dates._COMPUTED.clear()
    dates._lunar_months.cache_clear()


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    _new_process()
    yield
    lunar_cache.use(None)
    _new_process()


@pytest.fixture
def agenda(db: Database) -> AgendaService:
    clients = ClientService(db, Clock(NOW), user="me")
    # lunar dates on days of the 30-day window: 十月十五 is 2026-12-03
    clients.save(ClientCard(name="农历", birthday=DateSpec.lunar(10, 15, year=1980),
                            family=[FamilyMember("女儿", "小雨",
                                                 birthday=DateSpec.lunar(10, 20, year=2010))]))
    return AgendaService(db, Clock(NOW), user="me")


def _lunar_items(agenda: AgendaService) -> list[Any]:
    items = agenda.agenda(30)
    assert {i.kind for i in items if i.spec is not None and i.spec.is_lunar} == {
        AgendaKind.BIRTHDAY, AgendaKind.FAMILY_BIRTHDAY}
    return items


def _computing_refused(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """lunar_python's years asked for from now on (and refused)."""
    asked: list[int] = []

    def refused(year: int) -> Any:
        asked.append(year)
        raise AssertionError("lunar_python was asked")

    monkeypatch.setattr(dates.LunarYear, "fromYear", refused)
    return asked


def test_a_new_process_takes_the_months_kept(db: Database, agenda: AgendaService,
                                             tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    lunar_cache.use(tmp_path)
    first = _lunar_items(agenda)
    kept = json.loads((tmp_path / lunar_cache.FILE_NAME).read_text(encoding="utf-8"))
    # (saving the card checked its dates: their years were computed too)
    assert set(kept["years"]) == {str(y) for y in dates.lunar_months_computed()} >= {"2026"}
    _new_process()
    lunar_cache.use(tmp_path)
    asked = _computing_refused(monkeypatch)
    assert _lunar_items(agenda) == first
    assert asked == []
    assert dates.lunar_months_computed() == {}


@pytest.mark.parametrize("spoil", ["library", "months", "text"])
def test_a_file_not_to_trust_is_left_aside_and_written_again(
        db: Database, agenda: AgendaService, tmp_path: Path, spoil: str) -> None:
    lunar_cache.use(tmp_path)
    expected = _lunar_items(agenda)
    path = tmp_path / lunar_cache.FILE_NAME
    good = path.read_text(encoding="utf-8")
    kept = json.loads(good)
    if spoil == "library":
        kept["library"] = "another lunar_python"
    elif spoil == "months":  # a month a day longer: the next begins a day late
        kept["years"]["2026"][9][2] = 31
    path.write_text("{" if spoil == "text" else json.dumps(kept), encoding="utf-8")
    _new_process()
    lunar_cache.use(tmp_path)
    assert _lunar_items(agenda) == expected
    assert set(dates.lunar_months_computed()) == {2026}  # lunar_python computed it again
    rewritten = json.loads(path.read_text(encoding="utf-8"))
    assert rewritten["years"]["2026"] == json.loads(good)["years"]["2026"]
    assert rewritten["library"] == json.loads(good)["library"]


def test_a_months_problem_is_found() -> None:
    months = dates._lunar_months(2025)  # a year with a leap month (闰六月)
    assert len(months) == 13 and dates.lunar_months_problem(months) == ""
    first, *rest = months
    assert dates.lunar_months_problem(tuple(rest)) != ""  # not whole
    assert dates.lunar_months_problem((first, *reversed(rest))) != ""
    leap = next(i for i, m in enumerate(months) if m[0] < 0)
    moved = list(months)
    moved[leap] = (-months[leap + 1][0], *months[leap][1:])
    assert dates.lunar_months_problem(tuple(moved)) != ""
    with pytest.raises(ValueError):
        dates.remember_lunar_months({2025: tuple(rest)})


def test_without_a_folder_nothing_is_kept(db: Database, agenda: AgendaService,
                                          tmp_path: Path) -> None:
    lunar_cache.use(None)
    _lunar_items(agenda)
    assert 2026 in dates.lunar_months_computed()
    assert not list(tmp_path.rglob("lunar-months*"))


def test_naming_the_folder_loads_neither_the_dates_nor_lunar_python(tmp_path: Path) -> None:
    """The app names its folder before its first paint (app.py), when
    lunar_python is not loaded yet (tests/gui/test_start_imports.py)."""
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; "
            "from desktop_crm.services import lunar_cache; "
            f"lunar_cache.use(Path({str(tmp_path)!r})); "
            "print(sorted(m for m in ('lunar_python', 'desktop_crm.domain.dates', "
            "'sqlalchemy') if m in sys.modules))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, cwd=Path(__file__).resolve().parents[3])
    assert found.stdout.strip() == "[]"
