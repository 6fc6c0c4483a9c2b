"""The e2e fixtures (the REAL App on the loopback emulator) for the reliability tests too."""

from tests.e2e.conftest import (  # noqa: F401
    admin,
    alice,
    bot,
    bot_app,
    connected,
    emu,
    engine,
    general,
    guild,
    harness,
)
