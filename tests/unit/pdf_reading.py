"""Reading a PDF back with poppler-utils (pdftotext, pdfinfo, pdffonts), for
the pre-visit brief's tests; ``poppler`` skips a test, with the reason, where
they are not installed (tools/system-deps.sh test installs them)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def poppler() -> None:
    """Skip the calling test when poppler-utils is missing."""
    missing = [t for t in ("pdftotext", "pdfinfo", "pdffonts") if shutil.which(t) is None]
    if missing:
        pytest.skip(f"poppler-utils is not installed ({', '.join(missing)} missing): "
                    "run tools/system-deps.sh test")


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True,
                          encoding="utf-8").stdout


def text(path: Path, *, layout: bool = True) -> str:
    """The PDF's text as ``pdftotext -layout`` reads it (the page's lines as
    they stand, both columns side by side), or in reading order (one column
    after the other) without ``layout``."""
    return _run("pdftotext", *(("-layout",) if layout else ()), "-enc", "UTF-8", str(path),
                "-")


def flat_text(path: Path) -> str:
    """The text in reading order with every run of white space removed: what
    a line wrap cut in two reads whole again."""
    return "".join(text(path, layout=False).split())


def info(path: Path) -> dict[str, str]:
    fields = {}
    for line in _run("pdfinfo", str(path)).splitlines():
        key, _sep, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def pages(path: Path) -> int:
    return int(info(path)["Pages"])


def page_size_points(path: Path) -> tuple[float, float]:
    """Width and height of the first page in points."""
    size = info(path)["Page size"].split()  # "595 x 842 pts (A4)"
    return float(size[0]), float(size[2])


def fonts(path: Path) -> list[tuple[str, bool]]:
    """(font name, embedded) of each font the PDF uses."""
    lines = _run("pdffonts", str(path)).splitlines()[2:]
    found = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object ID: "emb" is the 5th from the end
        found.append((parts[0], parts[-5] == "yes"))
    return found
