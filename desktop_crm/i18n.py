"""Translations: English message ids, Simplified Chinese catalog.

Like gettext, the English text is the message id and ``resources/i18n/zh.json``
maps it to Chinese. Pure Python so that the domain layer can produce messages
in both languages; the UI retranslates its widgets when the language changes.
A test checks that every ``_("...")`` literal in the package has a Chinese entry.
"""

from __future__ import annotations

import json
import locale
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

from desktop_crm.resources import resource_path

LANGUAGES: tuple[str, ...] = ("zh", "en")
_current = "en"
# A language for the current thread only (an export in another language than
# the window's, on a worker thread): never a process-wide switch.
_local: ContextVar[str | None] = ContextVar("desktop_crm_language", default=None)


@cache
def catalog(lang: str) -> dict[str, str]:
    if lang == "en":
        return {}
    path = resource_path("i18n", f"{lang}.json")
    with path.open(encoding="utf-8") as fh:
        data: dict[str, str] = json.load(fh)
    return data


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _current = lang


def language() -> str:
    return _local.get() or _current


@contextmanager
def language_in_this_thread(lang: str) -> Iterator[None]:
    """``_()`` translates into ``lang`` in this thread (and context) only,
    while the block runs; other threads keep the window's language."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    token = _local.set(lang)
    try:
        yield
    finally:
        _local.reset(token)


def system_language() -> str:
    """``zh`` when the system locale is Chinese, else ``en``."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    loc = locale.getlocale()[0] or ""
    return "zh" if loc.lower().startswith("zh") else "en"


def translate(msgid: str, lang: str, **params: Any) -> str:
    text = catalog(lang).get(msgid, msgid)
    return text.format(**params) if params else text


def _(msgid: str, **params: Any) -> str:
    """Translate ``msgid`` into the current language and fill ``{params}``."""
    return translate(msgid, language(), **params)


def ngettext(singular: str, plural: str, count: int, **params: Any) -> str:
    """``singular`` or ``plural`` by ``count`` (English has one and other),
    translated and filled like ``_()``; ``{n}`` is ``count`` unless given.

    The catalog keys the plural: Chinese has one form for every count, so
    ``zh.json`` holds ``plural`` only.
    """
    params.setdefault("n", count)
    lang = language()
    if lang == "en":
        text = singular if count == 1 else plural
    else:
        text = catalog(lang).get(plural, plural)
    return text.format(**params)


def N_(msgid: str) -> str:
    """Mark a message for translation without translating it now."""
    return msgid
