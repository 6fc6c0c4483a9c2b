"""What a reward trigger is: one object holding everything the bot knows about one way of earning an event.

A rule's `rule_metadata.trigger` names its trigger. The trigger says which Discord input feeds it
(`source`, stored as the rule's detection_method), whether an admin may give it to an event they create,
how a message's text earns it (`detect`, message triggers only), and which `/config events` options it
takes (`options`): each option carries its own check, its config-file JSON Schema fragment and its
export, so the admin commands, the config file and the engine all read the same definition.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from loyalteez.services.rewards.rules import Rule

# The text test of one message rule: True when a message's content earns it.
Detector = Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class TriggerOption:
    """A `/config events create|edit` option (and config-file field) that only some triggers take.

    `name` is the option's name in EventOptions and in the config file; the value is stored in
    rule_metadata under `key`.
    """

    name: str
    key: str
    check: Callable[[Any], Any]  # the admin's value -> the stored value, or ValidationError
    schema: Mapping[str, Any]  # the config file field's JSON Schema
    export: Callable[[Rule], Any]  # the value a config file holds for a rule of a trigger taking it
    description: str  # the slash option's description
    former_keys: tuple[str, ...] = ()  # older rule_metadata names of the same setting, dropped when it is set
    # Import compares a file's value with the server's in this form (None: as written), so a reordered or
    # duplicated list is not reported as a change.
    canonical: Callable[[Any], Any] | None = None


@dataclass(frozen=True, slots=True)
class Trigger:
    """One way an event is earned."""

    name: str
    source: str  # the Discord input that feeds it: message, reaction, voice, command, join, boost, drop
    admin: bool = False  # an admin may give it to an event they create; the others belong to the defaults
    options: tuple[TriggerOption, ...] = ()
    required: tuple[TriggerOption, ...] = ()  # options an event with this trigger can't be without
    extra_keys: tuple[str, ...] = ()  # other rule_metadata keys only this trigger reads
    detect: Callable[[Rule], Detector | None] | None = None  # message triggers: the text test of a rule
    summary: Callable[[Rule], str | None] | None = None  # a detail for the events list

    @property
    def keys(self) -> tuple[str, ...]:
        """Every rule_metadata key that means something only for this trigger (dropped when it changes)."""
        return (*self.extra_keys, *(key for o in self.options for key in (*o.former_keys, o.key)))
