"""Undo of an import on a database several people use (both engines): it
undoes only that import's clients, keeps what the others added, imported or
edited meanwhile, and refuses in one line naming the clients, and who edited
them, when its clients were edited since."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from desktop_crm.domain.client import ClientCard, Interaction, Phone
from desktop_crm.domain.enums import Channel
from desktop_crm.services.clients import ClientService
from desktop_crm.services.importing import MERGE, ImportService, ImportUndoError, open_source
from desktop_crm.storage.client_repo import ClientFilter
from desktop_crm.storage.database import Database
from tests.conftest import one_line

IMPORTED = datetime(2026, 12, 6, 9, 0)
LATER = datetime(2026, 12, 6, 11, 0)


def _csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    lines = ["姓名,手机,标签"] + [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _importer(db: Database, user: str, now: datetime = IMPORTED) -> ImportService:
    return ImportService(db, clock=lambda: now, user=user, backup_first=False)


def _names(db: Database) -> dict[str, ClientCard]:
    clients = ClientService(db)
    return {c.name: c for c in (clients.get(i) for i in clients.list_ids(ClientFilter()))}


def _ours(tmp_path: Path) -> Path:
    """张伟's file: seven new clients, and an update of 老客户 (same phone)."""
    rows = [(f"张{n}", f"1370000000{n}", "展会") for n in range(1, 8)]
    return _csv(tmp_path / "ours.csv", [*rows, ("老客户", "13900000000", "VIP")])


def test_undo_takes_back_only_its_own_clients(db: Database, tmp_path: Path) -> None:
    clients = ClientService(db, user="李娜")
    old_id = clients.save(ClientCard(name="老客户", phones=[Phone("13900000000")]))
    ours = _importer(db, "张伟").commit(open_source(_ours(tmp_path)), policy=MERGE)
    assert _names(db)["老客户"].tags == ["VIP"]
    # meanwhile 李娜 imports her own file (using the new tag), and adds and edits by hand
    theirs = _importer(db, "李娜", LATER).commit(open_source(_csv(
        tmp_path / "theirs.csv", [("王一", "13600000001", "展会"), ("王二", "13600000002", "")])))
    by_hand = clients.save(ClientCard(name="赵敏", phones=[Phone("13500000000")]))
    client = clients.get(by_hand)
    client.notes = "李娜的客户"
    clients.save(client)

    assert _importer(db, "张伟", LATER).undo(ours.batch_id) == 8
    names = _names(db)
    assert sorted(names) == ["王一", "王二", "老客户", "赵敏"]
    assert names["老客户"].tags == [] and names["老客户"].id == old_id
    assert names["王一"].tags == ["展会"]  # still used by her import: kept
    assert names["赵敏"].notes == "李娜的客户"
    assert [b.undone_at for b in _importer(db, "张伟").batches()] == [None, LATER]
    assert theirs.counts["created"] == 2
    # and hers can still be undone on its own
    assert _importer(db, "李娜", LATER).undo(theirs.batch_id) == 2
    assert sorted(_names(db)) == ["老客户", "赵敏"]
    assert ClientService(db).tags() == []


def test_undo_refuses_naming_the_clients_edited_since_and_who(
        db: Database, tmp_path: Path) -> None:
    ours = _importer(db, "张伟").commit(open_source(_ours(tmp_path)))
    names = _names(db)
    for n, user in ((2, "李娜"), (3, "李娜"), (5, "王磊"), (6, "李娜"), (7, "王磊")):
        editor = ClientService(db, clock=lambda: LATER, user=user)
        card = names[f"张{n}"]
        card.notes = f"{user}改过"
        editor.save(card)
    before = {name: (c.notes, c.version) for name, c in _names(db).items()}
    with pytest.raises(ImportUndoError) as caught:
        _importer(db, "张伟", LATER).undo(ours.batch_id)
    assert one_line(str(caught.value)) == str(caught.value)
    assert str(caught.value) == ("Cannot undo the import: 张2、张3、张5 and 2 more changed "
                                 "after it by 李娜、王磊")
    after = {name: (c.notes, c.version) for name, c in _names(db).items()}
    assert after == before  # nothing undone
    assert _importer(db, "张伟").batches()[0].undone_at is None


def test_undo_refuses_naming_new_clients_with_activity(db: Database, tmp_path: Path) -> None:
    ours = _importer(db, "张伟").commit(open_source(_ours(tmp_path)))
    clients = ClientService(db, clock=lambda: LATER, user="李娜")
    for n in (4, 1):
        clients.log_interaction(Interaction(_names(db)[f"张{n}"].id or 0, LATER,
                                            Channel.CALL, "回访"))
    with pytest.raises(ImportUndoError, match=r"^Cannot undo the import: 张1、张4 have "
                                              r"interactions, orders, evaluations or complaints"):
        _importer(db, "张伟", LATER).undo(ours.batch_id)
    assert len(_names(db)) == 8
