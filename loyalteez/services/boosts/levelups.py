"""Level-ups announced by other leveling bots (MEE6, Arcane, Tatsu, Lurkr) as a reward event, once per level.

The engine ignores bot messages, so the adapter routes these explicitly: a message from one of these bots
(known application ids, or a bot account of that name) is parsed for the member and the level; the
`level_up` event then pays through the engine under the ledger key 'levelup:<brand>:<member>:<level>', so a
level pays once however often it is announced. Off by default (/config events toggle level_up).

Default formats this understands (admins can customise them; the parser accepts the common shapes):
  MEE6    "GG @member, you just advanced to level 5!"
  Arcane  "@member has reached level **5**. GG!"          ("@member is now level 5." also)
  Tatsu   "@member leveled up to level 5!"                 (and "… level up! … level 5")
  Lurkr   "Congrats @member, you've reached level 5!"      ("@member has levelled up to level 5")
The member is the first user mention (in the text or an embed); failing that a **bold** name, which the
adapter resolves among the server's members. The level is the highest "level N" in the announcement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from loyalteez.services.rewards.events import Member, Payout
from loyalteez.services.rewards.outcomes import Outcome
from loyalteez.services.rewards.service import Rewards
from loyalteez.store import Scope

LEVEL_EVENT = "level_up"
# Application (user) ids of the public bots, and the names they go by.
LEVEL_BOTS = {
    "159985870458322944": "MEE6",
    "437808476106784770": "Arcane",
    "172002275412279296": "Tatsu",
    "506186003816513538": "Lurkr",
}
BOT_NAMES = {name.lower(): name for name in LEVEL_BOTS.values()}
MAX_LEVEL = 10_000

_SAYS_LEVEL_UP = re.compile(
    r"advanced to|reached|level(?:l)?ed up|level up|is now (?:level|lvl)|now at (?:level|lvl)|ranked up",
    re.IGNORECASE,
)
_LEVEL = re.compile(r"\b(?:level|lvl|lv)\.?\s*[*_]*\s*(\d{1,6})\b", re.IGNORECASE)
_MENTION = re.compile(r"<@!?(\d{15,21})>")
_BOLD_NAME = re.compile(r"\*\*([^*\n]{2,32})\*\*")


@dataclass(frozen=True, slots=True)
class LevelUp:
    member_id: str | None  # from a mention
    name: str | None  # a **bold** name, when nobody is mentioned
    level: int


def leveling_bot(author_id: str, author_name: str, is_bot: bool) -> str | None:
    """Which leveling bot wrote a message (its display name), or None."""
    if author_id in LEVEL_BOTS:
        return LEVEL_BOTS[author_id]
    if not is_bot:
        return None
    return BOT_NAMES.get(author_name.strip().lower())


def parse(texts: Iterable[str]) -> LevelUp | None:
    """The member and level of a level-up announcement (content and embed texts), or None."""
    text = "\n".join(t for t in texts if t)
    if not _SAYS_LEVEL_UP.search(text):
        return None
    levels = [int(n) for n in _LEVEL.findall(text) if 0 < int(n) <= MAX_LEVEL]
    if not levels:
        return None
    mention = _MENTION.search(text)
    if mention is not None:
        return LevelUp(mention.group(1), None, max(levels))
    bold = next((b.strip() for b in _BOLD_NAME.findall(text) if not _LEVEL.fullmatch(b.strip())), None)
    return LevelUp(None, bold, max(levels)) if bold else None


class LevelUpService:
    def __init__(self, rewards: Rewards) -> None:
        self.rewards = rewards

    async def level_up(self, scope: Scope, member: Member, level: int, bot: str, channel_id: str) -> Outcome:
        return await self.rewards.engine.pay(
            scope,
            Payout(
                key=f"levelup:{scope.brand_id}:{member.id}:{level}",
                member=member,
                event_type=LEVEL_EVENT,
                source="levelup",
                details={"level": level, "bot": bot, "channel_id": channel_id},
            ),
        )
