"""vCard lines folded at 75 octets without splitting a UTF-8 character
(desktop_crm.services.vcard_lines), and the demo book's export: every line
at most 75 octets, each line valid UTF-8 on its own, and the file parsed
back by vobject identical to the cards written."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import vobject

from desktop_crm.domain.client import ClientCard
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.services.demo import generate
from desktop_crm.services.vcard_export import build_vcard, export_vcf
from desktop_crm.services.vcard_lines import fold, refold
from desktop_crm.storage.database import Database


def physical(text: str) -> list[bytes]:
    data = text.encode("utf-8")
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


@pytest.mark.parametrize("line", [
    "NOTE:" + "长" * 23,  # 74 octets: one line
    "NOTE:" + "长" * 24,  # 77 octets: vobject leaves it whole (24 + 5 characters)
    "ADR;TYPE=WORK:;;广东省广州市越秀区黄河路9号商务中心807室;;;;",
    "NOTE:" + "a" * 70 + "长长长" + "b" * 200,
    "NOTE:" + "😀" * 40,  # four octets each
    "NOTE:" + "x" * 70,
])
def test_fold_at_75_octets_on_character_boundaries(line: str) -> None:
    folded = fold(line)
    lines = physical(folded)
    assert all(len(p) <= 75 for p in lines)
    assert all(p.startswith(b" ") for p in lines[1:])
    for p in lines:
        p.decode("utf-8")  # strict: no character split over two lines
    assert folded.replace("\r\n ", "") == line + "\r\n"
    # a line is filled before it is broken: no line shorter than it must be
    for p, following in pairwise(lines):
        assert len(p) + len(following[1:].decode("utf-8")[0].encode("utf-8")) > 75


def test_vobject_leaves_long_chinese_lines_whole_and_refold_fixes_them() -> None:
    card = vobject.vCard()
    card.add("fn").value = "张伟"
    card.add("note").value = "长" * 24
    written = card.serialize()
    assert any(len(p) > 75 for p in physical(written))  # what vobject 0.9.9 does
    fixed = refold(written)
    assert all(len(p) <= 75 for p in physical(fixed))
    assert vobject.readOne(fixed).note.value == "长" * 24


def _children(card: Any) -> list[tuple[str, str, list[tuple[str, list[str]]]]]:
    return sorted((c.name, str(c.value), sorted((k, list(v)) for k, v in c.params.items()))
                  for c in card.getChildren())


def test_the_demo_book_export_is_folded_and_reads_back_identically(
        db: Database, tmp_path: Path) -> None:
    generate(db, 200, seed=7, now=datetime(2026, 6, 1, 9, 0))
    service = ClientService(db)
    cards: list[ClientCard] = [service.get(i) for i in service.list_ids(ClientFilter())]
    out = tmp_path / "demo.vcf"
    assert export_vcf(db, out) == len(cards)
    data = out.read_bytes()
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 75
    assert sum(1 for line in lines if line.startswith(b" ")) > 0  # some had to be folded
    for line in lines:
        line.decode("utf-8")
    parsed = {c.uid.value: c for c in vobject.readComponents(data.decode("utf-8"))}
    assert len(parsed) == len(cards)
    for card in cards:
        written = build_vcard(card)
        assert _children(parsed[written.uid.value]) == _children(written)
