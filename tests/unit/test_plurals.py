"""English singular and plural of counted messages; Chinese has one form."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from desktop_crm import i18n
from desktop_crm.domain.care import AgendaItem, Source
from desktop_crm.domain.enums import AgendaKind
from desktop_crm.i18n import ngettext


@pytest.fixture
def zh() -> Iterator[None]:
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


def test_english_uses_the_singular_for_one_only() -> None:
    assert [ngettext("{n} client", "{n} clients", n) for n in (0, 1, 2, 21)] == [
        "0 clients", "1 client", "2 clients", "21 clients"]
    # a formatted number is shown, the count chooses the form
    assert ngettext("{n} client", "{n} clients", 1200, n="1,200") == "1,200 clients"
    assert ngettext("Wrote {n} client to {path}", "Wrote {n} clients to {path}", 1,
                    path="a.xlsx") == "Wrote 1 client to a.xlsx"


def test_chinese_has_one_form_for_every_count(zh: None) -> None:
    assert ngettext("{n} client", "{n} clients", 1) == "共 1 个客户"
    assert ngettext("{n} client", "{n} clients", 5) == "共 5 个客户"


def _item(kind: AgendaKind, source: str, **kw: object) -> AgendaItem:
    values: dict[str, object] = {"day": date(2026, 9, 25), "kind": kind, "source": source,
                                 "ref": 1, "client_id": None, "client": ""}
    values.update(kw)
    return AgendaItem(**values)  # type: ignore[arg-type]


def test_agenda_titles_count_one_in_the_singular() -> None:
    festival = _item(AgendaKind.FESTIVAL, Source.FESTIVAL, detail="mid_autumn", group_size=1)
    assert festival.title == "Mid-Autumn Festival: greetings to 1 client"
    backlog = _item(AgendaKind.NO_CONTACT, Source.NO_CONTACT_BACKLOG, group_size=1)
    assert backlog.title.startswith("1 client not contacted")
    churn = _item(AgendaKind.CHURN_WARNING, Source.CHURN_NO_ORDER, client_id=3, client="Ann",
                  years=1, detail="B", group_size=90)
    assert churn.title == "Ann: no order for 1 day (grade B allows 90)"
    thanks = _item(AgendaKind.RELATIONSHIP_ANNIVERSARY, Source.IMPORTANT_DATE, client_id=3,
                   client="Ann", years=1)
    assert thanks.done_summary == "Thanks sent for 1 year of working together"
