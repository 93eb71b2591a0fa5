"""Building the manager's workbook (README.md, "Excel and contacts").

One pass over the exported clients, page by page, writes the Clients,
Sales, Mackay 66, Evaluations and Interactions sheets side by side
(xlsxwriter's ``constant_memory`` mode streams each to its own temporary
file, in a temporary folder of the export's own); the care calendar
and the complaints are read whole (they are far fewer than clients); the
Summary sheet, created first so that it opens first, is filled last, as is
the Loyalty KPIs sheet (the ten KPIs by month, from services.loyalty).

The workbook is put together in a temporary file (not in memory: it is about
190 MB at 100,000 clients) and copied through :func:`desktop_crm.services.files.atomic_file`, so a
failed or cancelled export never leaves a partial workbook under its name.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Protocol

from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.workbook import Workbook

from desktop_crm.domain.complaint import OPEN_STATUSES, Complaint, is_overdue
from desktop_crm.domain.identity import DATABASE_UUID_PROPERTY
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clock import Clock
from desktop_crm.services.complaint_analysis import summarise
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.services.evaluations import EvaluationService
from desktop_crm.services.exporting import pages, parallel, texts
from desktop_crm.services.exporting.sheet import Book, SheetWriter
from desktop_crm.services.exporting.sheet_care import CareSheet
from desktop_crm.services.exporting.sheet_clients import ClientsSheet
from desktop_crm.services.exporting.sheet_complaints import ComplaintsSheet
from desktop_crm.services.exporting.sheet_contacts import ContactsSheet
from desktop_crm.services.exporting.sheet_evaluations import EvaluationsSheet
from desktop_crm.services.exporting.sheet_interactions import InteractionsSheet
from desktop_crm.services.exporting.sheet_loyalty import MONTHS, write_loyalty
from desktop_crm.services.exporting.sheet_profile import ProfileSheet
from desktop_crm.services.exporting.sheet_sales import SalesSheet
from desktop_crm.services.exporting.summary import Headline, Tally, month_start, write_summary
from desktop_crm.services.exporting.texts import Texts
from desktop_crm.services.files import atomic_file, remove_stale_folders
from desktop_crm.services.loyalty import LoyaltyService
from desktop_crm.storage import contact_repo, identity_repo
from desktop_crm.storage.database import Database

CARE_DAYS = 90
HEADLINE_CARE_DAYS = 30
COMPLAINT_MONTHS = 12
Progress = Callable[[int, int], None]
COPY_CHUNK = 1 << 20
TMP_PREFIX = "desktop-crm-export-"


@dataclass(frozen=True)
class XlsxResult:
    """What was written: the number of clients and the data rows of each sheet
    (by sheet name, in the workbook's language)."""

    clients: int
    rows: dict[str, int]


# The sheets whose rows a helper process writes when the export is split
# (parallel.py): the orders and the evaluations (with the names and UUIDs of
# their clients); the clients' cards, their profiles, contacts, interactions,
# the care calendar, the complaints, the Summary and the Loyalty KPIs stay
# here. About half the CPU each at 100,000 clients; the care calendar's agenda
# (90 MB) is read here, where it is let go before the Loyalty KPIs' reads,
# not beside the helper's own memory.
CLIENTS, CONTACTS, SALES, PROFILE = "clients", "contacts", "sales", "profile"
EVALUATIONS, CARE, COMPLAINTS, INTERACTIONS = "evaluations", "care", "complaints", "interactions"
ALL_SHEETS = frozenset({CLIENTS, CONTACTS, SALES, PROFILE, EVALUATIONS, CARE, COMPLAINTS,
                        INTERACTIONS})
HELPER_SHEETS = frozenset({SALES, EVALUATIONS})


@dataclass(frozen=True)
class Part:
    """What one process writes: the rows of ``sheets`` (keys of ALL_SHEETS) of
    the export of ``ids``. Picklable: a helper process gets it."""

    url: str
    ids: list[int]
    wanted: frozenset[int] | None  # the clients asked for; None: all
    lang: str
    include_confidential: bool
    now: datetime
    sheets: frozenset[str]


@dataclass
class Written:
    """What a process wrote: its counts for the Summary, the care items of
    the headline's days and the data rows of each of its sheets (by key)."""

    tally: Tally
    care_30: int
    rows: dict[str, int]
    complaints: list[Complaint] = field(default_factory=list)  # the sheet's, for the headline


def write_workbook(db: Database, path: Path, *, lang: str, include_confidential: bool,
                   client_ids: Sequence[int] | None, clock: Clock,
                   progress: Progress | None = None) -> XlsxResult:
    t = Texts(lang)
    with db.read() as s:
        origin = identity_repo.database_uuid(s)
    ids = pages.client_ids(db, client_ids)
    now = clock()
    part = Part(db.url, ids, frozenset(ids) if client_ids is not None else None, lang,
                include_confidential, now, ALL_SHEETS)
    remove_stale_folders(Path(tempfile.gettempdir()), TMP_PREFIX)  # of killed exports
    with tempfile.TemporaryDirectory(prefix=TMP_PREFIX,
                                     ignore_cleanup_errors=True) as tmpdir, \
            (Path(tmpdir) / "package.xlsx").open("w+b") as package:
        book = Book.create(package, tmpdir)
        helper = None
        try:
            with _collector_paused():
                sheets = _Sheets(book, db, t, part, clock)
                if parallel.worth_splitting(len(ids)):
                    helper = parallel.Helper.start(
                        dataclasses.replace(part, sheets=HELPER_SHEETS), tmpdir)
                    part = dataclasses.replace(part, sheets=ALL_SHEETS - HELPER_SHEETS)
                    progress = helper.watching(progress)
                written = _write_rows(sheets, db, part, clock, progress)
                if helper is not None:
                    assert progress is not None
                    theirs = helper.result(progress, len(ids))
                    written.tally.add(theirs.tally)
                    written.care_30 += theirs.care_30
                    written.rows.update(theirs.rows)
                    for key, rows in theirs.rows.items():
                        sheets.by_key[key].out.rows = rows  # the filter's range
                result = _finish(book, sheets, db, t, written, filtered=client_ids is not None,
                                 clock=clock, origin=origin)
                _close(book.wb)
        except BaseException:  # a failure or a cancel (raised by progress): nothing is saved
            if helper is not None:
                helper.stop()
            _discard(book.wb)
            raise
        package.seek(0)
        with atomic_file(path) as fh:
            if helper is None:
                shutil.copyfileobj(package, fh, COPY_CHUNK)
            else:
                parallel.assemble(package, helper.package, sheets.parts(HELPER_SHEETS), fh)
    return result


def write_part(db: Database, part: Part, target: Path, tmpdir: str,
               progress: Progress | None) -> Written:
    """A helper's side of a split export: the same workbook, only the rows of
    ``part.sheets`` written, saved to ``target`` (parallel.py takes those
    sheets' parts from it)."""
    with _collector_paused(), target.open("w+b") as package:
        book = Book.create(package, tmpdir)
        try:
            sheets = _Sheets(book, db, Texts(part.lang), part, lambda: part.now)
            written = _write_rows(sheets, db, part, lambda: part.now, progress)
            for key in part.sheets:
                sheets.by_key[key].finish()  # the filter, as in the exporting process
            _close(book.wb)
        except BaseException:
            _discard(book.wb)
            raise
    if SALES in part.sheets:  # every order was read here: the top clients are known
        written.tally.keep_top_clients()
    return written


class _Sheet(Protocol):
    out: SheetWriter

    def finish(self) -> None: ...


class _Sheets:
    """The workbook's sheets, made in their order (every process of a split
    export makes them all, in the same order, with the same formats)."""

    def __init__(self, book: Book, db: Database, t: Texts, part: Part, clock: Clock) -> None:
        self.book, self.t, self.now = book, t, part.now
        self.include_confidential = part.include_confidential
        today = part.now.date()
        self.reply_hours = ComplaintService(db, clock).reply_hours()
        self.summary_ws = book.sheet(t(texts.SUMMARY))
        self.clients = ClientsSheet(book, t)
        self.contacts = ContactsSheet(book, t)
        self.sales = SalesSheet(book, t, today)
        self.loyalty_ws = book.sheet(t(texts.LOYALTY))
        self.answers = ProfileSheet(book, t, part.include_confidential)
        self.evaluations = EvaluationsSheet(book, t, EvaluationService(db, clock).scheme())
        self.care = CareSheet(book, t)
        self.complaints = ComplaintsSheet(book, t, part.now, self.reply_hours)
        self.interactions = InteractionsSheet(book, t)
        self.by_key: dict[str, _Sheet] = {
            CLIENTS: self.clients, CONTACTS: self.contacts, SALES: self.sales,
            PROFILE: self.answers, EVALUATIONS: self.evaluations, CARE: self.care,
            COMPLAINTS: self.complaints, INTERACTIONS: self.interactions}

    def parts(self, keys: frozenset[str]) -> set[str]:
        """The package's parts of the sheets of ``keys`` (xlsxwriter numbers
        the worksheets' parts in their order)."""
        names = {self.by_key[key].out.ws.name for key in keys}
        return {f"xl/worksheets/sheet{number}.xml"
                for number, ws in enumerate(self.book.wb.worksheets(), 1) if ws.name in names}


def _write_rows(sheets: _Sheets, db: Database, part: Part, clock: Clock,
                progress: Progress | None) -> Written:
    """The rows of ``part.sheets``, and the Summary's counts of them."""
    own, ids, wanted = part.sheets, part.ids, part.wanted
    today = part.now.date()
    tally = Tally(month=(today.year, today.month), today=today)
    # client id -> UUID: the page's, and every page's for the care calendar
    # and the complaints
    uuids: dict[int, str] = {}
    keep = bool(own & {CARE, COMPLAINTS})
    done = 0  # live clients read
    cards = bool(own & {CLIENTS, CONTACTS, PROFILE})
    clients, contacts, answers = sheets.clients, sheets.contacts, sheets.answers
    sales, evaluations, interactions = sheets.sales, sheets.evaluations, sheets.interactions
    for page in pages.pages(db, ids, cards=cards, evaluations=EVALUATIONS in own,
                            interactions=INTERACTIONS in own, orders=SALES in own):
        names = {cid: name for cid, name, _uuid in page.named}
        page_uuids = {cid: uuid for cid, _name, uuid in page.named}
        if keep:
            uuids.update(page_uuids)
        done += len(page.named)
        for client in page.clients:
            tally.client(client)
            if CLIENTS in own:
                clients.add(client)
            if PROFILE in own:
                answers.add(client)
        if CONTACTS in own:
            with db.read() as s:  # the organisations' people, in the clients' order
                people = contact_repo.for_clients(s, list(names))
            for client_id in names:
                for person in people.get(client_id or 0, []):
                    contacts.add(person, names[client_id], page_uuids[person.client_id])
        for evaluation in page.evaluations:
            tally.evaluations += 1
            evaluations.add(evaluation, names.get(evaluation.client_id, ""),
                            page_uuids.get(evaluation.client_id, ""))
        for order in page.orders:
            name = names.get(order.client_id, "")
            tally.order(order, name)
            sales.add(order, name, page_uuids.get(order.client_id, ""))
        for line in page.interactions:
            tally.interaction(line.occurred_at)
            interactions.add(line, names.get(line.client_id, ""),
                             page_uuids.get(line.client_id, ""))
        if progress is not None:
            progress(min(done, len(ids)), len(ids))

    care_30 = 0
    if CARE in own:
        care_30 = _write_care(sheets.care, AgendaService(db, clock), today, wanted, uuids)
    complaints = []
    if COMPLAINTS in own:
        complaints = [c for c in ComplaintService(db, clock).find()
                      if wanted is None or c.client_id in wanted]
        for complaint in complaints:
            sheets.complaints.add(complaint, uuids.get(complaint.client_id, ""))
    return Written(tally, care_30, {key: sheets.by_key[key].out.rows for key in own},
                   complaints)


def _finish(book: Book, sheets: _Sheets, db: Database, t: Texts, written: Written, *,
            filtered: bool, clock: Clock, origin: str) -> XlsxResult:
    """The filters, the Summary, the Loyalty KPIs and the document's property."""
    now, today = sheets.now, sheets.now.date()
    reply_hours, complaints = sheets.reply_hours, written.complaints
    since = month_start(today, COMPLAINT_MONTHS - 1)
    recent = [c for c in complaints if c.received_at.date() >= since]
    head = Headline(
        exported_at=now, filtered=filtered,
        include_confidential=sheets.include_confidential,
        complaints=summarise(complaints, reply_hours, now),
        complaints_by_month=summarise(recent, reply_hours, now, since, today).by_month,
        open_complaints=sum(c.status in OPEN_STATUSES for c in complaints),
        overdue_complaints=sum(is_overdue(c, now, reply_hours) for c in complaints),
        care_30_days=written.care_30, database_uuid=origin,
    )
    for sheet in sheets.by_key.values():
        sheet.finish()
    write_summary(book, sheets.summary_ws, t, written.tally, head)
    this_month = month_start(today, 0)
    trend = LoyaltyService(db, clock).trend(month_start(today, MONTHS),
                                            this_month - timedelta(days=1))
    write_loyalty(book, sheets.loyalty_ws, t, trend, filtered)
    if origin:  # read back by services/importing/origin.py
        book.wb.set_custom_property(DATABASE_UUID_PROPERTY, origin)
    return XlsxResult(written.tally.clients,
                      {s.out.ws.name: s.out.rows for s in sheets.by_key.values()})


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the workbook is written. The
    millions of short-lived cell tuples set it off again and again, and each
    full pass walks every live object: about 6% of the export's time at
    100,000 clients. Reference counting frees the cells all the same; what
    cycles the reads leave are collected when it is back on."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _write_care(care: CareSheet, agenda_service: AgendaService, today: date,
                wanted: frozenset[int] | None, uuids: dict[int, str]) -> int:
    """The care calendar's rows; the number of them in the headline's days.
    The agenda (about 90 MB at 100,000 clients) is let go on return, before
    the loyalty KPIs are read."""
    headline_end = today + timedelta(days=HEADLINE_CARE_DAYS)
    care_30 = 0
    for item in agenda_service.agenda(CARE_DAYS, today, include_overdue=False):
        if wanted is None or item.client_id in wanted:
            care.add(item, uuids.get(item.client_id, "") if item.client_id else "")
            care_30 += item.day < headline_end
    return care_30


def _close(wb: Workbook) -> None:
    """Put the package together; a file-system failure raises its OSError."""
    try:
        wb.close()
    except FileCreateError as exc:  # xlsxwriter wraps the OSError
        cause = exc.args[0] if exc.args else None
        if isinstance(cause, OSError):
            raise cause from exc
        raise


def _discard(wb: Workbook) -> None:
    """Close the row files of a workbook that will not be saved, so that the
    temporary folder can be removed on Windows too (best effort: xlsxwriter
    closes them itself only when it saves)."""
    for ws in wb.worksheets():
        with contextlib.suppress(Exception):
            ws._opt_close()
