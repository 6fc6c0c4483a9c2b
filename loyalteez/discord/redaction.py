"""Keep secrets typed into slash commands out of logs, even at py-cord's DEBUG level.

py-cord logs whole gateway payloads at DEBUG, and those carry option values such as
/setup connect's security_key. A filter on py-cord's own loggers rewrites such records.
"""

from __future__ import annotations

import logging
import re

SECRET_OPTIONS = ("security_key",)
# Matches the value that follows a secret option's name in a logged dict or JSON payload.
_NAMES = "|".join(SECRET_OPTIONS)
_SECRET_VALUE = re.compile(
    r"""(['"]name['"]\s*:\s*['"](?:""" + _NAMES + r""")['"].*?['"]value['"]\s*:\s*)(['"])(?:(?!\2).)*\2"""
)
PYCORD_LOGGERS = (
    "discord",
    "discord.gateway",
    "discord.client",
    "discord.http",
    "discord.webhook.async_",
    "discord.state",
    "discord.interactions",
    "discord.bot",
)


def redact(text: str) -> str:
    return _SECRET_VALUE.sub(r"\1'[redacted]'", text)


class SecretRedactor(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if any(name in str(record.msg) or name in str(record.args) for name in SECRET_OPTIONS):
            record.msg = redact(record.getMessage())
            record.args = ()
        return True


_REDACTOR = SecretRedactor()


def install() -> None:
    """Idempotent: attach the redactor to every py-cord logger that may print payloads."""
    for name in PYCORD_LOGGERS:
        logger = logging.getLogger(name)
        if _REDACTOR not in logger.filters:
            logger.addFilter(_REDACTOR)
