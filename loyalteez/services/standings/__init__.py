"""Where a member stands: balance, rank, today's earnings, and the leaderboards."""

from loyalteez.services.standings.service import (
    BOARD_TITLES,
    PERIODS,
    Balance,
    Board,
    BoardRow,
    StandingsService,
    balance,
    leaderboard,
)

__all__ = ["BOARD_TITLES", "PERIODS", "Balance", "Board", "BoardRow", "StandingsService", "balance", "leaderboard"]
