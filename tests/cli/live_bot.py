"""The real `python bot.py run` against the loopback emulator, logging at INFO (the crash rig's bot, chattier)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.reliability.crash_rig import BotProcess


@dataclass
class LiveBot(BotProcess):
    extra_env: dict[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        return {**super().env(), "LOYALTEEZ_LOG_LEVEL": "INFO", **self.extra_env}
