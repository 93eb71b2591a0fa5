"""Locate files under the top-level ``resources/`` folder.

Works from a source checkout (editable install) and from a PyInstaller bundle,
where the folder is unpacked next to the executable (``sys._MEIPASS``).
"""

from __future__ import annotations

import sys
from pathlib import Path


def resource_root() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resource_root().joinpath(*parts)
