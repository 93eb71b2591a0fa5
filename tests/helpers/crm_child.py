"""Child processes for the concurrency and crash-safety tests.

The tests start this script with ``sys.executable`` (it is not collected by
pytest) so that each side of a race, or each process to be killed, is a real
separate process with its own SQLite connections, as a second window or a
command run beside the window would be. Every sub-command first imports what
it needs and only then says it is ready, so start-up time never counts as
part of the work being raced or killed.

Sub-commands:

``clients DB --count N --prefix P --ready F --go F --out JSON``
    Add N clients through ClientService, each with two interactions, once the
    ``--go`` file exists; write the ids and the time span to ``--out``.
``team DB --count N --prefix P --shared ID --ready F --go F --out JSON``
    One salesperson of a team (DB may be a PostgreSQL URL): read the shared
    card ID, say ready, and once ``--go`` exists add N clients, each with
    two interactions, saving an edit of the shared card (its notes and
    title, as read before ready) halfway; write the ids, UUIDs, interaction
    ids and what became of the shared edit (saved, or the EditConflictError's
    message and history entries) to ``--out``.
``cli --ready F --go F --out JSON -- ARGS...``
    Run ``desktop-crm ARGS`` (the CLI's ``main``) once the ``--go`` file
    exists; write its exit code and the time span to ``--out``.
``read-hold DB --ready F --release F --out JSON``
    Open a read transaction, count the clients, say ready, wait for the
    ``--release`` file, count again inside the same transaction.
``write-hold DB --ready F --release F``
    Take the write lock (BEGIN IMMEDIATE), add a tag, say ready, wait for
    the ``--release`` file, then commit.
``warm [--phases] -- ARGS...``
    Print ``ready``, wait for a line on stdin, run ``desktop-crm ARGS``. With
    ``--phases``, print to stderr when ImportService.plan and .commit start
    (seconds after the go line), to measure where an import spends its time.
``kill-before-rename TARGET -- ARGS...``
    Run ``desktop-crm ARGS`` and SIGKILL this process the moment anything is
    renamed onto TARGET: the export has written everything but the final
    rename.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import signal
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

WAIT_LIMIT = 60.0  # seconds: a test that never gives the signal must not hang
# Imported before saying "ready": what a command would otherwise import lazily.
PRELOAD = {
    "import": ("desktop_crm.services.importing", "desktop_crm.services.backup"),
    "export": ("desktop_crm.services.exporting", "desktop_crm.services.exporting.workbook",
               "xlsxwriter"),
}


def _preload(argv: list[str]) -> None:
    for name in ("desktop_crm.cli", "desktop_crm.storage.database",
                 *PRELOAD.get(argv[0] if argv else "", ())):
        with contextlib.suppress(ImportError):  # a module moved: start-up gets slower
            importlib.import_module(name)


def _touch(path: Path) -> None:
    path.write_text(str(os.getpid()), encoding="utf-8")


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + WAIT_LIMIT
    while not path.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {path}")
        time.sleep(0.002)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def _clients(args: argparse.Namespace) -> int:
    from desktop_crm.domain.client import ClientCard, Interaction, Phone
    from desktop_crm.domain.enums import Channel
    from desktop_crm.services.clients import ClientService
    from desktop_crm.storage.database import Database

    db = Database.open(args.db)
    try:
        service = ClientService(db, user=args.prefix)
        _touch(args.ready)
        _wait_for(args.go)
        started = time.time()
        ids: list[int] = []
        interactions: list[int] = []
        for n in range(args.count):
            client_id = service.save(ClientCard(
                name=f"{args.prefix}{n:04d}", company=f"{args.prefix}公司",
                phones=[Phone(f"137{args.seed:02d}{n:06d}")]))
            ids.append(client_id)
            for k in range(2):
                interactions.append(service.log_interaction(Interaction(
                    client_id=client_id, occurred_at=datetime(2026, 11, 1 + k, 10),
                    channel=Channel.CALL, summary=f"{args.prefix}{n:04d} call {k}")))
        finished = time.time()
    finally:
        db.close()
    _write_json(args.out, {"ids": ids, "interactions": interactions,
                           "started": started, "finished": finished})
    return 0


def _team(args: argparse.Namespace) -> int:
    from desktop_crm.domain.client import ClientCard, Interaction, Phone
    from desktop_crm.domain.conflicts import EditConflictError
    from desktop_crm.domain.enums import Channel
    from desktop_crm.services.clients import ClientService
    from desktop_crm.storage.database import Database

    db = Database.open(args.db)
    try:
        service = ClientService(db, user=args.prefix)
        shared = service.get(args.shared)  # opened before the other side saves it
        shared.notes = f"{args.prefix}的备注"
        shared.title = f"{args.prefix}定的职务"
        _touch(args.ready)
        _wait_for(args.go)
        ids: list[int] = []
        uuids: list[str] = []
        interactions: list[int] = []
        outcome: dict[str, Any] = {}
        for n in range(args.count):
            if n == args.count // 2:
                try:
                    service.save(shared)
                    outcome = {"saved": True}
                except EditConflictError as exc:
                    outcome = {"saved": False, "message": str(exc),
                               "changes": [[c.field, c.new, c.user] for c in exc.changes],
                               "theirs_notes": exc.theirs.notes}
            client_id = service.save(ClientCard(
                name=f"{args.prefix}{n:04d}", company=f"{args.prefix}公司",
                phones=[Phone(f"137{args.seed:02d}{n:06d}")]))
            ids.append(client_id)
            uuids.append(service.get(client_id).uuid)
            for k in range(2):
                interactions.append(service.log_interaction(Interaction(
                    client_id=client_id, occurred_at=datetime(2026, 11, 1 + k, 10),
                    channel=Channel.CALL, summary=f"{args.prefix}{n:04d} call {k}")))
    finally:
        db.close()
    _write_json(args.out, {"ids": ids, "uuids": uuids, "interactions": interactions,
                           "shared": outcome})
    return 0


def _cli(args: argparse.Namespace) -> int:
    from desktop_crm.cli import main

    _preload(args.argv)
    _touch(args.ready)
    _wait_for(args.go)
    started = time.time()
    code = main(args.argv)
    _write_json(args.out, {"code": code, "started": started, "finished": time.time()})
    return 0


def _read_hold(args: argparse.Namespace) -> int:
    from desktop_crm.storage.database import Database

    db = Database.open(args.db)
    conn = db.engine.raw_connection()
    try:
        cursor = conn.cursor()
        cursor.execute("BEGIN")  # a read transaction: one snapshot until COMMIT
        first = cursor.execute("SELECT count(*) FROM clients").fetchone()[0]
        _touch(args.ready)
        _wait_for(args.release)
        second = cursor.execute("SELECT count(*) FROM clients").fetchone()[0]
        cursor.execute("COMMIT")
        third = cursor.execute("SELECT count(*) FROM clients").fetchone()[0]
    finally:
        conn.close()
        db.close()
    _write_json(args.out, {"first": first, "second": second, "after": third})
    return 0


def _write_hold(args: argparse.Namespace) -> int:
    from desktop_crm.storage.database import Database

    db = Database.open(args.db)
    conn = db.engine.raw_connection()
    try:
        cursor = conn.cursor()
        cursor.execute("BEGIN IMMEDIATE")  # the write lock, held until COMMIT
        cursor.execute("INSERT INTO tags (name) VALUES ('held by the other writer')")
        _touch(args.ready)
        _wait_for(args.release)
        cursor.execute("COMMIT")
    finally:
        conn.close()
        db.close()
    return 0


def _mark_phases(started: list[float]) -> None:
    from desktop_crm.services.importing import ImportService

    def marked(name: str, method: Any) -> Any:
        def wrapper(*a: Any, **kw: Any) -> Any:
            print(f"phase {name} {time.monotonic() - started[0]:.4f}", file=sys.stderr,
                  flush=True)
            return method(*a, **kw)
        return wrapper

    ImportService.plan = marked("plan", ImportService.plan)  # type: ignore[method-assign]
    ImportService.commit = marked("commit", ImportService.commit)  # type: ignore[method-assign]


def _warm(args: argparse.Namespace) -> int:
    from desktop_crm.cli import main

    _preload(args.argv)
    started = [0.0]
    if args.phases:
        _mark_phases(started)
    print("ready", flush=True)
    if not sys.stdin.readline():
        return 3  # the test went away
    started[0] = time.monotonic()
    return main(args.argv)


def _kill_before_rename(args: argparse.Namespace) -> int:
    from desktop_crm.cli import main

    target = os.path.abspath(args.target)
    real_replace = os.replace

    def replace(src: Any, dst: Any, *a: Any, **kw: Any) -> None:
        if os.path.abspath(os.fspath(dst)) == target:
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(src, dst, *a, **kw)

    os.replace = replace
    return main(args.argv)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crm_child")
    sub = parser.add_subparsers(dest="command", required=True)
    clients = sub.add_parser("clients")
    clients.add_argument("db")
    clients.add_argument("--count", type=int, required=True)
    clients.add_argument("--prefix", required=True)
    clients.add_argument("--seed", type=int, default=0, help="makes phone numbers distinct")
    for name in ("ready", "go", "out"):
        clients.add_argument(f"--{name}", type=Path, required=True)
    team = sub.add_parser("team")
    team.add_argument("db")
    team.add_argument("--count", type=int, required=True)
    team.add_argument("--prefix", required=True)
    team.add_argument("--seed", type=int, default=0, help="makes phone numbers distinct")
    team.add_argument("--shared", type=int, required=True)
    for name in ("ready", "go", "out"):
        team.add_argument(f"--{name}", type=Path, required=True)
    cli = sub.add_parser("cli")
    for name in ("ready", "go", "out"):
        cli.add_argument(f"--{name}", type=Path, required=True)
    cli.add_argument("argv", nargs=argparse.REMAINDER)
    for command in ("read-hold", "write-hold"):
        hold = sub.add_parser(command)
        hold.add_argument("db")
        hold.add_argument("--ready", type=Path, required=True)
        hold.add_argument("--release", type=Path, required=True)
        if command == "read-hold":
            hold.add_argument("--out", type=Path, required=True)
    warm = sub.add_parser("warm")
    warm.add_argument("--phases", action="store_true")
    warm.add_argument("argv", nargs=argparse.REMAINDER)
    kill = sub.add_parser("kill-before-rename")
    kill.add_argument("target")
    kill.add_argument("argv", nargs=argparse.REMAINDER)
    return parser


COMMANDS = {"clients": _clients, "team": _team, "cli": _cli, "read-hold": _read_hold,
            "write-hold": _write_hold, "warm": _warm,
            "kill-before-rename": _kill_before_rename}


if __name__ == "__main__":
    arguments = _parser().parse_args()
    if getattr(arguments, "argv", None) and arguments.argv[0] == "--":
        arguments.argv = arguments.argv[1:]
    sys.exit(COMMANDS[arguments.command](arguments))
