"""Importing contact people (联系人) and attaching each to an existing
organisation, through the same readers and header detection as the client
import, with a dry run (``plan``) and a report of every problem::

    service = ContactImportService(db)
    source = service.open(path)            # ImportFileError: one clear line
    plan = service.plan(source)            # reads only
    result = service.commit(source)        # ImportRowError: nothing written

A row's organisation is the one its client UUID names (a live organisation
card), else the one live organisation whose name or company is the row's
organisation (compared without case, spaces or punctuation). A row whose
organisation is missing, unknown, ambiguous, in the trash or an individual
is an error for that row. A person already there (the same UUID, or the
same name at the same organisation) or repeated in the file is skipped.
Each person added is recorded in the organisation's history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from desktop_crm.domain import contact_import as ci
from desktop_crm.domain import import_mapping as im
from desktop_crm.domain.contact import ContactPerson, summary
from desktop_crm.domain.contact_import import ContactDraft
from desktop_crm.domain.enums import ClientKind
from desktop_crm.domain.import_mapping import ERROR, WARNING, RowProblem
from desktop_crm.i18n import _
from desktop_crm.services.contacts import HISTORY_FIELD
from desktop_crm.services.importing.errors import ImportFileError, MissingColumnError, no_data_rows
from desktop_crm.services.importing.readers import read_file
from desktop_crm.services.importing.service import (
    CREATE,
    INVALID,
    SKIP,
    SKIPPED,
    Importer,
    ImportRowError,
    ImportSource,
    PlannedRow,
    PlanProblems,
    name_list,
)
from desktop_crm.storage import client_repo, contact_repo

CONTACTS = "contacts"


def contact_summary_text(counts: Mapping[str, int], warnings: int) -> str:
    return _("{rows} rows: {created} new contact people, {skipped} skipped, {invalid} with "
             "errors, {warnings} warnings", rows=counts["rows"], created=counts["created"],
             skipped=counts["skipped"], invalid=counts["invalid"], warnings=warnings)


@dataclass
class ContactPlan(PlanProblems):
    """Everything a contacts import would do, computed without writing.

    Attributes:
        rows: one PlannedRow per non-blank data row (``client_id``: the organisation).
        new_people: (row, person) of the people that will be added.
    """

    source: ImportSource
    mapping: dict[int, str]
    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    new_people: list[tuple[int, ContactPerson]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        actions = [row.action for row in self.rows]
        return {"rows": len(self.rows), "created": len(self.new_people),
                "skipped": actions.count(SKIPPED), "invalid": actions.count(INVALID)}

    def summary(self) -> str:
        return contact_summary_text(self.counts, len(self.warnings))


@dataclass(frozen=True)
class ContactImportResult:
    counts: dict[str, int]
    warnings: int

    def summary(self) -> str:
        return contact_summary_text(self.counts, self.warnings)


def open_contacts(path: Path | str, sheet: str | None = None) -> ImportSource:
    """Read ``path`` (a workbook's Contacts sheet first) and find its header row."""
    path = Path(path)
    table = read_file(path, sheet, ci.contact_sheets_first)
    rows = table.rows
    if table.fixed_mapping is not None:
        raise ImportFileError(_("{path} is a vCard file: import it as client cards",
                                path=path.name))
    if not any(any(v is not None for v in row) for row in rows):
        raise ImportFileError(_("{path} is empty", path=path.name))
    found = ci.find_header_row(rows)
    headers = im.header_names(rows, found)
    source = ImportSource(table, found, headers, ci.suggest_mapping(headers), CONTACTS)
    if source.data_count == 0:
        raise no_data_rows(path, table.format)
    return source


def require_contact_columns(source: ImportSource, mapping: Mapping[int, str]) -> None:
    missing = ci.missing_fields(mapping)
    if not missing:
        return
    columns = [source.column_name(i) for i, h in enumerate(source.headers) if h.strip()]
    shown = ", ".join(columns[:12]) + (", …" if len(columns) > 12 else "")
    fields = ", ".join(_("organisation (name or UUID)") if key == ci.ORGANISATION
                       else ci.field_label(key) for key in missing)
    raise MissingColumnError(_(
        "{path}: no column is mapped to {fields} (columns found: {columns})",
        path=source.path.name, fields=fields, columns=shown or "-"), columns)


@dataclass
class _Organisations:
    """The live organisations by UUID and by the key of their name and company."""

    by_uuid: dict[str, tuple[int, str, bool]] = field(default_factory=dict)  # id, kind, trash
    by_name: dict[str, set[int]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)


def _key(text: str) -> str:
    return im.normalize_header(text)


def _organisations(session: Session, uuids: set[str]) -> _Organisations:
    found = _Organisations()
    for uid, (cid, kind, trash, name) in contact_repo.clients_by_uuid(session, uuids).items():
        found.by_uuid[uid] = (cid, kind, trash)
        found.names[cid] = name
    for cid, name, company in contact_repo.live_organisations(session):
        found.names[cid] = name
        for text in {name, company}:
            if text and _key(text):
                found.by_name.setdefault(_key(text), set()).add(cid)
    return found


def _organisation_of(draft: ContactDraft, orgs: _Organisations) -> int | None:
    """The organisation a row names, or None with an error added to the row."""
    if draft.client_uuid:
        hit = orgs.by_uuid.get(draft.client_uuid)
        if hit is None:
            draft.error(ci.CLIENT_UUID, _("No client has this UUID"), draft.client_uuid)
        elif hit[2]:
            draft.error(ci.CLIENT_UUID, _("The organisation is in the trash: restore it "
                                          "first to import its contact people"),
                        draft.client_uuid)
        elif hit[1] != ClientKind.ORGANISATION.value:
            draft.error(ci.CLIENT_UUID, _("{name} is an individual client, not an "
                                          "organisation", name=orgs.names.get(hit[0], "")),
                        draft.client_uuid)
        else:
            return hit[0]
        return None
    matches = orgs.by_name.get(_key(draft.organisation), set())
    if len(matches) == 1:
        return next(iter(matches))
    if matches:
        draft.error(ci.ORGANISATION, _(
            "Several organisations are named {name} ({names}): give the organisation's UUID",
            name=draft.organisation,
            names=name_list([f"{orgs.names[i]} (ID {i})" for i in sorted(matches)])),
            draft.organisation)
    else:
        draft.error(ci.ORGANISATION, _("No organisation is named {name}: add its card first, "
                                       "or give its UUID", name=draft.organisation),
                    draft.organisation)
    return None


class ContactImportService(Importer[ContactPlan]):
    """Importing contact people from files (see ``Importer``)."""

    kind = CONTACTS

    def open(self, path: Path | str, sheet: str | None = None,
             header_row: int | None = None) -> ImportSource:
        return open_contacts(path, sheet)

    def _plan(self, session: Session, source: ImportSource,
              mapping: Mapping[int, str] | None, policy: str = SKIP) -> ContactPlan:
        mapping = dict(source.suggested_mapping if mapping is None else mapping)
        require_contact_columns(source, mapping)
        plan = ContactPlan(source, mapping)
        today = self.clock().date()
        drafts = [ci.build_contact_row(number, values, mapping, source.headers, today)
                  for number, values in source.data_rows()]
        drafts = [d for d in drafts if not d.blank]
        orgs = _organisations(session, {d.client_uuid for d in drafts if d.client_uuid})
        for draft in drafts:
            if draft.ok:
                draft.person.client_id = _organisation_of(draft, orgs) or 0
        found = {d.person.client_id for d in drafts if d.ok}
        known_uuids = contact_repo.known_uuids(
            session, {d.person.uuid for d in drafts if d.ok and d.person.uuid})
        recorded = {(p.client_id, _key(p.name))
                    for persons in contact_repo.for_clients(session, sorted(found)).values()
                    for p in persons}
        in_file: dict[tuple[int, str], int] = {}
        for draft in drafts:
            plan.problems.extend(draft.problems)
            person = draft.person
            if not draft.ok:
                plan.rows.append(PlannedRow(draft.row, INVALID, name=person.name))
                continue
            key = (person.client_id, _key(person.name))
            earlier = in_file.get(key)
            if person.uuid in known_uuids or key in recorded or earlier is not None:
                message = (_("The row repeats row {row}: it is skipped", row=earlier)
                           if earlier is not None else
                           _("{name} is already a contact person of {organisation}: the row "
                             "is skipped", name=person.name,
                             organisation=orgs.names.get(person.client_id, "")))
                plan.problems.append(RowProblem(draft.row, "", message, WARNING, person.name))
                plan.rows.append(PlannedRow(draft.row, SKIPPED, person.client_id, earlier,
                                            person.name))
                continue
            in_file[key] = draft.row
            plan.new_people.append((draft.row, person))
            plan.rows.append(PlannedRow(draft.row, CREATE, person.client_id, name=person.name))
        plan.problems.sort(key=lambda p: (p.row, p.severity != ERROR))
        return plan

    def commit(self, source: ImportSource, mapping: Mapping[int, str] | None = None, *,
               skip_invalid: bool = False) -> ContactImportResult:
        """Add the planned people in one transaction, each recorded in its
        organisation's history. Raises ImportRowError (nothing written) when
        rows have errors and ``skip_invalid`` is false."""
        now = self.clock()
        with self.db.session(lock=True) as session:
            plan = self._plan(session, source, mapping)
            if plan.errors and not skip_invalid:
                raise ImportRowError(plan.first_error(), plan.errors)
            for _row, person in plan.new_people:
                contact_repo.add(session, person, now)
                client_repo.add_changes(session, person.client_id,
                                        [(HISTORY_FIELD, "", summary(person))], now, self.user)
        return ContactImportResult(plan.counts, len(plan.warnings))
