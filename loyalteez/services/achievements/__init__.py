"""Achievements: milestones members reach by taking part, each claimable once for its reward."""

from loyalteez.services.achievements.service import TYPES, Achievements, ClaimResult, MemberAchievement
from loyalteez.store.repos.achievements import Achievement

__all__ = ["TYPES", "Achievement", "Achievements", "ClaimResult", "MemberAchievement"]
