"""Reward triggers: how each event is earned, defined once (see registry.py for the list and how to add one)."""

from loyalteez.services.rewards.triggers.base import Detector, Trigger, TriggerOption
from loyalteez.services.rewards.triggers.registry import (
    DEFAULT_TRIGGER,
    admin_names,
    admin_trigger,
    detection_method,
    detector,
    find,
    names,
    options,
    register,
    summary,
    taking,
    triggers,
    unregister,
)

__all__ = [
    "DEFAULT_TRIGGER",
    "Detector",
    "Trigger",
    "TriggerOption",
    "admin_names",
    "admin_trigger",
    "detection_method",
    "detector",
    "find",
    "names",
    "options",
    "register",
    "summary",
    "taking",
    "triggers",
    "unregister",
]
