"""Moving a client book between databases: a laptop's SQLite file into the
team's PostgreSQL database, or back (``desktop-crm copy --from --to``).

Nothing is lost: every table's rows with their ids and UUIDs, the database
UUID (so files exported before still match their clients), the search index
rebuilt on the target, PostgreSQL's id sequences set past the copied ids.
The copy is one transaction on the target: all or nothing. Refused, before
anything is written: a source that is not a Desktop CRM database, a target
that already holds clients, the same database as source and target.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop_crm.domain.errors import CrmError
from desktop_crm.i18n import _
from desktop_crm.storage import copy_repo, identity_repo
from desktop_crm.storage.database import (
    Database,
    inspect_file,
    shown_url,
    sqlite_path,
    to_url,
)


class CopyError(CrmError):
    """The copy was refused or failed; nothing was written to the target."""


@dataclass(frozen=True)
class CopyResult:
    """What was copied: ``clients`` clients in ``rows`` rows of every table."""

    clients: int
    rows: int
    source: str
    target: str


def copy_book(source: str | os.PathLike[str], target: str | os.PathLike[str],
              progress: Callable[[int, int], None] | None = None) -> CopyResult:
    """Copy every row of the Desktop CRM database ``source`` into ``target``
    (a new SQLite file, an empty PostgreSQL database or one with the schema
    and no clients). ``progress(done, total)`` is called as rows are written.

    Raises CopyError (refused; nothing written) or DatabaseError (a database
    that cannot be opened or was lost mid-way; the target's transaction
    rolled back).
    """
    src_url, dst_url = to_url(source), to_url(target)
    src_name, dst_name = _name(src_url), _name(dst_url)
    if copy_repo.same_database(src_url, dst_url):
        raise CopyError(_("{source} and {target} are the same database; copy into "
                          "another one", source=src_name, target=dst_name))
    src = _open_source(src_url, src_name)
    try:
        dst_path = sqlite_path(dst_url)
        created = dst_path is not None and not dst_path.exists()
        try:
            return _copy(src, src_name, dst_url, dst_name, progress)
        except BaseException:
            if created and dst_path is not None:
                _remove_new_file(dst_path)
            raise
    finally:
        src.close()


def _copy(src: Database, src_name: str, dst_url: str, dst_name: str,
          progress: Callable[[int, int], None] | None) -> CopyResult:
    dst = Database.open(dst_url, create=True)
    try:
        with copy_repo.failures_undone(dst_name), src.read() as s:
            copy_repo.snapshot(s)
            counts = copy_repo.row_counts(s)
            src_uuid = identity_repo.database_uuid(s)
            total = sum(counts.values())
            with dst.session(lock=True) as t:
                # checked under the write lock: nobody adds a card meanwhile
                if identity_repo.database_uuid(t) == src_uuid:  # reached by another name
                    raise CopyError(_("{source} and {target} are the same database; "
                                      "copy into another one", source=src_name,
                                      target=dst_name))
                if copy_repo.client_count(t):
                    raise CopyError(_(
                        "{target} already holds clients; copy into an empty database or a "
                        "new file, so that no card is mixed up or overwritten",
                        target=dst_name))
                rows = copy_repo.copy_rows(
                    s, t, None if progress is None else lambda done: progress(done, total))
                copy_repo.rebuild_index(t)
                copy_repo.advance_sequences(t)
    finally:
        dst.close()
    return CopyResult(counts[copy_repo.CLIENTS], rows, src_name, dst_name)


def _open_source(url: str, name: str) -> Database:
    """The source, opened only when it is a Desktop CRM database: an empty
    file or an empty server database is refused, not given a schema."""
    path = sqlite_path(url)
    not_ours = CopyError(_("{source} is not a Desktop CRM database; nothing was copied",
                           source=name))
    if path is not None:
        if not path.exists():
            raise CopyError(_("No database at {path}", path=path))
        if path.is_file() and path.stat().st_size == 0:
            raise not_ours
        if inspect_file(path).revision is None:
            raise not_ours
        return Database.open(path)
    if copy_repo.server_revision(url, name) is None:
        raise not_ours
    return Database.open(url)


def _name(url: str) -> str:
    path = sqlite_path(url)
    return str(path) if path is not None else shown_url(url)


def _remove_new_file(path: Path) -> None:
    """The target file this copy created, with its -wal and -shm."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
