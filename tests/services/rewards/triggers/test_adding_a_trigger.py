"""A new message trigger, registered through the registry's public API, works everywhere at once.

The `question` trigger below (defined only here) pays messages ending in "?" and reuses the min_length
option. Registering it is all it takes for the engine to detect it, for /config events to accept it and
its option, for the config file's schema and export to describe it, and for a matching message to pay.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from loyalteez.services.config_io import export_config
from loyalteez.services.config_io.schema import SCHEMA_FILE, build_schema, problems, render
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import RewardsEngine, triggers
from loyalteez.services.rewards import admin_events as events
from loyalteez.services.rewards.admin_events import EventOptions
from loyalteez.services.rewards.rules import Rule
from loyalteez.services.rewards.triggers import Detector, Trigger
from loyalteez.services.rewards.triggers.message import MIN_LENGTH
from loyalteez.store import ScopedData, Store
from tests.services.rewards.helpers import ADMIN, ALICE, Messages, apply, connected, stats


def _asks(rule: Rule) -> Detector:
    chars = rule.min_characters
    return lambda text: text.rstrip().endswith("?") and len(text.strip()) >= chars


QUESTION = Trigger("question", "message", admin=True, options=(MIN_LENGTH,), detect=_asks)


@pytest.fixture
def question() -> Iterator[Trigger]:
    triggers.register(QUESTION)
    yield QUESTION
    triggers.unregister(QUESTION.name)


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return await connected(store)


def test_the_registry_knows_it(question: Trigger) -> None:
    assert triggers.find("question") is question
    assert triggers.admin_names() == ("keyword", "min_length", "reaction_count", "none", "drop", "question")
    assert triggers.detection_method("question") == "message"
    assert "question" in triggers.taking(MIN_LENGTH)


def test_it_leaves_with_unregister() -> None:
    triggers.register(QUESTION)
    triggers.unregister("question")
    assert triggers.find("question") is None
    assert "question" not in triggers.admin_names()
    triggers.unregister("keyword")  # built-in triggers can't be removed
    assert triggers.find("keyword") is not None


def test_a_taken_name_is_refused() -> None:
    with pytest.raises(ValueError, match="already registered"):
        triggers.register(Trigger("keyword", "message"))


def test_detection_decides_it(question: Trigger) -> None:
    rule = Rule.from_row(
        {"id": "1", "event_type": "ask", "rule_metadata": {"trigger": "question", "min_characters": 5}}
    )
    test = triggers.detector(rule)
    assert test is not None
    assert test("when is the AMA?") and test("why?? ")
    assert not test("the AMA is at 5") and not test("ok?")


async def test_admins_can_choose_it_with_its_options(question: Trigger, data: ScopedData) -> None:
    rule = await events.create_event(data, ADMIN, "ask", EventOptions(reward=7, trigger="question", min_length=12))
    assert (rule.trigger, rule.min_characters, rule.reward_amount) == ("question", 12, 7)
    with pytest.raises(ValidationError) as refused:
        await events.edit_event(data, ADMIN, "ask", EventOptions(keywords=["why"]))
    assert refused.value.message == "keywords doesn't apply to the question trigger."
    with pytest.raises(ValidationError) as refused:
        await events.edit_event(data, ADMIN, "ask", EventOptions(min_length=5))
    assert refused.value.message == "min_length must be from 10 to 2,000 characters."


async def test_without_it_admins_cant_choose_it(data: ScopedData) -> None:
    with pytest.raises(ValidationError) as refused:
        await events.create_event(data, ADMIN, "ask", EventOptions(reward=7, trigger="question"))
    assert refused.value.message == "trigger must be one of keyword, min_length, reaction_count, none, drop."


async def test_the_config_file_describes_it(question: Trigger, data: ScopedData, store: Store) -> None:
    schema = build_schema()
    trigger_field = schema["properties"]["events"]["items"]["properties"]["trigger"]
    assert "question" in trigger_field["enum"]
    assert "question" in trigger_field["description"]
    item = {"name": "ask", "trigger": "question", "reward_amount": 7, "min_length": 12}
    assert problems({"version": 1, "events": [item]}, schema) == []
    # The committed docs/config.schema.json no longer matches: its test fails until it is regenerated.
    assert render(schema) != SCHEMA_FILE.read_text(encoding="utf-8")
    await events.create_event(data, ADMIN, "ask", EventOptions(reward=7, trigger="question", min_length=12))
    exported = await export_config(data, store.clock.now())
    ask = next(e for e in exported["events"] if e["name"] == "ask")
    assert (ask["trigger"], ask["min_length"]) == ("question", 12)


async def test_a_matching_message_pays(question: Trigger, store: Store, data: ScopedData) -> None:
    await events.create_event(data, ADMIN, "ask", EventOptions(reward=7, trigger="question", min_length=12))
    msg, engine = Messages(store), RewardsEngine(store)
    asked, stated, short = await apply(
        engine, data, msg("when does the AMA start?"), msg("the AMA starts at five"), msg("why?")
    )
    assert [p.event for p in asked.paid] == ["ask"] and asked.paid[0].amount == 7
    assert stated.paid == () and short.paid == ()
    assert (await stats(data, ALICE))["ltz_earned"] == 7
