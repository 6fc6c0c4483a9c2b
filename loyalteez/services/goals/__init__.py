"""Community goals: a target the whole server works towards, with a progress bar for everyone."""

from loyalteez.services.goals.service import TYPES, Goal, Goals

__all__ = ["TYPES", "Goal", "Goals"]
