"""Child process of benchmarks/search.py: show the main window (or, with
--bare, an empty QMainWindow), let it paint once, print "shown", exit."""

from __future__ import annotations

import sys
import tempfile


def main() -> None:
    db_path, bare = sys.argv[1], "--bare" in sys.argv
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    if bare:
        window = QMainWindow()
    else:
        from desktop_crm.app import create_window

        settings = QSettings(tempfile.mktemp(suffix=".ini"), QSettings.Format.IniFormat)
        window = create_window(db_path, "zh", settings)  # type: ignore[assignment]
    window.show()
    app.processEvents()
    window.grab()  # force one full paint, including the visible rows of the list
    print("shown", flush=True)


if __name__ == "__main__":
    main()
