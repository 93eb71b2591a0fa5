"""File names every desktop system accepts: the rules Windows adds.

Windows refuses the characters ``<>:"/\\|?*`` and control characters in a
name, treats the device names CON, PRN, AUX, NUL, COM1-COM9 and LPT1-LPT9
(also with superscript digits, and CONIN$/CONOUT$) as devices whatever
extension follows ("NUL.xlsx" is the null device, "con.ics" the console),
and silently drops trailing dots and spaces ("book." becomes "book")
(Microsoft, "Naming Files, Paths, and Namespaces"). A file the app writes
goes to colleagues on Windows even from a Mac or Linux, so the names the app
proposes (``portable_file_name``) follow these rules everywhere; a name the
user chooses is refused only where the system would misread it
(``windows_refuses``, asked on Windows by ``services.files``).
"""

from __future__ import annotations

_DIGITS = "123456789\u00b9\u00b2\u00b3"
RESERVED_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{port}{d}" for port in ("COM", "LPT") for d in _DIGITS})
FORBIDDEN_CHARACTERS = frozenset('<>:"/\\|?*')
MAX_STEM = 60  # room for a folder and a suffix under Windows' classic 260-character limit


def is_device_name(name: str) -> bool:
    """Whether Windows takes ``name`` (one path component) for a device:
    the part before the first dot, without trailing spaces, is one of
    RESERVED_DEVICE_NAMES, in any case."""
    return name.split(".", 1)[0].rstrip(" ").upper() in RESERVED_DEVICE_NAMES


def windows_refuses(name: str) -> bool:
    """Whether Windows would not write a file called ``name`` as spelt: a
    device name, or a name ending in a dot or a space (dropped silently)."""
    return is_device_name(name) or name.endswith((".", " "))


def portable_file_name(text: str, fallback: str) -> str:
    """``text`` (a client's name, say) made a file name stem that Windows,
    macOS and Linux all accept as it is: forbidden and control characters
    become ``_``, no leading or trailing dots and spaces, at most MAX_STEM
    characters, a device name gets a trailing ``_``; ``fallback`` when
    nothing is left. Add the suffix after: "NUL" -> "NUL_" -> "NUL_.pdf"."""
    cleaned = "".join("_" if c in FORBIDDEN_CHARACTERS or ord(c) < 32 or c == "\x7f" else c
                      for c in text)
    cleaned = cleaned[:MAX_STEM].strip(" .")
    if not cleaned:
        return fallback
    if is_device_name(cleaned):
        cleaned = cleaned.split(".", 1)[0].rstrip(" ") + "_" + (
            "." + cleaned.split(".", 1)[1] if "." in cleaned else "")
    return cleaned
