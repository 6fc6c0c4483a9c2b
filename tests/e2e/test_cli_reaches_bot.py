"""An operator's `python bot.py brand budget` reaches the running bot within seconds, as the CLI says."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from loyalteez.clock import ManualClock
from loyalteez.emulator import GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness
from tests.conftest import PROJECT_ROOT

APPLIES_WITHIN = 2.0  # seconds, as the CLI prints it


async def cli(harness: Harness, *args: str) -> subprocess.CompletedProcess:
    """bot.py in its own process, on the database the running bot uses."""
    base = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith("LOYALTEEZ_")}
    url = harness.app.settings.database_url
    env = {**base, **({"LOYALTEEZ_DATABASE_URL": url} if url else {"LOYALTEEZ_DB": str(harness.db_path)})}
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, str(PROJECT_ROOT / "bot.py"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=PROJECT_ROOT,
    )


async def test_a_budget_change_from_the_cli_reaches_the_running_bot(
    harness: Harness, connected, guild: GuildHandle, alice: MemberHandle, clock: ManualClock
) -> None:
    assert "You earned **50 LTZ**" in (await alice.slash("join")).content  # the bot has the config cached
    tight = await cli(harness, "brand", "budget", connected.brand_id, "60")
    assert tight.returncode == 0, tight.stderr
    assert tight.stdout.strip().endswith("A running bot applies it within 2 seconds.")
    clock.tick(APPLIES_WITHIN)
    refused = await guild.member("bob").slash("join")
    assert refused.content == "This community's LTZ budget is used up, so `welcome` can't pay right now."
    lifted = await cli(harness, "brand", "budget", connected.brand_id, "none")
    assert lifted.returncode == 0, lifted.stderr
    clock.tick(APPLIES_WITHIN)
    assert "You earned **50 LTZ**" in (await guild.member("carol").slash("join")).content
