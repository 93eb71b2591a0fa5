"""Child process of benchmarks/window.py: start the app's main window (or,
with --bare, an empty QMainWindow) the way ``desktop-crm`` does, and print
what happened as it happens, so that the parent can time each line from the
moment it spawned this process:

- "shown": the window is shown and has painted once (``grab`` forces one
  full paint, including the visible rows): the app's window paints itself
  saying "Loading…" before its database is opened (``AppWindow.start``);
- "today filled": the database opened, Today lists the day's agenda (it
  fills right after) and has painted again;
- last, a JSON object with this process's peak memory and the CPU seconds
  it (and its main thread alone) had used when Today was filled.

With ``--tab KEY`` the window starts as after being closed on that tab
(the settings remember it); without, it is the first start (no settings),
which shows Today. With ``--now ISO`` the window takes that moment as now
(the bench book's own day: a book built for one day and opened weeks later,
with no order or contact logged since, lists ten times the churn warnings
and follow-ups a used book does); without, the machine's clock.

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
    from PySide6.QtCore import QEventLoop, QSettings
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    if bare:
        window = QMainWindow()
    else:
        from desktop_crm.app import AppWindow, choose_language, pause_collector_for_start

        pause_collector_for_start()
        # the window's settings in a folder of this run's, removed before the exit
        folder = tempfile.mkdtemp(prefix="crm-window-start-")
        settings = QSettings(os.path.join(folder, "settings.ini"), QSettings.Format.IniFormat)
        if "--tab" in sys.argv:
            settings.setValue("window/tab", sys.argv[sys.argv.index("--tab") + 1])
        choose_language("zh", settings)
        # as ``desktop-crm`` starts it: the window shows saying "Loading…" and
        # opens the database once on screen, then reads Today
        clock = None
        if "--now" in sys.argv:
            from datetime import datetime

            now = datetime.fromisoformat(sys.argv[sys.argv.index("--now") + 1])
            clock = lambda: now  # noqa: E731
        keeper = AppWindow(app, db_path, settings, None, clock)
        keeper.start()
        window = keeper.window
    window.show()
    # one full paint, including the visible rows, before the event loop runs
    # what the window left for its first turn (opening the database, Today's fill)
    window.grab()
    print("shown", flush=True)
    if not bare:
        deadline = time.monotonic() + 60  # never wait forever
        while not (window.attached and window.today.loaded) and time.monotonic() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 100)
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
