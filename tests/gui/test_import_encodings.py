"""The import dialog on files it refused or garbled before: Google's CSV in
UTF-16LE with a byte-order mark and a Japanese phone's Shift_JIS vCard
(Android's test file), in both languages; screenshots to
$DESKTOP_CRM_SCREENSHOTS when set."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from desktop_crm import i18n
from desktop_crm.services.importing import ImportService
from desktop_crm.storage.database import Database
from desktop_crm.ui.import_dialog import ImportDialog
from tests.conftest import TESTDATA

GOOGLE_CSV = "Name,Phone 1 - Value,Notes\r\n陈彤,13800138000,老客户\r\n張偉,0912345678,台北\r\n"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_utf16_csv_and_shift_jis_vcard_in_the_dialog(qtbot, db: Database, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                     lang: str) -> None:
    csv_path = tmp_path / "google.csv"
    csv_path.write_bytes(codecs.BOM_UTF16_LE + GOOGLE_CSV.encode("utf-16-le"))
    out = Path(os.environ.get("DESKTOP_CRM_SCREENSHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    service = ImportService(db, backup_first=False)
    i18n.set_language(lang)
    try:
        for path, names in ((csv_path, ["陈彤", "張偉"]),
                            (TESTDATA / "vcf/aosp_v21_japanese_2.vcf", ["安藤 ロイド 1"])):
            dlg = ImportDialog(service, service.open(path))
            qtbot.addWidget(dlg)
            dlg.show()
            qtbot.waitExposed(dlg)
            table = dlg.preview_table
            cells = [table.item(r, c).text() for r in range(table.rowCount())
                     for c in range(table.columnCount()) if table.item(r, c) is not None]
            assert all(name in cells for name in names), cells
            assert dlg.plan.counts["created"] == len(names)
            assert not dlg.open_error.isVisibleTo(dlg)
            assert dlg.grab().save(str(out / f"import-{path.stem}-{lang}.png"))
            dlg.close()
    finally:
        i18n.set_language("en")
