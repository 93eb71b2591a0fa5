"""Windows' file-system behaviour, injected on any system (monkeypatch), so
the tests of what the app does there run here.

- ``OpenRecorder``: ``os.open`` records each call's flags; a fake
  ``os.O_BINARY`` (Windows' value, 0x8000) is stripped before the real call.
- ``refuse_read_only_fsync``: ``os.fsync`` fails with EBADF on a file
  descriptor opened read-only, as Windows' ``_commit`` does (directories are
  never synced there: the code skips them on Windows).
- ``hold_open``: ``os.replace``/``os.rename`` onto or from a path raise what
  Windows raises while another program (Excel, WPS, a database viewer) has
  the file open: PermissionError with ``winerror`` 32; retries take no time.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from desktop_crm.storage import portable_files

WINDOWS_O_BINARY = 0x8000


@dataclass
class OpenRecorder:
    """The ``os.open`` calls made while installed: (path, flags) each."""

    calls: list[tuple[Path, int]] = field(default_factory=list)
    read_only_fds: set[int] = field(default_factory=set)

    def install(self, monkeypatch: pytest.MonkeyPatch, o_binary: int | None) -> None:
        """Record ``os.open``; ``o_binary`` is the platform's ``os.O_BINARY``
        (None: a platform without it)."""
        if o_binary is None:
            monkeypatch.delattr(os, "O_BINARY", raising=False)
        else:
            monkeypatch.setattr(os, "O_BINARY", o_binary, raising=False)
        real_open = os.open

        def recording_open(path: object, flags: int, mode: int = 0o777, **kwargs: object) -> int:
            self.calls.append((Path(os.fsdecode(path)), flags))  # type: ignore[arg-type]
            fd = real_open(path, flags & ~WINDOWS_O_BINARY, mode, **kwargs)  # type: ignore[arg-type]
            if flags & (os.O_WRONLY | os.O_RDWR) == 0:
                self.read_only_fds.add(fd)
            else:
                self.read_only_fds.discard(fd)
            return fd

        monkeypatch.setattr(os, "open", recording_open)

    def files(self) -> list[tuple[Path, int]]:
        """The calls that opened regular files (not folders)."""
        return [(p, f) for p, f in self.calls if not p.is_dir()]


def refuse_read_only_fsync(monkeypatch: pytest.MonkeyPatch, recorder: OpenRecorder) -> list[int]:
    """``os.fsync`` as on Windows: EBADF for a read-only descriptor of a
    file. Returns the descriptors synced."""
    real_fsync = os.fsync
    synced: list[int] = []

    def windows_fsync(fd: int) -> None:
        if fd in recorder.read_only_fds and not stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EBADF, "Bad file descriptor")
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", windows_fsync)
    return synced


def sharing_violation(path: Path) -> PermissionError:
    """What Windows raises for a rename over or of a file another program has open."""
    exc = PermissionError(errno.EACCES, "The process cannot access the file because it is "
                          "being used by another process", os.fspath(path))
    exc.winerror = 32  # type: ignore[attr-defined]  # set by Windows only
    return exc


@dataclass
class Holder:
    """Paths held open by "another program", and the attempts refused."""

    held: set[Path] = field(default_factory=set)
    refused: int = 0
    release_after: int | None = None  # let go after this many refusals

    def check(self, *paths: object) -> None:
        for path in paths:
            if Path(os.fsdecode(path)).resolve() in self.held:  # type: ignore[arg-type]
                if self.release_after is not None and self.refused >= self.release_after:
                    return
                self.refused += 1
                raise sharing_violation(Path(os.fsdecode(path)))  # type: ignore[arg-type]


def hold_open(monkeypatch: pytest.MonkeyPatch, *paths: Path,
              release_after: int | None = None) -> Holder:
    """Make ``paths`` behave as files another program holds open on Windows:
    ``os.replace``/``os.rename`` onto or from them fail with winerror 32
    (all the time, or ``release_after`` times). Retries do not wait."""
    holder = Holder({Path(p).resolve() for p in paths}, release_after=release_after)
    for name in ("replace", "rename"):
        real: Callable[..., None] = getattr(os, name)

        def refusing(src: object, dst: object, *args: object, _real: Callable[..., None] = real,
                     **kwargs: object) -> None:
            holder.check(src, dst)
            _real(src, dst, *args, **kwargs)

        monkeypatch.setattr(os, name, refusing)
    monkeypatch.setattr(portable_files, "RETRY_DELAYS", (0.0,) * len(portable_files.RETRY_DELAYS))
    return holder
