"""MEE6's public leaderboard JSON: `{"players": [{"id", "username", "xp", "level", "message_count"}, ...]}`.

That is what https://mee6.xyz/api/plugins/levels/leaderboard/<guild id>?page=N returns, one page at a time;
a file may hold one page or a list of pages. Points are xp × rate (default 1: the same number members saw
in MEE6), rounded half up; message_count goes to the member's messages. xp and level are kept in the
ledger row's details; usernames are not stored.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from loyalteez.services.importers import texts
from loyalteez.services.importers.json_lines import LineCounter, array_starts, member_start, skip
from loyalteez.services.importers.rows import ParsedImport, whole


def parse(text: str, data: Any, parsed: ParsedImport) -> None:
    rate = parsed.rate if parsed.rate is not None else Decimal(1)
    lines = LineCounter(text)
    start = skip(text, 0)
    pages = list(zip(array_starts(text, start), data, strict=True)) if isinstance(data, list) else [(start, data)]
    for page_start, page in pages:
        players_at = member_start(text, page_start, "players") if isinstance(page, dict) else None
        if players_at is None or not isinstance(page.get("players"), list):
            parsed.problem(lines.at(page_start), texts.mee6_expected())
            return
        for offset, player in zip(array_starts(text, players_at), page["players"], strict=True):
            _player(lines.at(offset), player, rate, parsed)


def _player(line: int, player: Any, rate: Decimal, parsed: ParsedImport) -> None:
    if not isinstance(player, dict) or "id" not in player:
        parsed.problem(line, texts.player_expected())
        return
    xp = whole(player.get("xp"))
    points = None if xp is None else int((Decimal(xp) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    found = [] if xp is not None else [texts.xp_number(player["xp"]) if "xp" in player else texts.missing("xp")]
    extra = {"xp": xp, **({"level": player["level"]} if isinstance(player.get("level"), int) else {})}
    parsed.add(
        line,
        player["id"],
        points,
        player.get("message_count"),
        messages_given="message_count" in player,
        extra=extra,
        found=found,
    )
