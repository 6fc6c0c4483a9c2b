"""What the demo and the what-if table print for a terminal: names instead of Discord markup, whole words."""

from __future__ import annotations

import io
import re
from pathlib import Path

from loyalteez.demo.runner import run_demo
from loyalteez.terminal import plain, shorten

MARKUP = re.compile(r"\*\*|<#\d+>|<@[!&]?\d+>|<t:\d+")


async def test_the_demo_prints_names_and_whole_words(tmp_path: Path) -> None:
    stream = io.StringIO()
    await run_demo(seed=1, db_path=tmp_path / "demo.db", stream=stream)
    out = stream.getvalue()
    assert not MARKUP.findall(out), MARKUP.findall(out)
    said = {line.split(" -> ")[0].strip(): line.split(" -> ", 1)[1] for line in out.splitlines() if " -> " in line}
    assert said["club_admin: /setup connect"].startswith("Connected to Demo Coffee Co. Members now earn")
    assert said["club_admin: /config admin-channel"] == "Notifications and alerts will go to #mod-log."
    perk = said["club_admin: /perk create"]
    assert "gives @Barista" in perk and "The Barista role and eternal glory" in perk
    drop = said["club_admin: /drop create"]
    assert "is live in #general" in drop and len(drop) <= 110
    assert drop.endswith("first 12 members, ends…"), "cut after a whole word"
    assert not any(line.strip() == "The Barista role and et" for line in out.splitlines())


def test_shortening_keeps_whole_words() -> None:
    assert shorten("The Barista role and eternal glory", 26) == "The Barista role and…"
    assert shorten("short", 26) == "short"
    assert shorten("B: double_greetings.json", 17) == "B: double…"
    assert plain("**Demo** in <#1> by <@2> for <@&3>", {"1": "general", "2": "ada", "3": "Barista"}) == (
        "Demo in #general by @ada for @Barista"
    )
