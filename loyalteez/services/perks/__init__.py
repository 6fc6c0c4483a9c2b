"""Perks: what members spend LTZ on, optionally granting a Discord role."""

from loyalteez.services.perks.service import KEEP, Perk, Perks, Purchase

__all__ = ["KEEP", "Perk", "Perks", "Purchase"]
