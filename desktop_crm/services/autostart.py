"""Start with the computer (开机启动): the one file each desktop reads at login.

- Linux (and other XDG desktops): an autostart entry,
  ``$XDG_CONFIG_HOME/autostart/desktop-crm.desktop`` (``~/.config`` by default).
- Windows: a small ``Desktop CRM.cmd`` in the user's Startup folder
  (``%APPDATA%\\Microsoft\\Windows\\Start Menu\\Programs\\Startup``). A real
  ``.lnk`` shortcut needs COM (or a young third-party writer); a command file
  needs neither, at the price of a console window that flashes at login.
- macOS: a LaunchAgent, ``~/Library/LaunchAgents/com.desktopcrm.desktop-crm.plist``
  (written with plistlib), run at load.

Turning it off removes that file and nothing else. Everything here is file
work with the platform, home folder and environment passed in, so each
platform's file is tested on any machine.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop_crm.resources import resource_path

APP_ID = "desktop-crm"
MAC_LABEL = "com.desktopcrm.desktop-crm"
WINDOWS_FILE = "Desktop CRM.cmd"
NAME = "Desktop CRM"
NAME_ZH = "客户卡片管理"
GENERIC = "Customer relationship manager"
GENERIC_ZH = "客户关系管理"
COMMENT = "Offline client-card manager for salespeople"
COMMENT_ZH = "离线客户卡片管理"


def launch_command(executable: str = sys.executable, frozen: bool | None = None,
                   platform: str = sys.platform) -> list[str]:
    """How to start the app: the bundle's own executable, else this Python
    with ``-m desktop_crm`` (pythonw.exe on Windows, which opens no console).
    On Windows the bundle's windowed ``desktop-crm.exe`` even when the window
    was opened with the console one, ``desktop-crm-cli.exe``: that one would
    open a console window at every login."""
    if frozen if frozen is not None else bool(getattr(sys, "frozen", False)):
        program = Path(executable)
        if platform == "win32" and program.name.lower() == f"{APP_ID}-cli.exe":
            windowed = program.with_name(f"{APP_ID}.exe")
            if windowed.exists():
                return [str(windowed)]
        return [executable]
    if platform == "win32":
        windowless = Path(executable).with_name("pythonw.exe")
        if windowless.name != Path(executable).name and windowless.exists():
            executable = str(windowless)
    return [executable, "-m", "desktop_crm"]


def desktop_exec(command: Sequence[str]) -> str:
    """``command`` as a desktop entry's Exec value: arguments with reserved
    characters double-quoted, with ``"`$\\`` escaped inside, and ``%`` doubled
    (the Desktop Entry Specification, "The Exec key")."""
    reserved = set(" \t\n\"'\\><~|&;$*?#()`")
    parts = []
    for arg in command:
        text = arg.replace("%", "%%")
        if any(c in reserved for c in text) or not text:
            text = '"' + "".join("\\" + c if c in '"`$\\' else c for c in text) + '"'
        parts.append(text)
    return " ".join(parts)


def desktop_entry(command: Sequence[str], icon: str, *, autostart: bool = False) -> str:
    """A desktop entry (application menu or autostart) that runs ``command``."""
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.0",
        f"Name={NAME}",
        f"Name[zh_CN]={NAME_ZH}",
        f"GenericName={GENERIC}",
        f"GenericName[zh_CN]={GENERIC_ZH}",
        f"Comment={COMMENT}",
        f"Comment[zh_CN]={COMMENT_ZH}",
        f"Exec={desktop_exec(command)}",
        f"Icon={icon}",
        "Terminal=false",
        "Categories=Office;ContactManagement;",
        "StartupWMClass=desktop-crm",
    ]
    if autostart:
        lines.append("X-GNOME-Autostart-enabled=true")
    return "\n".join(lines) + "\n"


def windows_command_file(command: Sequence[str]) -> str:
    """A Startup-folder command file that starts ``command`` and returns at
    once (``start``), with CRLF line ends; UTF-8 (code page 65001) so that a
    Chinese user name in the path survives. ``%`` is doubled: cmd expands
    ``%NAME%`` even inside quotes ("C:\\100% sales\\..." would lose a part)."""
    quoted = " ".join('"' + arg.replace("%", "%%") + '"' for arg in command)
    lines = ["@echo off", "rem " + NAME + ": started with the computer (Settings)",
             "chcp 65001 >nul", f'start "" {quoted}']
    return "\r\n".join(lines) + "\r\n"


def launch_agent(command: Sequence[str]) -> bytes:
    """A LaunchAgent property list that runs ``command`` at login."""
    import plistlib  # (its XML parser is no part of the window's start)

    return plistlib.dumps({"Label": MAC_LABEL, "ProgramArguments": list(command),
                           "RunAtLoad": True, "ProcessType": "Interactive"})


@dataclass(frozen=True)
class Autostart:
    """The start-at-login file of one user on one platform.

    Attributes:
        platform: ``sys.platform``'s value ("linux", "win32", "darwin"...).
        home: the user's home folder.
        environ: the environment (XDG_CONFIG_HOME, APPDATA).
        command: what the file starts.
        icon: the icon the desktop entry names (a path, or a theme name).
    """

    platform: str = sys.platform
    home: Path = field(default_factory=Path.home)
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    command: Sequence[str] = field(default_factory=launch_command)
    # a file, not the theme name: the autostart entry works without
    # `make install-desktop`
    icon: str = field(default_factory=lambda: str(resource_path("icons", f"{APP_ID}-256.png")))

    @property
    def path(self) -> Path:
        """Where this platform looks for it."""
        if self.platform == "win32":
            appdata = self.environ.get("APPDATA") or str(self.home / "AppData" / "Roaming")
            return (Path(appdata) / "Microsoft" / "Windows" / "Start Menu" / "Programs"
                    / "Startup" / WINDOWS_FILE)
        if self.platform == "darwin":
            return self.home / "Library" / "LaunchAgents" / f"{MAC_LABEL}.plist"
        config = self.environ.get("XDG_CONFIG_HOME", "")
        # the spec: a relative XDG_CONFIG_HOME is invalid and ignored
        base = Path(config) if config and Path(config).is_absolute() else self.home / ".config"
        return base / "autostart" / f"{APP_ID}.desktop"

    def content(self) -> bytes:
        """What the file holds."""
        if self.platform == "win32":
            return windows_command_file(self.command).encode("utf-8")
        if self.platform == "darwin":
            return launch_agent(self.command)
        return desktop_entry(self.command, self.icon, autostart=True).encode("utf-8")

    def enabled(self) -> bool:
        return self.path.is_file()

    def enable(self) -> Path:
        """Write the file (again: the command may have moved); returns its path.
        Raises OSError when it cannot be written."""
        path = self.path
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(self.content())
        partial.replace(path)
        return path

    def disable(self) -> bool:
        """Remove the file (its folder stays: other programs use it); True
        when there was one. Raises OSError when it cannot be removed."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        return True
