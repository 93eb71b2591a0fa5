"""Photos in vCards, on both engines: exported only when asked, as vCard 3.0
``PHOTO;ENCODING=b;TYPE=JPEG`` folded at 75 characters; imported as the
photo of the client a contact creates (3.0, 2.1 and 4.0 forms), within a
size limit, with what is not a picture, a link or too large left out and
the contact imported all the same; an export with photos imported into an
empty database gives the same image bytes; the command line's --photos."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import vobject

from desktop_crm.cli import main
from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.services.clients import ClientService
from desktop_crm.services.importing import ImportService
from desktop_crm.services.importing.vcard_21 import MAX_VCARD_PHOTO
from desktop_crm.services.photos import PhotoService
from desktop_crm.services.vcard_export import export_vcf
from desktop_crm.storage.client_repo import ClientFilter
from desktop_crm.storage.database import Database
from tests.conftest import NewDatabases, one_line
from tests.photo_images import BLUE, RED, halves, near, pixel, size_of


def _book(db: Database) -> dict[str, int]:
    clients = ClientService(db, user="王磊")
    photos = PhotoService(db, user="王磊")
    ids = {name: clients.save(ClientCard(name=name, phones=[Phone(phone)]))
           for name, phone in (("曾国方", "138 0013 8000"), ("李娜", "139 1234 5678"),
                               ("John Smith", "+1 415 555 2671"))}
    photos.set_photo(ids["曾国方"], halves(1600, 900))  # stored as a 1024 x 576 JPEG
    photos.set_photo(ids["John Smith"], halves(300, 400, "JPEG"))
    return ids


def _photos_by_name(db: Database) -> dict[str, bytes | None]:
    clients, photos = ClientService(db), PhotoService(db)
    return {clients.get(i).name: photos.photo(i) for i in clients.list_ids(ClientFilter())}


def _import(db: Database, path: Path) -> None:
    service = ImportService(db, backup_first=False)
    source = service.open(path)
    service.commit(source, None, "keep")


def test_photos_are_exported_only_when_asked(db: Database, tmp_path: Path) -> None:
    _book(db)
    plain, with_photos = tmp_path / "plain.vcf", tmp_path / "photos.vcf"
    assert export_vcf(db, plain) == 3
    assert b"PHOTO" not in plain.read_bytes()
    assert export_vcf(db, with_photos, photos=True) == 3
    text = with_photos.read_bytes().decode("utf-8")
    assert text.count("\r\nPHOTO;ENCODING=b;TYPE=JPEG:") == 2
    assert max(len(line.encode()) for line in text.split("\r\n")) <= 75  # folded
    cards = {c.fn.value: c for c in vobject.readComponents(text)}
    stored = _photos_by_name(db)
    assert "photo" not in cards["李娜"].contents
    for name in ("曾国方", "John Smith"):
        assert cards[name].photo.value == stored[name]  # vobject decodes the base64
        assert cards[name].photo.type_param == "JPEG"
    assert cards["曾国方"].tel.value == "138 0013 8000"  # the rest as before


def test_an_export_with_photos_imported_into_an_empty_database_has_the_same_images(
        db: Database, new_db: NewDatabases, tmp_path: Path) -> None:
    _book(db)
    out = tmp_path / "photos.vcf"
    export_vcf(db, out, photos=True)
    empty = new_db.open("empty.db")
    _import(empty, out)
    assert _photos_by_name(empty) == _photos_by_name(db)
    assert _photos_by_name(empty)["李娜"] is None


def _vcard(name: str, *photo_lines: str, version: str = "3.0") -> str:
    return "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", f"FN:{name}", f"N:{name};;;;",
                        *photo_lines, "TEL:13800138000", "END:VCARD", ""])


def _folded(prefix: str, data: bytes) -> list[str]:
    line = prefix + base64.b64encode(data).decode()
    return [line[:75]] + [" " + line[i:i + 74] for i in range(75, len(line), 74)]


def test_phone_forms_of_a_photo_are_kept_and_the_rest_left_out(
        db: Database, tmp_path: Path) -> None:
    jpeg = halves(120, 80, "JPEG")
    b64 = base64.b64encode(jpeg).decode()
    huge = b"\xff\xd8" + bytes(MAX_VCARD_PHOTO)  # over the limit: never held whole
    text = "".join([
        _vcard("三点零", *_folded("PHOTO;ENCODING=b;TYPE=JPEG:", jpeg)),
        # vCard 2.1 from a phone: base64 lines not indented, ending at a blank line
        _vcard("二点一", "PHOTO;ENCODING=BASE64;JPEG:" + b64[:60],
               *(b64[i:i + 76] for i in range(60, len(b64), 76)), "", version="2.1"),
        _vcard("四点零", f"PHOTO:data:image/jpeg;base64,{b64}", version="4.0"),
        _vcard("链接", "PHOTO;VALUE=URI:https://example.com/p.jpg"),
        _vcard("太大", *_folded("PHOTO;ENCODING=b;TYPE=JPEG:", huge)),
        _vcard("不是图片", *_folded("PHOTO;ENCODING=b;TYPE=JPEG:", b"plain text, no image")),
        _vcard("伪造", "X-DESKTOP-CRM-PHOTO-REF:0"),
    ])
    path = tmp_path / "phone.vcf"
    path.write_text(text, encoding="utf-8")
    _import(db, path)
    found = _photos_by_name(db)
    assert set(found) == {"三点零", "二点一", "四点零", "链接", "太大", "不是图片", "伪造"}
    for name in ("三点零", "二点一", "四点零"):
        assert found[name] == jpeg, name
    assert {n for n, data in found.items() if data is None} == {"链接", "太大", "不是图片",
                                                                 "伪造"}


def test_a_photo_of_a_phone_is_stored_normalised(db: Database, tmp_path: Path) -> None:
    big_png = halves(2000, 1000)
    path = tmp_path / "one.vcf"
    path.write_text(_vcard("曾国方", *_folded("PHOTO;ENCODING=b;TYPE=PNG:", big_png)),
                    encoding="utf-8")
    _import(db, path)
    stored = _photos_by_name(db)["曾国方"]
    assert stored is not None and size_of(stored) == (1024, 512)
    assert near(pixel(stored, 0.1, 0.5), RED) and near(pixel(stored, 0.9, 0.5), BLUE)


def test_undoing_the_import_removes_the_photos(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "one.vcf"
    path.write_text(_vcard("曾国方", *_folded("PHOTO;ENCODING=b;TYPE=JPEG:",
                                              halves(100, 100, "JPEG"))), encoding="utf-8")
    service = ImportService(db, backup_first=False)
    result = service.commit(service.open(path), None, "keep")
    assert list(_photos_by_name(db).values()) != [None]
    service.undo(result.batch_id)
    assert _photos_by_name(db) == {}
    from desktop_crm.services.stats import stats

    assert stats(db)["photos"] == 0


def test_the_command_line_exports_photos_with_the_flag(
        db_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = Database.open(db_target)
    try:
        _book(db)
        before = _photos_by_name(db)
    finally:
        db.close()
    plain, with_photos = tmp_path / "plain.vcf", tmp_path / "photos.vcf"
    assert main(["export", "vcf", str(plain), "--db", db_target]) == 0
    assert main(["export", "vcf", str(with_photos), "--db", db_target, "--photos"]) == 0
    assert one_line(capsys.readouterr().out.splitlines()[-1]) == (
        f"Wrote 3 contacts to {with_photos}")
    assert b"PHOTO" not in plain.read_bytes()
    assert with_photos.stat().st_size > plain.stat().st_size + 5_000
    copy = tmp_path / "copy.db"
    assert main(["import", str(with_photos), "--db", str(copy)]) == 0
    db = Database.open(copy, create=False)
    try:
        assert _photos_by_name(db) == before
    finally:
        db.close()
