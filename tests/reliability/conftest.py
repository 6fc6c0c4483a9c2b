"""The e2e fixtures (the REAL App on the loopback emulator) for the reliability tests too."""

from tests.e2e.conftest import admin, alice, bot, bot_app, connected, emu, general, guild, harness  # noqa: F401
