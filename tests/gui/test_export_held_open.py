"""File > Export over a workbook that Excel or WPS holds open on Windows
(injected: tests/helpers/windows_like.py): one message box, in the window's
language, telling the user to close the file in that program; the old file
stays as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop_crm import i18n
from desktop_crm.ui import file_dialogs
from tests.helpers.windows_like import hold_open

pytestmark = [pytest.mark.usefixtures("everyone")]

EXPECTED = {
    "en": ("Export failed",
           "Cannot write {path}: it is open in another program; close it in that program "
           "and try again"),
    "zh": (i18n.translate("Export failed", "zh"),
           "无法写入 {path}：它正在另一个程序中打开；请在该程序中关闭它后重试"),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_export_over_a_workbook_open_in_excel_says_to_close_it(  # type: ignore[no-untyped-def]
        qtbot, window, seeded, tmp_path: Path, monkeypatch, lang: str) -> None:
    target = tmp_path / "客户.xlsx"
    target.write_bytes(b"open in Excel")
    hold_open(monkeypatch, target)
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: target)
    monkeypatch.setattr(QMessageBox, "question",  # the workbook's confidential question
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.No))
    errors: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text: errors.append((title, text))))
    i18n.set_language(lang)
    try:
        window.export_workbook()
        qtbot.waitUntil(lambda: bool(errors), timeout=60_000)  # from a worker thread
    finally:
        i18n.set_language("en")
    title, text = EXPECTED[lang]
    assert errors == [(title, text.format(path=target))]
    assert target.read_bytes() == b"open in Excel"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx"
            or p.name.endswith(".part")] == ["客户.xlsx"]
