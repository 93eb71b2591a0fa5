"""UTF-16 text imports: Google Contacts' CSV (UTF-16LE with a byte-order
mark), Outlook's "Unicode text" (UTF-16LE, tabs), macOS Contacts' vCards
(UTF-16BE, with or without a BOM); and UTF-16 that is cut off, damaged or
not text at all."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from desktop_crm.cli import main
from desktop_crm.domain.client import ClientCard
from desktop_crm.services.clients import ClientService
from desktop_crm.services.importing import (
    ImportFileError,
    ImportService,
    detect_format,
    open_source,
)
from desktop_crm.services.importing.readers import decode_text, detect_encoding, read_file
from desktop_crm.storage.client_repo import ClientFilter
from desktop_crm.storage.database import Database
from tests.conftest import FIXED_NOW, one_line

# (encoding, byte-order mark) of every way UTF-16 text is written
VARIANTS = {
    "le-bom": ("utf-16-le", codecs.BOM_UTF16_LE),
    "be-bom": ("utf-16-be", codecs.BOM_UTF16_BE),
    "le": ("utf-16-le", b""),
    "be": ("utf-16-be", b""),
}

# Google Contacts' CSV header (shortened) and two contacts, one with
# Google's ":::"-joined multiple values
GOOGLE_CSV = (
    "Name,Given Name,Family Name,Phone 1 - Type,Phone 1 - Value,E-mail 1 - Value,"
    "Organization 1 - Name,Notes\r\n"
    "陈彤,彤,陈,Mobile,13800138000,chen@example.com,远航贸易,老客户\r\n"
    "Anna Adams,Anna,Adams,Work,+44 20 7946 0018 ::: +44 7700 900123,anna@example.com,"
    "Adams & Co,\r\n")

APPLE_VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:王;芳;;;\r\nFN:王芳\r\nORG:華碩電腦;\r\n"
    "TEL;type=CELL;type=VOICE;type=pref:139 0013 9000\r\n"
    "EMAIL;type=INTERNET;type=HOME;type=pref:wang@example.com\r\n"
    "NOTE:喜欢喝茶 🍵\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Jürgen;;;\r\nFN:Jürgen Müller\r\n"
    "TEL;type=WORK;type=VOICE:+49 30 901820\r\nEND:VCARD\r\n")


def _write(path: Path, text: str, variant: str) -> Path:
    encoding, bom = VARIANTS[variant]
    path.write_bytes(bom + text.encode(encoding))
    return path


def _cards(db: Database) -> dict[str, ClientCard]:
    clients = ClientService(db)
    cards = [clients.get(i) for i in clients.list_ids(ClientFilter(sort="id"))]
    return {c.name: c for c in cards}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_google_csv_in_utf16_reads_every_row(tmp_path: Path, variant: str) -> None:
    table = read_file(_write(tmp_path / "google.csv", GOOGLE_CSV, variant))
    assert table.format == "csv" and table.encoding.startswith("utf-16")
    assert table.rows[0][:3] == ["Name", "Given Name", "Family Name"]  # no BOM in the header
    assert table.rows[1] == ["陈彤", "彤", "陈", "Mobile", "13800138000", "chen@example.com",
                             "远航贸易", "老客户"]
    assert table.rows[2][4] == "+44 20 7946 0018 ::: +44 7700 900123"
    assert table.rows[2][7] is None and len(table.rows) == 3


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_apple_vcard_in_utf16_imports(db: Database, tmp_path: Path, variant: str) -> None:
    path = _write(tmp_path / "Contacts.vcf", APPLE_VCARD, variant)
    assert detect_format(path.read_bytes()[:65536]) == "vcf"
    result = ImportService(db, clock=lambda: FIXED_NOW, user="tester").commit(open_source(path))
    assert result.counts["created"] == 2
    cards = _cards(db)
    wang = cards["王芳"]
    assert (wang.company, wang.email, wang.notes) == ("華碩電腦", "wang@example.com",
                                                      "喜欢喝茶 🍵")
    assert [p.number for p in wang.phones] == ["139 0013 9000"]
    assert "Jürgen Müller" in cards


def test_google_csv_in_utf16_imports(db: Database, tmp_path: Path) -> None:
    """The Chinese CSV header every sheet maps, in Google's encoding."""
    path = tmp_path / "contacts.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "姓名,手机,公司\r\n张伟,13800138000,华为\r\n"
                     "李娜,13900139000,\r\n".encode("utf-16-le"))
    ImportService(db, clock=lambda: FIXED_NOW, user="tester").commit(open_source(path))
    cards = _cards(db)
    assert set(cards) == {"张伟", "李娜"} and cards["张伟"].company == "华为"
    assert [p.number for p in cards["李娜"].phones] == ["13900139000"]


def test_outlook_unicode_text_with_tabs(tmp_path: Path) -> None:
    path = _write(tmp_path / "outlook.txt", "First Name\tLast Name\tMobile Phone\r\n"
                  "Wei\tZhang\t13800138000\r\n", "le-bom")
    assert read_file(path).rows == [["First Name", "Last Name", "Mobile Phone"],
                                     ["Wei", "Zhang", "13800138000"]]


def test_a_cjk_character_outside_the_bmp(tmp_path: Path) -> None:
    """A surrogate pair (𠀀, U+20000) is one character, in either byte order."""
    for variant in ("le", "be"):
        path = _write(tmp_path / f"{variant}.csv", "姓名,手机\r\n𠀀先生,13800138000\r\n", variant)
        assert read_file(path).rows[1] == ["𠀀先生", "13800138000"]


# -- cut off, damaged, not text ------------------------------------------------------------

@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_an_odd_last_byte_is_dropped(tmp_path: Path, variant: str) -> None:
    """A file cut off in the middle of its last character (an odd byte
    count) loses only that half character."""
    path = _write(tmp_path / "cut.csv", "姓名,手机\r\n张伟,13800138000\r\n李娜,139", variant)
    path.write_bytes(path.read_bytes() + b"\x00")
    assert len(path.read_bytes()) % 2 == 1
    assert read_file(path).rows[1:] == [["张伟", "13800138000"], ["李娜", "139"]]
    text, encoding = decode_text(path.read_bytes(), path)
    assert text.endswith("李娜,139") and encoding.startswith("utf-16")


def test_half_a_surrogate_pair_at_the_end_is_dropped(tmp_path: Path) -> None:
    path = _write(tmp_path / "cut.csv", "姓名,手机\r\n张伟,13800138000\r\n𠀀", "le-bom")
    path.write_bytes(path.read_bytes()[:-2])  # the low surrogate is gone
    assert read_file(path).rows == [["姓名", "手机"], ["张伟", "13800138000"]]


@pytest.mark.parametrize("variant", ["le-bom", "be"])
def test_a_lone_surrogate_names_its_line(tmp_path: Path, variant: str) -> None:
    encoding, bom = VARIANTS[variant]
    broken = "\ud800".encode(encoding, "surrogatepass")
    path = tmp_path / "broken.csv"
    path.write_bytes(bom + "姓名,手机\r\n张伟,138\r\n".encode(encoding) + broken
                     + "李娜,139\r\n".encode(encoding))
    with pytest.raises(ImportFileError) as info:
        read_file(path)
    assert str(info.value) == "broken.csv is UTF-16 text, but line 3 is damaged and cannot be read"


@pytest.mark.parametrize("start", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_a_binary_file_that_starts_with_a_bom(tmp_path: Path, start: bytes) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(start + bytes(range(256)) * 40 + os.urandom(4096))
    with pytest.raises(ImportFileError, match=r"^photo\.csv is not a spreadsheet, CSV or vCard"):
        read_file(path)


def test_a_table_of_small_numbers_is_not_utf16(tmp_path: Path) -> None:
    """Zeros in every other byte, like ASCII in UTF-16, but control
    characters once decoded: not text."""
    data = b"".join(n.to_bytes(2, "little") for n in range(4000))
    assert detect_format(data) is None
    path = tmp_path / "samples.csv"
    path.write_bytes(data)
    with pytest.raises(ImportFileError, match="is not a spreadsheet, CSV or vCard"):
        read_file(path)


def test_8_bit_text_with_a_stray_nul_stays_8_bit(tmp_path: Path) -> None:
    """A few NULs in a short UTF-8 or GBK file look like UTF-16's zeros."""
    for encoding in ("utf-8", "gb18030"):
        data = "姓名,手机,备注\n张\x00伟,13800138000,a\x00b\n".encode(encoding)
        assert detect_encoding(data, tmp_path / "x.csv") == encoding


@pytest.mark.parametrize("content", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE + " \r\n".encode(
    "utf-16-be"), codecs.BOM_UTF16_LE + "\r\n\r\n".encode("utf-16-le")])
def test_a_bom_and_blank_lines_are_an_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "blank.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=r"^blank\.csv is empty$"):
        read_file(path)


def test_utf16_on_the_command_line(tmp_path: Path, db_target: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    good = _write(tmp_path / "apple.vcf", APPLE_VCARD, "be")
    assert main(["import", str(good), "--db", db_target]) == 0
    assert "2 new clients" in capsys.readouterr().out
    bad = tmp_path / "broken.vcf"
    bad.write_bytes(good.read_bytes()[:40] + "\udc00".encode("utf-16-be", "surrogatepass")
                    + good.read_bytes()[40:])
    assert main(["import", str(bad), "--db", db_target]) == 2
    err = capsys.readouterr().err
    assert one_line(err) == ("desktop-crm: broken.vcf is UTF-16 text, but line 2 is damaged "
                             "and cannot be read")  # in VERSION:3.0
