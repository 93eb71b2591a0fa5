"""Put Desktop CRM in the Linux application menu, or take it out again
(`make install-desktop` / `make uninstall-desktop`):

    python tools/desktop_menu.py install --exec /path/to/.venv/bin/desktop-crm
    python tools/desktop_menu.py uninstall

Writes ~/.local/share/applications/desktop-crm.desktop (honouring
XDG_DATA_HOME) and the icon into ~/.local/share/icons/hicolor, then refreshes
the desktop's caches where their tools are installed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_crm.resources import resource_path
from desktop_crm.services import desktop_menu


def refresh_caches(data: Path) -> None:
    """Best effort: menus and icon themes also rescan on their own."""
    for command in (["update-desktop-database", "-q", str(data / "applications")],
                    ["gtk-update-icon-cache", "-q", "-t", str(data / "icons" / "hicolor")]):
        if shutil.which(command[0]):
            subprocess.run(command, check=False, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("install", "uninstall"))
    parser.add_argument("--exec", dest="command", default=None,
                        help="the program the menu entry starts (default: this Python "
                             "with -m desktop_crm)")
    args = parser.parse_args(argv)
    data = desktop_menu.data_home(Path.home(), os.environ)
    try:
        if args.action == "install":
            command = [args.command] if args.command else [sys.executable, "-m", "desktop_crm"]
            files = desktop_menu.install(data, command, resource_path("icons"))
            print(f"Installed {files[0]} and the icon in {data / 'icons' / 'hicolor'}")
        else:
            files = desktop_menu.uninstall(data)
            print(f"Removed {len(files)} files from {data}")
    except OSError as exc:
        print(f"desktop-menu: {exc}", file=sys.stderr)
        return 2
    refresh_caches(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
