"""/setup check: which permissions the bot needs in a channel, why, and the report an admin reads.

Pure: the adapter hands in, per channel, the permission names the bot holds there (py-cord's names); this
module decides what is missing and words it. The wording lives here so it can be reviewed in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# py-cord permission name -> (what Discord calls it, what breaks without it)
REQUIRED: dict[str, tuple[str, str]] = {
    "view_channel": ("View Channel", "the bot cannot see the channel: nothing there earns or is caught up"),
    "send_messages": ("Send Messages", "no drops, announcements or replies posted there"),
    "embed_links": ("Embed Links", "leaderboards and summaries show up empty"),
    "attach_files": ("Attach Files", "exports and charts cannot be posted"),
    "add_reactions": ("Add Reactions", "reaction drops and confirmations fail"),
    "read_message_history": ("Read Message History", "messages posted while the bot was down are not caught up"),
}
REPORT_LIMIT = 3800  # an embed description holds 4,096 characters


@dataclass(frozen=True, slots=True)
class ChannelAccess:
    channel_id: str
    name: str
    granted: frozenset[str]

    @property
    def missing(self) -> list[str]:
        """Missing permissions in REQUIRED order; without View Channel the others do not matter."""
        if "view_channel" not in self.granted:
            return ["view_channel"]
        return [name for name in REQUIRED if name not in self.granted]


@dataclass(frozen=True, slots=True)
class HealthReport:
    title: str
    text: str
    ok: bool


def permission_report(channels: Sequence[ChannelAccess]) -> HealthReport:
    """One line per channel lacking something, then what each missing permission breaks."""
    lacking = [c for c in channels if c.missing]
    if not channels:
        return HealthReport("Bot permissions", "This server has no text channels to check.", True)
    if not lacking:
        return HealthReport(
            "Bot permissions: all good",
            f"The bot has every permission it needs in all {len(channels)} text channel(s).",
            True,
        )
    lines = [
        f"The bot lacks permissions in {len(lacking)} of {len(channels)} text channel(s). "
        "Grant them in each channel's settings (Permissions), or to the bot's role:",
        "",
    ]
    shown = 0
    for channel in lacking:
        line = f"<#{channel.channel_id}>: " + ", ".join(REQUIRED[name][0] for name in channel.missing)
        if sum(len(x) + 1 for x in lines) + len(line) > REPORT_LIMIT - 600:
            break
        lines.append(line)
        shown += 1
    if shown < len(lacking):
        lines.append(f"… and {len(lacking) - shown} more channel(s).")
    needed = [name for name in REQUIRED if any(name in c.missing for c in lacking)]
    lines += ["", "Without them:"] + [f"• **{REQUIRED[n][0]}**: {REQUIRED[n][1]}" for n in needed]
    return HealthReport("Bot permissions: something is missing", "\n".join(lines)[:REPORT_LIMIT], False)
