"""Start with the computer (desktop_crm.services.autostart): the file each
platform reads at login, written and removed on this machine with the
platform, home and environment injected."""

from __future__ import annotations

import configparser
import plistlib
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop_crm.services.autostart import (
    Autostart,
    desktop_entry,
    desktop_exec,
    launch_command,
)

COMMAND = ["/home/王芳/My Apps/python3", "-m", "desktop_crm"]


def read_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_linux_writes_an_xdg_autostart_entry_and_removes_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    start = Autostart("linux", home, {}, COMMAND)
    assert start.path == home / ".config" / "autostart" / "desktop-crm.desktop"
    assert not start.enabled()
    assert start.enable() == start.path and start.enabled()
    entry = read_entry(start.path)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Desktop CRM" and entry["Name[zh_CN]"] == "客户卡片管理"
    assert entry["Exec"] == '"/home/王芳/My Apps/python3" -m desktop_crm'
    assert Path(entry["Icon"]).is_file() and entry["Icon"].endswith("desktop-crm-256.png")
    assert entry["X-GNOME-Autostart-enabled"] == "true"
    other = start.path.parent / "other.desktop"
    other.write_text("[Desktop Entry]\n", encoding="utf-8")
    assert start.disable() and not start.path.exists()
    assert other.exists()  # the folder and the others' entries stay
    assert not start.disable()  # off already: nothing to do, no error


def test_linux_honours_xdg_config_home(tmp_path: Path) -> None:
    config = tmp_path / "config"
    start = Autostart("linux", tmp_path / "home", {"XDG_CONFIG_HOME": str(config)}, COMMAND)
    assert start.enable() == config / "autostart" / "desktop-crm.desktop"
    # a relative XDG_CONFIG_HOME is invalid (the spec): the default applies
    relative = Autostart("linux", tmp_path / "home", {"XDG_CONFIG_HOME": "cfg"}, COMMAND)
    assert relative.path == tmp_path / "home" / ".config" / "autostart" / "desktop-crm.desktop"


def test_windows_writes_a_command_file_in_the_startup_folder(tmp_path: Path) -> None:
    appdata = tmp_path / "AppData" / "Roaming"
    exe = r"C:\Users\王芳\Desktop CRM\desktop-crm.exe"
    start = Autostart("win32", tmp_path, {"APPDATA": str(appdata)}, [exe])
    assert start.path == (appdata / "Microsoft" / "Windows" / "Start Menu" / "Programs"
                          / "Startup" / "Desktop CRM.cmd")
    start.enable()
    data = start.path.read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.decode("utf-8").splitlines()
    assert lines[0] == "@echo off"
    assert "chcp 65001 >nul" in lines
    assert lines[-1] == f'start "" "{exe}"'
    assert start.disable() and not start.path.exists()
    assert start.path.parent.is_dir()


def test_windows_command_file_keeps_a_percent_sign_in_the_path() -> None:
    from desktop_crm.services.autostart import windows_command_file

    exe = r"C:\Users\wang\100%PATH% sales\desktop-crm.exe"
    assert windows_command_file([exe]).splitlines()[-1] == (
        r'start "" "C:\Users\wang\100%%PATH%% sales\desktop-crm.exe"')


def test_windows_without_appdata_uses_the_roaming_folder(tmp_path: Path) -> None:
    start = Autostart("win32", tmp_path, {}, ["x.exe"])
    assert start.path.parent == (tmp_path / "AppData" / "Roaming" / "Microsoft" / "Windows"
                                 / "Start Menu" / "Programs" / "Startup")


def test_macos_writes_a_launch_agent(tmp_path: Path) -> None:
    app = "/Applications/Desktop CRM.app/Contents/MacOS/desktop-crm"
    start = Autostart("darwin", tmp_path, {}, [app])
    assert start.path == tmp_path / "Library" / "LaunchAgents" / "com.desktopcrm.desktop-crm.plist"
    start.enable()
    with start.path.open("rb") as fh:
        agent = plistlib.load(fh)
    assert agent == {"Label": "com.desktopcrm.desktop-crm",
                     "ProgramArguments": [app],
                     "RunAtLoad": True, "ProcessType": "Interactive"}
    assert start.disable() and not start.path.exists()


def test_turning_it_on_again_rewrites_the_command(tmp_path: Path) -> None:
    Autostart("linux", tmp_path, {}, ["/old/python3", "-m", "desktop_crm"]).enable()
    start = Autostart("linux", tmp_path, {}, ["/new/python3", "-m", "desktop_crm"])
    start.enable()
    assert read_entry(start.path)["Exec"] == "/new/python3 -m desktop_crm"
    assert [p.name for p in start.path.parent.iterdir()] == ["desktop-crm.desktop"]


def test_an_unwritable_place_raises_oserror(tmp_path: Path) -> None:
    blocker = tmp_path / ".config"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(OSError):
        Autostart("linux", tmp_path, {}, COMMAND).enable()


def test_the_launch_command() -> None:
    assert launch_command("/venv/bin/python3", frozen=False, platform="linux") == [
        "/venv/bin/python3", "-m", "desktop_crm"]
    assert launch_command("/opt/desktop-crm/desktop-crm", frozen=True) == [
        "/opt/desktop-crm/desktop-crm"]


def test_windows_bundle_starts_the_windowed_program(tmp_path: Path) -> None:
    (tmp_path / "desktop-crm.exe").write_bytes(b"")
    (tmp_path / "desktop-crm-cli.exe").write_bytes(b"")
    for program in ("desktop-crm-cli.exe", "desktop-crm.exe"):
        assert launch_command(str(tmp_path / program), frozen=True, platform="win32") == [
            str(tmp_path / "desktop-crm.exe")]
    assert launch_command(str(tmp_path / "desktop-crm-cli"), frozen=True, platform="linux") == [
        str(tmp_path / "desktop-crm-cli")]


def test_windows_prefers_pythonw(tmp_path: Path) -> None:
    (tmp_path / "python.exe").write_bytes(b"")
    (tmp_path / "pythonw.exe").write_bytes(b"")
    assert launch_command(str(tmp_path / "python.exe"), frozen=False, platform="win32") == [
        str(tmp_path / "pythonw.exe"), "-m", "desktop_crm"]


def test_exec_quoting_follows_the_desktop_entry_spec() -> None:
    assert desktop_exec(["/usr/bin/app", "--db", "/data/a b.db", "100%", 'say "hi"$']) == (
        '/usr/bin/app --db "/data/a b.db" 100%% "say \\"hi\\"\\$"')


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate (Debian desktop-file-utils) is not installed")
def test_the_entries_pass_desktop_file_validate(tmp_path: Path) -> None:
    start = Autostart("linux", tmp_path, {}, COMMAND)
    menu = tmp_path / "desktop-crm.desktop"
    menu.write_text(desktop_entry(COMMAND, "desktop-crm"), encoding="utf-8")
    for path in (start.enable(), menu):
        result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True,
                                text=True, check=False)
        assert result.returncode == 0 and result.stdout == "", result.stdout
