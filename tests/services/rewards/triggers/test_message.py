"""Which messages count as greetings, quality messages and keyword mentions."""

from __future__ import annotations

import pytest

from loyalteez.services.rewards.triggers.message import is_gm, is_gn, is_quality, keyword_detector


@pytest.mark.parametrize(
    "text",
    [
        "gm",
        "GM",
        "Gm fam",
        "gm everyone!",
        "gm frens ☀️",
        "good morning",
        "Good Morning everyone",
        "goodmorning",
        "morning!",
        "Rise and shine",
        "  gm",
        "gm, coffee time",
        "gm!",
    ],
)
def test_morning_greetings(text: str):
    assert is_gm(text)


@pytest.mark.parametrize(
    "text",
    [
        "gmail is down",
        "gmt+2 here",
        "morning meeting moved",
        "I said gm",
        "agm tomorrow",
        "",
        "good mornings are rare",
        "g m",
    ],
)
def test_not_morning_greetings(text: str):
    assert not is_gm(text)


@pytest.mark.parametrize(
    "text",
    ["gn", "GN fam", "gn everyone", "good night", "Goodnight all", "nighty night", "sweet dreams", "Sleep well!"],
)
def test_night_greetings(text: str):
    assert is_gn(text)


@pytest.mark.parametrize("text", ["gnome party", "gnarly", "good nights out", "we sleep well here? no, gn"])
def test_not_night_greetings(text: str):
    assert not is_gn(text)


WORDY = " ".join(["word"] * 25)  # 25 words, 124 characters


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (WORDY, True),
        ("x" * 150, False),  # long but one word
        (" ".join(["a"] * 40), False),  # 40 words, 79 characters
        ("/" + WORDY, False),
        ("!" + WORDY, False),
        ("?" + WORDY, False),
        ("." + WORDY, False),
        ("   " + WORDY, True),
    ],
)
def test_quality_needs_length_words_and_no_command_prefix(text: str, expected: bool):
    assert is_quality(text, 100, 20, ("/", "!", "?", ".")) is expected


def test_keywords_match_whole_words_in_any_case():
    hit = keyword_detector(["loyalteez", "LTZ rocks", "c++"])
    assert hit is not None
    assert hit("I love Loyalteez!") and hit("ltz ROCKS") and hit("writing c++ today")
    assert not hit("loyalteezy vibes") and not hit("altz rocks") and not hit("nothing here")
    assert keyword_detector([]) is None
