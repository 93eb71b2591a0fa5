"""Command line: the same services as the window (contract in DESIGN.md).

Exit code 0 on success, 2 on bad input with one line on stderr; never a
traceback for a user's mistake.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from desktop_crm import __version__
from desktop_crm.i18n import _, set_language, system_language

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {value}")
    return number


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH_OR_URL",
                        help="database file or URL (default: the user data folder)")
    common.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS,
                        help="language of messages and the window")

    parser = _Parser(prog="desktop-crm", parents=[common],
                     description="Offline client-card manager (客户卡片管理).")
    parser.add_argument("--version", action="version", version=f"desktop-crm {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    demo = sub.add_parser("demo", parents=[common], help="write realistic sample data")
    demo.add_argument("--clients", type=_positive, required=True, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    demo.add_argument("--if-missing", action="store_true",
                      help="do nothing when the database file already exists")

    search = sub.add_parser("search", parents=[common], help="find clients like the search box")
    search.add_argument("query")
    search.add_argument("--json", action="store_true")
    search.add_argument("--limit", type=_positive, default=None)

    stats = sub.add_parser("stats", parents=[common], help="headline figures")
    stats.add_argument("--json", action="store_true")

    backup = sub.add_parser("backup", parents=[common], help="back up the database")
    backup.add_argument("--to", type=Path, default=None, metavar="FILE")
    return parser


def _db_arg(args: argparse.Namespace) -> str:
    from desktop_crm.storage.database import default_db_path

    return str(getattr(args, "db", None) or default_db_path())


def _open(args: argparse.Namespace, create: bool) -> Any:
    from desktop_crm.storage.database import Database, DatabaseError

    try:
        return Database.open(_db_arg(args), create=create)
    except DatabaseError as exc:
        raise UserError(str(exc)) from exc


def _cmd_demo(args: argparse.Namespace) -> int:
    from desktop_crm.services.demo import generate
    from desktop_crm.storage.database import sqlite_path, to_url

    path = sqlite_path(to_url(_db_arg(args)))
    if args.if_missing and path is not None and path.exists():
        print(_("Database {path} exists; no demo data added", path=path))
        return EXIT_OK
    db = _open(args, create=True)
    try:
        written = generate(db, args.clients, seed=args.seed)
    finally:
        db.close()
    print(_("Wrote {n} demo clients to {path}", n=written, path=path or db.url))
    return EXIT_OK


def _cmd_search(args: argparse.Namespace) -> int:
    from desktop_crm.services.clients import ClientService

    db = _open(args, create=False)
    try:
        rows = ClientService(db).search(args.query, limit=args.limit)
    finally:
        db.close()
    if args.json:
        data = [{"id": r.id, "name": r.name, "company": r.company, "phone": r.phone}
                for r in rows]
        print(json.dumps(data, ensure_ascii=False))
    else:
        for r in rows:
            print("\t".join([str(r.id), r.name, r.company, r.phone]))
    return EXIT_OK


def _cmd_stats(args: argparse.Namespace) -> int:
    from desktop_crm.services.stats import stats

    db = _open(args, create=False)
    try:
        data = stats(db)
    finally:
        db.close()
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        for key, value in data.items():
            print(f"{key}: {value}")
    return EXIT_OK


def _cmd_backup(args: argparse.Namespace) -> int:
    from desktop_crm.services.backup import backup
    from desktop_crm.storage.database import DatabaseError

    db = _open(args, create=False)
    try:
        target = backup(db, args.to)
    except DatabaseError as exc:
        raise UserError(str(exc)) from exc
    finally:
        db.close()
    print(_("Backup written to {path}", path=target))
    return EXIT_OK


def _cmd_window(args: argparse.Namespace) -> int:
    from desktop_crm.app import run

    return run(getattr(args, "db", None), getattr(args, "lang", None))


COMMANDS = {"demo": _cmd_demo, "search": _cmd_search, "stats": _cmd_stats,
            "backup": _cmd_backup}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    set_language(getattr(args, "lang", None) or system_language())
    handler = COMMANDS.get(args.command or "", _cmd_window)
    try:
        return handler(args)
    except UserError as exc:
        print(f"desktop-crm: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
