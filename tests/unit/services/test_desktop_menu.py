"""The Linux application-menu entry (desktop_crm.services.desktop_menu and
``make install-desktop`` / ``make uninstall-desktop``): the entry and the
icons land under XDG_DATA_HOME, pass desktop-file-validate, and go again."""

from __future__ import annotations

import configparser
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_crm.resources import resource_path
from desktop_crm.services import desktop_menu

ROOT = Path(__file__).resolve().parents[3]


def entry_of(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_icons_are_there_in_every_size() -> None:
    for size in desktop_menu.PNG_SIZES:
        head = resource_path("icons", f"desktop-crm-{size}.png").read_bytes()[:26]
        assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
        # width, height, then bit depth 8 and colour type 6: RGBA (transparent corners)
        assert struct.unpack(">IIBB", head[16:26]) == (size, size, 8, 6)
    svg = resource_path("icons", "desktop-crm.svg").read_text(encoding="utf-8")
    assert 'viewBox="0 0 256 256"' in svg


def test_install_and_uninstall(tmp_path: Path) -> None:
    data = desktop_menu.data_home(tmp_path, {})
    assert data == tmp_path / ".local" / "share"
    other = data / "icons" / "hicolor" / "48x48" / "apps" / "other.png"
    other.parent.mkdir(parents=True)
    other.write_bytes(b"not ours")
    files = desktop_menu.install(data, ["/opt/crm/bin/desktop-crm"], resource_path("icons"))
    assert all(f.is_file() for f in files) and len(files) == 9
    entry = entry_of(data / "applications" / "desktop-crm.desktop")
    assert entry["Name"] == "Desktop CRM" and entry["Name[zh_CN]"] == "客户卡片管理"
    assert entry["Exec"] == "/opt/crm/bin/desktop-crm" and entry["Icon"] == "desktop-crm"
    assert entry["Categories"].split(";")[0] == "Office"
    assert "X-GNOME-Autostart-enabled" not in entry  # a menu entry, not an autostart one
    png = data / "icons" / "hicolor" / "256x256" / "apps" / "desktop-crm.png"
    assert png.read_bytes() == resource_path("icons", "desktop-crm-256.png").read_bytes()
    assert desktop_menu.uninstall(data) == files
    assert not any(f.exists() for f in files)
    assert other.read_bytes() == b"not ours"
    assert desktop_menu.uninstall(data) == []


def test_xdg_data_home_is_honoured(tmp_path: Path) -> None:
    assert desktop_menu.data_home(tmp_path, {"XDG_DATA_HOME": str(tmp_path / "d")}) == (
        tmp_path / "d")
    assert desktop_menu.data_home(tmp_path, {"XDG_DATA_HOME": "rel"}) == (
        tmp_path / ".local" / "share")


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate (Debian desktop-file-utils) is not installed")
def test_the_installed_entry_is_valid(tmp_path: Path) -> None:
    desktop_menu.install(tmp_path, ["/opt/crm/bin/desktop-crm"], resource_path("icons"))
    result = subprocess.run(
        ["desktop-file-validate", str(tmp_path / "applications" / "desktop-crm.desktop")],
        capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout == "", result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_install_desktop_and_uninstall_desktop(tmp_path: Path) -> None:
    """The Makefile's targets, with this Python's environment as the venv
    and its stamp never remade (-o: no pip install from a test)."""
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "share")}
    venv = Path(sys.executable).parent.parent
    make = ["make", "-s", "-C", str(ROOT), f"VENV={venv}", f"STAMP={__file__}", "-o", __file__]
    done = subprocess.run([*make, "install-desktop"], env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    entry = entry_of(tmp_path / "share" / "applications" / "desktop-crm.desktop")
    assert entry["Exec"] == str(venv / "bin" / "desktop-crm")
    assert (tmp_path / "share" / "icons" / "hicolor" / "scalable" / "apps"
            / "desktop-crm.svg").is_file()
    done = subprocess.run([*make, f"PYTHON={sys.executable}", "uninstall-desktop"], env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "share" / "applications" / "desktop-crm.desktop").exists()
