"""``desktop-crm brief CLIENT --out brief.pdf``: the pre-visit brief
(拜访前简报) of one client as a PDF, with the command line's contract: bad
input (no such client, several, a bad output path) exits 2 with one line;
the command only reads the database.

The PDF is rendered with Qt (desktop_crm.ui.brief.pdf) on the offscreen
platform: no display is needed.
"""

from __future__ import annotations

import argparse
import errno
import os
from pathlib import Path
from typing import Any

from desktop_crm.i18n import _


def add_parser(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    cmd = sub.add_parser("brief", parents=[common],
                         help="the pre-visit brief of one client as a PDF (one page, two "
                              "at most)")
    cmd.add_argument("client", metavar="CLIENT",
                     help="the client's UUID, id, or a search that finds exactly one")
    cmd.add_argument("--out", type=Path, required=True, metavar="BRIEF.pdf")
    cmd.add_argument("--include-confidential", action="store_true",
                     help="also print the confidential profile answers")
    cmd.add_argument("--page-size", choices=["A4", "Letter"], default=None,
                     help="paper size (default: Letter in the US and Canada, A4 elsewhere)")


def run(args: argparse.Namespace) -> int:
    from desktop_crm import cli
    from desktop_crm.services.brief import BriefService
    from desktop_crm.services.files import refuse_protected_output, write_atomically
    from desktop_crm.ui.brief.pdf import render_pdf, system_page_size

    if not args.out.parent.is_dir():
        raise cli.UserError(_("Cannot write {path}: {reason}", path=args.out,
                              reason=os.strerror(errno.ENOENT)))
    db = cli._open(args, create=False)
    try:  # the file is written while the database is open: held, so never replaced
        refuse_protected_output(args.out)
        service = BriefService(db, user=cli._user(args))
        brief = service.brief(service.find_client(args.client), args.include_confidential)
        page_size = args.page_size or system_page_size()
        write_atomically(args.out, render_pdf(brief, page_size))
    finally:
        db.close()
    print(_("Wrote the brief of {name} to {path} ({size})", name=brief.name, path=args.out,
            size=page_size))
    return cli.EXIT_OK
