"""User-facing wording of where a member stands."""

from __future__ import annotations

DM_NO_BALANCES = "You haven't earned LTZ on any connected server yet."


def server_balance(server: str, available: int, earned: int) -> str:
    """One line of /balance in DMs."""
    return f"**{server}**: {available:,} LTZ available ({earned:,} earned)"
