"""The Clients sheet: every card field, one row per client."""

from __future__ import annotations

from typing import Any

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.dates import DateSpec
from desktop_crm.i18n import N_
from desktop_crm.services.exporting import texts
from desktop_crm.services.exporting.cells import DATETIME_FORMAT, Column
from desktop_crm.services.exporting.pages import ExportedClient
from desktop_crm.services.exporting.sheet import Book, SheetWriter
from desktop_crm.services.exporting.texts import Texts

SPEND_FORMAT = "#,##0"  # whole yuan
COLUMNS = (
    Column(N_("ID"), 7), Column(N_("Name"), 16), Column(N_("Kind"), 10),
    Column(N_("Gender"), 8), Column(N_("Title"), 12), Column(N_("Company"), 24),
    Column(N_("Phone"), 16), Column(N_("Other phones"), 24), Column(N_("E-mail"), 24),
    Column(N_("WeChat"), 14), Column(N_("Website"), 20), Column(N_("Address"), 30),
    Column(N_("Home address"), 30),
    Column(N_("Industry"), 12), Column(N_("Source"), 12), Column(N_("Tags"), 20),
    Column(N_("Owner"), 10), Column(N_("Grade"), 6), Column(N_("Previous grade"), 8),
    Column(N_("Last evaluated"), 12), Column(N_("Last contact"), 16, DATETIME_FORMAT),
    Column(N_("By nature"), 14), Column(N_("By stage"), 12), Column(N_("By tenure"), 10),
    Column(N_("By volume"), 12), Column(N_("Loyalty"), 14),
    Column(N_("Estimated yearly spend"), 12, SPEND_FORMAT), Column(N_("Birthday"), 14),
    Column(N_("Important dates"), 28), Column(N_("Family members"), 28),
    Column(N_("Legal representative"), 12), Column(N_("Founded on"), 12),
    Column(N_("Scale"), 10), Column(N_("Assets"), 10), Column(N_("Organisation form"), 12),
    Column(N_("Client since"), 12), Column(N_("Profile filled in by"), 10),
    Column(N_("Notes"), 40), Column(N_("Created"), 16, DATETIME_FORMAT),
    Column(N_("Updated"), 16, DATETIME_FORMAT),
    # the client's identity everywhere: a re-import matches rows by it
    Column(N_("UUID"), 38),
)
LIST_SEPARATOR = "; "


class ClientsSheet:
    """Writes the Clients sheet row by row."""

    def __init__(self, book: Book, t: Texts) -> None:
        self.t = t
        self.out = SheetWriter.create(book, t(texts.CLIENTS), [t(c.header) for c in COLUMNS],
                                        COLUMNS)

    def add(self, item: ExportedClient) -> None:
        self.out.append(self.row(item))

    def row(self, item: ExportedClient) -> list[Any]:
        t, c = self.t, item.card
        return [
            c.id, c.name, t.label(c.kind), t.label(c.gender), c.title, c.company,
            c.primary_phone, _other_phones(c, t), c.email, c.wechat, c.website, c.address,
            c.home_address, c.industry, c.source, LIST_SEPARATOR.join(c.tags), c.owner,
            c.grade, item.previous_grade, item.last_evaluated_on, item.last_contact,
            t.label(c.nature), t.label(c.stage), t.label(c.tenure), t.label(c.volume_tier),
            t.label(c.loyalty), c.annual_spend, self._spec(c.birthday), self._dates(c),
            self._family(c),
            c.legal_representative, c.founded_on, c.scale, c.assets, c.org_form,
            c.relationship_since,
            c.profile_filled_by, c.notes, c.created_at, c.updated_at, c.uuid,
        ]

    def _spec(self, spec: DateSpec | None) -> str:
        return self.t.domain(spec.describe) if spec is not None else ""

    def _dates(self, c: ClientCard) -> str:
        parts = [f"{d.label or self.t.label(d.kind)}: {self._spec(d.spec)}" for d in c.dates]
        return LIST_SEPARATOR.join(parts)

    def _family(self, c: ClientCard) -> str:
        parts = []
        for m in c.family:
            text = " ".join(p for p in (m.relation, m.name) if p)
            if m.birthday is not None:
                text += f" ({self._spec(m.birthday)})"
            parts.append(text)
        return LIST_SEPARATOR.join(parts)

    def finish(self) -> None:
        self.out.finish()


def _other_phones(c: ClientCard, t: Texts) -> str:
    return LIST_SEPARATOR.join(f"{t.label(p.kind)} {p.number}" for p in c.phones[1:])

