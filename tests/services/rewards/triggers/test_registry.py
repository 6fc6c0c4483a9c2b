"""The registry answers what the admin commands, the engine and the config file ask about triggers."""

from __future__ import annotations

import pytest

from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import triggers
from loyalteez.services.rewards.rules import Rule

SOURCES = {
    "gm_greeting": "message",
    "gn_greeting": "message",
    "quality": "message",
    "keyword": "message",
    "min_length": "message",
    "reaction_count": "reaction",
    "none": "command",
    "join": "join",
    "boost": "boost",
    "voice": "voice",
    "drop": "drop",
    "daily": "command",
    "streak_milestone": "command",
    "level_up": "message",
}


def rule(trigger: str, **metadata: object) -> Rule:
    return Rule.from_row({"id": "1", "event_type": "e", "rule_metadata": {"trigger": trigger, **metadata}})


def test_every_trigger_and_its_source() -> None:
    assert sorted(triggers.names()) == sorted(SOURCES)
    assert {name: triggers.detection_method(name) for name in SOURCES} == SOURCES
    assert triggers.detection_method("no_such_trigger") == "command"


def test_admins_choose_among_five_in_this_order() -> None:
    assert triggers.admin_names() == ("keyword", "min_length", "reaction_count", "none", "drop")
    assert triggers.admin_trigger("drop") == "drop"
    for refused in ("voice", "gm_greeting", "?", None, ["keyword"]):
        with pytest.raises(ValidationError) as error:
            triggers.admin_trigger(refused)
        assert error.value.message == "trigger must be one of keyword, min_length, reaction_count, none, drop."


def test_options_and_the_triggers_taking_them() -> None:
    taking = {option.name: triggers.taking(option) for option in triggers.options()}
    assert taking == {
        "keywords": ("keyword",),
        "min_length": ("min_length", "quality"),
        "min_reactions": ("reaction_count",),
        "minutes_per_payout": ("voice",),
    }
    assert {o.name: o.key for o in triggers.options()}["min_length"] == "min_characters"


def test_metadata_keys_owned_by_each_trigger() -> None:
    keys = {t.name: set(t.keys) for t in triggers.triggers() if t.keys}
    assert keys == {
        "keyword": {"keywords"},
        "min_length": {"min_characters"},
        "quality": {"min_characters", "min_words", "command_prefixes"},
        "reaction_count": {"min_reactions"},
        "voice": {"min_minutes", "minutes_per_payout"},
    }
    required = {t.name: [o.name for o in t.required] for t in triggers.triggers() if t.required}
    assert required == {"keyword": ["keywords"], "min_length": ["min_length"], "reaction_count": ["min_reactions"]}


def test_only_text_triggers_have_a_detector() -> None:
    detecting = {name for name in SOURCES if triggers.detector(rule(name, keywords=["ltz"])) is not None}
    assert detecting == {"gm_greeting", "gn_greeting", "quality", "keyword", "min_length"}
    assert triggers.detector(rule("keyword")) is None  # a keyword rule without keywords earns nothing
    assert triggers.detector(rule("no_such_trigger")) is None


@pytest.mark.parametrize(
    ("trigger", "metadata", "text", "earns"),
    [
        ("gm_greeting", {}, "gm fam", True),
        ("gn_greeting", {}, "gm fam", False),
        ("min_length", {}, "0123456789", True),
        ("min_length", {"min_characters": 20}, "0123456789", False),
        ("quality", {}, " ".join(["word"] * 25), True),
        ("quality", {"min_words": 30}, " ".join(["word"] * 25), False),
        ("keyword", {"keywords": ["roadmap"]}, "the Roadmap is out", True),
    ],
)
def test_detectors_read_their_rule(trigger: str, metadata: dict[str, object], text: str, earns: bool) -> None:
    test = triggers.detector(rule(trigger, **metadata))
    assert test is not None and test(text) is earns


def test_voice_events_say_how_many_minutes_pay() -> None:
    assert triggers.summary(rule("voice", minutes_per_payout=45)) == "per 45 counted minutes"
    assert triggers.summary(rule("voice", min_minutes=20)) == "per 20 counted minutes"
    assert triggers.summary(rule("keyword")) is None
