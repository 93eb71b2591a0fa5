"""The application-menu entry on Linux desktops (``make install-desktop``):
a desktop entry in ``$XDG_DATA_HOME/applications`` and the app's icon in the
hicolor theme under ``$XDG_DATA_HOME/icons`` (``~/.local/share`` by
default), and their removal. File work only; the caches desktops keep are
refreshed by the caller where their tools exist."""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from desktop_crm.services.autostart import APP_ID, desktop_entry

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)


def data_home(home: Path, environ: Mapping[str, str]) -> Path:
    """$XDG_DATA_HOME when set to an absolute path, else ~/.local/share."""
    value = environ.get("XDG_DATA_HOME", "")
    return Path(value) if value and Path(value).is_absolute() else home / ".local" / "share"


def installed_files(data: Path) -> list[Path]:
    """Every file ``install`` writes under ``data``."""
    icons = data / "icons" / "hicolor"
    return ([data / "applications" / f"{APP_ID}.desktop"]
            + [icons / f"{n}x{n}" / "apps" / f"{APP_ID}.png" for n in PNG_SIZES]
            + [icons / "scalable" / "apps" / f"{APP_ID}.svg"])


def install(data: Path, command: Sequence[str], icons: Path) -> list[Path]:
    """Write the menu entry running ``command`` and copy the icons from
    ``icons`` (desktop-crm.svg, desktop-crm-<size>.png); returns the files."""
    entry, *pngs, svg = installed_files(data)
    sources = [icons / f"{APP_ID}-{n}.png" for n in PNG_SIZES]
    for source, target in [*zip(sources, pngs, strict=True), (icons / f"{APP_ID}.svg", svg)]:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(desktop_entry(command, APP_ID), encoding="utf-8")
    return installed_files(data)


def uninstall(data: Path) -> list[Path]:
    """Remove what ``install`` wrote (the theme's folders stay); returns the
    files removed."""
    removed = []
    for path in installed_files(data):
        if path.is_file():
            path.unlink()
            removed.append(path)
    return removed
