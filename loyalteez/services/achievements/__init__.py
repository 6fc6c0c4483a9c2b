"""Achievements: milestones members reach by taking part, each claimable once for its reward."""

from loyalteez.services.achievements.service import TYPES, Achievement, Achievements, ClaimResult, MemberAchievement

__all__ = ["TYPES", "Achievement", "Achievements", "ClaimResult", "MemberAchievement"]
