"""The pre-visit brief as a PDF (ui.brief.pdf), read back with pdftotext:
what a rich client's brief says in English and Chinese, confidential answers
only when asked, at most two pages for a card filled at its limits on A4 and
Letter, the page sizes, and embedded fonts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_crm.domain.brief import Brief
from desktop_crm.i18n import language_in_this_thread
from desktop_crm.services.brief import BriefService
from desktop_crm.services.registry import Services
from desktop_crm.storage.database import Database
from desktop_crm.ui.brief.pdf import default_page_size, render_pdf
from tests.conftest import Clock
from tests.unit import pdf_reading as pdf
from tests.unit.brief_book import (
    NOW,
    OTHER_ANSWER,
    PRIVATE_ANSWER,
    PUBLIC_ANSWER,
    SECRET_ANSWER,
    bare_client,
    full_client,
    rich_client,
)


@pytest.fixture
def services(tmp_path: Path, qapp: object) -> Iterator[Services]:
    """A SQLite book (the PDF does not depend on the engine: the brief's data
    is tested on both in tests/unit/services/test_brief.py)."""
    pdf.poppler()
    db = Database.open(str(tmp_path / "book.db"), create=True)
    try:
        yield Services.build(db, Clock(NOW), user="李销售")
    finally:
        db.close()


def _write(services: Services, client_id: int, path: Path, *, lang: str = "en",
           page_size: str = "A4", include_confidential: bool = False) -> Path:
    with language_in_this_thread(lang):
        brief: Brief = BriefService(services.db, services.clock, services.user).brief(
            client_id, include_confidential)
        path.write_bytes(render_pdf(brief, page_size))
    return path


def _flat(text: str) -> str:
    return "".join(text.split())


def test_the_english_brief_says_what_the_visit_needs(services: Services, tmp_path: Path) -> None:
    path = _write(services, rich_client(services), tmp_path / "brief.pdf")
    text = pdf.flat_text(path)
    for expected in ("Pre-visit brief", "王建国", "华东机电有限公司", "采购总监",
                     "138 0013 8000 (Mobile)", "wang@hdjd.example.com",
                     "Website: www.hdjd.example.com", "Key client (A)",
                     "Best service and efficient selling", "Core client",
                     "Draw the pyramid of your top clients", "A-class service",
                     PUBLIC_ANSWER, OTHER_ANSWER, "Proudest achievement",
                     "2 confidential answers not shown",
                     "寄送报价单1", "寄送报价单5", "交货晚了三天，影响生产",
                     "Reply by 2026-06-10 23:59",
                     "包装破损", "birthday, turns 50", "birthday of contact person 陈静",
                     "Lunar 5/10", "wedding anniversary, year 25", "CNY 120,000.00",
                     "CNY 200,000.00", "Late payments (12 months): 1", "陈静", "Purchaser"):
        assert _flat(expected) in text, expected
    assert "寄送报价单6" not in text  # the last five interactions only
    assert SECRET_ANSWER not in text and PRIVATE_ANSWER not in text
    assert "confidential answers: do not leave" not in text
    assert pdf.pages(path) == 1
    assert pdf.page_size_points(path) == (595, 842)  # A4
    assert all(embedded for _name, embedded in pdf.fonts(path))


def test_confidential_answers_only_with_the_choice(services: Services, tmp_path: Path) -> None:
    client_id = rich_client(services)
    path = _write(services, client_id, tmp_path / "secret.pdf", include_confidential=True)
    text = pdf.flat_text(path)
    assert SECRET_ANSWER in text and PRIVATE_ANSWER in text and PUBLIC_ANSWER in text
    assert _flat("Includes confidential answers: do not leave this brief") in text
    assert "[Confidential]" in text
    assert "confidential answers not shown" not in pdf.text(path)


def test_the_chinese_brief_reads_back_in_chinese(services: Services, tmp_path: Path) -> None:
    path = _write(services, rich_client(services), tmp_path / "简报.pdf", lang="zh")
    text = pdf.flat_text(path)
    for expected in ("拜访前简报", "客户等级与服务策略", "重点客户", "最好的服务", "忠诚度",
                     "核心客户", "客户档案（麦凯66问）", PUBLIC_ANSWER, "2条保密回答未列出",
                     "最近互动", "下一步：寄送报价单1", "未结投诉", "交货晚了三天，影响生产",
                     "未来30天的重要日子",
                     "农历五月初十", "今年成交：CNY120,000.00", "联系人", "陈静"):
        assert expected in text, expected
    assert SECRET_ANSWER not in text
    fonts = pdf.fonts(path)
    assert fonts and all(embedded for _name, embedded in fonts)


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
def test_a_card_filled_at_its_limits_prints_on_two_pages_at_most(
        services: Services, tmp_path: Path, page_size: str) -> None:
    client_id = full_client(services)
    for lang in ("en", "zh"):
        path = _write(services, client_id, tmp_path / f"full-{lang}.pdf", lang=lang,
                      page_size=page_size, include_confidential=True)
        assert pdf.pages(path) <= 2, (lang, page_size)
        text = pdf.flat_text(path)
        assert "…" in text  # long answers are cut with an ellipsis
        assert ("morenotshown" if lang == "en" else "项未列出") in text


def test_letter_and_a4_pages(services: Services, tmp_path: Path) -> None:
    client_id = bare_client(services)
    letter = _write(services, client_id, tmp_path / "letter.pdf", page_size="Letter")
    a4 = _write(services, client_id, tmp_path / "a4.pdf", page_size="A4")
    assert pdf.page_size_points(letter) == (612, 792)
    assert pdf.page_size_points(a4) == (595, 842)
    assert pdf.pages(letter) == 1 and "Noordersyet" in pdf.flat_text(letter)


def test_the_default_paper_follows_the_locale() -> None:
    assert default_page_size("en_US") == "Letter"
    assert default_page_size("en_CA.UTF-8") == "Letter"
    for name in ("zh_CN", "en_GB", "de_DE", "C", ""):
        assert default_page_size(name) == "A4"
