"""Drops: limited giveaways of an event's reward, claimed by button or by reaction; watched channels."""

from loyalteez.services.drops.claiming import ClaimResult, drop_status
from loyalteez.services.drops.service import DropPlan, Drops, TargetMessage
from loyalteez.services.drops.watches import DropWatches
from loyalteez.store.repos.drops import Drop, DropWatch

__all__ = ["ClaimResult", "Drop", "DropPlan", "DropWatch", "DropWatches", "Drops", "TargetMessage", "drop_status"]
