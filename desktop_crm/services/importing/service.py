"""Import use case: open a file, suggest a mapping, plan, commit, undo.

What a mapping dialog does with it::

    service = ImportService(db)
    source = service.open(path)                 # ImportFileError: one clear line
    source.headers, source.suggested_mapping    # {column: field key}
    source.preview(20)                          # first data rows as text
    plan = service.plan(source, mapping, "merge")   # reads only
    plan.problems, plan.counts, plan.rows       # report, counts, per-row action
    save_report(plan.problems, "report.xlsx")
    result = service.commit(source, mapping, "merge")   # one transaction
    service.batches(); service.undo(result.batch_id)

``commit`` plans again inside its transaction, so a plan shown minutes ago
cannot write stale decisions; it refuses (ImportRowError, nothing written)
when a row has an error unless ``skip_invalid`` is set. Its result's counts
are what was written (``ImportResult.summary``), not what the older plan said.

A row's client is found, in this order (README.md, "Your data", "Identity"):

1. by its UUID (a UUID column, a vCard's UID) when a client here has it: the
   row updates that client (one in the trash: the row is skipped, warned);
2. by the integer ID column, only in a workbook whose custom property names
   this database (services/importing/origin.py), and only when the row has
   no UUID: IDs are local to one database file;
3. otherwise the row is a new client, keeping its UUID when it has one, and
   the duplicate rules (phone, e-mail, name + company) and the policy apply
   against existing clients. Within the file, rows with their own UUIDs are
   never duplicates of one another; rows without dedupe as before.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from desktop_crm.domain import import_mapping as im
from desktop_crm.domain import order_import as oi
from desktop_crm.domain.changes import diff_cards
from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.errors import CrmError
from desktop_crm.domain.import_mapping import ERROR, WARNING, RowCard, RowProblem
from desktop_crm.domain.vcard_detail import apply_detail
from desktop_crm.i18n import _, ngettext
from desktop_crm.services.clock import Clock, current_user, system_clock
from desktop_crm.services.importing import collector, contact_layouts
from desktop_crm.services.importing.errors import ImportFileError, NoNameColumnError, no_data_rows
from desktop_crm.services.importing.packed import NewCards, Packed, pack, unpack
from desktop_crm.services.importing.readers import read_file
from desktop_crm.services.importing.table import SourceTable
from desktop_crm.storage import client_repo, identity_repo, order_import_repo, photo_repo
from desktop_crm.storage import import_repo as repo
from desktop_crm.storage.database import Database
from desktop_crm.storage.import_repo import BatchInfo

SKIP, MERGE, KEEP = "skip", "merge", "keep"
_PACKED = ClientCard()  # a row's card while it is packed (never read)
CLIENTS, ORDERS = repo.CLIENTS_KIND, repo.ORDERS_KIND  # what a file's rows are
POLICIES = (SKIP, MERGE, KEEP)

# What a row does
CREATE = "create"
UPDATE = "update"
MERGED = "merge"
SKIPPED = "skip"
UNCHANGED = "unchanged"
INVALID = "invalid"


class ImportRowError(CrmError):
    """Rows have errors and the import was not written; ``problems`` lists them."""

    def __init__(self, message: str, problems: list[RowProblem]):
        super().__init__(message)
        self.problems = problems


class ImportUndoError(CrmError):
    """A batch cannot be undone; the message says why."""


@dataclass
class ImportSource:
    """A file read and its header row found.

    Attributes:
        table: the rows read from the file.
        header_row: index in ``table.rows`` of the header row.
        headers: the column names (merged header cells filled in).
        suggested_mapping: ``{column: field key}`` from the header names.
        kind: CLIENTS or ORDERS, what the rows hold (and so the field keys).
    """

    table: SourceTable
    header_row: int
    headers: list[str]
    suggested_mapping: dict[int, str]
    kind: str = "clients"

    @property
    def path(self) -> Path:
        return self.table.path

    @property
    def format(self) -> str:
        return self.table.format

    def row_number(self, index: int) -> int:
        """The row number the file shows for ``table.rows[index]``."""
        return self.table.first_row + index

    def data_rows(self) -> Iterator[tuple[int, list[Any]]]:
        for index in range(self.header_row + 1, len(self.table.rows)):
            yield self.row_number(index), self.table.rows[index]

    @property
    def data_count(self) -> int:
        return sum(1 for _n, row in self.data_rows()
                   if any(v is not None for v in row))

    def preview(self, count: int = 20) -> list[list[str]]:
        """The first ``count`` data rows as text, for the dialog's grid."""
        rows = [row for _n, row in self.data_rows()][:count]
        return im.preview(rows, count)

    def column_name(self, index: int) -> str:
        return im.column_name(self.headers, index)


def open_source(path: Path | str, sheet: str | None = None,
                header_row: int | None = None, kind: str = CLIENTS) -> ImportSource:
    """Read ``path`` and find its header row (or take ``header_row``, an index
    into the rows read). Raises ImportFileError for files that cannot be
    imported: not a spreadsheet, encrypted, damaged, empty, only headers.
    ``kind`` is CLIENTS or ORDERS: which headers are recognised (and which
    sheet of a workbook is read first)."""
    path = Path(path)
    orders = kind == ORDERS
    table = read_file(path, sheet, oi.order_sheets_first if orders else im.client_sheets_first)
    if not orders:  # Google's and Outlook's contact exports: their rows rewritten
        table = contact_layouts.recognise(table)
    rows = table.rows
    if not any(any(v is not None for v in row) for row in rows):
        raise ImportFileError(_("{path} is empty", path=path.name))
    if orders and table.fixed_mapping is not None:
        raise ImportFileError(_("{path} is a vCard file: it holds contacts, not orders",
                                path=path.name))
    if orders:
        found = oi.find_header_row(rows) if header_row is None else header_row
        if not 0 <= found < len(rows):
            raise ImportFileError(_("{path} has no row {row}", path=path.name,
                                    row=found + table.first_row))
        headers = im.header_names(rows, found)
        mapping = oi.suggest_mapping(headers)
    elif table.fixed_mapping is not None:
        found, mapping = 0, dict(table.fixed_mapping)
        headers = [im.cell_text(v) for v in rows[0]]
    else:
        found = im.find_header_row(rows) if header_row is None else header_row
        if not 0 <= found < len(rows):
            raise ImportFileError(_("{path} has no row {row}", path=path.name,
                                    row=found + table.first_row))
        headers = im.header_names(rows, found)
        mapping = im.suggest_mapping(headers)
    source = ImportSource(table, found, headers, mapping, kind)
    if source.data_count == 0:
        if table.format == "vcf":
            raise ImportFileError(_("{path} contains no contacts", path=path.name))
        raise no_data_rows(path, table.format)
    return source


@dataclass(slots=True)  # a plan holds one per row: no dictionary each (100,000 rows: 28 MB)
class PlannedRow:
    """What importing one row will do.

    Attributes:
        row: the row number as the file shows it.
        action: CREATE, UPDATE, MERGED, SKIPPED, UNCHANGED or INVALID.
        client_id: the existing client it updates, merges into or duplicates.
        duplicate_of: the earlier row of the file it duplicates or merges into.
        name: the name on the row's card.
    """

    row: int
    action: str
    client_id: int | None = None
    duplicate_of: int | None = None
    name: str = ""


class PlanProblems:
    """What the client and order import plans share: their validation report
    (``problems``, row order) of the file ``source``."""

    source: ImportSource
    problems: list[RowProblem]

    @property
    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[RowProblem]:
        return [p for p in self.problems if p.severity == WARNING]

    def first_error(self) -> str:
        """The first error as one line naming file, row and column ("" if none)."""
        errors = self.errors
        if not errors:
            return ""
        return describe_problem(self.source.path, errors[0], len(errors) - 1)


@dataclass
class ImportPlan(PlanProblems):
    """Everything an import would do, computed without writing.

    Attributes:
        source: the file.
        mapping: the mapping used.
        policy: SKIP, MERGE or KEEP for duplicates.
        rows: one PlannedRow per non-blank data row.
        problems: the validation report (errors and warnings), in row order.
        new_cards: the cards that will be created (after in-file merges).
        changed: existing client id -> (card before, card after).
    """

    source: ImportSource
    mapping: dict[int, str]
    policy: str
    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    new_cards: NewCards = field(default_factory=NewCards)
    changed: dict[int, tuple[int, ClientCard, ClientCard]] = field(default_factory=dict)
    fingerprint: tuple[Any, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        """Clients created and updated, rows skipped (duplicates and unchanged
        rows) and invalid; ``rows`` is every non-blank data row."""
        by_action: dict[str, int] = {}
        for row in self.rows:
            by_action[row.action] = by_action.get(row.action, 0) + 1
        return {
            "rows": len(self.rows),
            "created": len(self.new_cards),
            "updated": len(self.changed),
            "merged": by_action.get(MERGED, 0),
            "skipped": by_action.get(SKIPPED, 0) + by_action.get(UNCHANGED, 0),
            "invalid": by_action.get(INVALID, 0),
        }

    def summary(self) -> str:
        return summary_text(self.counts, len(self.warnings))

    def client_changes(self) -> list[ClientChange]:
        """Each existing client the import would change, in the order of the
        rows that change it: its name now and the fields that change."""
        merged = {r.client_id for r in self.rows if r.action == MERGED and r.client_id}
        found = [ClientChange(client_id, before.name, client_id in merged,
                              tuple(dict.fromkeys(_field_text(f) for f, _old, _new
                                                  in diff_cards(before, after))), row)
                 for client_id, (row, before, after) in self.changed.items()]
        return sorted(found, key=lambda c: c.row)


@dataclass(frozen=True)
class ClientChange:
    """An existing client an import changes.

    Attributes:
        client_id: the client.
        name: its name as it is before the import.
        merged: changed by a duplicate rule (merge policy), not found by its
            UUID or ID.
        fields: the labels of the fields that change.
        row: the first row of the file that changes it.
    """

    client_id: int
    name: str
    merged: bool
    fields: tuple[str, ...]
    row: int

    def describe(self) -> str:
        fields = ", ".join(self.fields)
        if self.merged:
            return _("Row {row} is merged into {name} (ID {id}): {fields}", row=self.row,
                     name=self.name, id=self.client_id, fields=fields)
        return _("Row {row} updates {name} (ID {id}): {fields}", row=self.row,
                 name=self.name, id=self.client_id, fields=fields)


def _field_text(card_field: str) -> str:
    """A changed card field as the mapping dialog names it."""
    key = im.PHONE if card_field == "phones" else card_field
    return im.field_label(key) if key in im.FIELD_LABELS else card_field


def summary_text(counts: Mapping[str, int], warnings: int) -> str:
    """One line: what an import would do (a plan) or did (a result)."""
    return counted_line(counts["rows"], [
        ngettext("{n} new client", "{n} new clients", counts["created"]),
        ngettext("{n} client updated", "{n} clients updated", counts["updated"]),
        _("{n} skipped", n=counts["skipped"]),
        _("{n} with errors", n=counts["invalid"]),
        ngettext("{n} warning", "{n} warnings", warnings)])


def counted_line(rows: int, parts: list[str]) -> str:
    """"3 rows: 2 new clients, 1 skipped…": each count in its own number."""
    return _("{rows}: {details}", rows=ngettext("{n} row", "{n} rows", rows),
             details=_(", ").join(parts))


def describe_problem(path: Path, problem: RowProblem, more: int = 0) -> str:
    text = _("{path}: row {row}, column {column}: {message}", path=path.name,
             row=problem.row, column=problem.column or "-", message=problem.message)
    if more:
        text += " " + ngettext("({n} more problem)", "({n} more problems)", more)
    return text


@dataclass(frozen=True)
class ImportResult:
    """What a committed import did: the counts of the plan it wrote (planned
    again inside the transaction when the database changed meanwhile)."""

    batch_id: int
    counts: dict[str, int]
    warnings: int

    def summary(self) -> str:
        return summary_text(self.counts, self.warnings)


def columns_shown(columns: list[str]) -> str:
    """The first dozen column names, for a message."""
    return ", ".join(columns[:12]) + (", …" if len(columns) > 12 else "")


def require_name_column(source: ImportSource, mapping: Mapping[int, str]) -> None:
    """Raise NoNameColumnError, naming the file's columns, when no column is
    mapped to the client's name."""
    if im.maps_a_name(mapping):
        return
    columns = [source.column_name(i) for i, header in enumerate(source.headers)
               if header.strip()]
    shown = columns_shown(columns)
    if not mapping and not source.suggested_mapping:  # not one column the app knows
        raise NoNameColumnError(_(
            "{path}: none of its columns is one the app knows, so none of them holds the "
            "client's name (columns found: {columns})", path=source.path.name,
            columns=shown or "-"), columns)
    raise NoNameColumnError(_(
        "{path}: no column is mapped to the client's name (columns found: {columns})",
        path=source.path.name, columns=shown or "-"), columns)


PlanT = TypeVar("PlanT")


class Importer(Generic[PlanT]):
    """What the client and the order import share: the database, clock,
    user and backup choice, reading a file as rows of ``kind``, and planning
    on a read-only session (``_plan``, each import its own).

    Attributes:
        db: the open database.
        clock: returns "now"; injected so tests can fix it.
        user: recorded as the author of the batch and of the changes.
        backup_first: make a backup of the database before writing.
    """

    kind = CLIENTS

    def __init__(self, db: Database, clock: Clock = system_clock, user: str | None = None,
                 backup_first: bool = True) -> None:
        self.db = db
        self.clock = clock
        self.user = current_user() if user is None else user
        self.backup_first = backup_first

    def open(self, path: Path | str, sheet: str | None = None,
             header_row: int | None = None) -> ImportSource:
        with collector.paused():
            return open_source(path, sheet, header_row, kind=self.kind)

    def plan(self, source: ImportSource, mapping: Mapping[int, str] | None = None,
             policy: str = SKIP) -> PlanT:
        """What importing would do, reading the database only."""
        with collector.paused(), self.db.read() as session:
            return self._plan(session, source, mapping, policy)

    def _plan(self, session: Session, source: ImportSource,
              mapping: Mapping[int, str] | None, policy: str) -> PlanT:
        raise NotImplementedError


class ImportService(Importer[ImportPlan]):
    """Importing client cards from files, and undoing an import (of clients
    or of orders)."""

    # -- planning -------------------------------------------------------------

    def _plan(self, session: Session, source: ImportSource,
              mapping: Mapping[int, str] | None, policy: str) -> ImportPlan:
        if policy not in POLICIES:
            raise ValueError(f"unknown duplicate policy {policy!r}")
        mapping = dict(source.suggested_mapping if mapping is None else mapping)
        require_name_column(source, mapping)
        plan = ImportPlan(source, mapping, policy, fingerprint=repo.fingerprint(session))
        today = self.clock().date()
        builder = im.RowBuilder(mapping, source.headers, today)
        # The rows' cards are kept packed until each is placed (packed.py):
        # 100,000 whole cards took 270 MB next to the file's rows.
        built: deque[tuple[RowCard, Packed]] = deque()
        # the fields a row fills are the mapping's on almost every row: one
        # set for all rows that fill the same (100,000 sets took 120 MB)
        shared: dict[frozenset[str], set[str]] = {}
        uuids: list[str] = []
        for number, values in source.data_rows():
            rc = builder.build(number, values)
            if rc.blank:
                continue
            rc.fields = shared.setdefault(frozenset(rc.fields), rc.fields)
            detail = source.table.details.get(rc.row - source.table.first_row)
            if detail is not None:  # a vCard's nature and phone kinds
                apply_detail(rc.card, detail)
            if rc.card.uuid:
                uuids.append(rc.card.uuid)
            built.append((rc, pack(rc.card)))
            rc.card = _PACKED
        index = repo.duplicate_index(session)
        # A row's client, in order: its UUID; the integer ID column, only in a
        # workbook exported from this very database; else the duplicate rules.
        by_uuid = identity_repo.clients_by_uuid(session, uuids)
        own_file = (source.table.database_uuid is not None
                    and source.table.database_uuid == identity_repo.database_uuid(session))
        ids = ({rc.client_id for rc, _card in built if rc.client_id is not None}
               if own_file else set())
        live = repo.live_client_ids(session, ids)
        loaded: dict[int, ClientCard] = {}
        in_file: dict[str, int] = {}  # duplicate key -> position in plan.new_cards
        while built:
            rc, packed_card = built.popleft()  # let go once placed
            rc.card = unpack(packed_card)
            plan.problems.extend(rc.problems)
            if not rc.ok:
                plan.rows.append(PlannedRow(rc.row, INVALID, name=rc.card.name))
                continue
            found = by_uuid.get(rc.card.uuid) if rc.card.uuid else None
            if found is not None:
                client_id, trashed = found
                if trashed:  # never resurrected behind the user's back
                    plan.problems.append(RowProblem(
                        rc.row, _column_of(source, mapping, im.UUID),
                        _("{name} is in the trash: the row is skipped (restore the client "
                          "first to import it)", name=rc.card.name or rc.card.uuid),
                        WARNING, rc.card.uuid))
                    plan.rows.append(PlannedRow(rc.row, SKIPPED, client_id, name=rc.card.name))
                    continue
                rc.client_id = client_id
                self._update(session, plan, rc, loaded)
                continue
            if rc.client_id is not None and own_file:
                if rc.client_id in live and not rc.card.uuid:
                    self._update(session, plan, rc, loaded)
                    continue
                if rc.client_id in live:  # the row's UUID is not that client's
                    message = _("Client ID {id} belongs to another client here (the UUIDs "
                                "differ): the row is added as a new client", id=rc.client_id)
                else:
                    message = _("No client has ID {id}: the row is added as a new client",
                                id=rc.client_id)
                plan.problems.append(RowProblem(
                    rc.row, _column_of(source, mapping, im.CLIENT_ID), message, WARNING,
                    str(rc.client_id)))
            rc.client_id = None  # another database's ID: it says nothing here
            # the card is as it was packed: a new card keeps that packed form
            self._place(session, plan, rc, index, in_file, loaded, packed_card)
        plan.problems.sort(key=lambda p: (p.row, p.severity != ERROR))
        return plan

    def _load(self, session: Session, client_id: int,
              loaded: dict[int, ClientCard]) -> ClientCard:
        if client_id not in loaded:
            card = client_repo.load_card(session, client_id)
            assert card is not None
            loaded[client_id] = card
        return loaded[client_id]

    def _change(self, plan: ImportPlan, row: int, client_id: int, before: ClientCard,
                after: ClientCard) -> bool:
        """Record ``after`` as the new state of an existing client; False when
        it equals the card as it is in the database."""
        first = plan.changed.get(client_id, (row, before, before))[0]
        if diff_cards(before, after):
            plan.changed[client_id] = (first, before, after)
            return True
        plan.changed.pop(client_id, None)
        return False

    def _update(self, session: Session, plan: ImportPlan, rc: RowCard,
                loaded: dict[int, ClientCard]) -> None:
        assert rc.client_id is not None
        before = self._load(session, rc.client_id, loaded)
        current = plan.changed.get(rc.client_id, (0, before, before))[2]
        after = im.apply_update(current, rc.card, rc.fields)
        changed = self._change(plan, rc.row, rc.client_id, before, after)
        plan.rows.append(PlannedRow(rc.row, UPDATE if changed else UNCHANGED, rc.client_id,
                                    name=after.name))

    def _place(self, session: Session, plan: ImportPlan, rc: RowCard, index: dict[str, int],
               in_file: dict[str, int], loaded: dict[int, ClientCard],
               packed: Packed | None = None) -> None:
        """``packed``: ``pack(rc.card)``, kept when the row is a new card."""
        keys = im.duplicate_keys(rc.card)
        # Rows that carry their own UUIDs are distinct clients of the file's
        # database even when they share a phone or a company: within the file
        # such a row only repeats a row with the same UUID. Rows without one
        # dedupe as before (against any earlier row).
        own = [f"uuid:{rc.card.uuid}"] if rc.card.uuid else keys
        earlier = next((in_file[k] for k in own if k in in_file), None)
        keys = own + keys if rc.card.uuid else keys
        existing = next((index[k] for k in keys if k in index), None)
        if plan.policy == KEEP or (earlier is None and existing is None):
            position = len(plan.new_cards)
            plan.new_cards.append((rc.row, rc.card), packed)
            for key in keys:
                in_file.setdefault(key, position)
            plan.rows.append(PlannedRow(rc.row, CREATE, name=rc.card.name))
            return
        if earlier is not None:
            first_row, card = plan.new_cards[earlier]
            if plan.policy == SKIP:
                plan.rows.append(PlannedRow(rc.row, SKIPPED, duplicate_of=first_row,
                                            name=rc.card.name))
                return
            plan.new_cards[earlier] = (first_row, im.merge_into(card, rc.card))
            for key in keys:
                in_file.setdefault(key, earlier)
            plan.rows.append(PlannedRow(rc.row, MERGED, duplicate_of=first_row,
                                        name=rc.card.name))
            return
        assert existing is not None
        if plan.policy == SKIP:
            plan.rows.append(PlannedRow(rc.row, SKIPPED, existing, name=rc.card.name))
            return
        before = self._load(session, existing, loaded)
        current = plan.changed.get(existing, (0, before, before))[2]
        after = im.merge_into(current, rc.card)
        changed = self._change(plan, rc.row, existing, before, after)
        plan.rows.append(PlannedRow(rc.row, MERGED if changed else UNCHANGED, existing,
                                    name=rc.card.name))

    # -- writing --------------------------------------------------------------
    def commit(self, source: ImportSource, mapping: Mapping[int, str] | None = None,
               policy: str = SKIP, *, skip_invalid: bool = False,
               plan: ImportPlan | None = None) -> ImportResult:
        """Import in one transaction, recorded as a batch that can be undone.
        Raises ImportRowError (nothing written) when rows have errors and
        ``skip_invalid`` is false. ``plan``, made by ``plan()`` for the same
        source, mapping and policy, is used when no client changed since;
        otherwise the import is planned again inside the transaction."""
        now = self.clock()
        if self.backup_first and self.db.path is not None and self.db.path.exists():
            from desktop_crm.services.backup import BackupReason, backup

            backup(self.db, now=now, reason=BackupReason.BEFORE_IMPORT)
        # locked from the start: the check that nothing changed since the plan
        # (or the new plan) and the writes see one state of the database
        with collector.paused(), self.db.session(lock=True) as session:
            wanted = dict(source.suggested_mapping if mapping is None else mapping)
            if (plan is None or plan.source is not source or plan.mapping != wanted
                    or plan.policy != policy or plan.fingerprint != repo.fingerprint(session)):
                plan = self._plan(session, source, mapping, policy)
            if plan.errors and not skip_invalid:
                raise ImportRowError(plan.first_error(), plan.errors)
            tags_before = repo.tag_set(session)
            items: list[repo.NewItem] = []
            # the cards stay packed: each is unpacked as it is written
            # (told from the packed values: can_bulk_insert without unpacking)
            bulk = plan.new_cards.new_without(repo.NOT_IN_BULK)
            ids = repo.insert_cards(session, plan.new_cards.cards(bulk), now,
                                    plan.new_cards.tags(bulk))
            # the items of the new cards straight away: no other list of 100,000
            row_of = plan.new_cards.row
            items += [(row_of(i), client_id, repo.CREATED, None, now)
                      for i, client_id in zip(bulk, ids, strict=True)]
            del ids
            in_bulk = bytearray(len(plan.new_cards))
            for i in bulk:
                in_bulk[i] = 1
            items += [(row, client_repo.save_card(session, card, now), repo.CREATED, None, now)
                      for row, card in (plan.new_cards[i] for i, done in enumerate(in_bulk)
                                        if not done)]
            _keep_photos(session, source, items, now)
            for client_id, (row, before, after) in plan.changed.items():
                snapshot = repo.card_to_json(before)
                after.id = client_id
                client_repo.save_card(session, after, now)
                client_repo.add_changes(session, client_id, diff_cards(before, after), now,
                                        self.user)
                items.append((row, client_id, repo.UPDATED, snapshot, now))
            counts = plan.counts
            added_tags = sorted(repo.tag_set(session) - tags_before)
            batch_id = repo.add_batch(session, file_name=str(source.path),
                                      file_format=source.format, imported_at=now,
                                      user=self.user, policy=policy, counts=counts,
                                      new_tags=added_tags)
            repo.add_items(session, batch_id, items)
        return ImportResult(batch_id, counts, len(plan.warnings))

    # -- batches ----------------------------------------------------------------
    def batches(self) -> list[BatchInfo]:
        with self.db.read() as session:
            return repo.batches(session)

    def undo(self, batch_id: int) -> int:
        """Remove the clients a batch created and put back the cards it
        changed, or remove the orders an import of orders created, in one
        transaction; returns the number of clients and orders touched.
        An order edited since the import refuses the undo as an edited
        client does (ImportUndoError naming its clients; nothing changed).
        Only that batch's clients are touched: what others added or imported
        meanwhile on a shared database stays. Refuses (ImportUndoError, one
        line naming the clients and who edited them; nothing changed) when a
        client was edited after the import, or one it created has
        interactions, evaluations or complaints since."""
        now = self.clock()
        with self.db.session(lock=True) as session:  # the checks and the deletes: one state
            info = repo.batch(session, batch_id)
            if info is None:
                raise ImportUndoError(_("There is no import {id}", id=batch_id))
            if info.undone_at is not None:
                raise ImportUndoError(_("Import {id} was already undone", id=batch_id))
            items = repo.items(session, batch_id)
            _check_undoable(session, items)
            orders = order_import_repo.batch_orders(session, batch_id)
            _check_orders_undoable(session, orders)
            touched = order_import_repo.delete_batch_orders(session, batch_id) if orders else 0
            for item in reversed(items):
                if item.client_id is None:
                    continue
                touched += 1
                if item.action == repo.CREATED:
                    client_repo.purge(session, item.client_id)
                    continue
                assert item.before is not None
                card, updated = repo.card_from_json(item.before, item.client_id)
                current_card = client_repo.load_card(session, item.client_id)
                fields = {f for f, _old, _new in diff_cards(card, current_card)} \
                    if current_card else set()
                client_repo.save_card(session, card, now)
                repo.delete_changes(session, item.client_id, info.imported_at, info.user,
                                    fields)
                if updated is not None:
                    repo.set_updated_at(session, item.client_id, updated)
            session.flush()
            repo.delete_unused_tags(session, repo.new_tags(session, batch_id))
            repo.mark_undone(session, batch_id, now)
        return touched


def _keep_photos(session: Session, source: ImportSource, created: list[repo.NewItem],
                 now: datetime) -> None:
    """A vCard's photo (vcard_21.MAX_VCARD_PHOTO at most) becomes the photo of
    the client its contact created, normalised as one the user sets
    (services.photos); one that is not a picture is left out. A client the
    file updates keeps its own photo. Undoing the import deletes the client
    and its photo."""
    photos = source.table.photos
    if not photos:
        return
    from desktop_crm.services.photos import PhotoError, normalised

    for row, client_id, *_rest in created:
        data = photos.get(row - source.table.first_row)
        if data is None:
            continue
        try:
            photo = normalised(data)
        except PhotoError:
            continue  # the contact is imported without it
        photo_repo.put(session, client_id, photo, now)


def _check_undoable(session: Session, items: list[repo.ItemInfo]) -> None:
    """Raise ImportUndoError naming every client of the batch that was
    edited after it (by whom), or else every created client with activity."""
    edited: list[int] = []
    active: list[int] = []
    for item in items:
        if item.client_id is None:
            continue
        if repo.updated_at(session, item.client_id) != item.after:
            edited.append(item.client_id)
        elif item.action == repo.CREATED and repo.has_activity(session, item.client_id):
            active.append(item.client_id)
    if edited:
        users = repo.last_editors(session, edited)
        raise ImportUndoError(_(
            "Cannot undo the import: {clients} changed after it by {users}",
            clients=name_list(repo.client_names(session, edited)),
            users="、".join(users) if users else _("someone")))
    if active:
        raise ImportUndoError(_(
            "Cannot undo the import: {clients} have interactions, orders, evaluations or "
            "complaints recorded since", clients=name_list(repo.client_names(session, active))))


def _check_orders_undoable(session: Session,
                           orders: list[order_import_repo.BatchOrder]) -> None:
    """Raise ImportUndoError naming the clients whose imported orders were
    edited after the import (undo would throw those edits away)."""
    edited = list(dict.fromkeys(o.client_id for o in orders if o.edited))
    if edited:
        raise ImportUndoError(_(
            "Cannot undo the import: orders of {clients} were changed after it; delete "
            "them one by one on the client's card instead",
            clients=name_list(repo.client_names(session, edited))))


NAMES_SHOWN = 3  # clients a one-line message names before "and N more"


def name_list(names: list[str]) -> str:
    """The first few names and how many more."""
    shown = "、".join(names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        shown += " " + _("and {n} more", n=len(names) - NAMES_SHOWN)
    return shown


def _column_of(source: ImportSource, mapping: Mapping[int, str], field_key: str) -> str:
    for index, key in mapping.items():
        if key == field_key:
            return source.column_name(index)
    return ""


# -- the report ----------------------------------------------------------------------

def save_report(problems: list[RowProblem], path: Path | str) -> None:
    """Write the validation report as .xlsx (row, column, severity, problem,
    value); cell text is never run as a formula. Raises ExportError."""
    import io

    from openpyxl import Workbook

    from desktop_crm.services.exporting.cells import text_cell
    from desktop_crm.services.files import write_atomically

    book = Workbook(write_only=True)
    book.security = None  # an empty <workbookProtection/>: Gnumeric warns on every open
    sheet = book.create_sheet(_("Import report"))

    def text(value: str) -> Any:
        # the export's formula guard: never run as a formula, even once edited
        return text_cell(sheet, value)

    sheet.append([_("Row"), _("Column"), _("Severity"), _("Problem"), _("Value")])
    labels = {ERROR: _("Error"), WARNING: _("Warning")}
    for p in problems:
        sheet.append([p.row, text(p.column), labels.get(p.severity, p.severity),
                      text(p.message), text(p.value)])
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomically(Path(path), buffer.getvalue())


__all__ = [
    "CREATE", "INVALID", "KEEP", "MERGE", "MERGED", "POLICIES", "SKIP", "SKIPPED", "UNCHANGED",
    "UPDATE", "BatchInfo", "ClientChange", "ImportFileError", "ImportPlan", "ImportResult",
    "ImportRowError", "ImportService", "ImportSource", "ImportUndoError", "PlannedRow",
    "RowProblem", "describe_problem", "open_source", "save_report", "summary_text",
]
