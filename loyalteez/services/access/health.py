"""/setup check: which permissions the bot needs in a channel, why, and the report an admin reads.

Pure: the adapter hands in, per channel, the permission names the bot holds there (py-cord's names); this
module decides what is missing and words it. The wording lives here so it can be reviewed in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Needed:
    """One permission a feature needs: py-cord's name, what Discord calls it, what breaks without it.

    `server_wide` permissions (Manage Roles) are checked once for the server, the others per text channel.
    """

    name: str
    label: str
    breaks: str
    server_wide: bool = False


# The one list: /setup check audits exactly these, and the invite link asks for exactly these.
PERMISSIONS: tuple[Needed, ...] = (
    Needed("view_channel", "View Channel", "the bot cannot see the channel: nothing there earns or is caught up"),
    Needed("send_messages", "Send Messages", "no drops, announcements or replies posted there"),
    Needed("embed_links", "Embed Links", "leaderboards and summaries show up empty"),
    Needed("attach_files", "Attach Files", "exports and charts cannot be posted"),
    Needed("add_reactions", "Add Reactions", "reaction drops and confirmations fail"),
    Needed("read_message_history", "Read Message History", "messages posted while the bot was down are not caught up"),
    Needed("manage_roles", "Manage Roles", "perks that give a role cannot give it", server_wide=True),
)
# py-cord permission name -> (what Discord calls it, what breaks without it), per channel and server-wide
REQUIRED: dict[str, tuple[str, str]] = {p.name: (p.label, p.breaks) for p in PERMISSIONS if not p.server_wide}
SERVER_WIDE: dict[str, tuple[str, str]] = {p.name: (p.label, p.breaks) for p in PERMISSIONS if p.server_wide}
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


def permission_report(channels: Sequence[ChannelAccess], server_granted: frozenset[str] | None = None) -> HealthReport:
    """One line per channel lacking something, then what each missing permission breaks."""
    server_missing = [] if server_granted is None else [n for n in SERVER_WIDE if n not in server_granted]
    lacking = [c for c in channels if c.missing]
    if server_missing:
        return _with_server_wide(permission_report(channels), server_missing)
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


def _with_server_wide(report: HealthReport, missing: Sequence[str]) -> HealthReport:
    """The server-wide permissions the bot's role lacks, above the per-channel report."""
    lines = [
        f"The bot's role lacks {SERVER_WIDE[n][0]} in this server: {SERVER_WIDE[n][1]}. "
        "Grant it in Server Settings > Roles."
        for n in missing
    ]
    text = "\n".join(lines) + "\n\n" + report.text
    return HealthReport("Bot permissions: something is missing", text[:REPORT_LIMIT], False)
