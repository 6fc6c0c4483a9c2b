"""Secrets never reach a log line, whichever library logs them and at whichever level.

Every log record is cleaned once, when it is made (a log record factory), so every handler sees the
cleaned text: the console, a log file, JSON lines, pytest's capture. What is cleaned:
  * brand security keys (`ltz_...`), wherever they were typed or pasted;
  * database URL passwords, in the `user:pass@` and `?password=` forms;
  * exact secret values registered at start-up (PGPASSWORD, the bot token, a URL's password);
  * the parameters of statements on tables that hold secrets (the store names them): aiosqlite logs
    every statement with its parameters at DEBUG, and a brand row carries the key's salt and hash;
  * anything a registered scrubber removes (py-cord's option payloads, discord/redaction.py).
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from urllib.parse import unquote, urlsplit, urlunsplit

Scrubber = Callable[[str], str]

REDACTED = "[redacted]"
_MIN_SECRET = 4  # shorter registered values would blank out ordinary words

# A brand key as brands.py makes it: "ltz_" + 32 random URL-safe characters (a truncated paste still
# matches); the capital or digit it all but surely holds keeps column names such as ltz_distributed out.
_BRAND_KEY = re.compile(r"ltz_(?=[a-z_-]*[A-Z0-9])[A-Za-z0-9_-]{16,}")
# scheme://user:password@host: the password is everything between the first ':' after '//' and the last '@'
# of the authority (an unescaped '@' inside a password is common in pasted URLs).
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@'\"]*:)(?P<pw>[^\s/'\"]*)@")
# The value runs to the next option, a quote, a space, or a ': ' that ends the URL inside a sentence.
_QUERY_PASSWORD = re.compile(
    r"(?P<head>[?&](?:password|pass|pwd|sslpassword)=)(?P<pw>[^&\s'\"#]*?)(?=:\s|[&\s'\"#]|$)", re.I
)


class _Registry:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.secrets: set[str] = set()
        self.tables: set[str] = set()
        self.scrubbers: list[Scrubber] = []
        self.statement: re.Pattern[str] | None = None


_REG = _Registry()


def redact_urls(text: str) -> str:
    """Database URLs with their password replaced by ***, in both the `user:pass@` and `?password=` forms."""
    if "://" in text:
        text = _URL_PASSWORD.sub(lambda m: f"{m['head']}***@", text)
    if "=" in text:
        text = _QUERY_PASSWORD.sub(lambda m: f"{m['head']}***", text)
    return text


def redact_url(url: str) -> str:
    """One database URL without its password in any form, for messages, logs and stored labels."""
    try:
        parts = urlsplit(url)
        if parts.password is not None:
            userinfo, _, host = parts.netloc.rpartition("@")
            url = urlunsplit(parts._replace(netloc=f"{userinfo.split(':', 1)[0]}:***@{host}"))
    except ValueError:  # unparsable (a bad port, brackets): the text rules below still apply
        pass
    return redact_urls(url)


def register_secret(value: str | None) -> None:
    """An exact value that must never be printed or logged (and its URL-decoded spelling)."""
    if not value or len(value) < _MIN_SECRET:
        return
    with _REG.lock:
        _REG.secrets.update({value, unquote(value)})


def register_environment(environ: Mapping[str, str] | None = None) -> None:
    """Secrets the process was given: PGPASSWORD, the bot token, the database URL's password."""
    env = os.environ if environ is None else environ
    register_secret(env.get("PGPASSWORD"))
    register_secret(env.get("DISCORD_TOKEN"))
    register_url(env.get("LOYALTEEZ_DATABASE_URL"))


def register_url(url: str | None) -> None:
    """The password inside a URL, in whichever form it was given."""
    if not url:
        return
    for pattern in (_URL_PASSWORD, _QUERY_PASSWORD):
        for match in pattern.finditer(url):
            register_secret(match["pw"])


def protect_statements_on(tables: Iterable[str]) -> None:
    """Logged statements on these tables keep their SQL but lose their parameters (the store names them)."""
    with _REG.lock:
        _REG.tables.update(tables)
        names = "|".join(sorted(re.escape(t) for t in _REG.tables))
        # A quoted SQL text naming the table, then everything after it (the parameters) up to the end.
        _REG.statement = re.compile(
            r"(?P<sql>(?P<q>['\"])(?:(?!(?P=q)).)*?\b(?:" + names + r")\b(?:(?!(?P=q)).)*(?P=q)).*",
            re.S,
        )


def add_scrubber(scrubber: Scrubber) -> None:
    with _REG.lock:
        if scrubber not in _REG.scrubbers:
            _REG.scrubbers.append(scrubber)


def scrub(text: str) -> str:
    """The text with every known kind of secret removed; used on log records and on CLI output."""
    statement = _REG.statement
    if statement is not None and any(table in text for table in _REG.tables):  # the cheap test first
        text = statement.sub(lambda m: f"{m['sql']}, [parameters redacted])", text)
    for scrubber in list(_REG.scrubbers):
        text = scrubber(text)
    text = _BRAND_KEY.sub("ltz_" + REDACTED, text)
    text = redact_urls(text)
    for secret in sorted(_REG.secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def _clean(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: leave it to logging's own error report
        return
    cleaned = scrub(message)
    if cleaned != message:
        record.msg, record.args = cleaned, ()
    if record.exc_info and not record.exc_text:
        record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """An uncaught error's traceback, cleaned like a log record (a driver's message may quote a URL)."""
    sys.stderr.write(scrub("".join(traceback.format_exception(kind, value, tb))))


_installed: list[Callable[..., logging.LogRecord]] = []


def install() -> None:
    """Idempotent: clean every log record of this process from now on, and know this process's secrets."""
    register_environment()
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _clean(record)
        return record

    _installed.append(factory)
    logging.setLogRecordFactory(factory)
    if sys.excepthook is sys.__excepthook__:
        sys.excepthook = _excepthook
