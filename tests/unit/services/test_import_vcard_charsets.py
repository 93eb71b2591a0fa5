"""vCard 2.1 CHARSET per property: Japanese phones' Shift_JIS (real files
from Android's vCard tests), Big5 and Big5-HKSCS from Taiwan and Hong Kong,
GB2312/GBK, UTF-8, raw 8-bit values and QUOTED-PRINTABLE ones, mixed in
one file."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_crm.cli import main
from desktop_crm.domain.client import ClientCard
from desktop_crm.services.clients import ClientService
from desktop_crm.services.importing import ImportService, open_source
from desktop_crm.services.importing.readers import read_file
from desktop_crm.services.importing.vcard_charsets import codecs_for, decode_value
from desktop_crm.storage.client_repo import ClientFilter
from desktop_crm.storage.database import Database
from tests.conftest import FIXED_NOW, TESTDATA
from tests.unit.book import client_names


def _cards(db: Database) -> dict[str, ClientCard]:
    clients = ClientService(db)
    cards = [clients.get(i) for i in clients.list_ids(ClientFilter(sort="id"))]
    return {c.name: c for c in cards}


def _commit(db: Database, path: Path) -> None:
    ImportService(db, clock=lambda: FIXED_NOW, user="tester").commit(open_source(path))


def _qp(text: str, encoding: str) -> str:
    return "".join(f"={b:02X}" for b in text.encode(encoding))


def _card(*lines: bytes) -> bytes:
    return b"\r\n".join([b"BEGIN:VCARD", b"VERSION:2.1", *lines, b"END:VCARD", b""])


# -- real files ----------------------------------------------------------------------------

def test_japanese_phone_exports(db: Database) -> None:
    """Android's Japanese test vCards (docomo-style Shift_JIS): raw values,
    QUOTED-PRINTABLE ones over three lines, and names whose second bytes are
    0x5C (能, 予), which must not read as backslash escapes."""
    for name in ("aosp_v21_japanese_1.vcf", "aosp_v21_japanese_2.vcf",
                 "aosp_v21_japanese_3.vcf"):
        _commit(db, TESTDATA / "vcf" / name)
    cards = _cards(db)
    assert set(cards) == {"安藤ロイド", "安藤 ロイド 1", "伊能 圭一 伊予"}
    assert [p.number for p in cards["安藤ロイド"].phones] == ["0300000000"]
    second = cards["安藤 ロイド 1"]
    assert second.notes == "メモ"
    assert "東京都渋谷区桜丘町26-1セルリアンタワー6階" in second.home_address
    assert read_file(TESTDATA / "vcf/aosp_v21_japanese_3.vcf").encoding == "cp932"


@pytest.mark.parametrize(("name", "person", "city"), [
    ("folkerkinzel_Greek.vcf", "Βαγγέλης", "Αθήνα"),
    ("folkerkinzel_Ukrainian.vcf", "Віталій Володимирович Кличко", "Київ")])
def test_raw_values_follow_the_charset_the_file_names(name: str, person: str,
                                                      city: str) -> None:
    """Windows-125x raw values without a CHARSET, which only the
    QUOTED-PRINTABLE LABEL names (FolkerKinzel/VCards' test files)."""
    table = read_file(TESTDATA / "vcf" / name)
    assert (table.rows[1][0], table.rows[1][8]) == (person, city)


def test_a_shift_jis_export_on_the_command_line(db_target: str) -> None:
    """Refused before as "neither UTF-8 nor GBK/GB18030"."""
    path = TESTDATA / "vcf/aosp_v21_japanese_1.vcf"
    assert main(["import", str(path), "--db", db_target]) == 0
    assert client_names(db_target) == ["安藤ロイド"]


# -- every charset in one file ---------------------------------------------------------------

MIXED = b"".join([
    _card("N;CHARSET=SHIFT_JIS:表;太郎;;;".encode("cp932"),
          "ORG;CHARSET=Shift_JIS:株式会社①".encode("cp932"),
          b"TEL;CELL:090-1234-5678"),
    _card("FN;CHARSET=BIG5:許功蓋".encode("big5"),
          b"ORG;CHARSET=BIG5;ENCODING=QUOTED-PRINTABLE:" + _qp("台灣大哥大", "big5").encode(),
          b"TEL;CELL:0912345678"),
    _card("FN;CHARSET=BIG5-HKSCS:陳大文".encode("big5hkscs"),
          "NOTE;CHARSET=BIG5-HKSCS:香港𨋢口".encode("big5hkscs"),
          b"TEL;CELL:+852 9123 4567"),
    _card("FN;CHARSET=GB2312:张伟".encode("gb2312"),
          "TITLE;CHARSET=GBK:采购经理".encode("gbk"),
          b"NOTE;CHARSET=GB2312;ENCODING=QUOTED-PRINTABLE:" + _qp("老客户", "gb2312").encode(),
          b"TEL;CELL:13800138000"),
    _card("FN;CHARSET=UTF-8:Jürgen Müller".encode(),
          "NOTE;CHARSET=UTF-8:喜欢喝茶".encode()),
])


@pytest.mark.parametrize("line_break", [b"\r\n", b"\n"])
def test_charsets_mixed_in_one_file(db: Database, tmp_path: Path, line_break: bytes) -> None:
    path = tmp_path / "phone.vcf"
    path.write_bytes(MIXED.replace(b"\r\n", line_break))
    _commit(db, path)
    cards = _cards(db)
    assert set(cards) == {"表太郎", "許功蓋", "陳大文", "张伟", "Jürgen Müller"}
    assert cards["表太郎"].company == "株式会社①"  # cp932's NEC extension
    assert cards["許功蓋"].company == "台灣大哥大"
    assert cards["陳大文"].notes == "香港𨋢口"  # 𨋢 is only in HKSCS
    zhang = cards["张伟"]
    assert (zhang.title, zhang.notes) == ("采购经理", "老客户")
    assert cards["Jürgen Müller"].notes == "喜欢喝茶"


def test_a_backslash_byte_inside_a_character_is_no_escape(tmp_path: Path) -> None:
    """許 is B3 5C in Big5 and 表 is 95 5C in Shift_JIS: read as text first,
    "許;" would be an escaped semicolon and the name's parts would merge."""
    path = tmp_path / "names.vcf"
    path.write_bytes(_card("N;CHARSET=BIG5:許;功蓋;;;".encode("big5"))
                     + _card("N;CHARSET=SHIFT_JIS:表;太郎;;;".encode("cp932")))
    assert [row[0] for row in read_file(path).rows[1:]] == ["許功蓋", "表太郎"]


def test_properties_without_charset_follow_the_file(tmp_path: Path) -> None:
    """A Shift_JIS phone that names the charset on some properties only:
    the others are not UTF-8, so they are read as the file declares most."""
    path = tmp_path / "docomo.vcf"
    path.write_bytes(_card("N;CHARSET=SHIFT_JIS:山田;花子;;;".encode("cp932"),
                           "ORG:ソニー".encode("cp932"), "NOTE:ok ✓".encode()))
    row = read_file(path).rows[1]
    assert (row[0], row[1], row[11]) == ("山田花子", "ソニー", "ok ✓")


def test_a_value_wrong_for_its_charset_keeps_the_contact(tmp_path: Path) -> None:
    path = tmp_path / "bad.vcf"
    path.write_bytes(_card(b"FN;CHARSET=SHIFT_JIS:\x81\x20\xff\xfe", b"TEL;CELL:123")
                     + _card("FN;CHARSET=X-UNKNOWN-CHARSET:Zoë".encode(), b"TEL;CELL:456")
                     + _card(b"FN;CHARSET=SHIFT_JIS:\x88\xc0\x93", b"TEL;CELL:789"))
    rows = read_file(path).rows[1:]
    assert "\ufffd" in rows[0][0] and rows[0][3] == "123"  # visible, not dropped
    assert rows[1][0] == "Zoë"  # an unknown name: UTF-8
    assert rows[2][0] == "安"  # the last character cut off in the middle: dropped


def test_a_folded_value_keeps_its_charset(tmp_path: Path) -> None:
    path = tmp_path / "folded.vcf"
    path.write_bytes(_card("NOTE;CHARSET=BIG5:第一行".encode("big5"), " 第二行".encode("big5"),
                           b"FN:Chen"))
    assert read_file(path).rows[1][11] == "第一行第二行"


@pytest.mark.parametrize(("name", "first"), [
    ("SHIFT_JIS", "cp932"), ("Shift-JIS", "cp932"), ("x-sjis", "cp932"), ("BIG5", "cp950"),
    ("Big5-HKSCS", "big5hkscs"), ("GB2312", "gb18030"), ("gbk", "gb18030"), ("UTF-8", "utf-8"),
    ("ISO-8859-1", "iso8859-1"), ("EUC-JP", "euc_jp"), ("no-such-charset", None)])
def test_charset_names(name: str, first: str | None) -> None:
    assert (codecs_for(name)[:1] or (None,))[0] == first


def test_decode_value_falls_back_in_order() -> None:
    big5 = "台北".encode("big5")
    assert decode_value(big5, "BIG5", ("utf-8",)) == "台北"
    assert decode_value("台北".encode(), "BIG5", ("utf-8",)) == "台北"  # mislabelled UTF-8
    assert decode_value("张".encode("gbk"), None, ("utf-8", "gb18030")) == "张"


def test_utf8_mislabelled_as_a_single_byte_charset() -> None:
    """Windows-1252 reads any bytes, so UTF-8 that an exporter labels so
    would turn into "MÃ¼ller": valid UTF-8 is taken as UTF-8."""
    assert decode_value("Müller".encode(), "ISO-8859-1", ("utf-8",)) == "Müller"
    assert decode_value("Müller".encode("cp1252"), "Windows-1252", ("utf-8",)) == "Müller"
    assert decode_value("Βαγγέλης".encode("cp1253"), "Windows-1253", ()) == "Βαγγέλης"


@pytest.mark.parametrize("charset", ["zip", "base64", "hex", "uu", "rot13", "idna", "punycode",
                                     "unicode_escape", "undefined", "utf-16"])
def test_a_codec_that_is_no_character_set_is_ignored(tmp_path: Path, charset: str) -> None:
    """Python finds these codecs by name, but they turn bytes into bytes or
    text into escapes (or always fail): a file naming one gets its value read
    as if no charset were named, never a traceback."""
    path = tmp_path / "odd.vcf"
    name = charset.encode()
    path.write_bytes(_card(b"N;CHARSET=" + name + b":\x95\\;\xff\\N;;;",
                           "FN;CHARSET=SHIFT_JIS:表太郎".encode("cp932"),
                           b"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=" + name + b":=95=5C=FF",
                           b"TEL;CELL:09012345678"))
    assert codecs_for(charset) == ()
    row = read_file(path).rows[1]
    assert row[0] == "表太郎" and row[3] == "09012345678"
