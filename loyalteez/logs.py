"""Where log lines go and how they look: text or JSON lines, to stderr or a size-rotated file.

Handlers and formatters only; filters that change what a record says (redaction) live with their owners.
"""

from __future__ import annotations

import errno
import json
import logging
import sys
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from loyalteez import private_files

TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
TEXT_DATES = "%Y-%m-%d %H:%M:%S"
# Attributes every LogRecord has; anything else on a record came from `extra=` and is its context.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonLines(logging.Formatter):
    """One JSON object per line, for log collectors: time, level, logger, message, context."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "context": {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")},
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class VoiceLibraryNotice(logging.Filter):
    """py-cord warns at every start that voice is unsupported without PyNaCl. The bot never joins voice:
    voice rewards read voice *state* events (who is in which channel), which need no voice library."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in str(record.msg)


_VOICE_NOTICE = VoiceLibraryNotice()


def configure(level: str, *, file: str | None, json_lines: bool, max_bytes: int, backups: int) -> None:
    """Replace the root handlers: stderr, or `file` rotated at `max_bytes` keeping `backups` old files."""
    handler: logging.Handler
    if file:
        folder = Path(file).parent
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, f"{folder} is a file, not a folder")
        private_files.create_file(Path(file))  # owner-only, with its folders
        handler = RotatingFileHandler(file, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines() if json_lines else logging.Formatter(TEXT_FORMAT, TEXT_DATES))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(getattr(logging, level))
    logging.getLogger("discord").setLevel(max(logging.WARNING, getattr(logging, level)))
    notices = logging.getLogger("discord.utils")
    if _VOICE_NOTICE not in notices.filters:
        notices.addFilter(_VOICE_NOTICE)
