"""The lunar months lunar_python computed, kept in a file of the app's data
folder (``use``): a new process takes them from there instead of computing
them again.

lunar_python works out a lunar year's months from its solar terms and new
moons, about 5 ms of CPU a year, which every process paid on its first
agenda or Today (the 30-day agenda's window and a start's Today each touch
one lunar year). The file holds what the library gave, as it gave it (the
conversion stays the library's: DESIGN.md), for the library's files it came
from: another lunar_python (its files' sizes and times) computes them anew.
A file that does not read, or whose months are not whole and in order, is
left aside and written again. Without a folder (tests, scripts) nothing is
read or written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_crm.domain.dates import LunarMonths

# (the app names its folder before its first paint, when neither the dates'
# module nor lunar_python is loaded: they are imported where used)

FILE_NAME = "lunar-months.json"

_folder: Path | None = None
_primed = False
_kept: dict[int, LunarMonths] = {}  # the years the file holds


def use(folder: Path | None) -> None:
    """Keep the lunar months in ``folder`` (the app's data folder; None:
    nowhere). Read at the next agenda's start."""
    global _folder, _primed
    _folder, _primed = folder, False
    _kept.clear()


def prime() -> None:
    """Once per process and folder: take the months the file holds, when
    this lunar_python wrote them."""
    global _primed
    if _primed or _folder is None:
        return
    _primed = True
    import json

    from desktop_crm.domain import dates

    try:
        stored = json.loads((_folder / FILE_NAME).read_text(encoding="utf-8"))
        years = _years(stored)
    except (OSError, ValueError, TypeError, KeyError, IndexError):
        return  # none yet, or not one to trust: computed (and written) again
    if years:
        dates.remember_lunar_months(years)
        _kept.update(years)


def keep() -> None:
    """Write the file when lunar_python computed a year it does not hold
    (a failed write is only a cache not kept)."""
    if _folder is None:
        return
    import json

    from desktop_crm.domain import dates

    computed = dates.lunar_months_computed()
    if computed.keys() <= _kept.keys():
        return
    years = _kept | computed
    path = _folder / FILE_NAME
    part = path.with_name(f"{FILE_NAME}.{os.getpid()}.part")
    try:
        text = json.dumps({"library": _library(), "years": {
            str(year): [[m, first.isoformat(), n] for m, first, n in months]
            for year, months in sorted(years.items())}})
        _folder.mkdir(parents=True, exist_ok=True)
        part.write_text(text, encoding="utf-8")
        os.replace(part, path)
    except OSError:
        part.unlink(missing_ok=True)
        return
    _kept.update(years)


def _years(stored: Any) -> dict[int, LunarMonths]:
    """The years of a file's contents, or ValueError when they are not this
    lunar_python's or not whole and in order."""
    from datetime import date

    from desktop_crm.domain import dates

    if stored.get("library") != _library():
        raise ValueError("written by another lunar_python")
    years: dict[int, LunarMonths] = {}
    for year, months in stored["years"].items():
        found = tuple((int(m), date.fromisoformat(first), int(n)) for m, first, n in months)
        problem = dates.lunar_months_problem(found)
        if problem:
            raise ValueError(problem)
        years[int(year)] = found
    return years


def _library() -> str:
    """lunar_python's files that compute the months, as sizes and times:
    another version (or the same reinstalled) computes them anew."""
    import lunar_python

    folder = Path(lunar_python.__file__).parent
    parts = []
    for name in ("LunarYear.py", "LunarMonth.py", "util/ShouXingUtil.py"):
        stat = (folder / name).stat()
        parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return " ".join(parts)
