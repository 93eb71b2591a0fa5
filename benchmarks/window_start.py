"""Child process of benchmarks/window.py: start the app's main window (or,
with --bare, an empty QMainWindow) the way ``desktop-crm`` does, and print
what happened as it happens, so that the parent can time each line from the
moment it spawned this process:

- "shown": the window is shown and has painted once (``grab`` forces one
  full paint, including the visible rows);
- "today filled": Today lists the day's agenda (it fills right after the
  window shows) and has painted again;
- last, a JSON object with this process's peak memory and the CPU seconds
  it (and its main thread alone) had used when Today was filled.

With ``--tab KEY`` the window starts as after being closed on that tab
(the settings remember it); without, it is the first start (no settings),
which shows Today.

The process then ends at once (``os._exit``): tearing Qt and Python down is
no part of what the user waits for.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time


def main() -> None:
    db_path, bare = sys.argv[1], "--bare" in sys.argv
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    if bare:
        window = QMainWindow()
    else:
        from desktop_crm.app import create_window

        # the window's settings in a folder of this run's, removed before the exit
        folder = tempfile.mkdtemp(prefix="crm-window-start-")
        settings = QSettings(os.path.join(folder, "settings.ini"), QSettings.Format.IniFormat)
        if "--tab" in sys.argv:
            settings.setValue("window/tab", sys.argv[sys.argv.index("--tab") + 1])
        window = create_window(db_path, "zh", settings)  # type: ignore[assignment]
    window.show()
    # one full paint, including the visible rows, before the event loop runs
    # what the window left for its first turn (Today's fill)
    window.grab()
    print("shown", flush=True)
    today = getattr(window, "today", None)
    if today is not None and not getattr(today, "loaded", True):
        loop = QEventLoop()
        today.count_changed.connect(loop.quit)
        QTimer.singleShot(60_000, loop.quit)  # never wait forever
        loop.exec()
    app.processEvents()
    window.grab()  # painted again, Today with its rows
    print("today filled", flush=True)
    # CPU seconds, a second figure on a busy machine: the whole process's
    # (with the integrity check's thread) and the window's thread alone
    cpu, main_cpu = time.process_time(), time.thread_time()

    import report  # benchmarks/report.py, next to this file

    print(json.dumps({"peak_mb": report.peak_mb(), "cpu_s": cpu,
                      "main_cpu_s": main_cpu}), flush=True)
    if not bare:
        shutil.rmtree(folder, ignore_errors=True)
    os._exit(0)


if __name__ == "__main__":
    main()
