"""What the API and `python bot.py api-token` say (fixed sentences UPPER, sentences with values functions)."""

from __future__ import annotations

BAD_LABEL = "a token label is 1-64 letters, digits, spaces or . ' & : / - _"
NO_TOKEN = "This API needs a token: send the header `Authorization: Bearer <token>` (python bot.py api-token create)."
BAD_TOKEN = "This API token is unknown or was revoked."
NOT_FOUND = "There is no such server, member or address here, or it is not this token's brand."
METHOD = "This API only reads: use GET."
BAD_DAYS = "days must be 7, 30 or 90"
BAD_MEMBER = "member must be a Discord user id (digits)"
UNKNOWN_METRIC = "metric must be one of the KPIs listed by /kpi report"


def too_many(limit: int) -> str:
    return f"this brand already has {limit} working API tokens: revoke one first (python bot.py api-token list)"


def bad_token_id(given: str) -> str:
    return f"{given!r} is not an API token id (12 hex digits, as `python bot.py api-token list` shows)"


def no_such_token(token_id: str, brand: str) -> str:
    return f"brand {brand} has no API token {token_id} (see `python bot.py api-token list`)"


def already_revoked(token_id: str) -> str:
    return f"API token {token_id} is revoked already"


def slow_down(seconds: int) -> str:
    return f"Too many requests with this token: try again in {seconds} s."
