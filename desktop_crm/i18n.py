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
from functools import cache
from typing import Any

from desktop_crm.resources import resource_path

LANGUAGES: tuple[str, ...] = ("zh", "en")
_current = "en"


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
    return _current


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
    return translate(msgid, _current, **params)


def N_(msgid: str) -> str:
    """Mark a message for translation without translating it now."""
    return msgid
