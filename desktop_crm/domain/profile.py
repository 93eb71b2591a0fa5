"""The Mackay 66 client profile (麦凯66问客户档案).

The 66 questions, grouped in seven sections, live in
``resources/profile/mackay66.json`` with Chinese and English wording and a flag
for questions that are confidential by nature. Questions the card answers
already (name, title, company and addresses, phones, birthday) name those card
fields (``card``) and, where the question asks more than the card holds, what
is left to ask (``rest_zh``/``rest_en``: the nickname, the place of birth);
``profile_card`` shows the card's part, and only the rest is stored. Answers are plain mappings from
question number (1-66) to text; the user may also mark further answers private.

Public API::

    Question, Section                      # frozen dataclasses, .text() / .title()
    QUESTION_COUNT = 66
    sections() -> tuple[Section, ...]
    questions() -> tuple[Question, ...]    # 1..66 in order
    question(number) -> Question           # KeyError for an unknown number
    is_confidential(number, private=()) -> bool
    completeness(answers) -> float         # share of non-blank answers, 0.0-1.0
    section_progress(answers) -> {section key: (answered, total)}
    shareable_answers(answers, private=(), include_confidential=False) -> dict

The file is validated when first loaded (66 questions numbered 1..66 exactly
once, non-empty texts in both languages, no empty section); a broken file raises
``ValueError`` naming the problem. Pure Python: no Qt, no database.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from desktop_crm.i18n import language
from desktop_crm.resources import resource_path

QUESTION_COUNT = 66
# The card fields a question may show (profile_card.card_answer formats each).
CARD_FIELDS = frozenset({"name", "title", "company", "address", "home_address", "phones",
                         "birthday"})


@dataclass(frozen=True)
class Question:
    """One profile question."""

    number: int
    section: str
    text_zh: str
    text_en: str
    confidential: bool
    card_fields: tuple[str, ...] = ()  # the card fields that answer it (read-only here)
    rest_zh: str = ""  # what the card does not hold; "": the card answers it whole
    rest_en: str = ""

    def text(self, lang: str | None = None) -> str:
        """The wording in ``lang`` ("zh" or "en"; default: the current language)."""
        return self.text_zh if (lang or language()) == "zh" else self.text_en

    def rest(self, lang: str | None = None) -> str:
        """What is left to ask beside the card's answer ("" when nothing is)."""
        return self.rest_zh if (lang or language()) == "zh" else self.rest_en


@dataclass(frozen=True)
class Section:
    """A titled group of consecutive questions."""

    key: str
    title_zh: str
    title_en: str
    questions: tuple[Question, ...]

    def title(self, lang: str | None = None) -> str:
        """The title in ``lang`` ("zh" or "en"; default: the current language)."""
        return self.title_zh if (lang or language()) == "zh" else self.title_en


def _text(obj: Mapping[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: {key!r} must be a non-empty string")
    return value


def _parse(data: Any, source: str = "profile") -> tuple[Section, ...]:
    """Build and validate the sections from decoded JSON ``data``."""
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
        raise ValueError(f"{source}: expected an object with a 'sections' list")
    raw_sections: list[Any] = data["sections"]
    if not raw_sections:
        raise ValueError(f"{source}: no sections")

    result: list[Section] = []
    seen_keys: set[str] = set()
    seen_numbers: set[int] = set()
    for index, raw in enumerate(raw_sections, start=1):
        where = f"{source}: section {index}"
        if not isinstance(raw, dict):
            raise ValueError(f"{where}: expected an object")
        key = _text(raw, "key", where)
        where = f"{source}: section {key!r}"
        if key in seen_keys:
            raise ValueError(f"{where}: duplicate section key")
        seen_keys.add(key)
        title_zh = _text(raw, "title_zh", where)
        title_en = _text(raw, "title_en", where)
        raw_questions = raw.get("questions")
        if not isinstance(raw_questions, list) or not raw_questions:
            raise ValueError(f"{where}: section has no questions")

        items: list[Question] = []
        for raw_q in raw_questions:
            if not isinstance(raw_q, dict):
                raise ValueError(f"{where}: every question must be an object")
            number = raw_q.get("number")
            if isinstance(number, bool) or not isinstance(number, int):
                raise ValueError(f"{where}: question number {number!r} is not an integer")
            q_where = f"{source}: question {number}"
            if not 1 <= number <= QUESTION_COUNT:
                raise ValueError(f"{q_where}: number outside 1-{QUESTION_COUNT}")
            if number in seen_numbers:
                raise ValueError(f"{q_where}: number appears more than once")
            seen_numbers.add(number)
            confidential = raw_q.get("confidential", False)
            if not isinstance(confidential, bool):
                raise ValueError(f"{q_where}: 'confidential' must be true or false")
            card = raw_q.get("card", [])
            if not isinstance(card, list) or not set(card) <= CARD_FIELDS:
                raise ValueError(f"{q_where}: 'card' must list card fields among "
                                 f"{', '.join(sorted(CARD_FIELDS))}")
            rest = (raw_q.get("rest_zh", ""), raw_q.get("rest_en", ""))
            if not all(isinstance(r, str) for r in rest) or bool(rest[0]) != bool(rest[1]) \
                    or (rest[0] and not card):
                raise ValueError(f"{q_where}: 'rest_zh' and 'rest_en' go together, "
                                 "on a question the card answers")
            items.append(
                Question(
                    number=number,
                    section=key,
                    text_zh=_text(raw_q, "zh", q_where),
                    text_en=_text(raw_q, "en", q_where),
                    confidential=confidential,
                    card_fields=tuple(card),
                    rest_zh=rest[0],
                    rest_en=rest[1],
                )
            )
        items.sort(key=lambda q: q.number)
        result.append(Section(key, title_zh, title_en, tuple(items)))

    missing = sorted(set(range(1, QUESTION_COUNT + 1)) - seen_numbers)
    if missing:
        raise ValueError(f"{source}: missing question(s) {', '.join(map(str, missing))}")
    return tuple(result)


@cache
def sections() -> tuple[Section, ...]:
    """All sections in questionnaire order (loaded once, then cached)."""
    path = resource_path("profile", "mackay66.json")
    with path.open(encoding="utf-8") as fh:
        try:
            data = json.load(fh)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path.name}: invalid JSON: {exc}") from exc
    return _parse(data, path.name)


@cache
def questions() -> tuple[Question, ...]:
    """All 66 questions, numbered 1..66, in order."""
    return tuple(sorted((q for s in sections() for q in s.questions), key=lambda q: q.number))


@cache
def _by_number() -> dict[int, Question]:
    return {q.number: q for q in questions()}


def question(number: int) -> Question:
    """The question with this number; ``KeyError`` outside 1-66."""
    try:
        return _by_number()[number]
    except KeyError:
        raise KeyError(
            f"no Mackay 66 question number {number!r}; numbers run 1-{QUESTION_COUNT}"
        ) from None


def is_confidential(number: int, private: Collection[int] = ()) -> bool:
    """Whether the answer is confidential by nature or marked private by the user."""
    return question(number).confidential or number in private


def _answered(answers: Mapping[int, str]) -> set[int]:
    known = _by_number()
    return {n for n, text in answers.items() if n in known and text and text.strip()}


def completeness(answers: Mapping[int, str]) -> float:
    """Share (0.0-1.0) of the 66 questions with a non-blank answer."""
    return len(_answered(answers)) / QUESTION_COUNT


def section_progress(answers: Mapping[int, str]) -> dict[str, tuple[int, int]]:
    """Section key -> (answered, total), in questionnaire order."""
    done = _answered(answers)
    return {
        s.key: (sum(1 for q in s.questions if q.number in done), len(s.questions))
        for s in sections()
    }


def shareable_answers(
    answers: Mapping[int, str],
    private: Collection[int] = (),
    include_confidential: bool = False,
) -> dict[int, str]:
    """Answers fit to share, ordered by number.

    Confidential answers (by nature or marked private) are left out unless
    ``include_confidential``; numbers outside 1-66 are always dropped.
    """
    known = _by_number()
    return {
        n: answers[n]
        for n in sorted(n for n in answers if n in known)
        if include_confidential or not is_confidential(n, private)
    }
