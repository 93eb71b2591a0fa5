"""Command line: the same services as the window (contract in README.md, "Command line").

Exit code 0 on success, 2 on bad input with one line on stderr; never a
traceback for a user's mistake.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NoReturn

from desktop_crm import __version__, cli_brief, cli_card_scan, cli_contacts
from desktop_crm.domain.errors import CrmError
from desktop_crm.i18n import _, ngettext, set_language, system_language

EXIT_OK = 0
EXIT_CANCELLED = 1  # the user answered no
EXIT_BAD_INPUT = 2
EXIT_BUSY = 3  # another window or program held the database longer than the busy timeout
MAX_DAYS = 3660  # --days: about ten years
MAX_DEMO_CLIENTS = 1_000_000  # demo --clients: ten times the largest book measured
USER_ENV = "DESKTOP_CRM_USER"  # the user's name when --user is not given


class UserError(CrmError):
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


def _days(value: str) -> int:
    number = _positive(value)
    if not 1 <= number <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_DAYS}: {value}")
    return number


def _day(value: str) -> date:
    """A date as YYYY-MM-DD (--from, --to)."""
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _demo_clients(value: str) -> int:
    number = _positive(value)
    if not 1 <= number <= MAX_DEMO_CLIENTS:
        raise argparse.ArgumentTypeError(
            f"must be between 1 and {MAX_DEMO_CLIENTS}: {value}")
    return number


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH_OR_URL",
                        help="database file or URL (default: the user data folder)")
    common.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS,
                        help="language of messages and the window")
    common.add_argument("--user", default=argparse.SUPPRESS, metavar="NAME",
                        help=f"your name, recorded as the author of changes and meant by "
                             f"--mine (default: ${USER_ENV}, else the account's full name)")

    parser = _Parser(prog="desktop-crm", parents=[common],
                     description="Offline client-card manager (客户卡片管理).")
    parser.add_argument("--version", action="version", version=f"desktop-crm {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help="open the demo book (made with 300 demo clients when missing) "
                             "instead of your own")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    demo = sub.add_parser("demo", parents=[common], help="write realistic sample data")
    demo.add_argument("--clients", type=_demo_clients, required=True, metavar="N",
                      help=f"how many clients, 1 to {MAX_DEMO_CLIENTS:,}")
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    demo.add_argument("--if-missing", action="store_true",
                      help="do nothing when the database file already exists (a server "
                           "database: when it already holds clients)")
    demo.add_argument("--add", action="store_true",
                      help="add demo clients to a database that already holds clients "
                           "(never the default database)")

    search = sub.add_parser("search", parents=[common], help="find clients like the search box")
    search.add_argument("query", nargs="?", default=None)
    search.add_argument("--grade", default=None, metavar="A|B|C|unrated",
                        help="only clients of this grade (the latest evaluation's)")
    search.add_argument("--json", action="store_true")
    search.add_argument("--limit", type=_positive, default=None)
    _add_owner_options(search, "only your clients (owner: your name)")

    stats = sub.add_parser("stats", parents=[common], help="headline figures")
    stats.add_argument("--json", action="store_true")

    kpi = sub.add_parser("kpi", parents=[common],
                         help="the ten loyalty KPIs of a period (default: the last 12 full "
                              "months)")
    kpi.add_argument("--from", dest="start", type=_day, default=None, metavar="YYYY-MM-DD",
                     help="first day of the period (alone: up to today)")
    kpi.add_argument("--to", dest="end", type=_day, default=None, metavar="YYYY-MM-DD",
                     help="last day of the period (alone: the year ending that day)")
    kpi.add_argument("--json", action="store_true")
    _add_owner_options(kpi, "only your clients (owner: your name)")

    backup = sub.add_parser("backup", parents=[common],
                            help="back up the database, or list its backups")
    what = backup.add_mutually_exclusive_group()
    what.add_argument("--to", type=Path, default=None, metavar="FILE",
                      help="write the backup here (default: the backups folder)")
    what.add_argument("--list", action="store_true",
                      help="list the backups with their date, reason, clients and size")
    backup.add_argument("--json", action="store_true", help="with --list: print JSON")

    restore = sub.add_parser("restore", parents=[common],
                             help="replace the database with a backup")
    restore.add_argument("backup_file", type=Path, metavar="BACKUP")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    agenda = sub.add_parser("agenda", parents=[common],
                            help="birthdays, follow-ups and festivals coming up")
    agenda.add_argument("--days", type=_days, default=30, metavar="N")
    agenda.add_argument("--json", action="store_true")
    _add_owner_options(agenda, "only your clients' items (owner: your name)")

    copy = sub.add_parser("copy", parents=[common],
                          help="copy a whole database into another (a laptop's file into "
                               "the team's PostgreSQL database, or back)")
    copy.add_argument("--from", dest="source", required=True, metavar="PATH_OR_URL",
                      help="the Desktop CRM database to copy")
    copy.add_argument("--to", dest="target", required=True, metavar="PATH_OR_URL",
                      help="a new file, or a database with no clients yet")

    _add_import_parser(sub.add_parser("import", parents=[common],
                                      help="read clients from .xlsx, .xls, .ods, .csv or .vcf "
                                           "(orders with --kind orders)"))

    _add_export_parsers(sub.add_parser("export", parents=[common], help="write a file"),
                        common)
    cli_contacts.add_parser(sub, common)
    cli_card_scan.add_parser(sub, common)
    cli_brief.add_parser(sub, common)
    return parser


def _add_owner_options(command: argparse.ArgumentParser, mine_help: str) -> None:
    whose = command.add_mutually_exclusive_group()
    whose.add_argument("--mine", action="store_true", help=mine_help)
    whose.add_argument("--owner", default=None, metavar="NAME",
                       help="only the clients whose owner is NAME")


def _user(args: argparse.Namespace) -> str:
    """The user's name: --user, else $DESKTOP_CRM_USER, else the account's full
    name (else the login name)."""
    from desktop_crm.services.clock import clean_user_name, current_user

    given = getattr(args, "user", None)
    if given is not None and not clean_user_name(given):
        raise UserError(_("--user needs a name"))
    return clean_user_name(given) or clean_user_name(os.environ.get(USER_ENV)) \
        or current_user()


def _owner(args: argparse.Namespace) -> str | None:
    """Whose clients a command lists: --owner NAME, --mine (the user), or None (everyone)."""
    from desktop_crm.services.clock import clean_user_name

    if args.owner is not None:
        owner = clean_user_name(args.owner)
        if not owner:
            raise UserError(_("--owner needs a name"))
        return owner
    return _user(args) if args.mine else None


def _add_export_parsers(export: argparse.ArgumentParser, common: _Parser) -> None:
    """``export FORMAT OUT ...``: one sub-command per file format."""
    formats = export.add_subparsers(dest="format", metavar="FORMAT", required=True,
                                    parser_class=_Parser)
    ics = formats.add_parser("ics", parents=[common], help="care calendar for other calendars")
    ics.add_argument("out", type=Path, metavar="OUT.ics")
    ics.add_argument("--days", type=_days, default=365, metavar="N")
    xlsx = formats.add_parser("xlsx", parents=[common], help="workbook for the manager")
    xlsx.add_argument("out", type=Path, metavar="OUT.xlsx")
    xlsx.add_argument("--include-confidential", action="store_true",
                      help="also export confidential profile answers")
    vcf = formats.add_parser("vcf", parents=[common], help="contacts for phones (vCard 3.0)")
    vcf.add_argument("out", type=Path, metavar="OUT.vcf")
    vcf.add_argument("--photos", action="store_true",
                     help="include the clients' photos (the file grows by 100-400 KB a photo)")


def _db_arg(args: argparse.Namespace) -> str:
    from desktop_crm.storage.database import default_db_path

    return str(getattr(args, "db", None) or default_db_path())


def _open(args: argparse.Namespace, create: bool) -> Any:
    """The database; without ``create`` (commands that only read) a missing or
    empty file is refused, so a read never writes a schema into it."""
    from desktop_crm.storage.database import Database, DatabaseDamagedError, DatabaseError

    if not create:
        _refuse_empty(args)
    try:
        return Database.open(_db_arg(args), create=create)
    except DatabaseDamagedError as exc:
        raise UserError(_("{error}; list the backups with: desktop-crm backup --list --db "
                          "{db}, and restore one with: desktop-crm restore BACKUP --db {db}",
                          error=exc, db=exc.path)) from exc
    except DatabaseError as exc:
        raise UserError(str(exc)) from exc


def _empty_file(args: argparse.Namespace) -> Path | None:
    """The database file when it exists and is empty (0 bytes), else None."""
    from desktop_crm.storage.database import sqlite_path, to_url

    path = sqlite_path(to_url(_db_arg(args)))
    try:
        return path if path is not None and path.is_file() and path.stat().st_size == 0 \
            else None
    except OSError:
        return None


def _refuse_empty(args: argparse.Namespace) -> None:
    path = _empty_file(args)
    if path is not None:
        raise UserError(_("{path} is an empty file, not a Desktop CRM database yet; this "
                          "command only reads, so it was left unchanged", path=path))


def _sqlite_file(args: argparse.Namespace) -> Path:
    """The database file for commands that work on the file itself, also when
    it cannot be opened (backup --list, restore)."""
    from desktop_crm.services.backup import server_backups_message
    from desktop_crm.storage.database import shown_url, sqlite_path, to_url

    url = to_url(_db_arg(args))
    path = sqlite_path(url)
    if path is None:  # a server: refused before connecting to it
        raise UserError(server_backups_message(shown_url(url)))
    return path


def _cmd_demo(args: argparse.Namespace) -> int:
    from desktop_crm.services.demo import generate
    from desktop_crm.services.demo_book import demo_book_path, holds_clients, is_default_database
    from desktop_crm.storage.database import shown_url, sqlite_path, to_url

    # demo data has a book of its own: without --db, the demo book; the
    # user's own book (the default database) never gets invented clients
    own_book = getattr(args, "db", None) is None
    if own_book:
        args.db = str(demo_book_path())
    elif is_default_database(args.db):
        raise UserError(_("{path} is your own client book; demo data is never written into "
                          "it. Leave out --db to write the demo book ({demo}), which "
                          "desktop-crm --demo opens", path=args.db, demo=demo_book_path()))
    url = to_url(_db_arg(args))
    path = sqlite_path(url)
    if args.if_missing and path is not None and path.exists():
        print(_("Database {path} exists; no demo data added", path=path))
        return EXIT_OK
    db = _open(args, create=True)
    try:
        if holds_clients(db):
            # a server database always exists: --if-missing means "holds no clients yet"
            if args.if_missing:
                print(_("Database {path} already holds clients; no demo data added",
                        path=shown_url(url)))
                return EXIT_OK
            if not args.add and own_book:
                raise UserError(_("The demo book {path} already holds clients; no demo data "
                                  "added. Open it with desktop-crm --demo, or add more with "
                                  "--add", path=path))
            if not args.add:
                raise UserError(_("{path} already holds clients; demo data was not added. "
                                  "Add it anyway with --add, or leave out --db to write the "
                                  "demo book", path=path or shown_url(url)))
        written = generate(db, args.clients, seed=args.seed)
    finally:
        db.close()
    print(ngettext("Wrote {n} demo client to {path}",
                   "Wrote {n} demo clients to {path}",
                   written, path=path or shown_url(url)))
    if own_book:
        print(_("Open it with: desktop-crm --demo"))
    return EXIT_OK


def _grade(value: str) -> str:
    """A grade as --grade takes it: A, B, C (either case) or unrated; checked
    after the language is set, so the refusal is in the user's language."""
    grade = value.strip()
    grade = grade.upper() if len(grade) == 1 else grade.lower()
    if grade not in ("A", "B", "C", "unrated"):
        raise UserError(_('--grade must be A, B, C or unrated, not "{value}"', value=value))
    return grade


def _cmd_search(args: argparse.Namespace) -> int:
    from desktop_crm.services.clients import ClientService

    owner = _owner(args)
    grade = None if args.grade is None else _grade(args.grade)
    if args.query is None and grade is None:
        raise UserError(_("search needs a text to find, --grade, or both"))
    db = _open(args, create=False)
    try:
        rows = ClientService(db, user=_user(args)).search(args.query or "", limit=args.limit,
                                                          owner=owner, grade=grade)
    finally:
        db.close()
    if args.json:
        data = [{"id": r.id, "name": r.name, "company": r.company, "phone": r.phone,
                 "grade": r.grade} for r in rows]
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


def kpi_period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """The period of ``kpi``: both given, as given; only --from: up to today;
    only --to: the year ending that day; neither: the last 12 full calendar
    months (the year to the end of last month)."""
    if start is not None and end is not None:
        return start, end
    if start is not None:
        return start, today
    if end is None:
        end = today.replace(day=1) - timedelta(days=1)
    try:
        year_before = end.replace(year=end.year - 1)
    except ValueError:  # 29 February: the year from 1 March
        year_before = end.replace(year=end.year - 1, day=28)
    return year_before + timedelta(days=1), end


def _cmd_kpi(args: argparse.Namespace) -> int:
    from desktop_crm.domain.loyalty import KPI_KEYS, check_period
    from desktop_crm.services.clock import system_clock
    from desktop_crm.services.loyalty import LoyaltyService

    start, end = kpi_period(args.start, args.end, system_clock().date())
    check_period(start, end)
    owner = _owner(args)
    db = _open(args, create=False)
    try:
        report = LoyaltyService(db, user=_user(args)).kpis(start, end, owner=owner)
    finally:
        db.close()
    if args.json:
        prev_start, prev_end = report.previous
        print(json.dumps({
            "from": start.isoformat(), "to": end.isoformat(),
            "previous": {"from": prev_start.isoformat(), "to": prev_end.isoformat()},
            "owner": owner, "currency": "CNY",
            "kpis": {key: report.values[key] for key in KPI_KEYS},
            "numerators": {key: report.numerators[key] for key in KPI_KEYS},
            "denominators": {key: report.denominators[key] for key in KPI_KEYS},
        }, ensure_ascii=False))
        return EXIT_OK
    for line in _kpi_table(report):
        print(line)
    return EXIT_OK


def _kpi_table(report: Any) -> list[str]:
    """The KPIs as aligned lines: label, figure, and what it divides."""
    from desktop_crm.domain.loyalty import KPI_KEYS, RATIO_KEYS, kpi_label
    from desktop_crm.services.exporting.cells import display_width

    def figure(key: str) -> str:
        value = report.values[key]
        if value is None:
            return "-"
        if key in RATIO_KEYS:
            return f"{value * 100:.1f}%"
        if key == "client_base":
            return str(value)
        if key == "average_purchase":
            return f"{value:,.2f} CNY"
        return f"{value:.2f}"

    def part(number: float) -> str:
        return str(int(number)) if float(number).is_integer() else f"{number:,.2f}"

    prev_start, prev_end = report.previous
    lines = [_("Loyalty KPIs {start} to {end} (compared with {prev_start} to {prev_end})",
               start=report.start.isoformat(), end=report.end.isoformat(),
               prev_start=prev_start.isoformat(), prev_end=prev_end.isoformat())]
    labels = {key: kpi_label(key) for key in KPI_KEYS}
    width = max(display_width(label) for label in labels.values())
    for key in KPI_KEYS:
        label = labels[key]
        line = f"{label}{' ' * (width - display_width(label))}  {figure(key):>16}"
        if key != "client_base":
            line += f"  {part(report.numerators[key])} / {part(report.denominators[key])}"
        lines.append(line.rstrip())
    return lines


def _size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _list_backups(args: argparse.Namespace) -> int:
    from desktop_crm.services.backup import backup_dir, list_backups

    path = _sqlite_file(args)
    if not path.exists() and not backup_dir(path).is_dir():
        raise UserError(_("No database at {path}", path=path))
    infos = list_backups(path)  # the full check, the one restore makes
    if not infos and _empty_file(args) is not None:
        _refuse_empty(args)  # nothing to list and nothing in the file
    if args.json:
        data = [{"path": str(i.path), "taken_at": i.taken_at.isoformat(),
                 "reason": i.reason.value if i.reason else None, "clients": i.clients,
                 "size": i.size, "revision": i.revision, "ok": i.ok, "problem": i.problem}
                for i in infos]
        print(json.dumps(data, ensure_ascii=False))
        return EXIT_OK
    for i in infos:
        clients = ngettext("{n} client", "{n} clients", i.clients) if i.clients is not None else "-"
        fields = [f"{i.taken_at:%Y-%m-%d %H:%M:%S}", i.reason.value if i.reason else "-",
                  clients, _size(i.size), str(i.path)]
        if not i.ok:
            fields.append(_("UNUSABLE: {problem}", problem=i.problem))
        print("\t".join(fields))
    return EXIT_OK


def _cmd_backup(args: argparse.Namespace) -> int:
    from desktop_crm.services.backup import backup
    from desktop_crm.storage.database import DatabaseError

    _sqlite_file(args)
    if args.list:
        return _list_backups(args)
    if args.json:
        raise UserError(_("--json is only for backup --list"))
    db = _open(args, create=False)
    try:
        target = backup(db, args.to)
    except DatabaseError as exc:
        raise UserError(str(exc)) from exc
    finally:
        db.close()
    print(_("Backup written to {path}", path=target))
    return EXIT_OK


YES_ANSWERS = frozenset({"y", "yes", "是", "是的", "好", "确定"})


def _confirm_restore(db_path: Path, backup_path: Path) -> bool:
    """Ask on the terminal."""
    question = _("Replace {db} with the backup {backup}? The current file is kept as a "
                 "backup first. [y/N] ", db=db_path, backup=backup_path)
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().lower() in YES_ANSWERS


def _cmd_restore(args: argparse.Namespace) -> int:
    from desktop_crm.services.restore import restore
    from desktop_crm.storage.database import DatabaseError

    path = _sqlite_file(args)
    source = args.backup_file
    if not source.is_file():
        raise UserError(_("No backup at {path}", path=source))
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError(_("restore replaces {db}; confirm with --yes", db=path))
        if not _confirm_restore(path, source):
            print(_("Nothing was changed"), file=sys.stderr)
            return EXIT_CANCELLED
    try:
        result = restore(path, source)
    except DatabaseError as exc:
        raise UserError(str(exc)) from exc
    print(_("Restored {db} from {backup}", db=result.database, backup=result.restored_from))
    if result.previous_backup is not None:
        print(_("The database as it was is kept in {path}", path=result.previous_backup))
    if result.damaged_copy is not None:
        print(_("The damaged database was moved, unchanged, to {path}",
                path=result.damaged_copy))
    return EXIT_OK


def _cmd_agenda(args: argparse.Namespace) -> int:
    from desktop_crm.services.agenda import AgendaService

    owner = _owner(args)
    db = _open(args, create=False)
    try:
        # "Mine" of the owner asked for: the agenda only reads
        service = AgendaService(db, user=owner)
        today = service.today()
        items = service.agenda(args.days, today, include_overdue=True,
                               mine=owner is not None)
    finally:
        db.close()
    if args.json:
        data = [{**item.to_json(), "overdue": item.is_overdue(today)} for item in items]
        print(json.dumps(data, ensure_ascii=False))
        return EXIT_OK
    for item in items:
        line = f"{item.day.isoformat()}  {item.kind.value}  {item.title}"
        if item.is_overdue(today):
            line += "  (" + ngettext("{n} day overdue",
                                     "{n} days overdue",
                                     (today - item.day).days) + ")"
        print(line)
    return EXIT_OK


def _export_ics(args: argparse.Namespace) -> int:
    from desktop_crm.services.agenda import AgendaService
    from desktop_crm.services.ics_export import export_ics

    db = _open(args, create=False)
    try:
        written = export_ics(AgendaService(db), args.out, days=args.days)
    finally:
        db.close()
    print(ngettext("Wrote {n} event to {path}",
                   "Wrote {n} events to {path}",
                   written, path=args.out))
    return EXIT_OK


def _export_xlsx(args: argparse.Namespace) -> int:
    from desktop_crm.services.exporting import export_xlsx

    db = _open(args, create=False)
    try:
        result = export_xlsx(db, args.out, include_confidential=args.include_confidential)
    finally:
        db.close()
    print(ngettext("Wrote {n} client to {path}",
                   "Wrote {n} clients to {path}",
                   result.clients, path=args.out))
    return EXIT_OK


def _export_vcf(args: argparse.Namespace) -> int:
    from desktop_crm.services.vcard_export import export_vcf

    db = _open(args, create=False)
    try:
        written = export_vcf(db, args.out, photos=args.photos)
    finally:
        db.close()
    print(ngettext("Wrote {n} contact to {path}", "Wrote {n} contacts to {path}", written,
                   path=args.out))
    return EXIT_OK


EXPORTS = {"ics": _export_ics, "xlsx": _export_xlsx, "vcf": _export_vcf}


def _cmd_export(args: argparse.Namespace) -> int:
    from desktop_crm.services.files import ExportError

    try:
        return EXPORTS[args.format](args)
    except ExportError as exc:
        raise UserError(str(exc)) from exc


PROGRESS_FROM_ROWS = 20_000  # a copy this large takes seconds: say how far it is


def _cmd_copy(args: argparse.Namespace) -> int:
    from desktop_crm.services.copying import copy_book

    shown = [0]  # tenths said so far: a line at each tenth, the first at 10%

    def progress(done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if total >= PROGRESS_FROM_ROWS and tenth > shown[0]:
            shown[0] = tenth
            print(_("Copied {done} of {total} rows", done=f"{done:,}", total=f"{total:,}"),
                  file=sys.stderr, flush=True)

    result = copy_book(args.source, args.target, progress)
    print(ngettext("Copied {n} client ({rows} rows in all) from {source} to {target}",
                   "Copied {n} clients ({rows} rows in all) from {source} to {target}",
                   result.clients, rows=result.rows, source=result.source, target=result.target))
    return EXIT_OK


def _cmd_window(args: argparse.Namespace) -> int:
    from desktop_crm.app import run

    user = _user(args) if getattr(args, "user", None) is not None else None
    db = getattr(args, "db", None)
    if args.demo:
        db = _demo_book(db)
    return run(db, getattr(args, "lang", None), user)


def _demo_book(db: str | None) -> str:
    """``--demo``: the demo book, made first when it is missing or empty."""
    from desktop_crm.services.demo_book import DEMO_CLIENTS, demo_book_path, make_demo_book

    if db is not None:
        raise UserError(_("--demo opens the demo book; give either --demo or --db, not both"))
    path = demo_book_path()
    if not path.exists() or path.stat().st_size == 0:
        print(_("Writing {n} demo clients to {path}", n=DEMO_CLIENTS, path=path))
        make_demo_book(path)
    return str(path)


def _add_import_parser(imp: argparse.ArgumentParser) -> None:
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--kind", choices=["clients", "orders"], default="clients",
                     help="what the rows are: client cards (default) or orders, each naming "
                          "its client by UUID, phone, or name and company")
    imp.add_argument("--dry-run", action="store_true",
                     help="check the file and print what would happen; write nothing")
    imp.add_argument("--on-duplicate", choices=["skip", "merge", "keep"], default="skip",
                     help="a row that matches a client by phone, e-mail or name and company "
                          "(orders: the same client, date, product and amount; skip or keep)")
    imp.add_argument("--mapping", type=Path, default=None, metavar="FILE.json",
                     help='column mapping, e.g. {"客户名称": "name", "Age": null}')
    imp.add_argument("--sheet", default=None, help="the sheet to read (default: the first)")
    imp.add_argument("--skip-invalid", action="store_true",
                     help="import the valid rows when some rows have errors")
    imp.add_argument("--report", type=Path, default=None, metavar="REPORT.xlsx",
                     help="save the validation report")


MAX_MAPPING_BYTES = 1 << 20  # a mapping names a few dozen columns: a few KB


def _read_mapping(path: Path) -> dict[str, str | None]:
    """The --mapping file: a JSON object of column (header or 1-based number)
    to field key or null. Anything else, however malformed or deeply nested,
    is one line naming the file."""
    def bad() -> UserError:
        return UserError(_("The mapping {path} must be a JSON object of column: field, "
                           "such as {example}", path=path,
                           example='{"客户名称": "name", "Age": null}'))

    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_MAPPING_BYTES + 1)
        if len(data) > MAX_MAPPING_BYTES:
            raise bad()
        overrides = json.loads(data.decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(_("Cannot read the mapping {path}: {reason}", path=path,
                          reason=getattr(exc, "strerror", None) or exc)) from exc
    except RecursionError:  # json nests by recursion: 100,000 nested lists
        raise bad() from None
    if not isinstance(overrides, dict) or not all(
            isinstance(v, str) or v is None for v in overrides.values()):
        raise bad()
    return overrides


def _import_mapping(args: argparse.Namespace, source: Any) -> dict[int, str]:
    from desktop_crm.domain import order_import
    from desktop_crm.domain.import_mapping import FIELDS, override_mapping

    if args.mapping is None:
        return dict(source.suggested_mapping)
    overrides = _read_mapping(args.mapping)
    fields = order_import.FIELDS if args.kind == "orders" else FIELDS
    try:
        return override_mapping(source.headers, source.suggested_mapping, overrides, fields)
    except ValueError as exc:
        raise UserError(f"{args.mapping}: {exc}") from exc


def _check_sheet_option(args: argparse.Namespace, source: Any) -> None:
    """--sheet names a sheet of a workbook: on a CSV or vCard file it is a mistake."""
    if args.sheet is not None and source.format in ("csv", "vcf"):
        raise UserError(_("{path} is a {format} file, which has no sheets: --sheet is only "
                          "for .xlsx, .xls and .ods workbooks", path=args.file.name,
                          format=source.format.upper()))


def _require_columns(args: argparse.Namespace, source: Any, mapping: dict[int, str]) -> None:
    """Refuse, before any row, a file in which no column gives the client's
    name (for orders: the client, date, product or amount), saying which
    columns there are and how to map one."""
    from desktop_crm.domain.order_import import missing_fields
    from desktop_crm.services.importing import MissingColumnError
    from desktop_crm.services.importing.orders import require_order_columns
    from desktop_crm.services.importing.service import require_name_column

    orders = args.kind == "orders"
    try:
        if orders:
            require_order_columns(source, mapping)
        else:
            require_name_column(source, mapping)
    except MissingColumnError as exc:
        field = missing_fields(mapping)[0] if orders else "name"
        example = json.dumps({exc.columns[0] if exc.columns else "1": field},
                             ensure_ascii=False)
        raise UserError(_(
            "{error}; map the column that holds it with --mapping FILE.json, a JSON "
            "object such as {example}", error=exc, example=example)) from exc


def _cmd_import(args: argparse.Namespace) -> int:
    from desktop_crm.domain import order_import
    from desktop_crm.domain.import_mapping import field_label
    from desktop_crm.services.files import ExportError
    from desktop_crm.services.importing import (
        CLIENTS,
        ORDERS,
        ImportFileError,
        ImportRowError,
        ImportService,
        OrderImportService,
        open_source,
        save_report,
    )
    from desktop_crm.storage.database import (
        Database,
        DatabaseBusyError,
        DatabaseError,
        sqlite_path,
        to_url,
    )

    orders = args.kind == "orders"
    if orders and args.on_duplicate == "merge":
        raise UserError(_("Orders are never merged: use --on-duplicate skip (the default) or "
                          "keep"))
    # The file first: a bad file must not create or touch the database.
    try:
        source = open_source(args.file, sheet=args.sheet, kind=ORDERS if orders else CLIENTS)
    except ImportFileError as exc:
        raise UserError(str(exc)) from exc
    _check_sheet_option(args, source)
    mapping = _import_mapping(args, source)
    _require_columns(args, source, mapping)
    label = order_import.field_label if orders else field_label
    path = sqlite_path(to_url(_db_arg(args)))
    if args.dry_run and path is not None and (not path.exists() or _empty_file(args)):
        try:  # an empty database in memory: a dry run creates no file
            db = Database.open("sqlite://")
        except DatabaseError as exc:
            raise UserError(str(exc)) from exc
    else:
        db = _open(args, create=not args.dry_run)
    try:
        service: ImportService | OrderImportService = \
            (OrderImportService if orders else ImportService)(db, user=_user(args))
        plan = service.plan(source, mapping, args.on_duplicate)
        if source.table.layout:
            print(_("{path} is an export of {layout}: its columns are read as below",
                    path=args.file.name, layout=source.table.layout))
        for column, key in sorted(mapping.items()):
            print(_("Column {column} -> {field}", column=source.column_name(column),
                    field=label(key)))
        if args.report is not None:
            try:
                save_report(plan.problems, args.report)
            except ExportError as exc:
                raise UserError(str(exc)) from exc
        if plan.errors and not args.skip_invalid:
            raise UserError(plan.first_error())
        if args.dry_run:
            print(plan.summary())
            for change in plan.client_changes():  # by name, before anything is written
                print(change.describe())
            print(_("Dry run: nothing was written"))
            return EXIT_OK
        try:
            # the plan is the service's own kind: made by it just above
            result = service.commit(source, mapping, args.on_duplicate,
                                    skip_invalid=args.skip_invalid,
                                    plan=plan)  # type: ignore[arg-type]
        except ImportRowError as exc:
            raise UserError(str(exc)) from exc
        except DatabaseBusyError:
            raise  # its own exit code (main)
        except DatabaseError as exc:
            raise UserError(str(exc)) from exc
    finally:
        db.close()
    print(result.summary())  # what the import did, not what was planned before it
    print(_("Imported as batch {id}; it can be undone from the File menu",
            id=result.batch_id))
    return EXIT_OK


COMMANDS = {"demo": _cmd_demo, "search": _cmd_search, "stats": _cmd_stats, "kpi": _cmd_kpi,
            "backup": _cmd_backup, "restore": _cmd_restore, "agenda": _cmd_agenda,
            "export": _cmd_export, "import": _cmd_import, "copy": _cmd_copy,
            "import-contacts": cli_contacts.run, "card-scan": cli_card_scan.run,
            "brief": cli_brief.run}


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc``, the driver error SQLAlchemy wraps, and what caused them."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop(0)
        if item is None or any(item is s for s in seen):
            continue
        seen.append(item)
        todo += [getattr(item, "orig", None), item.__cause__, item.__context__]
    return seen


def _failure_line(exc: BaseException, args: argparse.Namespace) -> tuple[int, str] | None:
    """The exit code and line for a failure that is the machine's, not a bug:
    a busy database, a full disk (classified by SQLite's error code and errno,
    not by message text). SQLite rolled the transaction back, so nothing was
    written. None for anything else."""
    import errno
    import sqlite3

    from desktop_crm.storage.database import (
        busy_message,
        connection_lost,
        disk_full_message,
        lost_error,
        sqlite_path,
        to_url,
    )
    from desktop_crm.storage.integrity import is_busy, is_full

    url = to_url(_db_arg(args))
    if sqlite_path(url) is None and connection_lost(exc):  # outside a unit of work
        return EXIT_BAD_INPUT, str(lost_error(url, exc))
    for cause in _causes(exc):
        if isinstance(cause, sqlite3.Error) and is_busy(cause):
            return EXIT_BUSY, busy_message()
        if isinstance(cause, sqlite3.Error) and is_full(cause):
            return EXIT_BAD_INPUT, disk_full_message(_db_arg(args))
        if isinstance(cause, OSError) and cause.errno in (errno.ENOSPC, errno.EDQUOT):
            return EXIT_BAD_INPUT, _(
                "The disk is full ({reason}); nothing was changed. Free some space and "
                "try again.", reason=f"{cause.filename}: {cause.strerror}" if cause.filename
                else cause.strerror)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    from desktop_crm.cli_streams import portable_streams

    portable_streams()  # a Chinese name printed on a Western Windows never fails
    parser = build_parser()
    args = parser.parse_args(argv)
    set_language(getattr(args, "lang", None) or system_language())
    handler = COMMANDS.get(args.command or "", _cmd_window)
    try:
        return handler(args)
    except CrmError as exc:  # UserError and every error whose message is for the user
        from desktop_crm.storage.database import DatabaseBusyError

        print(f"desktop-crm: {exc}", file=sys.stderr)
        return EXIT_BUSY if isinstance(exc, DatabaseBusyError) else EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `desktop-crm agenda | head`: the reader left
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:
        failure = _failure_line(exc, args)
        if failure is None:
            raise
        print(f"desktop-crm: {failure[1]}", file=sys.stderr)
        return failure[0]


if __name__ == "__main__":
    sys.exit(main())
