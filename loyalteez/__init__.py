"""Loyalteez community bot: a self-hosted Discord engagement and loyalty bot."""

__version__ = "0.1.0"
