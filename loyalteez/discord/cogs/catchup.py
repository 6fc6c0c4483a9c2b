"""Catch-up after downtime, the Discord side: when a session starts, and which channels can be read.

py-cord dispatches `on_connect` when READY arrives (a restart, or a fresh IDENTIFY after the session was
lost; a RESUME dispatches `on_resumed` instead, after replaying what was missed), then `on_ready` once
the servers have arrived. The first closes the gate on cursors, the second fetches each readable channel's
history through services/catchup/service.py, inline in the handler (so the emulator's settle() waits for it).
Boost notices and leveling bots' announcements found in the history are paid too (SpecialMessages), as
they would have been live. `on_disconnect` and `on_resumed` tell the service when messages of the past may
still arrive (the analytics scheduler waits for them).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncGenerator, Sequence

import discord
from discord.ext import commands

from loyalteez.discord.backlog import ChatBacklog
from loyalteez.discord.convert import member_of, message_event
from loyalteez.discord.dispatch import on
from loyalteez.discord.special_messages import SpecialMessages
from loyalteez.services.access.setup import SetupService
from loyalteez.services.catchup import CatchupService, ChannelHistory
from loyalteez.services.rewards.events import MessageEvent
from loyalteez.store import Scope

log = logging.getLogger("loyalteez.catchup")
PAGE = 100  # one REST page of history: applied (and its cursor moved) before the next is fetched


class MemberLookup:
    """Authors of fetched messages, with their roles: history payloads may lack the member, so ask once each."""

    def __init__(self, guild: discord.Guild) -> None:
        self.guild = guild
        self._found: dict[int, discord.Member | None] = {}

    async def get(self, user_id: int) -> discord.Member | None:
        if user_id in self._found:
            return self._found[user_id]
        member = self.guild.get_member(user_id)
        if member is None:
            try:
                member = await self.guild.fetch_member(user_id)
            except discord.HTTPException:
                member = None  # left the server: earns as a plain member without roles
        self._found[user_id] = member
        return member


class PycordHistory:
    """A readable channel's history as pages of MessageEvents (services/catchup/service.py: ChannelHistory)."""

    def __init__(
        self,
        channel: discord.abc.Messageable,
        members: MemberLookup,
        special: tuple[Scope, SpecialMessages] | None = None,
    ) -> None:
        self.channel = channel
        self.channel_id = str(channel.id)  # type: ignore[attr-defined]
        self.members = members
        self.special = special

    async def pages(self, after_id: int, before_id: int) -> AsyncGenerator[Sequence[MessageEvent], None]:
        page: list[MessageEvent] = []
        async for message in self.channel.history(after=discord.Object(after_id), limit=None, oldest_first=True):
            if message.id >= before_id:
                break
            if self.special is not None and self.special[1].wants(message):
                await self.special[1].route(self.special[0], message)  # idempotent: paid once, live or not
            page.append(await self.event(message))
            if len(page) >= PAGE:
                yield page
                page = []
        if page:
            yield page

    async def event(self, message: discord.Message) -> MessageEvent:
        event = message_event(message)
        author = message.author
        if isinstance(author, discord.Member) or author.bot or message.webhook_id is not None:
            return event
        member = await self.members.get(author.id)
        if member is None:
            return event
        known = member_of(member, self.members.guild)
        return dataclasses.replace(event, author_roles=known.role_ids, is_admin=known.is_admin)


def readable_channels(
    guild: discord.Guild, special: tuple[Scope, SpecialMessages] | None = None
) -> list[ChannelHistory]:
    """Text channels and active threads where the bot may view the channel and read its history."""
    me = guild.me
    if me is None:
        return []
    members = MemberLookup(guild)
    found: list[ChannelHistory] = []
    channels: list[discord.TextChannel | discord.Thread] = [*guild.text_channels, *guild.threads]
    for channel in channels:
        perms = channel.permissions_for(me)
        if perms.view_channel and perms.read_message_history:
            found.append(PycordHistory(channel, members, special))
    return found


class CatchupCog(commands.Cog):
    def __init__(
        self,
        bot: discord.Bot,
        setup: SetupService,
        catchup: CatchupService,
        special: SpecialMessages | None,
        chat: ChatBacklog,
    ) -> None:
        self.bot = bot
        self.setup = setup
        self.catchup = catchup
        self.special = special
        self.chat = chat

    @on("connect")
    async def connected(self) -> None:
        session = self.catchup.session_started(str(guild.id) for guild in self.bot.guilds)
        # Chat read on the old connection may still wait in the backlog: the catch-up learns where this
        # session's messages begin once that is handled.
        self.chat.after_queued(lambda: self.catchup.live_from_here(session))

    @on("disconnect")
    async def disconnected(self) -> None:
        self.catchup.connection_lost()

    @on("resumed")
    async def resumed(self) -> None:
        await self.catchup.resumed()

    @on("ready")
    async def ready(self) -> None:
        jobs: list[tuple[Scope | None, str, list[ChannelHistory]]] = []
        for guild in self.bot.guilds:
            scope = await self.setup.scope_for(str(guild.id))
            special = (scope, self.special) if scope and self.special else None
            jobs.append((scope, str(guild.id), readable_channels(guild, special) if scope else []))
        await self.catchup.run_session(jobs)
