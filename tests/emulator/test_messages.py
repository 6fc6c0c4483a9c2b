"""Messages both ways, files, permissions and the refusals real Discord would answer with."""

from __future__ import annotations

from loyalteez.emulator import Upload


async def test_message_reaches_the_bot_and_its_answer_is_recorded(emu, alice, general, bot) -> None:
    msg = await alice.say(general, "ping")
    await emu.settle()
    assert bot.log["messages"] == ["ping"] and bot.counts["message"] == 1
    [pong] = emu.sent_messages(general)
    assert pong.content == "pong" and pong.author.id == emu.world.bot.id and pong.id > msg.id
    [request] = emu.requests_to("POST", "/channels/{channel_id}/messages")
    assert request.body["content"] == "pong" and request.status == 200


async def test_edit_and_delete_reach_the_bot(emu, alice, general, bot) -> None:
    msg = await alice.say(general, "typo")
    await alice.edit(msg, "fixed")
    await alice.delete(msg)
    await emu.settle()
    assert bot.log["edits"] == ["fixed"] and bot.log["deletes"] == [msg.id]


async def test_user_attachment_is_downloadable_by_the_bot(emu, alice, general) -> None:
    await alice.say(general, "show attachment", files=[Upload("cat.png", b"\x89PNG" + b"0" * 96, "image/png")])
    await emu.settle()
    assert [m.content for m in emu.sent_messages(general)] == ["got cat.png (100 bytes)"]


async def test_oversized_embed_is_refused_exactly_like_discord(emu, alice, general, bot) -> None:
    reply = await alice.slash("bigembed")
    assert reply.content == "could not post the embed"
    [(status, code, _text)] = bot.log["http_errors"]
    assert (status, code) == (400, 50035)
    [rejected] = emu.rejected_requests
    assert rejected.method == "POST" and rejected.path == f"/channels/{general.id}/messages"
    assert "embeds" in rejected.errors and "title" in rejected.errors["embeds"]["0"]
    assert rejected.errors["embeds"]["0"]["title"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    assert emu.sent_messages(general) == []
    emu.rejected_requests.clear()  # expected: the harness fails tests that leave refusals behind


async def test_missing_send_permission_gives_403_and_the_bot_tells_the_admin(emu, guild, alice) -> None:
    news = guild.create_text_channel("news")
    guild.set_permissions(news, guild.bot_role, deny=["send_messages"])
    boss = guild.member("boss", permissions=["manage_guild"])
    reply = await boss.slash("announce", where=news, text="hello")
    assert reply.content == "I am not allowed to post in #news" and reply.ephemeral
    [refused] = emu.requests_to("POST", "/channels/{channel_id}/messages")
    assert refused.status == 403 and refused.response == {"message": "Missing Permissions", "code": 50013}
    guild.set_permissions(news, guild.bot_role, allow=["send_messages"])
    assert (await boss.slash("announce", where=news, text="hello")).content == "posted"
    assert [m.content for m in emu.sent_messages(news)] == ["hello"]


async def test_direct_messages_and_closed_dms(emu, alice) -> None:
    assert (await alice.slash("dmme")).content == "check your DMs"
    assert [m.content for m in emu.dms(alice)] == ["a private hello"]
    alice.close_dms()
    assert (await alice.slash("dmme")).content == "cannot DM you (50007)"


async def test_role_hierarchy_is_enforced(emu, guild, alice) -> None:
    vip = guild.create_role("VIP")
    reply = await alice.slash("grant", who=alice, role=vip)
    assert reply.content == "gave VIP to alice"
    assert [r.name for r in alice.roles] == ["VIP"]
    admins = guild.create_role("Admins")
    guild.move_role(admins, guild.bot_role.position)
    assert admins.position > guild.bot_role.position
    assert (await alice.slash("grant", who=alice, role=admins)).content == "my role is below Admins"


async def test_history_and_reactions_by_the_bot(emu, alice, general) -> None:
    first = await alice.say(general, "one")
    await alice.say(general, "two")
    await emu.settle()
    assert (await alice.slash("react")).content == "reacted"
    last = emu.world.history(general.id)[-1]
    assert last.content == "two" and last.reactions == {"🎉": [emu.world.bot.id]}
    assert first.reactions == {}
