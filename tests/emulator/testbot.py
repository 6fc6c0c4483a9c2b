"""A small test-only py-cord bot: the emulator tests drive the real client through it.

Every handler records what it saw in `bot.log`, so tests can count how often it ran.
No `from __future__ import annotations` here: py-cord reads the `discord.Option(...)` annotations.
"""

import asyncio
import io
from collections import Counter, defaultdict
from typing import Any

import discord
from discord import option

EVENT_NAMES = ["gm", "gn", "giveaway", "game night"]


class ClaimView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Claim", custom_id="claim", style=discord.ButtonStyle.green)
    async def claim(self, button: discord.ui.Button, interaction: discord.Interaction) -> None:
        interaction.client.log["clicks"].append(interaction.user.id)
        await interaction.response.edit_message(content=f"claimed by {interaction.user.name}", view=None)

    @discord.ui.button(label="Details", custom_id="details")
    async def details(self, button: discord.ui.Button, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("details are secret", ephemeral=True)

    @discord.ui.select(custom_id="flavour", placeholder="Pick a flavour",
                       options=[discord.SelectOption(label=x, value=x) for x in ("mint", "lime")])  # fmt: skip
    async def flavour(self, select: discord.ui.Select, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"flavour {select.values[0]}", ephemeral=True)


class NameModal(discord.ui.Modal):
    def __init__(self) -> None:
        super().__init__(discord.ui.InputText(label="Name", custom_id="name"), title="Your name", custom_id="name-form")

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"hello {self.children[0].value}", ephemeral=True)


class TestBot(discord.Bot):
    __test__ = False  # not a pytest test class

    def __init__(self, **options: Any) -> None:
        intents = discord.Intents.default()
        intents.members = True
        intents.message_content = True
        super().__init__(intents=intents, guild_ready_timeout=0.2, **options)
        self.log: defaultdict[str, list[Any]] = defaultdict(list)
        self.counts: Counter[str] = Counter()

    async def on_connect(self) -> None:
        self.counts["connect"] += 1
        await super().on_connect()

    async def on_ready(self) -> None:
        self.counts["ready"] += 1

    async def on_resumed(self) -> None:
        self.counts["resumed"] += 1

    async def on_message(self, message: discord.Message) -> None:
        if message.author.id == self.user.id:
            return
        self.counts["message"] += 1
        self.log["messages"].append(message.content)
        if message.content == "ping":
            await message.channel.send("pong")
        if message.content == "show attachment" and message.attachments:
            data = await message.attachments[0].read()
            await message.channel.send(f"got {message.attachments[0].filename} ({len(data)} bytes)")

    async def on_message_edit(self, before: discord.Message, after: discord.Message) -> None:
        self.log["edits"].append(after.content)

    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        self.log["deletes"].append(payload.message_id)

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        self.log["reactions"].append(("add", payload.user_id, str(payload.emoji), payload.message_id))

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        self.log["reactions"].append(("remove", payload.user_id, str(payload.emoji), payload.message_id))

    async def on_voice_state_update(self, member: discord.Member, before: discord.VoiceState,
                                    after: discord.VoiceState) -> None:  # fmt: skip
        self.log["voice"].append((member.name, before.channel and before.channel.name,
                                  after.channel and after.channel.name, after.self_mute, after.self_deaf,
                                  after.afk))  # fmt: skip

    async def on_member_join(self, member: discord.Member) -> None:
        self.log["joins"].append(member.name)

    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        self.log["member_updates"].append((after.name, sorted(r.name for r in after.roles)))

    async def on_member_remove(self, member: discord.Member) -> None:
        self.log["leaves"].append(member.name)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        self.log["guild_join"].append(guild.name)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        self.log["guild_remove"].append(guild.name)


def guard_parsers(client: discord.Client, log: Any) -> None:
    """What a robust app does: a malformed event is logged in one line and skipped.

    Plain py-cord lets a parser exception escape its connect loop, which ends `start()`.
    The parsers dict is shared with the websocket, so wrapping its entries is enough.
    """
    parsers = client._connection.parsers

    def guarded(name: str, parse: Any) -> Any:
        def run(data: Any) -> None:
            try:
                parse(data)
            except Exception as exc:
                log.warning("skipped malformed %s event: %s: %s", name, type(exc).__name__, exc)

        return run

    for name, parse in list(parsers.items()):
        parsers[name] = guarded(name, parse)


def make_test_bot() -> TestBot:
    bot = TestBot()

    @bot.slash_command(name="hello", description="Say hello")
    @option("name", str, description="Who to greet")
    @option("private", bool, description="Only you see it", required=False, default=False)
    async def hello(ctx: discord.ApplicationContext, name: str, private: bool) -> None:
        bot.counts["hello"] += 1
        await ctx.respond(f"hi {name}", ephemeral=private)

    @bot.slash_command(name="echo", description="Every option type")
    async def echo(
        ctx: discord.ApplicationContext,
        text: discord.Option(str, "text"),
        count: discord.Option(int, "count", min_value=0, max_value=10),
        ratio: discord.Option(float, "ratio"),
        flag: discord.Option(bool, "flag"),
        who: discord.Option(discord.Member, "who"),
        role: discord.Option(discord.Role, "role"),
        where: discord.Option(discord.TextChannel, "where"),
        thing: discord.Option(discord.abc.Mentionable, "thing"),
        upload: discord.Option(discord.Attachment, "upload"),
    ) -> None:
        data = await upload.read()
        await ctx.respond(
            f"{text}|{count}|{ratio}|{flag}|{who.name}|{role.name}|{where.name}|"
            f"{getattr(thing, 'name', thing)}|{upload.filename}:{len(data)}"
        )

    config = bot.create_group("config", "Server settings")
    events = config.create_subgroup("events", "Event settings")

    @events.command(name="create", description="Create an event")
    async def events_create(ctx: discord.ApplicationContext, name: str, reward: int) -> None:
        await ctx.respond(f"created {name} worth {reward}")

    @config.command(name="show", description="Show settings")
    async def config_show(ctx: discord.ApplicationContext) -> None:
        await ctx.respond("settings: default", ephemeral=True)

    async def event_names(ctx: discord.AutocompleteContext) -> list[str]:
        return [n for n in EVENT_NAMES if n.startswith(ctx.value.lower())]

    @bot.slash_command(name="claim", description="Claim an event")
    async def claim(ctx: discord.ApplicationContext,
                    event: discord.Option(str, "event", autocomplete=event_names)) -> None:  # fmt: skip
        await ctx.respond(f"claimed {event}")

    @bot.slash_command(name="shop", description="A message with buttons")
    async def shop(ctx: discord.ApplicationContext) -> None:
        await ctx.respond("pick one", view=ClaimView())

    @bot.slash_command(name="slow", description="Deferred, then a follow-up")
    async def slow(ctx: discord.ApplicationContext) -> None:
        await ctx.defer()
        await ctx.followup.send("done thinking")

    @bot.slash_command(name="slowedit", description="Deferred ephemeral, then an edit of the original")
    async def slowedit(ctx: discord.ApplicationContext) -> None:
        await ctx.defer(ephemeral=True)
        await ctx.interaction.edit_original_response(content="edited after defer")

    @bot.slash_command(name="bigembed", description="An embed title one character too long")
    async def bigembed(ctx: discord.ApplicationContext) -> None:
        try:
            await ctx.channel.send(embed=discord.Embed(title="x" * 257))
        except discord.HTTPException as exc:
            bot.log["http_errors"].append((exc.status, exc.code, exc.text))
            await ctx.respond("could not post the embed", ephemeral=True)

    @bot.slash_command(name="announce", description="Post in a channel")
    async def announce(ctx: discord.ApplicationContext, where: discord.Option(discord.TextChannel, "where"),
                       text: str) -> None:  # fmt: skip
        try:
            await where.send(text)
        except discord.Forbidden:
            await ctx.respond(f"I am not allowed to post in #{where.name}", ephemeral=True)
            return
        await ctx.respond("posted", ephemeral=True)

    @bot.slash_command(name="report", description="Reply with a file")
    async def report(ctx: discord.ApplicationContext) -> None:
        await ctx.respond("your report", file=discord.File(io.BytesIO(b"a,b\n1,2\n"), filename="report.csv"))

    @bot.slash_command(name="dmme", description="Send a DM")
    async def dmme(ctx: discord.ApplicationContext) -> None:
        try:
            await ctx.author.send("a private hello")
        except discord.Forbidden as exc:
            await ctx.respond(f"cannot DM you ({exc.code})", ephemeral=True)
            return
        await ctx.respond("check your DMs", ephemeral=True)

    @bot.slash_command(name="grant", description="Give a role")
    async def grant(ctx: discord.ApplicationContext, who: discord.Option(discord.Member, "who"),
                    role: discord.Option(discord.Role, "role")) -> None:  # fmt: skip
        try:
            await who.add_roles(role)
        except discord.Forbidden:
            await ctx.respond(f"my role is below {role.name}", ephemeral=True)
            return
        await ctx.respond(f"gave {role.name} to {who.name}")

    @bot.slash_command(name="form", description="Open a modal")
    async def form(ctx: discord.ApplicationContext) -> None:
        await ctx.send_modal(NameModal())

    @bot.slash_command(name="purge", description="Admins only",
                       default_member_permissions=discord.Permissions(manage_messages=True))  # fmt: skip
    async def purge(ctx: discord.ApplicationContext, timeout: int = 0) -> None:
        await ctx.respond(f"purged (timeout {timeout})", ephemeral=True)

    @bot.slash_command(name="late", description="Answers after a delay")
    async def late(ctx: discord.ApplicationContext, delay: float) -> None:
        await asyncio.sleep(delay)  # the slow handler under test, not synchronisation
        try:
            await ctx.respond("finally")
        except discord.NotFound as exc:
            bot.log["http_errors"].append((exc.status, exc.code, exc.text))

    @bot.slash_command(name="thread", description="Several follow-ups, edited and deleted")
    async def thread(ctx: discord.ApplicationContext) -> None:
        await ctx.respond("first")
        second = await ctx.followup.send("second", wait=True)
        third = await ctx.followup.send("third", ephemeral=True, wait=True)
        await second.edit(content="second (edited)")
        await third.delete()
        await ctx.interaction.delete_original_response()

    @bot.slash_command(name="silent", description="Never answers")
    async def silent(ctx: discord.ApplicationContext) -> None:
        bot.counts["silent"] += 1

    @bot.slash_command(name="react", description="React to the last message")
    async def react(ctx: discord.ApplicationContext) -> None:
        last = await ctx.channel.history(limit=1).flatten()
        await last[0].add_reaction("🎉")
        await ctx.respond("reacted", ephemeral=True)

    bot.add_view(ClaimView())
    return bot
