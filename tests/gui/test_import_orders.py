"""Importing orders through the window: the import dialog's kind choice, its
mapping, preview and plan for a sales sheet, and File > Undo import."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from desktop_crm.services.importing import ORDERS, ImportService, OrderImportService
from desktop_crm.services.sales import SalesService
from desktop_crm.storage.database import Database
from desktop_crm.ui import file_dialogs, transfer
from desktop_crm.ui.import_dialog import ImportDialog

pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]


def _sales_sheet(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "销售记录"
    for row in [["客户", "公司", "手机", "订单日期", "产品", "金额", "状态"],
                ["曾国方", "北京华为科技有限公司", None, datetime(2026, 3, 5), "服务器",
                 24000, None],
                [None, None, "139 1234 5678", "2026-03-06", "维保", "1,200.50", "已回款"],
                [None, None, "13000000000", "2026-03-07", "咨询", 10, None]]:  # no such client
        ws.append(row)
    book.save(path)
    return path


def test_the_dialog_maps_and_plans_a_sales_sheet(qtbot, db: Database, seeded,  # type: ignore[no-untyped-def]
                                                 tmp_path: Path) -> None:
    path = _sales_sheet(tmp_path / "sales.xlsx")
    source = OrderImportService(db, backup_first=False).open(path)
    dialog = ImportDialog(ImportService(db, backup_first=False), source)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Import orders"
    assert dialog.kind_combo.currentData() == ORDERS
    assert dialog.mapping() == {0: "name", 1: "company", 2: "phone", 3: "ordered_on",
                                4: "product", 5: "amount", 6: "status"}
    assert dialog.column_combos[3].currentText() == "Order date"
    assert [dialog.policy_combo.itemData(i) for i in range(dialog.policy_combo.count())] == [
        "skip", "keep"]
    assert "3 rows: 2 new orders, 0 skipped, 1 with errors" in dialog.summary.text()
    problems = dialog.problems_table
    assert problems.rowCount() == 1
    assert [problems.item(0, c).text() for c in range(3)] == ["4", "手机", "Error"]
    assert "13000000000" in problems.item(0, 3).text()
    assert dialog.import_button.isEnabled()
    # the amount column ignored: nothing can be planned, and the dialog says why
    dialog.column_combos[5].setCurrentIndex(0)
    dialog.replan()
    assert dialog.summary.text() == "Not every column an order needs is mapped"
    assert "Amount" in dialog.errors_note.text() and not dialog.import_button.isEnabled()


def test_the_kind_choice_reads_the_file_again(qtbot, db: Database, seeded,  # type: ignore[no-untyped-def]
                                             tmp_path: Path) -> None:
    path = _sales_sheet(tmp_path / "sales.xlsx")
    service = ImportService(db, backup_first=False)
    dialog = ImportDialog(service, service.open(path))  # as client cards first
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Import clients" and dialog.policy_combo.count() == 3
    dialog.policy_combo.setCurrentIndex(dialog.policy_combo.findData("merge"))
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(ORDERS))
    assert isinstance(dialog.service, OrderImportService)
    assert dialog.source.kind == ORDERS and dialog.windowTitle() == "Import orders"
    assert dialog.policy() == "skip" and dialog.policy_combo.count() == 2
    assert dialog.mapping()[3] == "ordered_on"
    assert "2 new orders" in dialog.summary.text()
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("clients"))
    assert dialog.service is service and dialog.mapping()[0] == "name"
    assert "new client" in dialog.summary.text()
    assert not dialog._timer.isActive()  # planned: no plan left waiting


def test_import_orders_from_the_window_then_undo(qtbot, window, seeded, db: Database,  # type: ignore[no-untyped-def]
                                                 tmp_path: Path, monkeypatch,
                                                 answer_dialogs) -> None:
    answers, asked = answer_dialogs
    path = _sales_sheet(tmp_path / "sales.xlsx")
    monkeypatch.setattr(file_dialogs, "open_file", lambda *a, **k: path)
    shown: list[str] = []

    class Accepting(ImportDialog):
        def exec(self) -> int:
            shown.append(self.summary.text())
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(transfer, "DIALOG_FACTORY", Accepting)
    window.import_clients()
    qtbot.waitUntil(lambda: "Imported as batch" in window.statusBar().currentMessage(),
                    timeout=60_000)  # a background import, on a machine loaded by the other worker
    assert "2 new orders" in shown[0]  # the sales sheet was recognised as orders
    sales = SalesService(db)
    assert [o.amount for o in sales.orders_of(seeded["曾国方"])] == [Decimal("24000.00")]
    assert [o.amount for o in sales.orders_of(seeded["李娜"])] == [Decimal("1200.50")]
    answers.append(QMessageBox.StandardButton.Yes)
    assert window.undo_import()
    assert "remove the 2 orders it added" in asked[0]
    assert sales.orders_of(seeded["曾国方"]) == [] and sales.orders_of(seeded["李娜"]) == []
