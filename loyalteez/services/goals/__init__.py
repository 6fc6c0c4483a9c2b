"""Community goals: a target the whole server works towards, with a progress bar for everyone."""

from loyalteez.services.goals.service import TYPES, Goals
from loyalteez.store.repos.goals import Goal

__all__ = ["TYPES", "Goal", "Goals"]
