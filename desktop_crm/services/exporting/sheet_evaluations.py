"""The Evaluations sheet: every evaluation of the exported clients, oldest first
per client, with the points of each criterion of the current scheme."""

from __future__ import annotations

from desktop_crm.domain.scoring import Scheme
from desktop_crm.i18n import N_
from desktop_crm.services.exporting import texts
from desktop_crm.services.exporting.cells import NUMBER_FORMAT, Column
from desktop_crm.services.exporting.pages import EvaluationLine
from desktop_crm.services.exporting.sheet import Book, SheetWriter
from desktop_crm.services.exporting.texts import Texts

LEADING = (Column(N_("Client ID"), 8), Column(N_("Client"), 16),
           Column(N_("Evaluated on"), 12), Column(N_("Period from"), 12),
           Column(N_("Period to"), 12), Column(N_("Total"), 8, NUMBER_FORMAT),
           Column(N_("Grade"), 6))
TRAILING = (Column(N_("Scheme version"), 8), Column(N_("Evaluator"), 10),
            Column(N_("Notes"), 30), Column(N_("UUID"), 38), Column(N_("Client UUID"), 38))


class EvaluationsSheet:
    """Writes the Evaluations sheet."""

    def __init__(self, book: Book, t: Texts, scheme: Scheme) -> None:
        self.keys = [c.key for c in scheme.criteria]
        labels = t.domain(lambda: [c.label for c in scheme.criteria])
        columns = [*LEADING, *(Column("", 12, NUMBER_FORMAT) for _ in self.keys), *TRAILING]
        headers = [t(c.header) for c in LEADING]
        headers += [t(N_("{criterion} (points)"), criterion=label) for label in labels]
        headers += [t(c.header) for c in TRAILING]
        self.out = SheetWriter.create(book, t(texts.EVALUATIONS), headers, columns)

    def add(self, line: EvaluationLine, client: str, client_uuid: str) -> None:
        self.out.append([line.client_id, client, line.evaluated_on, line.period_start,
                         line.period_end, line.total, line.grade,
                         *(line.points.get(k) for k in self.keys),
                         line.scheme_version, line.evaluator, line.notes, line.uuid,
                         client_uuid])

    def finish(self) -> None:
        self.out.finish()
