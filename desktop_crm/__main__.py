"""``python -m desktop_crm``: the same as the ``desktop-crm`` command."""

import sys

if getattr(sys, "frozen", False):
    # the bundle: a process it spawns (the workbook export's helper,
    # services/exporting/parallel.py) runs this program too, and must become
    # that process here instead of starting the app
    import multiprocessing

    multiprocessing.freeze_support()

from desktop_crm.cli import main

sys.exit(main())
