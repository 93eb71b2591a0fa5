"""The app's own vCard round trip, on both engines: the demo book exported as
a .vcf and imported into an empty database gives every card back with the
same nature, name, phones (kinds and order), e-mail and birthday (lunar
too); and the forms other programs write for organisations, phone kinds and
the preferred number are read as they mean."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import vobject

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import ClientKind, PhoneKind
from desktop_crm.domain.person_name import NameParts, join_name
from desktop_crm.i18n import language_in_this_thread
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.services.demo import generate
from desktop_crm.services.importing import ImportService
from desktop_crm.services.vcard_export import export_vcf
from desktop_crm.storage.database import Database
from tests.conftest import NewDatabases

NOW = datetime(2026, 6, 1, 9, 0)


def cards_of(db: Database) -> dict[str, ClientCard]:
    """UUID -> card of every client not in the trash."""
    service = ClientService(db)
    return {card.uuid: card for card in (service.get(i) for i in
                                         service.list_ids(ClientFilter()))}


def import_into(target: Database, path: Path) -> None:
    importer = ImportService(target, backup_first=False)
    importer.commit(importer.open(path), None, "keep")


def summary(card: ClientCard) -> tuple[object, ...]:
    return (card.kind, card.name, [(p.number, p.kind) for p in card.phones], card.email,
            card.birthday, card.company, card.notes)


def test_the_demo_book_comes_back_whole(db: Database, tmp_path: Path,
                                        new_db: NewDatabases) -> None:
    generate(db, 160, seed=3, now=NOW)
    before = cards_of(db)
    out = tmp_path / "demo.vcf"
    assert export_vcf(db, out) == len(before)
    assert len(list(vobject.readComponents(out.read_bytes().decode("utf-8")))) == len(before)
    target = new_db.open("empty.db")
    import_into(target, out)
    after = cards_of(target)
    assert set(after) == set(before)
    assert {u: summary(c) for u, c in after.items()} == {u: summary(c) for u, c in
                                                         before.items()}
    # the book holds what the round trip used to lose
    kinds = {p.kind for card in before.values() for p in card.phones}
    assert {PhoneKind.FAX, PhoneKind.HOME, PhoneKind.OFFICE, PhoneKind.MOBILE} <= kinds
    assert sum(c.kind == ClientKind.ORGANISATION for c in before.values()) >= 20
    assert any(c.phones and c.phones[0].kind != PhoneKind.MOBILE
               and any(p.kind == PhoneKind.MOBILE for p in c.phones) for c in before.values())
    assert any(c.birthday is not None and c.birthday.is_lunar for c in before.values())


def test_other_numbers_and_a_home_phone_first(db: Database, tmp_path: Path,
                                              new_db: NewDatabases) -> None:
    service = ClientService(db, user="test")
    service.save(ClientCard(name="张伟", phones=[
        Phone("010-6500 1111", PhoneKind.HOME), Phone("139 0000 1111", PhoneKind.OTHER),
        Phone("010-6500 2222", PhoneKind.FAX), Phone("138 0013 8000", PhoneKind.MOBILE),
        Phone("010-6500 3333", PhoneKind.OTHER)]))
    out = tmp_path / "c.vcf"
    export_vcf(db, out)
    target = new_db.open("empty.db")
    import_into(target, out)
    (card,) = cards_of(target).values()
    assert [(p.number, p.kind) for p in card.phones] == [
        ("010-6500 1111", PhoneKind.HOME), ("139 0000 1111", PhoneKind.OTHER),
        ("010-6500 2222", PhoneKind.FAX), ("138 0013 8000", PhoneKind.MOBILE),
        ("010-6500 3333", PhoneKind.OTHER)]


OTHERS = """\
BEGIN:VCARD
VERSION:4.0
KIND:org
FN:宏图科技有限公司
ORG:宏图科技有限公司
TEL;TYPE="work,voice";PREF=2:010-6500 1000
TEL;TYPE=fax:010-6500 1001
TEL;TYPE=work;PREF=1:010-6500 1002
END:VCARD
BEGIN:VCARD
VERSION:3.0
N:;;;;
FN:Apple Seeds Inc.
ORG:Apple Seeds Inc.;
X-ABShowAs:COMPANY
item1.TEL;type=WORK;type=VOICE:+1 408 555 0100
item2.TEL;type=WORK;type=FAX;type=pref:+1 408 555 0101
END:VCARD
BEGIN:VCARD
VERSION:2.1
N:;;;;
FN:北京四通物流
ORG:北京四通物流
TEL;WORK:010-8888 0001
END:VCARD
BEGIN:VCARD
VERSION:2.1
ORG:上海远大贸易
TEL;HOME;VOICE:021-5555 0002
END:VCARD
BEGIN:VCARD
VERSION:2.1
N:Doe;John;;;
FN:John Doe
ORG:IBM;Accounting
TEL;WORK;VOICE:+1 905 555 1234
TEL;HOME;VOICE:+1 905 666 1234
TEL;CELL;PREF:+1 905 777 1234
TEL;WORK;FAX:+1 905 888 1234
EMAIL;INTERNET:john.doe@example.com
EMAIL;PREF;INTERNET:jd@example.com
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:
N:;;;;
PRODID:-//Apple Inc.//Mac OS X 10.12.6//EN
ORG:深圳百川茶庄;
TEL:0755-2345 6789
X-ABShowAs:COMPANY
END:VCARD
BEGIN:VCARD
VERSION:4.0
KIND:individual
FN:李娜
ORG:李娜
TEL;VALUE=uri:tel:+86-139-1234-5678
TEL:010-6500 4444
END:VCARD
"""


def test_what_other_programs_write(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "others.vcf"
    path.write_text(OTHERS, encoding="utf-8")
    import_into(db, path)
    cards = {c.name: c for c in cards_of(db).values()}
    org = cards["宏图科技有限公司"]
    assert org.kind == ClientKind.ORGANISATION and org.company == ""
    assert [(p.number, p.kind) for p in org.phones] == [
        ("010-6500 1002", PhoneKind.OFFICE), ("010-6500 1000", PhoneKind.OFFICE),
        ("010-6500 1001", PhoneKind.FAX)]
    apple = cards["Apple Seeds Inc."]
    assert apple.kind == ClientKind.ORGANISATION and apple.company == ""
    assert [(p.number, p.kind) for p in apple.phones] == [
        ("+1 408 555 0101", PhoneKind.FAX), ("+1 408 555 0100", PhoneKind.OFFICE)]
    assert cards["北京四通物流"].kind == ClientKind.ORGANISATION
    shanghai = cards["上海远大贸易"]  # ORG alone, no FN: the organisation's name
    assert shanghai.kind == ClientKind.ORGANISATION and shanghai.company == ""
    assert [(p.number, p.kind) for p in shanghai.phones] == [("021-5555 0002", PhoneKind.HOME)]
    # macOS Contacts: an empty FN, the name in ORG only
    assert (cards["深圳百川茶庄"].kind, cards["深圳百川茶庄"].company) == (
        ClientKind.ORGANISATION, "")
    john = cards["John Doe"]
    assert john.kind == ClientKind.PERSON and john.company == "IBM Accounting"
    assert [(p.number, p.kind) for p in john.phones] == [
        ("+1 905 777 1234", PhoneKind.MOBILE), ("+1 905 555 1234", PhoneKind.OFFICE),
        ("+1 905 666 1234", PhoneKind.HOME), ("+1 905 888 1234", PhoneKind.FAX)]
    assert john.email == "jd@example.com"
    li = cards["李娜"]  # KIND:individual: a person, whatever ORG says
    assert li.kind == ClientKind.PERSON
    # no TYPE: the number's shape decides, as for a spreadsheet's column
    assert [(p.number, p.kind) for p in li.phones] == [
        ("+86-139-1234-5678", PhoneKind.MOBILE), ("010-6500 4444", PhoneKind.OFFICE)]


def test_names_split_into_n_and_joined_back(db: Database, tmp_path: Path,
                                            new_db: NewDatabases) -> None:
    """N holds each person's name split (a Chinese one by its surname, a
    Western one as given + family); a file without FN imports the names
    joined from N as the app writes them."""
    service = ClientService(db, user="test")
    for name in ("欧阳娜娜", "陈彤", "司马光", "小王", "Anna Adams", "Ludwig van Beethoven"):
        service.save(ClientCard(name=name))
    service.save(ClientCard(name="宏图集团", kind=ClientKind.ORGANISATION))
    generate(db, 60, seed=5, now=NOW)
    before = cards_of(db)
    out = tmp_path / "demo.vcf"
    export_vcf(db, out)
    text = out.read_bytes().decode("utf-8")
    n_of = {card.fn.value: card.n.value for card in vobject.readComponents(text)}
    assert (n_of["欧阳娜娜"].family, n_of["欧阳娜娜"].given) == ("欧阳", "娜娜")
    assert (n_of["陈彤"].family, n_of["陈彤"].given) == ("陈", "彤")
    assert (n_of["司马光"].family, n_of["司马光"].given) == ("司马", "光")
    assert (n_of["小王"].family, n_of["小王"].given) == ("小王", "")
    assert (n_of["Anna Adams"].family, n_of["Anna Adams"].given) == ("Adams", "Anna")
    assert (n_of["Ludwig van Beethoven"].family,
            n_of["Ludwig van Beethoven"].given) == ("van Beethoven", "Ludwig")
    assert (n_of["宏图集团"].family, n_of["宏图集团"].given) == ("", "")
    for card in before.values():
        n = n_of[card.name]
        if card.kind == ClientKind.PERSON:
            assert n.family and join_name(NameParts(n.family, n.given, n.additional, n.prefix,
                                                    n.suffix)) == card.name
    no_fn = tmp_path / "no_fn.vcf"
    no_fn.write_bytes("".join(line for line in text.splitlines(keepends=True)
                              if not line.startswith("FN:")).encode("utf-8"))
    assert "FN:" not in no_fn.read_text("utf-8")
    target = new_db.open("empty.db")
    import_into(target, no_fn)
    after = cards_of(target)
    assert {u: (c.name, c.kind) for u, c in after.items()} == {
        u: (c.name, c.kind) for u, c in before.items()}


LUNAR_CARDS = (
    ("王芳", DateSpec.lunar(5, 8, leap=True, year=1990), "喜欢喝茶\n周末勿扰"),
    ("李娜", DateSpec.lunar(8, 15), ""),
    ("张伟", DateSpec.lunar(1, 1, year=1985), "老客户"),
    ("陈彤", DateSpec.solar(3, 22, 1985), "Birthday: Lunar 8/15"),
)


@pytest.mark.parametrize(("write", "read"), [("zh", "zh"), ("en", "en"), ("zh", "en")])
def test_lunar_birthdays_show_on_phones_and_come_back_lunar(
        db: Database, tmp_path: Path, new_db: NewDatabases, write: str, read: str) -> None:
    service = ClientService(db, user="test")
    for name, birthday, notes in LUNAR_CARDS:
        service.save(ClientCard(name=name, birthday=birthday, notes=notes))
    out = tmp_path / "c.vcf"
    with language_in_this_thread(write):
        export_vcf(db, out)
    cards = {c.fn.value: c for c in vobject.readComponents(out.read_bytes().decode("utf-8"))}
    wang, li, zhang = cards["王芳"], cards["李娜"], cards["张伟"]
    if write == "zh":
        assert wang.note.value == "喜欢喝茶\n周末勿扰\n生日：1990年农历闰五月初八"
        assert li.note.value == "生日：农历八月十五"
    else:
        assert wang.note.value == "喜欢喝茶\n周末勿扰\nBirthday: Lunar leap 5/8 (1990)"
        assert li.note.value == "Birthday: Lunar 8/15"
    assert wang.bday.value == "1990-06-30" and zhang.bday.value == "1985-02-20"
    assert "bday" not in li.contents  # no year: no Gregorian date is known
    assert cards["陈彤"].bday.value == "1985-03-22"
    target = new_db.open("empty.db")
    with language_in_this_thread(read):
        import_into(target, out)
    back = {c.name: c for c in cards_of(target).values()}
    for name, birthday, notes in LUNAR_CARDS:
        assert (back[name].birthday, back[name].notes) == (birthday, notes)
    # exported again, the note still has the line once
    again = tmp_path / "again.vcf"
    with language_in_this_thread(write):
        export_vcf(target, again)
    assert again.read_bytes().count("闰五月初八".encode() if write == "zh" else
                                    b"Lunar leap 5/8") == 1
