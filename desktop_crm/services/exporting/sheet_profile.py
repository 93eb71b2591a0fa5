"""The Mackay 66 sheet: one row per client with answers, one column per question.

Questions confidential by nature are left out as columns, and answers the user
marked private are left blank, unless the export includes confidential answers.
"""

from __future__ import annotations

from desktop_crm.domain import profile
from desktop_crm.domain.profile_card import all_answers
from desktop_crm.i18n import N_
from desktop_crm.services.exporting import texts
from desktop_crm.services.exporting.cells import Column
from desktop_crm.services.exporting.pages import ExportedClient
from desktop_crm.services.exporting.sheet import Book, SheetWriter
from desktop_crm.services.exporting.texts import Texts

LEADING = (Column(N_("ID"), 7), Column(N_("Name"), 16), Column(N_("Profile filled in by"), 10),
           Column(N_("Completeness"), 10, "0%"))
TRAILING = (Column(N_("Client UUID"), 38),)


class ProfileSheet:
    """Writes the Mackay 66 sheet; clients without a shareable answer get no row.

    Attributes:
        numbers: the question numbers that have a column.
    """

    def __init__(self, book: Book, t: Texts, include_confidential: bool) -> None:
        self.include_confidential = include_confidential
        questions = [q for q in profile.questions() if include_confidential or not q.confidential]
        self.numbers = [q.number for q in questions]
        columns = [*LEADING, *(Column("", 24) for _ in questions), *TRAILING]
        headers = [t(c.header) for c in LEADING]
        headers += [f"{q.number}. {q.text(t.lang)}" for q in questions]
        headers += [t(c.header) for c in TRAILING]
        self.out = SheetWriter.create(book, t(texts.PROFILE), headers, columns)

    def add(self, item: ExportedClient) -> None:
        c = item.card
        answers = profile.shareable_answers(c.profile, c.profile_private,
                                            self.include_confidential)
        answers = {n: a for n, a in answers.items() if a.strip()}
        if not answers:
            return
        # the name, title, phones... the card holds count as answered (the
        # card's columns show them; the question's column has the rest)
        self.out.append([c.id, c.name, c.profile_filled_by, profile.completeness(all_answers(c)),
                         *(answers.get(n) for n in self.numbers), c.uuid])

    def finish(self) -> None:
        self.out.finish()
