"""``desktop-crm card-scan IMAGE [--json] [--save [--update ID | --new] [--no-image]]`` on
both engines: the fields found are printed; a bad image exits 2 with one line
and writes nothing; --save makes the client, refuses a card that is already
a client unless told which way to go, and keeps the card's image as the
client's photo unless --no-image."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from desktop_crm.cli import main
from desktop_crm.domain.business_card import FIELD_NAMES, CardFields, OcrLine
from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.enums import PhoneKind
from desktop_crm.services import card_scan
from desktop_crm.services.card_scan import ScanResult
from desktop_crm.services.clients import ClientService
from desktop_crm.services.photos import PhotoService
from desktop_crm.storage.client_repo import ClientFilter
from desktop_crm.storage.database import Database
from tests.conftest import one_line
from tests.helpers import card_render

FIELDS = CardFields(name="张伟", title="销售总监", company="北京华信科技有限公司",
                    mobiles=("138 0013 8000",), emails=("zhangwei@huaxin-tech.cn",),
                    address="北京市朝阳区建国路88号")


@pytest.fixture
def read_as(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine's part stands in: the card reads as FIELDS (the engine's own
    tests are in tests/unit/services/test_card_scan.py)."""
    def scan(path: Path, **_: object) -> ScanResult:
        card_scan.load_card_image(path)  # still refuses a bad file
        return ScanResult(FIELDS, (OcrLine("张伟", (10, 10, 80, 40), 0.99),), _jpeg(path))
    monkeypatch.setattr(card_scan, "scan_card", scan)


def _jpeg(path: Path) -> bytes:
    out = io.BytesIO()
    with Image.open(path) as picture:
        picture.convert("RGB").save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def image(tmp_path: Path) -> Path:
    path = tmp_path / "card.png"
    spec = next(s for s in card_render.card_set() if s.key == "zh1")
    card_render.save(card_render.clean(spec), path)
    return path


def _clients(target: str) -> list[ClientCard]:
    db = Database.open(target)
    try:
        service = ClientService(db)
        return [service.get(i) for i in service.list_ids(ClientFilter())]
    finally:
        db.close()


def _run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


# -- bad input ------------------------------------------------------------------------

def test_a_bad_image_exits_2_with_one_line_and_saves_nothing(
        db_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Database.open(db_target).close()
    fake = tmp_path / "card.jpg"
    fake.write_text("not a photo", encoding="utf-8")
    code, out, err = _run(capsys, "card-scan", fake, "--db", db_target, "--save")
    assert code == 2 and out == ""
    assert one_line(err) == ("desktop-crm: card.jpg is not an image this program can read "
                             f"({'JPEG, PNG, HEIC' if card_scan.HEIC else 'JPEG, PNG'}).")
    assert _clients(db_target) == []


def test_an_empty_file_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "名片.jpg"
    empty.touch()
    code, _, err = _run(capsys, "card-scan", empty, "--lang", "zh")
    assert code == 2
    assert one_line(err) == "desktop-crm: 名片.jpg 是空文件（0 字节）。"


def test_update_needs_save(image: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "card-scan", image, "--update", "1")
    assert code == 2 and "--update and --new go with --save" in one_line(err)


def test_update_and_new_exclude_each_other(image: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["card-scan", str(image), "--save", "--update", "1", "--new"])
    assert exited.value.code == 2
    assert "not allowed with argument" in one_line(capsys.readouterr().err)


# -- printing -------------------------------------------------------------------------

@pytest.mark.usefixtures("read_as")
def test_the_fields_are_printed_one_a_line(image: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "card-scan", image)
    assert code == 0
    assert out.splitlines() == ["Name: 张伟", "Title: 销售总监", "Company: 北京华信科技有限公司",
                                "Mobile: 138 0013 8000", "E-mail: zhangwei@huaxin-tech.cn",
                                "Address: 北京市朝阳区建国路88号"]
    code, out, _ = _run(capsys, "card-scan", image, "--lang", "zh")
    assert out.splitlines()[:2] == ["姓名: 张伟", "职务: 销售总监"]


@pytest.mark.usefixtures("read_as")
def test_json_has_fixed_keys(image: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "card-scan", image, "--json")
    assert code == 0
    data = json.loads(out)
    assert list(data) == ["fields", "lines", "matches", "saved"]
    assert list(data["fields"]) == list(FIELD_NAMES)
    assert data["fields"]["mobiles"] == ["138 0013 8000"] and data["fields"]["faxes"] == []
    assert data["fields"]["website"] == ""
    assert data["lines"] == [{"text": "张伟", "box": [10, 10, 80, 40], "score": 0.99}]
    assert data["matches"] == [] and data["saved"] is None


@pytest.mark.slow
def test_a_rendered_card_end_to_end(db_target: str, image: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    Database.open(db_target).close()
    code, out, err = _run(capsys, "card-scan", image, "--json", "--db", db_target, "--save")
    assert code == 0, err
    data = json.loads(out)
    texts = [line["text"] for line in data["lines"]]
    assert "张伟" in texts and "北京华信科技有限公司" in texts
    assert data["fields"]["name"] == "张伟"
    assert data["fields"]["mobiles"] and data["saved"]["action"] == "created"
    [client] = _clients(db_target)
    assert (client.name, client.company) == ("张伟", "北京华信科技有限公司")
    assert client.website == "www.huaxin-tech.cn"


# -- saving ---------------------------------------------------------------------------

@pytest.mark.usefixtures("read_as")
def test_save_makes_the_client(db_target: str, image: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    Database.open(db_target).close()
    code, out, err = _run(capsys, "card-scan", image, "--db", db_target, "--save")
    assert code == 0, err
    assert out.splitlines()[-1] == "Saved as new client 1: 张伟"
    [client] = _clients(db_target)
    assert (client.name, client.company, client.title) == (
        "张伟", "北京华信科技有限公司", "销售总监")
    assert client.email == "zhangwei@huaxin-tech.cn"


@pytest.mark.usefixtures("read_as")
def test_save_keeps_the_card_image_as_the_photo_unless_told_not_to(
        db_target: str, image: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Database.open(db_target).close()
    code, out, err = _run(capsys, "card-scan", image, "--db", db_target, "--save", "--json")
    assert code == 0, err
    assert json.loads(out)["saved"]["photo"] is True
    code, _, err = _run(capsys, "card-scan", image, "--db", db_target, "--save", "--new",
                        "--no-image")
    assert code == 0, err
    db = Database.open(db_target)
    try:
        photos = PhotoService(db)
        kept, skipped = photos.photo(1), photos.photo(2)
    finally:
        db.close()
    assert kept is not None and Image.open(io.BytesIO(kept)).format == "JPEG"
    assert skipped is None


def test_no_image_needs_save(image: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "card-scan", image, "--no-image")
    assert code == 2 and one_line(err) == "desktop-crm: --no-image goes with --save"


@pytest.mark.usefixtures("read_as")
def test_a_card_that_is_a_client_is_refused_unless_told(
        db_target: str, image: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = Database.open(db_target)
    try:
        ClientService(db, user="王磊").save(ClientCard(
            name="张伟", company="华信", phones=[Phone("13800138000", PhoneKind.MOBILE)]))
    finally:
        db.close()
    code, out, err = _run(capsys, "card-scan", image, "--db", db_target, "--save")
    assert code == 2 and out == ""
    line = one_line(err)
    assert line.startswith("desktop-crm: card.png matches client 1: 张伟 (")
    assert "--update 1" in line and "--new" in line
    assert len(_clients(db_target)) == 1
    # without --save the match is only shown
    code, out, _ = _run(capsys, "card-scan", image, "--db", db_target, "--json")
    assert code == 0 and json.loads(out)["matches"][0]["id"] == 1
    # --update adds the card's news to that client, keeps what it had
    code, out, err = _run(capsys, "card-scan", image, "--db", db_target, "--save",
                          "--update", "1")
    assert code == 0, err
    assert out.splitlines()[-1] == "Updated client 1: 张伟"
    [client] = _clients(db_target)
    assert client.company == "华信" and client.email == "zhangwei@huaxin-tech.cn"
    # --new makes a second client all the same
    code, out, err = _run(capsys, "card-scan", image, "--db", db_target, "--save", "--new")
    assert code == 0, err
    assert [c.name for c in _clients(db_target)] == ["张伟", "张伟"]


@pytest.mark.usefixtures("read_as")
def test_update_of_a_missing_client(db_target: str, image: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    Database.open(db_target).close()
    code, _, err = _run(capsys, "card-scan", image, "--db", db_target, "--save",
                        "--update", "42")
    assert code == 2 and one_line(err).startswith("desktop-crm: ")
    assert _clients(db_target) == []
