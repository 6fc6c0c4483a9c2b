"""Perks: what members spend LTZ on, optionally granting a Discord role."""

from loyalteez.services.perks.service import KEEP, Perks, Purchase, perk_line
from loyalteez.store.repos.perks import Perk

__all__ = ["KEEP", "Perk", "Perks", "Purchase", "perk_line"]
