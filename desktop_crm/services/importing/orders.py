"""Importing orders (销售记录) from a spreadsheet, through the same machinery
as clients: the same readers (format sniffing, encodings, hostile files),
header row detection and mapping, dry run (``plan``), validation report,
duplicates policy and batch undo::

    service = OrderImportService(db)
    source = service.open(path)             # ImportFileError: one clear line
    plan = service.plan(source, mapping)    # reads only
    result = service.commit(source, mapping)
    ImportService(db).undo(result.batch_id)  # removes the batch's orders

A row's client, in this order (README.md, "Importing orders"):

1. its UUID, when the row gives one: a client here must have it (one in the
   trash is an error for the row: restore it first);
2. its phone numbers: the live client that has one of them;
3. its name and company (compared without case, spaces or punctuation); a
   row without a company matches the one client of that name.

A row whose client cannot be found, or that matches several clients, is an
error for that row. A row without a status is a won order. A row repeating
an order already recorded (same client, date, product and amount) or an
earlier row of the file is skipped (SKIP, the default) or imported (KEEP);
orders are never merged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from desktop_crm.domain import order_import as oi
from desktop_crm.domain.import_mapping import ERROR, WARNING, RowProblem
from desktop_crm.domain.order_import import OrderDraft
from desktop_crm.domain.sales import Order
from desktop_crm.i18n import _, ngettext
from desktop_crm.services.importing.errors import MissingColumnError
from desktop_crm.services.importing.service import (
    CREATE,
    INVALID,
    KEEP,
    ORDERS,
    SKIP,
    SKIPPED,
    ClientChange,
    Importer,
    ImportRowError,
    ImportService,
    ImportSource,
    PlannedRow,
    PlanProblems,
    counted_line,
    name_list,
)
from desktop_crm.storage import identity_repo, order_import_repo
from desktop_crm.storage import import_repo as repo
from desktop_crm.storage.import_repo import BatchInfo
from desktop_crm.storage.order_import_repo import ClientIndex

ORDER_POLICIES = (SKIP, KEEP)


def order_summary_text(counts: Mapping[str, int], warnings: int) -> str:
    """One line: what an order import would do (a plan) or did (a result)."""
    return counted_line(counts["rows"], [
        ngettext("{n} new order", "{n} new orders", counts["created"]),
        _("{n} skipped", n=counts["skipped"]),
        _("{n} with errors", n=counts["invalid"]),
        ngettext("{n} warning", "{n} warnings", warnings)])


@dataclass
class OrderPlan(PlanProblems):
    """Everything an order import would do, computed without writing.

    Attributes:
        source: the file.
        mapping: the mapping used (order field keys).
        policy: SKIP or KEEP for duplicates.
        rows: one PlannedRow per non-blank data row (``client_id``: its client).
        problems: the validation report (errors and warnings), in row order.
        new_orders: (row, order) of the orders that will be created.
    """

    source: ImportSource
    mapping: dict[int, str]
    policy: str
    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    new_orders: list[tuple[int, Order]] = field(default_factory=list)
    fingerprint: tuple[Any, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        """Orders created, rows skipped (duplicates) and invalid; ``rows`` is
        every non-blank data row. An order import changes no client."""
        actions = [row.action for row in self.rows]
        return {"rows": len(self.rows), "created": len(self.new_orders), "updated": 0,
                "merged": 0, "skipped": actions.count(SKIPPED),
                "invalid": actions.count(INVALID)}

    def summary(self) -> str:
        return order_summary_text(self.counts, len(self.warnings))

    def client_changes(self) -> list[ClientChange]:
        return []  # orders are added to clients; no card changes


@dataclass(frozen=True)
class OrderImportResult:
    """What a committed order import wrote (counts as in OrderPlan.counts)."""

    batch_id: int
    counts: dict[str, int]
    warnings: int

    def summary(self) -> str:
        return order_summary_text(self.counts, self.warnings)


def require_order_columns(source: ImportSource, mapping: Mapping[int, str]) -> None:
    """Raise MissingColumnError, naming the fields that no column gives and the
    file's columns, unless the mapping names the client (UUID, phone or name),
    the order date, the product and the amount."""
    missing = oi.missing_fields(mapping)
    if not missing:
        return
    columns = [source.column_name(i) for i, header in enumerate(source.headers)
               if header.strip()]
    shown = ", ".join(columns[:12]) + (", …" if len(columns) > 12 else "")
    fields = ", ".join(_("client (UUID, phone or name)") if key == oi.NAME
                       else oi.field_label(key) for key in missing)
    raise MissingColumnError(_(
        "{path}: no column is mapped to {fields} (columns found: {columns})",
        path=source.path.name, fields=fields, columns=shown or "-"), columns)


class OrderImportService(Importer[OrderPlan]):
    """Importing orders from files (see ``Importer``); undo is the client
    import's batch undo."""

    kind = ORDERS

    def _plan(self, session: Session, source: ImportSource,
              mapping: Mapping[int, str] | None, policy: str) -> OrderPlan:
        if policy not in ORDER_POLICIES:
            raise ValueError(f"orders can only skip or keep duplicates, not {policy!r}")
        mapping = dict(source.suggested_mapping if mapping is None else mapping)
        require_order_columns(source, mapping)
        plan = OrderPlan(source, mapping, policy,
                         fingerprint=order_import_repo.fingerprint(session))
        today = self.clock().date()
        drafts = [oi.build_order_row(number, values, mapping, source.headers, today)
                  for number, values in source.data_rows()]
        drafts = [d for d in drafts if not d.blank]
        by_uuid = identity_repo.clients_by_uuid(session, (d.uuid for d in drafts if d.uuid))
        index = order_import_repo.client_index(session) \
            if any(d.ok and not d.uuid for d in drafts) else ClientIndex()
        for draft in drafts:
            if draft.ok:
                draft.order.client_id = _client_of(draft, by_uuid, index) or 0
        found = {d.order.client_id for d in drafts if d.ok}
        recorded = order_import_repo.order_keys(session, found)
        in_file: dict[tuple[Any, ...], int] = {}
        for draft in drafts:
            plan.problems.extend(draft.problems)
            order = draft.order
            if not draft.ok:
                plan.rows.append(PlannedRow(draft.row, INVALID, name=draft.client_text()))
                continue
            name = index.names.get(order.client_id, draft.client_text())
            key = oi.order_key(order.client_id, order.ordered_on, order.product, order.amount)
            earlier = in_file.get(key)
            if policy == SKIP and (key in recorded or earlier is not None):
                message = (_("The same order (client, date, product and amount) is already "
                             "recorded: the row is skipped") if earlier is None else
                           _("The row repeats row {row} (same client, date, product and "
                             "amount): it is skipped", row=earlier))
                plan.problems.append(RowProblem(draft.row, "", message, WARNING,
                                                order.product))
                plan.rows.append(PlannedRow(draft.row, SKIPPED, order.client_id, earlier,
                                            name=name))
                continue
            in_file.setdefault(key, draft.row)
            plan.new_orders.append((draft.row, order))
            plan.rows.append(PlannedRow(draft.row, CREATE, order.client_id, name=name))
        plan.problems.sort(key=lambda p: (p.row, p.severity != ERROR))
        return plan

    def commit(self, source: ImportSource, mapping: Mapping[int, str] | None = None,
               policy: str = SKIP, *, skip_invalid: bool = False,
               plan: OrderPlan | None = None) -> OrderImportResult:
        """Import in one transaction, recorded as a batch that can be undone.
        Raises ImportRowError (nothing written) when rows have errors and
        ``skip_invalid`` is false. ``plan`` is used when no client or order
        changed since it was made; otherwise the import is planned again."""
        now = self.clock()
        if self.backup_first and self.db.path is not None and self.db.path.exists():
            from desktop_crm.services.backup import BackupReason, backup

            backup(self.db, now=now, reason=BackupReason.BEFORE_IMPORT)
        with self.db.session(lock=True) as session:
            wanted = dict(source.suggested_mapping if mapping is None else mapping)
            if (plan is None or plan.source is not source or plan.mapping != wanted
                    or plan.policy != policy
                    or plan.fingerprint != order_import_repo.fingerprint(session)):
                plan = self._plan(session, source, mapping, policy)
            if plan.errors and not skip_invalid:
                raise ImportRowError(plan.first_error(), plan.errors)
            counts = plan.counts
            batch_id = repo.add_batch(session, file_name=str(source.path),
                                      file_format=source.format, imported_at=now,
                                      user=self.user, policy=policy, counts=counts,
                                      new_tags=[])
            order_import_repo.insert_orders(session, [o for _row, o in plan.new_orders],
                                            batch_id, now)
        return OrderImportResult(batch_id, counts, len(plan.warnings))

    def batches(self) -> list[BatchInfo]:
        return ImportService(self.db, self.clock, self.user, backup_first=False).batches()

    def undo(self, batch_id: int) -> int:
        """Remove the orders of a batch (see ImportService.undo)."""
        return ImportService(self.db, self.clock, self.user, backup_first=False).undo(batch_id)


def _client_of(draft: OrderDraft, by_uuid: Mapping[str, tuple[int, bool]],
               index: ClientIndex) -> int | None:
    """The client a row names, or None with an error added to the row."""
    if draft.uuid:
        hit = by_uuid.get(draft.uuid)
        if hit is None:
            draft.error(oi.UUID, _("No client has this UUID"), draft.uuid)
            return None
        if hit[1]:
            draft.error(oi.UUID, _("The client is in the trash: restore it first to import "
                                   "its orders"), draft.uuid)
            return None
        return hit[0]
    by_phone = set().union(*(index.by_phone.get(k, set()) for k in draft.phones))
    if len(by_phone) == 1:
        return next(iter(by_phone))
    if len(by_phone) > 1:
        draft.error(oi.PHONE, _("The phone belongs to several clients ({names}): give the "
                                "client's UUID instead",
                                names=_names(index, by_phone)), draft.phone_text)
        return None
    if draft.name:
        matches = index.by_name.get(order_import_repo.name_key(draft.name, draft.company),
                                    set())
        if not matches and not draft.company:
            matches = index.by_name_only.get(order_import_repo.name_key(draft.name, "")[0],
                                             set())
        if len(matches) == 1:
            return next(iter(matches))
        if len(matches) > 1:
            draft.error(oi.NAME, _("Several clients are named {name} ({names}): give the "
                                   "company, phone or UUID", name=draft.name,
                                   names=_names(index, matches)), draft.name)
            return None
    if draft.phones and draft.name:
        draft.error(oi.NAME, _("No client has the phone {phone} or the name {name}",
                               phone=draft.phone_text, name=draft.client_text()),
                    draft.client_text())
    elif draft.phones:
        draft.error(oi.PHONE, _("No client has the phone {phone}", phone=draft.phone_text),
                    draft.phone_text)
    else:
        draft.error(oi.NAME, _("No client is named {name}", name=draft.client_text()),
                    draft.client_text())
    return None


def _names(index: ClientIndex, ids: set[int]) -> str:
    ordered = sorted(ids)
    return name_list([", ".join(filter(None, (index.names.get(i, "?"), index.companies.get(i))))
                      + f" (ID {i})" for i in ordered])
