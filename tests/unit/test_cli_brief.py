"""``desktop-crm brief CLIENT --out brief.pdf`` on both engines: the client
by UUID, id or one search; several or none, a bad page size or an output
path that must not be replaced exit 2 with one line; the command writes
nothing to the database; --include-confidential, --lang and --page-size."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from desktop_crm.cli import main
from desktop_crm.domain.client import ClientCard
from desktop_crm.services.registry import Services
from desktop_crm.storage.database import Database
from tests.conftest import Clock, one_line
from tests.unit import pdf_reading as pdf
from tests.unit.book import book_rows
from tests.unit.brief_book import NOW, PUBLIC_ANSWER, SECRET_ANSWER, rich_client


@pytest.fixture
def book(db_target: str) -> tuple[str, int, str]:
    """The rich client and two more named 王; (target, its id, its UUID)."""
    pdf.poppler()
    db = Database.open(db_target)
    try:
        services = Services.build(db, Clock(NOW), user="李销售")
        client_id = rich_client(services)
        for name in ("王芳", "王磊"):
            services.clients.save(ClientCard(name=name))
        return db_target, client_id, services.clients.get(client_id).uuid
    finally:
        db.close()


def test_a_brief_by_uuid_id_or_search(tmp_path: Path, book: tuple[str, int, str],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    target, client_id, uuid = book
    before = book_rows(target)
    for n, name in enumerate((uuid, str(client_id), "华东机电")):
        out = tmp_path / f"brief{n}.pdf"
        assert main(["brief", name, "--db", target, "--out", str(out), "--lang", "en",
                     "--page-size", "A4"]) == 0
        assert f"Wrote the brief of 王建国 to {out} (A4)" in capsys.readouterr().out
        text = pdf.flat_text(out)
        assert "王建国" in text and PUBLIC_ANSWER in text and SECRET_ANSWER not in text
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert book_rows(target) == before


def test_confidential_chinese_letter(tmp_path: Path, book: tuple[str, int, str],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    target, client_id, _uuid = book
    out = tmp_path / "简报.pdf"
    assert main(["brief", str(client_id), "--db", target, "--out", str(out), "--lang", "zh",
                 "--include-confidential", "--page-size", "Letter"]) == 0
    assert "已将 王建国 的拜访前简报写入" in capsys.readouterr().out
    text = pdf.flat_text(out)
    assert SECRET_ANSWER in text and "含保密内容" in text and "拜访前简报" in text
    assert pdf.page_size_points(out) == (612, 792) and pdf.pages(out) == 1


@pytest.mark.parametrize("client, expected", [
    ("王", '3 clients match "王": '),
    ("nobody", 'No client matches "nobody"'),
    ("00000000-0000-4000-8000-000000000001",
     "No client has the UUID 00000000-0000-4000-8000-000000000001"),
    ("  ", "Name a client: its id, UUID or a search"),
])
def test_bad_input_is_one_line_exit_2(tmp_path: Path, book: tuple[str, int, str],
                                      capsys: pytest.CaptureFixture[str], client: str,
                                      expected: str) -> None:
    out = tmp_path / "brief.pdf"
    capsys.readouterr()
    assert main(["brief", client, "--db", book[0], "--out", str(out), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and expected in one_line(err)
    assert not out.exists()


def test_a_page_size_other_than_a4_or_letter_is_refused(
        tmp_path: Path, book: tuple[str, int, str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["brief", "1", "--db", book[0], "--out", str(tmp_path / "b.pdf"),
              "--page-size", "A5"])
    assert exited.value.code == 2
    assert "invalid choice: 'A5'" in one_line(capsys.readouterr().err)


def test_several_matches_are_listed_with_their_ids(tmp_path: Path, book: tuple[str, int, str],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    target, client_id, _uuid = book
    assert main(["brief", "王", "--db", target, "--out", str(tmp_path / "b.pdf")]) == 2
    err = one_line(capsys.readouterr().err)
    assert f"{client_id} 王建国 (华东机电有限公司)" in err and "王芳" in err and "王磊" in err


def test_the_output_must_not_replace_what_must_stay(tmp_path: Path, db_path: Path,
                                                    engine: str, book: tuple[str, int, str],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    target = book[0]
    missing = tmp_path / "no such folder" / "b.pdf"
    assert main(["brief", "1", "--db", target, "--out", str(missing)]) == 2
    assert "Cannot write" in one_line(capsys.readouterr().err)
    assert main(["brief", "1", "--db", target, "--out", str(tmp_path)]) == 2
    assert "is a folder" in one_line(capsys.readouterr().err)
    if engine == "sqlite":
        before = db_path.read_bytes()
        assert main(["brief", "1", "--db", target, "--out", str(db_path)]) == 2
        assert "is the open database" in one_line(capsys.readouterr().err)
        assert db_path.read_bytes() == before
