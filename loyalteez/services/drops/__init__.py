"""Drops: limited giveaways of an event's reward, claimed by button or by reaction; watched channels."""

from loyalteez.services.drops.service import ClaimResult, DropPlan, Drops, TargetMessage, drop_status

__all__ = ["ClaimResult", "DropPlan", "Drops", "TargetMessage", "drop_status"]
