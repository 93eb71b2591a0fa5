"""Random clients exported to .xlsx and imported into an empty database come
back field for field: CJK, emoji, newlines, text a spreadsheet would take for a
formula, long text, birthdays from 1900 to 2100."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import Gender
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.services.exporting import export_xlsx
from desktop_crm.services.importing import ImportService
from desktop_crm.storage.database import Database
from tests.conftest import NewDatabases

NOW = datetime(2100, 12, 31, 9, 0)  # so that every birthday up to 2100 lies in the past

# Printable text without the characters XML cannot hold; CJK and emoji included.
_chars = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
_text = st.text(_chars, max_size=40).map(str.strip)
_risky = st.sampled_from(["=1+1", "+86 hello", "-minus", "@SUM(A1)", "=HYPERLINK(\"x\")"])
_names = st.one_of(
    st.text(st.sampled_from("王李张刘陈杨黄赵周吴郑孙朱马胡郭林何高罗曾国方芳娜伟"), min_size=2,
            max_size=4),
    _text.filter(lambda t: t != "" and not t.isdigit()),
    _risky,
    st.just("😀 Emoji Ltd"),
)
_notes = st.one_of(_text, _risky, st.just("第一行\n第二行"), st.text(_chars, min_size=300,
                                                                    max_size=600).map(str.strip))
_birthdays = st.one_of(
    st.none(),
    st.dates(date(1900, 1, 1), date(2100, 12, 31)).map(DateSpec.from_date),
    st.builds(lambda m, d, y: DateSpec.lunar(m, min(d, 29), year=y),
              st.integers(1, 12), st.integers(1, 29), st.one_of(st.none(),
                                                                st.integers(1901, 2099))),
)
_mobiles = st.integers(13000000000, 19999999999).map(str)


@st.composite
def cards(draw: st.DrawFn) -> ClientCard:
    return ClientCard(
        name=draw(_names), gender=draw(st.sampled_from(list(Gender))),
        title=draw(_text), company=draw(st.one_of(_text, _risky)),
        phones=[Phone(draw(_mobiles))],
        wechat=draw(st.from_regex(r"[a-z][a-z0-9_]{5,12}", fullmatch=True)),
        address=draw(_text), industry=draw(_text), owner=draw(_text),
        tags=draw(st.lists(st.sampled_from(["vip", "老客户", "展会", "=tag"]), unique=True,
                           max_size=3)),
        notes=draw(_notes), birthday=draw(_birthdays),
    )


COMPARED = ("name", "gender", "title", "company", "phones", "wechat", "address", "industry",
            "owner", "notes", "birthday")


@pytest.fixture
def fresh(new_db: NewDatabases) -> Callable[[], tuple[Database, Database]]:
    """Two new, empty databases (each with its own identity) for each example,
    on the test's engine: copies of two made once, so that the migrations do
    not run again for every example."""
    new_db.target("a")
    new_db.target("b")
    examples = itertools.count()

    def make() -> tuple[Database, Database]:
        n = next(examples)
        return new_db.open(f"a{n}", copy_of="a"), new_db.open(f"b{n}", copy_of="b")

    return make


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(batch=st.lists(cards(), min_size=1, max_size=4, unique_by=lambda c: c.phones[0].number))
def test_random_clients_survive_export_and_import(
        fresh: Callable[[], tuple[Database, Database]], batch: list[ClientCard]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source_db, target_db = fresh()
        try:
            source = ClientService(source_db, lambda: NOW, user="t")
            for card in batch:
                source.save(card)
            book = Path(tmp) / "out.xlsx"
            export_xlsx(source_db, book, lang="zh", clock=lambda: NOW)
            importer = ImportService(target_db, lambda: NOW, backup_first=False)
            src = importer.open(book, sheet="客户")
            mapping = {col: field for col, field in src.suggested_mapping.items()
                       if field != "client_id"}  # an empty database: every row is new
            result = importer.commit(src, mapping, "keep")
            assert result.counts["created"] == len(batch)
            target = ClientService(target_db, lambda: NOW)
            back = {target.get(cid).phones[0].number: target.get(cid)
                    for cid in target.list_ids(ClientFilter())}
            for card in batch:
                got = back[card.phones[0].number]
                for field in COMPARED:
                    want = getattr(card, field)
                    if isinstance(want, str):
                        want = want.strip()
                    assert getattr(got, field) == want, field
                assert sorted(got.tags) == sorted(card.tags)
        finally:
            source_db.close()
            target_db.close()
