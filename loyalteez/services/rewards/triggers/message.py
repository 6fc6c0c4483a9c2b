"""Message triggers: greetings, quality, keywords and length, decided from a message's text alone.

The detectors are pure functions of the text and the rule, compiled once per rule set, because they run
on every message.

rule_metadata keys they read:
  keywords          (keyword) words or phrases; one whole-word, case-insensitive hit anywhere earns.
  min_characters    (quality, min_length) length of the trimmed message.
  min_words         (quality) whitespace-separated words.
  command_prefixes  (quality) a message starting with one of these is a command: default / ! ? .
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import texts as reward_texts
from loyalteez.services.rewards.rules import Rule
from loyalteez.services.rewards.triggers import texts
from loyalteez.services.rewards.triggers.base import Detector, Trigger, TriggerOption
from loyalteez.services.rewards.validation import integer_in, refusal

MIN_LENGTH_RANGE = (10, 2_000)
MAX_KEYWORDS, KEYWORD_LENGTH = 20, 50

# A greeting counts only as the opening of a message and as whole words ("gm fam" yes, "gmail" no);
# "gm everyone/fam/frens" and "gn everyone/fam" start with gm/gn, so the short forms cover them.
_GM = re.compile(r"\s*(?:(?:gm|good\s*morning|rise\s+and\s+shine)(?!\w)|morning!)", re.IGNORECASE)
_GN = re.compile(r"\s*(?:gn|good\s*night|nighty[\s-]+night|sweet\s+dreams|sleep\s+well)(?!\w)", re.IGNORECASE)


def is_gm(text: str) -> bool:
    return _GM.match(text) is not None


def is_gn(text: str) -> bool:
    return _GN.match(text) is not None


def is_quality(text: str, min_characters: int, min_words: int, command_prefixes: Sequence[str]) -> bool:
    """Long and wordy enough, and not a bot command (commands start with / ! ? or .)."""
    body = text.strip()
    if len(body) < min_characters or body.startswith(tuple(command_prefixes)):
        return False
    return len(body.split()) >= min_words


def keyword_pattern(keywords: Sequence[str]) -> re.Pattern[str] | None:
    """One regex for all of a rule's keywords: case-insensitive, not inside a longer word."""
    words = sorted({k.strip() for k in keywords if k.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


def keyword_detector(keywords: Sequence[str]) -> Detector | None:
    """Keyword test: a cheap substring scan first, the word-boundary regex only on a possible hit."""
    pattern = keyword_pattern(keywords)
    if pattern is None:
        return None
    # Any keyword as a plain substring of the lowered text, in one C-level scan (no word boundaries yet).
    lowered = sorted({k.strip().lower() for k in keywords if k.strip()})
    possible = re.compile("|".join(re.escape(k) for k in lowered)).search

    def test(text: str) -> bool:
        return possible(text.lower()) is not None and pattern.search(text) is not None

    return test


def _quality(rule: Rule) -> Detector:
    chars, words, prefixes = rule.min_characters or 100, rule.min_words or 20, rule.command_prefixes
    return lambda text: is_quality(text, chars, words, prefixes)


def _min_length(rule: Rule) -> Detector:
    chars = rule.min_characters or 10
    return lambda text: len(text.strip()) >= chars


# -- options -------------------------------------------------------------------------------------------------


def check_keywords(value: Sequence[Any]) -> list[str]:
    words: dict[str, str] = {}
    for raw in value:
        word = str(raw).strip()
        if not word or len(word) > KEYWORD_LENGTH:
            raise ValidationError(
                "keywords", reward_texts.out_of_range("each keyword's length", 1, KEYWORD_LENGTH, " characters")
            )
        words.setdefault(word.lower(), word)
    if not words or len(words) > MAX_KEYWORDS:
        raise ValidationError("keywords", reward_texts.out_of_range("the number of keywords", 1, MAX_KEYWORDS))
    return list(words.values())


def check_min_length(value: Any) -> int:
    return integer_in("min_length", value, *MIN_LENGTH_RANGE, " characters")


KEYWORDS = TriggerOption(
    name="keywords",
    key="keywords",
    check=check_keywords,
    schema={
        "type": "array",
        "minItems": 1,
        "maxItems": MAX_KEYWORDS,
        "items": {
            "type": "string",
            "minLength": 1,
            "maxLength": KEYWORD_LENGTH,
            "pattern": r"\S",
            "x-message": refusal(lambda: check_keywords([""])),
        },
        "x-message": refusal(lambda: check_keywords([])),
    },
    export=lambda rule: list(rule.keywords),
    description=texts.KEYWORDS_OPTION,
    canonical=check_keywords,
)
MIN_LENGTH = TriggerOption(
    name="min_length",
    key="min_characters",
    check=check_min_length,
    schema={
        "type": "integer",
        "minimum": MIN_LENGTH_RANGE[0],
        "maximum": MIN_LENGTH_RANGE[1],
        "x-message": refusal(lambda: check_min_length(0)),
    },
    export=lambda rule: rule.min_characters or None,
    description=texts.MIN_LENGTH_OPTION,
)

# -- triggers ------------------------------------------------------------------------------------------------

GM_GREETING = Trigger("gm_greeting", "message", detect=lambda rule: is_gm)
GN_GREETING = Trigger("gn_greeting", "message", detect=lambda rule: is_gn)
KEYWORD = Trigger(
    "keyword",
    "message",
    admin=True,
    options=(KEYWORDS,),
    required=(KEYWORDS,),
    detect=lambda rule: keyword_detector(rule.keywords),
)
MIN_LENGTH_TRIGGER = Trigger(
    "min_length", "message", admin=True, options=(MIN_LENGTH,), required=(MIN_LENGTH,), detect=_min_length
)
# Long, wordy, not a command; only the default quality_message event has it (admins may tune its length).
QUALITY = Trigger(
    "quality", "message", options=(MIN_LENGTH,), extra_keys=("min_words", "command_prefixes"), detect=_quality
)
