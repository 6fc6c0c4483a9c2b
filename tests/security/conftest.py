"""Security tests drive the REAL App through the loopback Discord, on both engines (see tests/e2e/conftest.py)."""

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
    pytest_generate_tests,
)
