"""``python -m desktop_crm``: the same as the ``desktop-crm`` command."""

import sys

from desktop_crm.cli import main

sys.exit(main())
