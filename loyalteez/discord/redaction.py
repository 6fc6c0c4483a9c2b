"""Keep what is typed into /setup connect out of logs, even at py-cord's DEBUG level.

py-cord logs whole gateway payloads at DEBUG, and those carry option values: the security key, and
whatever was pasted into brand_id (sometimes the key itself). This scrubber blanks those option values;
loyalteez/logsafe.py applies it, with its other rules, to every log record of the process.
"""

from __future__ import annotations

import re

from loyalteez import logsafe

SECRET_OPTIONS = ("security_key", "brand_id")
# Matches the value that follows a secret option's name in a logged dict or JSON payload.
_NAMES = "|".join(SECRET_OPTIONS)
_SECRET_VALUE = re.compile(
    r"""(['"]name['"]\s*:\s*['"](?:""" + _NAMES + r""")['"][^{}]*?['"]value['"]\s*:\s*)(['"])(?:(?!\2).)*\2"""
)
# The same option with its value first (payloads keep whatever key order their sender used).
_SECRET_VALUE_FIRST = re.compile(
    r"""(['"]value['"]\s*:\s*)(['"])(?:(?!\2).)*\2(?=[^{}]*?['"]name['"]\s*:\s*['"](?:""" + _NAMES + r""")['"])"""
)


def redact(text: str) -> str:
    if not any(name in text for name in SECRET_OPTIONS):
        return text
    text = _SECRET_VALUE.sub(r"\1'[redacted]'", text)
    return _SECRET_VALUE_FIRST.sub(r"\1'[redacted]'", text)


def install() -> None:
    """Idempotent: every log record of the process is cleaned of option secrets from now on."""
    logsafe.add_scrubber(redact)
    logsafe.install()
