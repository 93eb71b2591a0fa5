"""Two salespeople writing to one database at once, as two real processes
(``tests/helpers/crm_child.py team``): on a PostgreSQL server, and on one
SQLite file. Nothing is lost (every client, UUID, interaction, and the search
finds each), and the edit both make to one shared card from the same version
is caught: one save goes in, the other gets EditConflictError naming what the
first changed, and the stored card holds exactly the first one's edit."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from desktop_crm.domain.client import ClientCard
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.client_repo import ClientFilter
from desktop_crm.storage.database import Database
from tests.children import reaped, spawn, wait_ready

START_LIMIT = 60.0  # seconds for a child to start and say it is ready
RUN_LIMIT = 600.0  # seconds for a child's whole run on a busy 2-core machine
COUNT = 200  # new clients each salesperson adds





def _finish(child: subprocess.Popen[str]) -> None:
    try:
        out, err = child.communicate(timeout=RUN_LIMIT)
    except subprocess.TimeoutExpired:
        child.kill()
        out, err = child.communicate()
        raise AssertionError(f"child still running after {RUN_LIMIT} s:\n{out}\n{err}") from None
    assert child.returncode == 0, f"child exited {child.returncode}:\n{out}\n{err}"
    assert "locked" not in err, err


@pytest.mark.slow
def test_two_salespeople_at_once_lose_nothing_and_the_shared_edit_conflicts(
        db: Database, db_target: str, tmp_path: Path) -> None:
    shared = ClientService(db, user="经理").save(ClientCard(name="共同客户", title="经理",
                                                           company="华为"))
    go = tmp_path / "go"
    people = ("张伟", "李娜")
    children = []
    for seed, person in enumerate(people, start=1):
        children.append(spawn(
            "team", db_target, "--count", COUNT, "--prefix", person, "--seed", seed,
            "--shared", shared, "--ready", tmp_path / f"ready-{seed}", "--go", go,
            "--out", tmp_path / f"out-{seed}.json"))
    with reaped(*children):
        for seed, child in enumerate(children, start=1):
            wait_ready(tmp_path / f"ready-{seed}", child, START_LIMIT)
        go.write_text("go", encoding="utf-8")
        for child in children:
            _finish(child)
    outs: dict[str, dict[str, Any]] = {
        person: json.loads((tmp_path / f"out-{seed}.json").read_text(encoding="utf-8"))
        for seed, person in enumerate(people, start=1)}

    service = ClientService(db)
    # nothing lost: every client, UUID and interaction of both, and the search finds each
    assert service.counts() == {"clients": 2 * COUNT + 1, "trash": 0,
                                "interactions": 2 * 2 * COUNT}
    for seed, (person, out) in enumerate(outs.items(), start=1):
        assert len(out["ids"]) == len(set(out["ids"])) == COUNT
        assert len(out["interactions"]) == 2 * COUNT
        for n, (client_id, uuid) in enumerate(zip(out["ids"], out["uuids"], strict=True)):
            card = service.get(client_id)
            assert (card.name, card.uuid) == (f"{person}{n:04d}", uuid)
            phone = f"137{seed:02d}{n:06d}"  # as the child gave it
            assert service.list_ids(ClientFilter(text=phone)) == [client_id]
        assert len(service.list_ids(ClientFilter(text=person))) == COUNT
    all_ids = [i for out in outs.values() for i in out["ids"]]
    assert len(set(all_ids)) == 2 * COUNT
    assert len({u for out in outs.values() for u in out["uuids"]}) == 2 * COUNT

    # the shared card: exactly one save went in, the other was refused and told why
    winners = [p for p, out in outs.items() if out["shared"]["saved"]]
    losers = [p for p, out in outs.items() if not out["shared"]["saved"]]
    assert len(winners) == 1 and len(losers) == 1, outs
    winner, loser = winners[0], losers[0]
    refused = outs[loser]["shared"]
    assert sorted(refused["changes"]) == [["notes", f"{winner}的备注", winner],
                                          ["title", f"{winner}定的职务", winner]]
    assert refused["theirs_notes"] == f"{winner}的备注"
    assert winner in refused["message"]
    card = service.get(shared)
    assert (card.notes, card.title, card.version) == (f"{winner}的备注", f"{winner}定的职务", 2)
    history = service.history(shared)
    assert {e.user for e in history} == {"经理", winner}  # nothing of the loser's
