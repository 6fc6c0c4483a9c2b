"""Secrets typed into slash commands never reach a log line, in either payload spelling."""

import logging

import pytest

from loyalteez.discord import redaction


@pytest.mark.parametrize(
    "payload",
    [
        "{'name': 'security_key', 'type': 3, 'value': 'ltz_SECRET'}",
        '{"options":[{"name":"brand_id","value":"b1"},{"name":"security_key","type":3,"value":"ltz_SECRET"}]}',
    ],
)
def test_secret_option_values_are_redacted(payload: str) -> None:
    cleaned = redaction.redact(payload)
    assert "ltz_SECRET" not in cleaned and "[redacted]" in cleaned
    assert "security_key" in cleaned


def test_pycord_debug_records_are_scrubbed(caplog: pytest.LogCaptureFixture) -> None:
    redaction.install()
    caplog.set_level(logging.DEBUG)
    logging.getLogger("discord.gateway").debug("event: %s", {"name": "security_key", "value": "ltz_SECRET"})
    assert "ltz_SECRET" not in caplog.text
