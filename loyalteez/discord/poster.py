"""Posting what analytics built (plain values) to a channel, answering with a status instead of raising.

A channel the bot may not write to answers 403: that is a status the service handles (the admin is told,
the schedule is kept), never a crash. The channel need not be cached: a partial messageable is enough.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import discord

from loyalteez.services.analytics.ports import Outgoing, PostResult, PostStatus

log = logging.getLogger("loyalteez.poster")


class DiscordPoster:
    def __init__(self, bot: discord.Client) -> None:
        self.bot = bot

    async def post(self, channel_id: str, message: Outgoing) -> PostResult:
        if self.bot.is_closed():
            return PostResult(PostStatus.FAILED, error="the bot is not connected")
        channel = self.bot.get_partial_messageable(int(channel_id))
        kwargs: dict[str, Any] = {"allowed_mentions": discord.AllowedMentions.none()}
        if message.content is not None:
            kwargs["content"] = message.content[:2000]
        if message.embed is not None:
            kwargs["embed"] = discord.Embed.from_dict(message.embed)
        if message.files:
            kwargs["files"] = [discord.File(io.BytesIO(data), filename=name) for name, data in message.files]
        try:
            sent = await channel.send(**kwargs)
        except discord.Forbidden as exc:
            log.warning("posting in channel %s refused: %s", channel_id, exc.text or exc)
            return PostResult(PostStatus.FORBIDDEN, error=str(exc.text or exc)[:200])
        except discord.NotFound as exc:
            log.warning("channel %s not found: %s", channel_id, exc.text or exc)
            return PostResult(PostStatus.MISSING, error=str(exc.text or exc)[:200])
        except (discord.HTTPException, OSError) as exc:
            log.warning("posting in channel %s failed: %s", channel_id, exc)
            return PostResult(PostStatus.FAILED, error=str(exc)[:200])
        return PostResult(PostStatus.SENT, message_id=str(sent.id))
