"""Which message events a message's text earns: greetings, quality, keywords, length.

Pure functions of the text and the rule, compiled once per rule set, because they run on every message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from loyalteez.services.rewards.rules import Rule

# A greeting counts only as the opening of a message and as whole words ("gm fam" yes, "gmail" no);
# "gm everyone/fam/frens" and "gn everyone/fam" start with gm/gn, so the short forms cover them.
_GM = re.compile(r"\s*(?:(?:gm|good\s*morning|rise\s+and\s+shine)(?!\w)|morning!)", re.IGNORECASE)
_GN = re.compile(r"\s*(?:gn|good\s*night|nighty[\s-]+night|sweet\s+dreams|sleep\s+well)(?!\w)", re.IGNORECASE)

Detector = Callable[[str], bool]


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
    lowered = tuple({k.strip().lower() for k in keywords if k.strip()})

    def test(text: str) -> bool:
        folded = text.lower()
        return any(k in folded for k in lowered) and pattern.search(text) is not None

    return test


def detector(rule: Rule) -> Detector | None:
    """The text test for a message-triggered rule; None for rules no message can earn."""
    trigger = rule.trigger
    if trigger == "gm_greeting":
        return is_gm
    if trigger == "gn_greeting":
        return is_gn
    if trigger == "quality":
        chars, words, prefixes = rule.min_characters or 100, rule.min_words or 20, rule.command_prefixes
        return lambda text: is_quality(text, chars, words, prefixes)
    if trigger == "keyword":
        return keyword_detector(rule.keywords)
    if trigger == "min_length":
        chars = rule.min_characters or 10
        return lambda text: len(text.strip()) >= chars
    return None
