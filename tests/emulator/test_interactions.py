"""Slash commands, autocomplete, buttons, selects and modals through the real py-cord client."""

from __future__ import annotations

import aiohttp
import pytest

from loyalteez.emulator import Upload


async def test_slash_command_reply_public_and_ephemeral(emu, alice, general, bot) -> None:
    reply = await alice.slash("hello", name="bob")
    assert reply.content == "hi bob" and not reply.ephemeral and reply.type == 4
    assert [m.content for m in emu.sent_messages(general)] == ["hi bob"]
    private = await alice.slash("hello", name="carol", private=True)
    assert private.content == "hi carol" and private.ephemeral
    assert [m.content for m in emu.sent_messages(general)] == ["hi bob"], "ephemeral replies stay out of the channel"
    assert bot.counts["hello"] == 2


async def test_every_option_type_with_resolved_data(emu, guild, alice, general) -> None:
    vip = guild.create_role("VIP")
    bob = guild.member("bob")
    reply = await alice.slash(
        "echo", text="t", count=3, ratio=0.5, flag=True, who=bob, role=vip, where=general, thing=vip,
        upload=Upload("notes.txt", b"12345"),
    )  # fmt: skip
    assert reply.content == "t|3|0.5|True|bob|VIP|general|VIP|notes.txt:5"


async def test_wrong_options_fail_loudly_in_the_test(alice) -> None:
    with pytest.raises(AssertionError, match="no option 'nmae'"):
        await alice.slash("hello", nmae="bob")
    with pytest.raises(AssertionError, match="required option"):
        await alice.slash("hello")
    with pytest.raises(AssertionError, match="outside"):
        await alice.slash("echo", text="t", count=99, ratio=1.0, flag=False, who=alice, role=alice.guild.everyone_role,
                          where=alice.guild.channels[alice.guild.system_channel_id], thing=alice,
                          upload=Upload("a", b""))  # fmt: skip
    with pytest.raises(AssertionError, match="no slash command /nope"):
        await alice.slash("nope")


async def test_subcommand_group_and_subcommand(alice) -> None:
    reply = await alice.slash("config events create", name="gm", reward=5)
    assert reply.content == "created gm worth 5"
    shown = await alice.slash("config show")
    assert shown.content == "settings: default" and shown.ephemeral
    with pytest.raises(AssertionError, match="needs a subcommand"):
        await alice.slash("config")


async def test_autocomplete_returns_the_bots_choices(emu, alice) -> None:
    choices = await alice.autocomplete("claim", "event", "g")
    assert [c["value"] for c in choices] == ["gm", "gn", "giveaway", "game night"]
    assert [c["name"] for c in await alice.autocomplete("claim", "event", "gi")] == ["giveaway"]
    await emu.settle()


async def test_button_click_updates_the_message(emu, alice, general, bot) -> None:
    reply = await alice.slash("shop")
    assert [b["label"] for b in reply.buttons] == ["Claim", "Details"]
    clicked = await alice.click(reply, "Claim")
    assert clicked.type == 7 and clicked.message is reply.message
    assert reply.content == "claimed by alice" and reply.components == []
    assert bot.log["clicks"] == [alice.id]
    details = await alice.click(await alice.slash("shop"), "details")
    assert details.content == "details are secret" and details.ephemeral
    with pytest.raises(AssertionError, match="no button 'Nope'"):
        await alice.click(reply, "Nope")


async def test_select_menu_and_modal(alice) -> None:
    shop = await alice.slash("shop")
    picked = await alice.select(shop, "Pick a flavour", ["lime"])
    assert picked.content == "flavour lime"
    form = await alice.slash("form")
    assert form.type == 9 and form.modal["title"] == "Your name"
    submitted = await alice.submit_modal(form, name="Ada")
    assert submitted.content == "hello Ada"


async def test_deferred_reply_then_followup_replaces_thinking_message(emu, alice, general) -> None:
    reply = await alice.slash("slow")
    assert reply.deferred and reply.content == "done thinking"
    assert [m.content for m in emu.sent_messages(general)] == ["done thinking"], "no extra message"
    edited = await alice.slash("slowedit")
    assert edited.deferred and edited.ephemeral and edited.content == "edited after defer"


async def test_reply_with_a_file(alice) -> None:
    reply = await alice.slash("report")
    assert reply.content == "your report"
    assert reply.files == [("report.csv", b"a,b\n1,2\n")]


async def test_a_bot_that_never_answers_fails_with_the_command_name(emu, alice, bot) -> None:
    with pytest.raises(AssertionError, match=r"/silent: no answer from the bot within 0.3s \(the bot never ack"):
        await alice.slash("silent", reply_timeout=0.3)
    assert bot.counts["silent"] == 1


async def test_second_callback_is_refused_like_discord(emu, alice) -> None:
    reply = await alice.slash("hello", name="x")

    url = f"{emu.api_base_url}/interactions/{reply.record.id}/{reply.record.token}/callback"
    async with aiohttp.ClientSession() as session, session.post(url, json={"type": 4, "data": {}}) as resp:
        assert resp.status == 400 and (await resp.json())["code"] == 40060


async def test_commands_hidden_by_default_member_permissions(guild, alice) -> None:
    with pytest.raises(AssertionError, match=r"does not offer this command to alice \(needs manage_messages"):
        await alice.slash("purge")
    assert (await alice.slash("purge", force=True)).content == "purged (timeout 0)"
    mod = guild.member("mod", permissions=["manage_messages"])
    # an option whose name clashes with a driver parameter goes in the options dict
    assert (await mod.slash("purge", {"timeout": 5})).content == "purged (timeout 5)"


async def test_answering_after_the_deadline_is_refused_like_discord(emu, alice, bot) -> None:
    emu.interaction_deadline = 0.05  # Discord allows 3 s; shrunk so the test stays fast
    with pytest.raises(AssertionError, match=r"/late: no answer .* never acknowledged"):
        await alice.slash("late", delay=0.2, reply_timeout=1.0)
    await emu.settle()
    assert [e[:2] for e in bot.log["http_errors"]] == [(404, 10062)]


async def test_followups_edits_and_deletes(emu, alice, general) -> None:
    reply = await alice.slash("thread")
    await emu.settle()
    assert [m.content for m in reply.messages] == ["second (edited)"]
    assert [m.content for m in emu.sent_messages(general)] == ["second (edited)"]
    assert [m.content for m in emu.sent_messages(general, include_deleted=True, include_ephemeral=True)] == [
        "first",
        "second (edited)",
        "third",
    ]
