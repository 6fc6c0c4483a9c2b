"""REST faults on the bot's replies: 429 storms (per route and global) and 5xx answers are retried and the
reply arrives exactly once; a command that cannot even be acknowledged is not run (nothing paid that the
member is not told about) and costs one log line; a paid claim's answer is retried until it arrives.

py-cord tries a request 5 times and sleeps 1 + 2 * attempt seconds after a 5xx, so 5xx counts stay small.
"""

from __future__ import annotations

import logging

import pytest

from loyalteez.emulator import Emulator, MemberHandle
from loyalteez.emulator.harness import Harness
from tests.conftest import REPORT
from tests.reliability.helpers import CLAIMABLE, check_consistent, claimable_event, connect, query

CALLBACK = "POST /interactions/{interaction_id}/{interaction_token}/callback"
FOLLOWUP_PATH = "/webhooks/{webhook_id}/{webhook_token}"
FOLLOWUP = "POST " + FOLLOWUP_PATH


def callbacks(emu: Emulator) -> list[int | None]:
    return [r.status for r in emu.requests_to("POST", "/interactions/{interaction_id}/{interaction_token}/callback")]


@pytest.fixture
async def ready(harness: Harness) -> Harness:
    await connect(harness)
    await claimable_event(harness)
    return harness


async def test_a_per_route_429_storm_delivers_each_reply_once(
    ready: Harness, emu: Emulator, alice: MemberHandle
) -> None:
    before = len(callbacks(emu))
    emu.faults.inject_429(count=3, retry_after=0.05, route=CALLBACK)
    reply = await alice.slash("claim", event=CLAIMABLE)
    assert "You earned **5 LTZ**" in reply.content and len(reply.messages) == 1
    assert callbacks(emu)[before:] == [429, 429, 429, 200]
    check_consistent(ready.db_path, emu)


async def test_a_global_429_storm_delays_but_loses_no_reply(ready: Harness, emu: Emulator) -> None:
    members = [ready.guild.member(f"m{n}") for n in range(6)]
    before = len(callbacks(emu))
    emu.faults.inject_429(count=4, retry_after=0.05, global_=True)
    replies = [await m.slash("claim", event=CLAIMABLE) for m in members]
    assert all("You earned" in r.content and len(r.messages) == 1 for r in replies)
    assert callbacks(emu)[before:].count(200) == 6 and emu.faults.count(429, global_=True) == 4
    numbers = check_consistent(ready.db_path, emu)
    REPORT["REST: 429 storms"] = f"{numbers['claims paid']} claims, each reply once after {emu.faults.count(429)} 429s"


@pytest.mark.parametrize("status", [500, 502])
async def test_server_errors_are_retried_and_the_reply_arrives_once(
    ready: Harness, emu: Emulator, alice: MemberHandle, status: int
) -> None:
    before = len(callbacks(emu))
    emu.faults.inject_status(status, count=1, route=CALLBACK)
    reply = await alice.slash("claim", event=CLAIMABLE, reply_timeout=8)
    assert "You earned" in reply.content and len(reply.messages) == 1
    assert callbacks(emu)[before:] == [status, 200]
    check_consistent(ready.db_path, emu)


async def test_a_command_that_cannot_be_acknowledged_is_not_run_one_log_line_and_the_bot_goes_on(
    ready: Harness, emu: Emulator, alice: MemberHandle, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="loyalteez")
    emu.faults.inject_429(count=5, retry_after=0.01, route=CALLBACK)  # py-cord gives up after five
    emu.faults.inject_status(404, count=1, route=CALLBACK, body={"message": "Unknown interaction", "code": 10062})
    for _ in range(2):
        with pytest.raises(AssertionError, match="no answer from the bot"):
            await alice.slash("claim", event=CLAIMABLE, reply_timeout=1.5)
    await emu.settle()
    failed = [r for r in caplog.records if r.name.startswith("loyalteez") and "failed" in r.getMessage()]
    assert len(failed) == 2, [r.getMessage() for r in failed]
    assert all("\n" not in r.getMessage() and r.exc_info is None for r in failed), "one line each, no traceback"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("loyalteez")]
    # The member was never told, so nothing was paid: the claim is still theirs to make.
    assert query(ready.db_path, "SELECT COUNT(*) FROM loyalteez_reward_ledger WHERE event_type = ?", (CLAIMABLE,)) == [
        (0,)
    ]
    reply = await alice.slash("claim", event=CLAIMABLE)
    assert "You earned **5 LTZ**" in reply.content, "the bot still serves, and the claim is paid once answered"
    check_consistent(ready.db_path, emu)


async def test_a_paid_claims_answer_is_retried_until_it_arrives(
    ready: Harness, emu: Emulator, alice: MemberHandle, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="loyalteez")
    emu.faults.inject_429(count=7, retry_after=0.01, route=FOLLOWUP)  # more than py-cord's five tries
    reply = await alice.slash("claim", event=CLAIMABLE, reply_timeout=8)
    assert "You earned **5 LTZ**" in reply.content and len(reply.messages) == 1
    assert [r.status for r in emu.requests_to("POST", FOLLOWUP_PATH)][-8:] == [429] * 7 + [200]
    assert any("trying again" in r.getMessage() for r in caplog.records)
    assert query(ready.db_path, "SELECT COUNT(*) FROM loyalteez_reward_ledger WHERE event_type = ?", (CLAIMABLE,)) == [
        (1,)
    ]
    check_consistent(ready.db_path, emu)
