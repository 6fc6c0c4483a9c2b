"""The one list of reward triggers, and the questions every other module asks about them.

The engine (which message rules a text earns), `/config events` (which triggers an admin may choose,
which options apply to which trigger, which are required), the config file (its JSON Schema, export and
import) and the defaults (each rule's detection_method) all read this registry; none keeps its own table.

Adding a message trigger touches at most three production files:
  1. its family's module (`message.py`, or a new module beside it): a `Trigger` with its name, source,
     admin flag, detector and options (reusing an option such as `message.MIN_LENGTH` needs nothing else);
  2. this module: the trigger's line in `TRIGGERS` (its place sets the order admins see);
  3. `texts.py`, only for new wording (a new option's description, a detail for the events list).
Everything else follows from the registry: detection in the engine, `/config events` choices and checks,
the config file's schema, export and import. Then regenerate the published schema with
`python -m loyalteez.services.config_io --write` (a test fails until docs/config.schema.json is current)
and, for a trigger admins may choose, mention it in the README's `/config events` row.
A kind of option no trigger had before is also a field of `admin_events.EventOptions` and a
`/config events` option in `discord/cogs/config.py` (py-cord reads slash options from the handler's
signature). tests/services/rewards/triggers/test_adding_a_trigger.py registers one end to end.
"""

from __future__ import annotations

from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import texts as reward_texts
from loyalteez.services.rewards.rules import Rule
from loyalteez.services.rewards.triggers.activity import BOOST, REACTION_COUNT, VOICE
from loyalteez.services.rewards.triggers.base import Detector, Trigger, TriggerOption
from loyalteez.services.rewards.triggers.commands import DAILY, DROP, JOIN, LEVEL_UP, NONE, STREAK_MILESTONE
from loyalteez.services.rewards.triggers.message import GM_GREETING, GN_GREETING, KEYWORD, MIN_LENGTH_TRIGGER, QUALITY

# The order is what admins see: the admin triggers' order is the /config events choices' and the
# refusal's, and the options' order (first use) is the order of their checks and of a config file's fields.
TRIGGERS: tuple[Trigger, ...] = (
    GM_GREETING,
    GN_GREETING,
    KEYWORD,
    MIN_LENGTH_TRIGGER,
    QUALITY,
    REACTION_COUNT,
    NONE,
    DROP,
    JOIN,
    BOOST,
    VOICE,
    DAILY,
    STREAK_MILESTONE,
    LEVEL_UP,
)
# A rule without a trigger is claimed with /claim.
DEFAULT_TRIGGER = NONE.name

_triggers: dict[str, Trigger] = {t.name: t for t in TRIGGERS}


def register(trigger: Trigger) -> Trigger:
    """Add a trigger after the built-in ones; its name must be new (the very same object again is a no-op)."""
    existing = _triggers.get(trigger.name)
    if existing is not None and existing is not trigger:
        raise ValueError(f"a trigger {trigger.name!r} is already registered")
    _triggers[trigger.name] = trigger
    return trigger


def unregister(name: str) -> None:
    """Remove a trigger added with `register` (tests that add a temporary one); built-in ones stay."""
    if name not in {t.name for t in TRIGGERS}:
        _triggers.pop(name, None)


def triggers() -> tuple[Trigger, ...]:
    return tuple(_triggers.values())


def find(name: str) -> Trigger | None:
    return _triggers.get(name)


def names() -> tuple[str, ...]:
    return tuple(_triggers)


def admin_names() -> tuple[str, ...]:
    """Triggers an admin may give an event they create; the others belong to the default events."""
    return tuple(t.name for t in _triggers.values() if t.admin)


def options() -> tuple[TriggerOption, ...]:
    """Every trigger option, each once, in the order triggers first take them."""
    found: dict[str, TriggerOption] = {}
    for trigger in _triggers.values():
        for option in trigger.options:
            found.setdefault(option.name, option)
    return tuple(found.values())


def taking(option: TriggerOption) -> tuple[str, ...]:
    """The triggers an option applies to."""
    return tuple(t.name for t in _triggers.values() if any(o.name == option.name for o in t.options))


def detection_method(trigger: str) -> str:
    """The rule's detection_method column: the Discord input feeding its trigger (unknown: command)."""
    found = _triggers.get(trigger)
    return found.source if found is not None else "command"


def detector(rule: Rule) -> Detector | None:
    """The text test for a message-triggered rule; None for rules no message can earn."""
    found = _triggers.get(rule.trigger)
    return found.detect(rule) if found is not None and found.detect is not None else None


def summary(rule: Rule) -> str | None:
    """The trigger's own detail of a rule for the events list, if it has one."""
    found = _triggers.get(rule.trigger)
    return found.summary(rule) if found is not None and found.summary is not None else None


def admin_trigger(value: object) -> str:
    """An admin's trigger choice, checked: one of the admin triggers."""
    allowed = admin_names()
    if value not in allowed:
        raise ValidationError("trigger", reward_texts.one_of("trigger", allowed))
    return str(value)
