"""``desktop-crm import-contacts FILE``: contact people attached to existing
organisations (services.importing.contacts), with the command line's
contract: bad input exits 2 with one line naming the file, row and column;
nothing is written when the command fails."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop_crm.i18n import _


def add_parser(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    cmd = sub.add_parser("import-contacts", parents=[common],
                         help="attach contact people to existing organisations: the "
                              "workbook's Contacts sheet, or any sheet with the "
                              "organisation's name or UUID and the person's name")
    cmd.add_argument("file", type=Path, metavar="FILE")
    cmd.add_argument("--sheet", default=None, help="the sheet to read (default: Contacts)")
    cmd.add_argument("--dry-run", action="store_true",
                     help="check the file and print what would happen; write nothing")
    cmd.add_argument("--skip-invalid", action="store_true",
                     help="import the valid rows when some rows have errors")


def run(args: argparse.Namespace) -> int:
    from desktop_crm import cli
    from desktop_crm.domain.contact_import import field_label
    from desktop_crm.services.importing import ImportFileError, ImportRowError
    from desktop_crm.services.importing.contacts import ContactImportService, open_contacts
    from desktop_crm.storage.database import DatabaseError

    try:  # the file first: a bad file must not touch the database
        source = open_contacts(args.file, args.sheet)
    except ImportFileError as exc:
        raise cli.UserError(str(exc)) from exc
    db = cli._open(args, create=False)
    try:
        service = ContactImportService(db, user=cli._user(args))
        try:
            plan = service.plan(source)
        except ImportFileError as exc:  # no organisation or name column
            raise cli.UserError(str(exc)) from exc
        for column, key in sorted(plan.mapping.items()):
            print(_("Column {column} -> {field}", column=source.column_name(column),
                    field=field_label(key)))
        if plan.errors and not args.skip_invalid:
            raise cli.UserError(plan.first_error())
        if args.dry_run:
            print(plan.summary())
            print(_("Dry run: nothing was written"))
            return cli.EXIT_OK
        try:
            result = service.commit(source, skip_invalid=args.skip_invalid)
        except (ImportRowError, DatabaseError) as exc:
            raise cli.UserError(str(exc)) from exc
    finally:
        db.close()
    print(result.summary())
    return cli.EXIT_OK
