"""The pre-visit brief's actions driven through the real window: the card's
"Brief" button saves the brief as PDF (the file dialog answered), the
confidential choice, printing what the print dialog chose, the client list's
menu for one selected client, a refused path; both languages. The PDF is
read back with pdftotext."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QMessageBox

from desktop_crm import i18n
from desktop_crm.services.registry import Services
from desktop_crm.storage.database import Database
from desktop_crm.ui import file_dialogs
from desktop_crm.ui.main_window import MainWindow
from tests.conftest import Clock
from tests.gui.conftest import shown
from tests.unit import pdf_reading as pdf
from tests.unit.brief_book import NOW, PUBLIC_ANSWER, SECRET_ANSWER, bare_client, rich_client

pytestmark = pytest.mark.usefixtures("everyone")


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    pdf.poppler()
    services = Services.build(db, Clock(NOW), user="李销售")
    return {"rich": rich_client(services), "bare": bare_client(services)}


@pytest.fixture
def win(qtbot, db: Database, settings: QSettings, ids: dict[str, int]  # type: ignore[no-untyped-def]
        ) -> Iterator[MainWindow]:
    yield from shown(qtbot, MainWindow(db, settings, Clock(NOW), user="李销售"))


def answer_save(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[tuple[Any, ...]]:
    """Answer the save dialog with ``path``; records what it was asked."""
    asked: list[tuple[Any, ...]] = []

    def save_file(*args: Any, **kwargs: Any) -> Path:
        asked.append(args)
        return path
    monkeypatch.setattr(file_dialogs, "save_file", save_file)
    return asked


@pytest.mark.parametrize("lang, button, title, heading", [
    ("en", "Brief", "Save brief as PDF…", "Pre-visit brief"),
    ("zh", "简报", "将简报保存为 PDF…", "拜访前简报"),
])
def test_the_card_saves_its_brief_as_pdf(win: MainWindow, ids: dict[str, int], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch, lang: str,
                                         button: str, title: str, heading: str) -> None:
    i18n.set_language(lang)
    win.retranslate()
    win.open_client(ids["rich"])
    brief = win.clients.editor.brief
    assert brief.button is not None and brief.button.isVisible()
    assert brief.button.text() == button and brief.save_action.text() == title
    asked = answer_save(monkeypatch, tmp_path / "王建国")  # typed without .pdf
    paper = {a.text(): a for a in brief.paper_menu.actions()}
    paper["A4"].trigger()
    brief.save_action.trigger()
    assert asked and Path(asked[0][2]).name == "王建国.pdf"  # the name proposed
    out = tmp_path / "王建国.pdf"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = pdf.flat_text(out)
    assert "".join(heading.split()) in text and "王建国" in text and PUBLIC_ANSWER in text
    assert SECRET_ANSWER not in text
    assert pdf.page_size_points(out) == (595, 842)
    brief.confidential_action.setChecked(True)
    assert brief.paper_menu.title() == ("Paper size" if lang == "en" else "纸张大小")
    paper["Letter"].trigger()
    brief.save_action.trigger()
    assert SECRET_ANSWER in pdf.flat_text(out)
    assert pdf.pages(out) == 1 and pdf.page_size_points(out) == (612, 792)


def test_print_prints_on_what_the_dialog_chose(win: MainWindow, ids: dict[str, int],
                                               tmp_path: Path) -> None:
    win.open_client(ids["rich"])
    brief = win.clients.editor.brief
    out = tmp_path / "printed.pdf"
    shown_dialogs: list[QPrintDialog] = []

    def choose(dialog: QPrintDialog) -> bool:  # the user picks a printer and OK
        shown_dialogs.append(dialog)
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return True
    brief.run_print_dialog = choose
    brief.have_printer = lambda: True
    assert brief.print_action.isEnabled()
    brief.print_action.trigger()
    assert shown_dialogs and not shown_dialogs[0].testOption(
        QPrintDialog.PrintDialogOption.PrintToFile)
    text = pdf.flat_text(out)
    assert "王建国" in text and "Pre-visitbrief" in text
    # the document it prints: the brief's text, on at most two pages
    document = brief.document(brief.printer())
    assert document is not None and "王建国" in document.toPlainText()
    assert 1 <= document.pageCount() <= 2
    # cancelled: nothing printed
    out.unlink()
    brief.run_print_dialog = lambda dialog: False
    assert brief.print_() is False and not out.exists()


def test_without_a_printer_it_says_to_save_a_pdf(win: MainWindow, ids: dict[str, int],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    win.open_client(ids["rich"])
    brief = win.clients.editor.brief
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information",
                        staticmethod(lambda parent, title, text, *a: said.append(text)))
    brief.have_printer = lambda: False
    brief.run_print_dialog = lambda dialog: pytest.fail("no dialog without a printer")
    assert brief.print_() is False
    assert said and "Save the brief as PDF instead" in said[0]


def test_a_new_card_has_no_brief(win: MainWindow) -> None:
    editor = win.clients.editor
    win.clients.new_client()
    assert editor.brief.button is not None and not editor.brief.button.isVisible()
    assert editor.brief.brief() is None


def test_the_list_offers_the_brief_of_one_selected_client(
        win: MainWindow, ids: dict[str, int], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    tab = win.clients
    tab.apply_filter()
    bulk = tab.bulk
    assert bulk.brief.save_action in bulk.menu.actions()
    assert bulk.brief.print_action in bulk.menu.actions()
    tab.view.selectAll()
    assert len(bulk.selected_ids()) == 2 and not bulk.brief.save_action.isEnabled()
    tab.view.clearSelection()
    tab.view.selectRow(tab.model.row_of(ids["bare"]))
    assert bulk.brief.save_action.isEnabled() and bulk.brief.print_action.isEnabled()
    answer_save(monkeypatch, tmp_path / "ann.pdf")
    bulk.brief.save_action.trigger()
    text = pdf.flat_text(tmp_path / "ann.pdf")
    assert "AnnLee" in text and "Noordersyet" in text


def test_a_refused_path_says_so_and_writes_nothing(win: MainWindow, ids: dict[str, int],
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    win.open_client(ids["rich"])
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text, *a: said.append(text)))
    folder = tmp_path / "briefs.pdf"
    folder.mkdir()
    answer_save(monkeypatch, folder)
    assert win.clients.editor.brief.save_pdf() is None
    assert said and "is a folder" in said[0]
    assert list(folder.iterdir()) == [] and not list(tmp_path.glob("*.pdf.*"))
    assert not list(tmp_path.glob(".*.part"))
