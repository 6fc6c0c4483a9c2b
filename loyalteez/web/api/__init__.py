"""The read-only JSON API under /api/v1: bearer tokens, never cookies (docs/api.md)."""

PREFIX = "/api/"


def is_api_path(path: str) -> bool:
    return path.startswith(PREFIX)
