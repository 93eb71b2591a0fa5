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
import gc
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.workbook import Workbook

from desktop_crm.domain.complaint import OPEN_STATUSES, is_overdue
from desktop_crm.domain.identity import DATABASE_UUID_PROPERTY
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clock import Clock
from desktop_crm.services.complaint_analysis import summarise
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.services.evaluations import EvaluationService
from desktop_crm.services.exporting import pages, texts
from desktop_crm.services.exporting.sheet import Book
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


def write_workbook(db: Database, path: Path, *, lang: str, include_confidential: bool,
                   client_ids: Sequence[int] | None, clock: Clock,
                   progress: Progress | None = None) -> XlsxResult:
    t = Texts(lang)
    with db.read() as s:
        origin = identity_repo.database_uuid(s)
    ids = pages.client_ids(db, client_ids)
    wanted = set(ids) if client_ids is not None else None
    remove_stale_folders(Path(tempfile.gettempdir()), TMP_PREFIX)  # of killed exports
    with tempfile.TemporaryDirectory(prefix=TMP_PREFIX,
                                     ignore_cleanup_errors=True) as tmpdir, \
            (Path(tmpdir) / "package.xlsx").open("w+b") as package:
        book = Book.create(package, tmpdir)
        try:
            with _collector_paused():
                result = _write(book, db, t, ids, wanted,
                                include_confidential=include_confidential,
                                filtered=client_ids is not None, clock=clock, origin=origin,
                                progress=progress)
                _close(book.wb)
        except BaseException:  # a failure or a cancel (raised by progress): nothing is saved
            _discard(book.wb)
            raise
        package.seek(0)
        with atomic_file(path) as fh:
            shutil.copyfileobj(package, fh, COPY_CHUNK)
    return result


def _write(book: Book, db: Database, t: Texts, ids: list[int], wanted: set[int] | None, *,
           include_confidential: bool, filtered: bool, clock: Clock, origin: str,
           progress: Progress | None) -> XlsxResult:
    now = clock()
    today = now.date()
    complaint_service = ComplaintService(db, clock)
    reply_hours = complaint_service.reply_hours()
    summary_ws = book.sheet(t(texts.SUMMARY))
    clients = ClientsSheet(book, t)
    contacts = ContactsSheet(book, t)
    sales = SalesSheet(book, t, today)
    loyalty_ws = book.sheet(t(texts.LOYALTY))
    answers = ProfileSheet(book, t, include_confidential)
    evaluations = EvaluationsSheet(book, t, EvaluationService(db, clock).scheme())
    care = CareSheet(book, t)
    complaints_sheet = ComplaintsSheet(book, t, now, reply_hours)
    interactions = InteractionsSheet(book, t)

    sheets = (clients, contacts, sales, answers, evaluations, care, complaints_sheet, interactions)
    tally = Tally(month=(today.year, today.month), today=today)
    uuids: dict[int, str] = {}  # client id -> UUID, for the complaints
    for page in pages.pages(db, ids):
        names = {c.card.id: c.card.name for c in page.clients}
        for client in page.clients:
            assert client.card.id is not None
            uuids[client.card.id] = client.card.uuid
            tally.client(client)
            clients.add(client)
            answers.add(client)
        with db.read() as s:  # the organisations' people, in the clients' order
            people = contact_repo.for_clients(s, list(uuids.keys() & names.keys()))
        for client_id in names:
            for person in people.get(client_id or 0, []):
                contacts.add(person, names[client_id], uuids[person.client_id])
        for evaluation in page.evaluations:
            tally.evaluations += 1
            evaluations.add(evaluation, names.get(evaluation.client_id, ""),
                            uuids.get(evaluation.client_id, ""))
        for order in page.orders:
            name = names.get(order.client_id, "")
            tally.order(order, name)
            sales.add(order, name, uuids.get(order.client_id, ""))
        for line in page.interactions:
            tally.interaction(line.occurred_at)
            interactions.add(line, names.get(line.client_id, ""),
                             uuids.get(line.client_id, ""))
        if progress is not None:
            progress(min(tally.clients, len(ids)), len(ids))

    care_30 = _write_care(care, AgendaService(db, clock), today, wanted, uuids)
    complaints = [c for c in complaint_service.find()
                  if wanted is None or c.client_id in wanted]
    for complaint in complaints:
        complaints_sheet.add(complaint, uuids.get(complaint.client_id, ""))
    uuids.clear()  # not needed any more: the loyalty KPIs below read much
    since = month_start(today, COMPLAINT_MONTHS - 1)
    recent = [c for c in complaints if c.received_at.date() >= since]
    head = Headline(
        exported_at=now, filtered=filtered,
        include_confidential=include_confidential,
        complaints=summarise(complaints, reply_hours, now),
        complaints_by_month=summarise(recent, reply_hours, now, since, today).by_month,
        open_complaints=sum(c.status in OPEN_STATUSES for c in complaints),
        overdue_complaints=sum(is_overdue(c, now, reply_hours) for c in complaints),
        care_30_days=care_30, database_uuid=origin,
    )
    for sheet in sheets:
        sheet.finish()
    write_summary(book, summary_ws, t, tally, head)
    this_month = month_start(today, 0)
    trend = LoyaltyService(db, clock).trend(month_start(today, MONTHS),
                                            this_month - timedelta(days=1))
    write_loyalty(book, loyalty_ws, t, trend, filtered)
    if origin:  # read back by services/importing/origin.py
        book.wb.set_custom_property(DATABASE_UUID_PROPERTY, origin)
    return XlsxResult(tally.clients, {s.out.ws.name: s.out.rows for s in sheets})


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
                wanted: set[int] | None, uuids: dict[int, str]) -> int:
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
