"""The one way the bot posts on a server's behalf: only into a channel of that server's guild, never pinging.

Channel ids reach the bot from rows an admin can write without it (config_metadata.admin_channel_id,
discord_report_schedules.channel_id and drop rows, through the Supabase API), so a stored id is never
trusted: before anything is posted or edited, the channel is looked up (cache, else REST) and must belong to
the guild of the server the post is for. Otherwise nothing is posted, one line is logged with the context,
and the caller gets a status (`PostStatus.ELSEWHERE`), like any other channel it cannot post in. Every
message goes out with `allowed_mentions` none: no @everyone, @here, role or member ping, whatever the text
(goal, perk, drop and event names are typed by members and admins); no feature needs a ping.

A channel the bot may not write to answers 403: that is a status the caller handles (the admin is told,
the schedule is kept), never a crash.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from typing import Any

import discord

from loyalteez.services.analytics.ports import Outgoing, PostResult, PostStatus

log = logging.getLogger("loyalteez.poster")
NO_PINGS = discord.AllowedMentions.none()
NOT_HERE = "the channel is not in this server"


class GuildPoster:
    def __init__(self, bot: discord.Client) -> None:
        self.bot = bot

    async def channel(self, server_id: str, channel_id: str | None, what: str) -> discord.abc.Messageable | PostResult:
        """The channel `channel_id` when it belongs to `server_id`'s guild, else a PostResult saying why not."""
        if self.bot.is_closed():
            return PostResult(PostStatus.FAILED, error="the bot is not connected")
        if not channel_id or not str(channel_id).isdigit():
            return PostResult(PostStatus.MISSING, error="no channel")
        channel: Any = self.bot.get_channel(int(channel_id))
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(int(channel_id))
            except discord.NotFound as exc:
                return PostResult(PostStatus.MISSING, error=str(exc.text or exc)[:200])
            except discord.Forbidden:
                channel = None  # a channel the bot can't even see: certainly not one of this server's
            except (discord.HTTPException, OSError) as exc:
                return PostResult(PostStatus.FAILED, error=str(exc)[:200])
        guild = getattr(channel, "guild", None)
        if guild is None or str(guild.id) != str(server_id) or not isinstance(channel, discord.abc.Messageable):
            where = f"guild {guild.id}" if guild is not None else "no guild the bot can see"
            log.warning(
                "refused to post %s for server %s in channel %s: it belongs to %s", what, server_id, channel_id, where
            )
            return PostResult(PostStatus.ELSEWHERE, error=NOT_HERE)
        return channel

    async def send(
        self,
        server_id: str,
        channel_id: str | None,
        what: str,
        *,
        content: str | None = None,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
        files: Sequence[tuple[str, bytes]] = (),
        nonce: str | None = None,
    ) -> discord.Message | PostResult:
        """Post in a channel of `server_id`'s guild: the message, or a PostResult saying why nothing was posted."""
        target = await self.channel(server_id, channel_id, what)
        if isinstance(target, PostResult):
            return target
        kwargs: dict[str, Any] = {"allowed_mentions": NO_PINGS}
        if content is not None:
            kwargs["content"] = content[:2000]
        if embed is not None:
            kwargs["embed"] = embed
        if view is not None:
            kwargs["view"] = view
        if files:
            kwargs["files"] = [discord.File(io.BytesIO(data), filename=name) for name, data in files]
        if nonce is not None:  # a scheduled post sent again (another process took over) answers the first one
            kwargs["nonce"], kwargs["enforce_nonce"] = nonce, True
        try:
            return await target.send(**kwargs)
        except discord.Forbidden as exc:
            log.warning("posting %s in channel %s refused: %s", what, channel_id, exc.text or exc)
            return PostResult(PostStatus.FORBIDDEN, error=str(exc.text or exc)[:200])
        except discord.NotFound as exc:
            log.warning("channel %s for %s not found: %s", channel_id, what, exc.text or exc)
            return PostResult(PostStatus.MISSING, error=str(exc.text or exc)[:200])
        except (discord.HTTPException, OSError) as exc:
            log.warning("posting %s in channel %s failed: %s", what, channel_id, exc)
            return PostResult(PostStatus.FAILED, error=str(exc)[:200])

    async def post(self, server_id: str, channel_id: str, message: Outgoing) -> PostResult:
        """The services' Poster port (analytics reports and admin-channel notices)."""
        embed = discord.Embed.from_dict(message.embed) if message.embed is not None else None
        sent = await self.send(
            server_id,
            channel_id,
            message.what,
            content=message.content,
            embed=embed,
            files=message.files,
            nonce=message.nonce,
        )
        return sent if isinstance(sent, PostResult) else PostResult(PostStatus.SENT, message_id=str(sent.id))
