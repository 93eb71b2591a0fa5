"""The command line's output streams, so that printing a Chinese name never
fails on a system whose encoding cannot hold it.

Windows gives a redirected stream (``desktop-crm agenda > agenda.txt``, a
pipe) the ANSI code page, cp1252 on a Western system: the first client name
printed raised UnicodeEncodeError and the command died with a traceback. A
console needs nothing (Python writes to it in UTF-16). So on Windows a
redirected stream writes UTF-8, as Python's UTF-8 mode does (the default
from Python 3.15, PEP 686) and as the JSON standard requires of
``--json``; anywhere else a stream whose encoding is not UTF-8 replaces what
it cannot encode instead of failing.
"""

from __future__ import annotations

import codecs
import io
import sys


def portable_streams(platform: str | None = None) -> None:
    """Set up ``sys.stdout`` and ``sys.stderr`` as the module docstring says
    (``platform``: ``sys.platform`` unless given). Streams that are not
    text files (None in a windowed program, a test's capture) are left alone."""
    platform = platform or sys.platform
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper):
            continue
        try:
            if codecs.lookup(stream.encoding).name == "utf-8":
                continue
            if platform == "win32" and not stream.isatty():
                stream.reconfigure(encoding="utf-8")
            else:
                stream.reconfigure(errors="replace")
        except (LookupError, ValueError, OSError):
            continue  # a closed or unusual stream: as it was
