"""File > Export contacts (.vcf) asks whether the clients' photos go in, only
when some client has one; No (the default) leaves them out, Yes writes them;
the question in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop_crm.i18n import set_language
from desktop_crm.services.photos import PhotoService
from desktop_crm.storage.database import Database
from desktop_crm.ui import file_dialogs, transfer
from tests.gui.conftest import finished
from tests.photo_images import halves

pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]


def export(qtbot, window, tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
           ) -> bytes:
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: tmp_path / name)
    finished(qtbot, transfer.export_contacts(window, window.settings, window.db,
                                             lambda _text: None))
    return (tmp_path / name).read_bytes()


def test_no_question_without_photos(qtbot, seeded: dict[str, int], window,  # type: ignore[no-untyped-def]
                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # an unexpected question box fails the test (tests/gui/conftest.py)
    assert b"PHOTO" not in export(qtbot, window, tmp_path, "a.vcf", monkeypatch)


def test_photos_only_when_the_user_says_yes(qtbot, db: Database, seeded: dict[str, int],  # type: ignore[no-untyped-def]
                                            window, tmp_path: Path, answer_dialogs,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    PhotoService(db, user="t").set_photo(seeded["李娜"], halves(300, 200, "JPEG"))
    answers, asked = answer_dialogs
    answers.extend([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
    without = export(qtbot, window, tmp_path, "no.vcf", monkeypatch)
    with_photos = export(qtbot, window, tmp_path, "yes.vcf", monkeypatch)
    assert asked[0] == ("Include the clients' photos? Phones show them with the contact; "
                        "each makes the file 100 to 400 KB larger.")
    assert b"PHOTO" not in without
    assert with_photos.count(b"\r\nPHOTO;ENCODING=b;TYPE=JPEG:") == 1
    set_language("zh")
    answers.append(QMessageBox.StandardButton.No)
    export(qtbot, window, tmp_path, "zh.vcf", monkeypatch)
    assert asked[-1].startswith("是否包含客户照片？")
