"""Writing export files safely: all or nothing, never a half-written file.

Shared by the exports (``.ics`` now; ``.xlsx`` and ``.vcf`` later).
"""

from __future__ import annotations

import errno
import glob
import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from desktop_crm.i18n import _

# A temporary file untouched this long belongs to no running write.
STALE_SECONDS = 3600


class ExportError(Exception):
    """An export file could not be written; the message is translated."""


def remove_stale_parts(path: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files that writes to ``path`` killed before their
    rename left behind (a crash or power loss skips the cleanup); only ours
    (``.NAME.xxxxxxxx.part``) and only those untouched for STALE_SECONDS, so a
    write still running elsewhere keeps its file. Returns what was removed."""
    now = time.time() if now is None else now
    removed = []
    for candidate in path.parent.glob(f".{glob.escape(path.name)}.*.part"):
        middle = candidate.name[len(path.name) + 2:-len(".part")]
        if len(middle) != 8 or not all(c in "0123456789abcdef" for c in middle):
            continue
        try:
            if now - candidate.stat().st_mtime > STALE_SECONDS:
                candidate.unlink()
                removed.append(candidate)
        except OSError:
            continue  # gone already, or not ours to remove
    return removed


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through :func:`atomic_file`."""
    with atomic_file(path) as fh:
        fh.write(data)


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A binary file to write ``path``'s new content into: a temporary file
    next to ``path``, renamed over it when the block ends without an error
    (and removed when it raises); a reader sees the old file or the new one,
    never a part. The folder must exist. Raises ExportError on any file-system
    failure."""
    try:
        if not path.name or path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        remove_stale_parts(path)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        try:
            with os.fdopen(fd, "wb") as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        raise ExportError(_("Cannot write {path}: {reason}", path=path,
                            reason=exc.strerror or exc)) from exc
