"""File > Import and Export through the main window, dialogs answered by the test."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from desktop_crm.services.clients import ClientService
from desktop_crm.ui import file_dialogs, transfer
from desktop_crm.ui.import_dialog import ImportDialog
from tests.gui.conftest import finished

# on a server database too, showing everyone's clients (Mine is the default there)
pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """QMessageBox.question answers in order; records what was asked."""
    asked: list[str] = []
    queue: list[QMessageBox.StandardButton] = []

    def question(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(text)
        return queue.pop(0)

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return queue, asked


def test_export_the_workbook_and_the_listed_clients(qtbot, window, seeded, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                     monkeypatch, answers) -> None:
    queue, asked = answers
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: tmp_path / "all")
    queue.append(QMessageBox.StandardButton.No)
    assert finished(qtbot, window.export_workbook()) is not None
    written = tmp_path / "all.xlsx"
    assert "confidential" in asked[0]
    book = openpyxl.load_workbook(written)
    assert book["Clients"].max_row == 1 + len(seeded)
    assert "all.xlsx" in window.statusBar().currentMessage()
    # the listed clients only: search for one
    window.clients.search.setText("李娜")
    window.clients.apply_filter()
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: tmp_path / "list.xlsx")
    queue.append(QMessageBox.StandardButton.No)
    finished(qtbot, window.export_client_list())
    listed = openpyxl.load_workbook(tmp_path / "list.xlsx")
    names = [row[1] for row in listed["Clients"].iter_rows(min_row=2, values_only=True)]
    assert names == ["李娜"]


def test_import_a_csv_then_undo_it(qtbot, window, seeded, tmp_path: Path, monkeypatch,  # type: ignore[no-untyped-def]
                                   answers, db) -> None:
    queue, _asked = answers
    csv = tmp_path / "客户.csv"
    csv.write_text("客户名称,手机,公司\n王小明,13700001111,杭州云帆\n"
                   "曾国方,138 0013 8000,北京华为\n", encoding="gbk")
    monkeypatch.setattr(file_dialogs, "open_file", lambda *a, **k: csv)
    shown: list[tuple[str, dict[int, str]]] = []

    class Accepting(ImportDialog):
        """The mapping dialog, accepted as suggested without a modal loop
        (what it showed is noted: it is deleted once the import runs)."""

        def exec(self) -> int:
            shown.append((self.summary.text(), self.mapping()))
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(transfer, "DIALOG_FACTORY", Accepting)
    window.import_clients()
    qtbot.waitUntil(lambda: "Imported as batch" in window.statusBar().currentMessage())
    summary, mapping = shown[0]
    assert "1 new client," in summary and "1 skipped" in summary  # 曾国方's phone exists
    assert mapping == {0: "name", 1: "mobile", 2: "company"}
    names = {r.name for r in ClientService(db).search("")}
    assert "王小明" in names
    assert window.clients.model.rowCount() == len(seeded) + 1
    queue.append(QMessageBox.StandardButton.Yes)
    assert window.undo_import()
    assert window.clients.model.rowCount() == len(seeded)


def test_a_bad_file_is_refused_with_one_message(qtbot, window, seeded, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                monkeypatch) -> None:
    bad = tmp_path / "notes.xlsx"
    bad.write_bytes(b"not a spreadsheet at all")
    errors: list[str] = []
    monkeypatch.setattr(file_dialogs, "open_file", lambda *a, **k: bad)
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text: errors.append(text)))
    operation = window.import_clients()
    qtbot.waitUntil(lambda: bool(errors))
    assert operation.finished_ok is False
    assert len(errors) == 1 and "notes.xlsx" in errors[0]
    assert window.clients.service.counts()["clients"] == len(seeded)


def test_a_cancelled_import_writes_nothing(qtbot, window, seeded, tmp_path: Path,  # type: ignore[no-untyped-def]
                                           monkeypatch) -> None:
    csv = tmp_path / "new.csv"
    csv.write_text("姓名,手机\n王小明,13700001111\n", encoding="utf-8")
    monkeypatch.setattr(file_dialogs, "open_file", lambda *a, **k: csv)

    class Cancelling(ImportDialog):
        def exec(self) -> int:
            return QDialog.DialogCode.Rejected

    monkeypatch.setattr(transfer, "DIALOG_FACTORY", Cancelling)
    finished(qtbot, window.import_clients())  # read, then the dialog cancelled
    assert window.clients.service.counts()["clients"] == len(seeded)


def test_the_import_reads_and_writes_off_the_ui_thread(qtbot, window, seeded, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                       monkeypatch) -> None:
    """Reading and writing 100,000 rows takes seconds: the window keeps
    painting while a thread does them behind a busy indicator."""
    import threading

    from desktop_crm.services.importing import ImportService

    csv = tmp_path / "客户.csv"
    csv.write_text("客户名称,手机\n王小明,13700001111\n", encoding="utf-8")
    monkeypatch.setattr(file_dialogs, "open_file", lambda *a, **k: csv)
    threads: dict[str, bool] = {}
    for method in ("open", "commit"):
        original = getattr(ImportService, method)

        def spy(self, *args, _original=original, _name=method, **kwargs):  # type: ignore[no-untyped-def]
            threads[_name] = threading.current_thread() is threading.main_thread()
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(ImportService, method, spy)

    class Accepting(ImportDialog):
        def exec(self) -> int:
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(transfer, "DIALOG_FACTORY", Accepting)
    window.import_clients()
    qtbot.waitUntil(lambda: "Imported as batch" in window.statusBar().currentMessage())
    assert threads == {"open": False, "commit": False}
    assert window.clients.model.rowCount() == len(seeded) + 1



@pytest.mark.sqlite_only("an export over the open database file: a server database has no file")
@pytest.mark.parametrize("export", ["workbook", "contacts", "calendar"])
def test_an_export_over_the_open_database_is_refused_with_one_message(  # type: ignore[no-untyped-def]
        qtbot, window, seeded, db, tmp_path: Path, monkeypatch, answers, export: str) -> None:
    """The save dialog answered with a name that is the open database (through
    a link, since the window adds the export's suffix): one message box naming
    it, nothing written. The test looks at the database with stat only:
    reading it here would drop the window's locks."""
    queue, _asked = answers
    queue.append(QMessageBox.StandardButton.No)  # the workbook's confidential question
    target = tmp_path / {"workbook": "book.xlsx", "contacts": "contacts.vcf",
                         "calendar": "care.ics"}[export]
    target.symlink_to(db.path)
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: target)
    errors: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text: errors.append((title, text))))
    before = db.path.stat()
    run = {"workbook": window.export_workbook, "contacts": window.act_export_vcf.trigger,
           "calendar": window.export_calendar}[export]
    run()
    qtbot.waitUntil(lambda: bool(errors))  # the outcome comes back from a worker thread
    assert errors == [("Export failed", f"{target} is the open database or one of its "
                                        "files; choose another file name")]
    after = db.path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino, before.st_size, before.st_mtime_ns)
    assert target.is_symlink() and target.resolve() == db.path.resolve()
    assert window.clients.service.counts()["clients"] == len(seeded)


def test_the_mapping_dialog_opens_with_a_plan_made_off_the_ui_thread(  # type: ignore[no-untyped-def]
        qtbot, window, seeded, tmp_path: Path, monkeypatch) -> None:
    """Reading and the first plan run on the worker thread (seconds at 100,000
    rows); the dialog shows that plan without planning again, so no wait
    cursor is needed. A changed mapping plans again, as before."""
    import threading

    from desktop_crm.services.importing import ImportService

    csv = tmp_path / "clients.csv"
    csv.write_text("客户名称,手机\n王小明,13700001111\n", encoding="utf-8")
    monkeypatch.setattr(file_dialogs, "open_file", lambda *a, **k: csv)
    planned_on: list[bool] = []
    plan = ImportService.plan

    def watched(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        planned_on.append(threading.current_thread() is threading.main_thread())
        return plan(self, *args, **kwargs)

    monkeypatch.setattr(ImportService, "plan", watched)
    shown: list[str] = []

    class Cancelling(ImportDialog):
        def exec(self) -> int:
            shown.append(self.summary.text())
            return QDialog.DialogCode.Rejected

    monkeypatch.setattr(transfer, "DIALOG_FACTORY", Cancelling)
    window.import_clients()
    qtbot.waitUntil(lambda: bool(shown))
    assert planned_on == [False]  # once, on the worker
    assert "1 new client," in shown[0]
