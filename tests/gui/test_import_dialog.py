"""The import mapping dialog: suggested mapping, corrections, duplicates
policy, the problems table and its report, importing; screenshots in both
languages (to $DESKTOP_CRM_SCREENSHOTS when set)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QDialog

from desktop_crm import i18n
from desktop_crm.services.clients import ClientService
from desktop_crm.services.importing import KEEP, MERGE, SKIP, ImportService
from desktop_crm.storage.database import Database
from desktop_crm.ui import file_dialogs
from desktop_crm.ui.import_dialog import ImportDialog

# on a server database too, showing everyone's clients (Mine is the default there)
pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]

HEADERS = ["客户名称", "手机", "生日", "备注", "等级"]
ROWS = [
    ["王小明", "13700001111", "1985-03-12", "老客户", "A"],
    ["赵丽", "13600002222", "生日不详", "朋友介绍", "B"],  # a birthday that cannot be read
    ["曾国方", "138 0013 8000", "", "重复", "A"],  # the seeded client's phone
]



def write_csv(path: Path, rows: list[list[str]] = ROWS) -> Path:
    lines = [",".join(HEADERS)] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def dialog(qtbot, db: Database, seeded, tmp_path: Path) -> Iterator[ImportDialog]:  # type: ignore[no-untyped-def]
    service = ImportService(db, backup_first=False)
    source = service.open(write_csv(tmp_path / "客户.csv"))
    dlg = ImportDialog(service, source)
    qtbot.addWidget(dlg)
    yield dlg


def test_the_suggested_mapping_is_preselected(dialog: ImportDialog) -> None:
    assert dialog.mapping() == {0: "name", 1: "mobile", 2: "birthday", 3: "notes"}
    assert dialog.column_combos[4].currentData() == ""  # 等级 is ignored
    assert dialog.column_combos[0].currentText() == "Name"
    table = dialog.preview_table
    assert table.columnCount() == 5
    assert table.rowCount() == 1 + len(ROWS)  # the choosers, then the rows
    assert table.cellWidget(0, 2) is dialog.column_combos[2]
    assert table.horizontalHeaderItem(4).text() == "等级"
    assert table.item(1, 0).text() == "王小明"
    assert table.verticalHeaderItem(1).text() == "2"  # the file's row number
    assert "客户.csv" in dialog.file_label.text() and "CSV" in dialog.file_label.text()
    assert not dialog.sheet_combo.isVisibleTo(dialog)  # a CSV has no sheets


def test_changing_a_column_changes_mapping_and_summary(qtbot, dialog: ImportDialog) -> None:  # type: ignore[no-untyped-def]
    assert "2 new clients" in dialog.summary.text()
    # 客户名称 ignored: rows keep a name from their phone, with a warning each
    warnings = len(dialog.plan.warnings)
    dialog.column_combos[4].setCurrentIndex(dialog.column_combos[4].findData("tags"))
    assert dialog.mapping()[4] == "tags"
    dialog.column_combos[2].setCurrentIndex(0)  # birthday ignored: no birthday warning
    assert 2 not in dialog.mapping()
    qtbot.waitUntil(lambda: len(dialog.plan.warnings) == warnings - 1, timeout=2000)
    assert dialog.plan.mapping == dialog.mapping()
    assert "0 warnings" in dialog.summary.text()


def test_a_single_field_moves_to_the_column_that_takes_it(dialog: ImportDialog) -> None:
    dialog.column_combos[4].setCurrentIndex(dialog.column_combos[4].findData("name"))
    assert dialog.mapping()[4] == "name" and 0 not in dialog.mapping()
    # notes may come from several columns
    dialog.column_combos[4].setCurrentIndex(dialog.column_combos[4].findData("notes"))
    assert dialog.mapping()[3] == dialog.mapping()[4] == "notes"


def test_policy_merge_updates_the_existing_client(dialog: ImportDialog) -> None:
    assert dialog.policy() == SKIP
    assert dialog.plan.counts["skipped"] == 1 and dialog.plan.counts["updated"] == 0
    assert not dialog.changes.isVisibleTo(dialog)  # no existing client changes
    dialog.policy_combo.setCurrentIndex(dialog.policy_combo.findData(MERGE))
    dialog.replan()
    assert dialog.policy() == MERGE
    assert dialog.plan.counts["updated"] == 1 and dialog.plan.counts["skipped"] == 0
    assert "1 client updated" in dialog.summary.text()
    # the client that will change is named before anything is written
    assert dialog.changes.isVisibleTo(dialog)
    [line] = dialog.changes.toPlainText().splitlines()
    assert line.startswith("Row 4 is merged into 曾国方 (ID ")
    assert "existing client" in dialog.policy_note.text()
    dialog.policy_combo.setCurrentIndex(dialog.policy_combo.findData(KEEP))
    dialog.replan()
    assert dialog.plan.counts["created"] == 3


def test_problems_list_the_bad_birthday_and_save_as_xlsx(dialog: ImportDialog, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                         monkeypatch) -> None:
    table = dialog.problems_table
    rows = [[table.item(r, c).text() for c in range(5)] for r in range(table.rowCount())]
    bad = [r for r in rows if r[4] == "生日不详"]
    assert bad and bad[0][0] == "3" and bad[0][1] == "生日" and bad[0][2] == "Warning"
    target = tmp_path / "report"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: target)
    written = dialog.save_report()
    assert written == tmp_path / "report.xlsx"
    sheet = openpyxl.load_workbook(written).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("Row", "Column", "Severity", "Problem", "Value")
    assert (3, "生日") in [(v[0], v[1]) for v in values[1:] if v[4] == "生日不详"]


def test_errors_are_listed_and_left_out(qtbot, db: Database, seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # a row with only a birthday and notes has no name: an error
    path = write_csv(tmp_path / "errors.csv", [ROWS[0], ["", "", "1990-01-01", "无名", ""]])
    service = ImportService(db, backup_first=False)
    dlg = ImportDialog(service, service.open(path))
    qtbot.addWidget(dlg)
    assert dlg.plan.errors
    assert dlg.errors_note.isVisibleTo(dlg) and "left out" in dlg.errors_note.text()
    severities = [dlg.problems_table.item(r, 2).text()
                  for r in range(dlg.problems_table.rowCount())]
    assert "Error" in severities
    assert dlg.import_button.isEnabled()


def test_nothing_to_import_disables_the_button(qtbot, db: Database, seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "dupes.csv", [ROWS[2]])
    service = ImportService(db, backup_first=False)
    dlg = ImportDialog(service, service.open(path))
    qtbot.addWidget(dlg)
    assert not dlg.import_button.isEnabled()
    dlg.policy_combo.setCurrentIndex(dlg.policy_combo.findData(KEEP))
    dlg.replan()
    assert dlg.import_button.isEnabled()


def test_import_commits_and_the_client_appears(dialog: ImportDialog, db: Database) -> None:
    dialog.import_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    dialog.service.commit(dialog.source, dialog.mapping(), dialog.policy(), skip_invalid=True,
                          plan=dialog.plan)
    names = {r.name for r in ClientService(db).search("")}
    assert {"王小明", "赵丽"} <= names


def test_sheets_and_header_row_reopen_the_file(qtbot, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book = openpyxl.Workbook()
    first = book.active
    first.title = "说明"
    first.append(["本表为客户名单"])
    first.append(["导出日期", "2024-01-01"])
    first.append(["客户名称", "手机"])
    first.append(["王小明", "13700001111"])
    second = book.create_sheet("客户")
    second.append(HEADERS)
    for row in ROWS:
        second.append(row)
    path = tmp_path / "客户.xlsx"
    book.save(path)
    service = ImportService(db, backup_first=False)
    dlg = ImportDialog(service, service.open(path, sheet="说明"))
    qtbot.addWidget(dlg)
    assert dlg.sheet_combo.isVisibleTo(dlg)
    assert [dlg.sheet_combo.itemText(i) for i in range(2)] == ["说明", "客户"]
    assert dlg.header_spin.value() == 3 and dlg.mapping() == {0: "name", 1: "mobile"}
    dlg.header_spin.setValue(2)  # a wrong header row: nothing maps
    assert dlg.source.header_row == 1 and dlg.mapping() == {}
    dlg.header_spin.setValue(3)
    dlg.sheet_combo.setCurrentIndex(1)
    assert dlg.source.table.sheet == "客户"
    assert dlg.mapping() == {0: "name", 1: "mobile", 2: "birthday", 3: "notes"}
    assert dlg.header_spin.value() == 1
    assert dlg.plan.source is dlg.source and dlg.plan.counts["created"] == 3


def test_screenshots_in_both_languages(qtbot, db: Database, seeded, tmp_path: Path,  # type: ignore[no-untyped-def]
                                       monkeypatch) -> None:
    out = Path(os.environ.get("DESKTOP_CRM_SCREENSHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    path = write_csv(tmp_path / "客户名单.csv",
                     [*ROWS, ["", "", "1990-01-01", "无名", "C"]])
    service = ImportService(db, backup_first=False)
    try:
        for lang in ("zh", "en"):
            i18n.set_language(lang)
            dlg = ImportDialog(service, service.open(path))
            qtbot.addWidget(dlg)
            dlg.show()
            qtbot.waitExposed(dlg)
            image = dlg.grab()
            assert not image.isNull()
            assert image.save(str(out / f"import-dialog-{lang}.png"))
            dlg.close()
    finally:
        i18n.set_language("en")
    assert (out / "import-dialog-zh.png").stat().st_size > 10_000


def test_no_name_column_is_a_clear_message_until_one_is_chosen(
        qtbot, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A file whose name column is headed ``nome``: nothing is planned and
    Import stays disabled until a column is mapped to Name."""
    path = tmp_path / "contatti.csv"
    path.write_text("nome,telefono\nMario Rossi,13800138000\n", encoding="utf-8")
    service = ImportService(db, backup_first=False)
    dlg = ImportDialog(service, service.open(path))
    qtbot.addWidget(dlg)
    assert dlg.plan is None and not dlg.import_button.isEnabled()
    assert dlg.summary.text() == "No column is mapped to the client's name"
    assert dlg.errors_note.isVisibleTo(dlg) and "Choose Name" in dlg.errors_note.text()
    combo = dlg.column_combos[0]
    combo.setCurrentIndex(combo.findData("name"))
    dlg.replan()
    assert dlg.plan is not None and dlg.import_button.isEnabled()
    assert not dlg.errors_note.isVisibleTo(dlg)
    dlg.import_button.click()
    assert dlg.result() == QDialog.DialogCode.Accepted
    service.commit(dlg.source, dlg.mapping(), dlg.policy(), plan=dlg.plan)
    assert {r.name for r in ClientService(db).search("")} == {"Mario Rossi"}
