"""The API's OpenAPI 3.1 document, built from the same names the services use (board types, periods,
KPIs), so it cannot drift from what the handlers accept; tests validate every answer against it."""

from __future__ import annotations

from functools import cache
from typing import Any

from loyalteez import __version__
from loyalteez.services.analytics.metrics import KPIS
from loyalteez.services.api.reads import HISTORY_DAYS
from loyalteez.services.standings import BOARD_TITLES, PERIODS

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Schema], *, description: str | None = None) -> Schema:
    found: Schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        found["description"] = description
    return found


INT = {"type": "integer"}
COUNT = {"type": "integer", "minimum": 0}
TEXT = {"type": "string"}
SNOWFLAKE = {"type": "string", "pattern": "^[0-9]{1,20}$"}
MAYBE_TEXT = {"type": ["string", "null"]}
DAY = {"type": "string", "format": "date"}


def _schemas() -> dict[str, Schema]:
    return {
        "Error": _object(
            {
                "error": _object(
                    {
                        "status": INT,
                        "code": {
                            "enum": [
                                "bad_request",
                                "unauthorized",
                                "forbidden",
                                "not_found",
                                "method_not_allowed",
                                "rate_limited",
                            ]
                        },
                        "message": TEXT,
                    }
                )
            }
        ),
        "Server": _object({"id": SNOWFLAKE, "name": TEXT, "members": COUNT}),
        "ServerList": _object({"servers": {"type": "array", "items": _ref("Server")}}),
        "Leaderboard": _object(
            {
                "server_id": SNOWFLAKE,
                "type": {"enum": list(BOARD_TITLES)},
                "period": {"enum": list(PERIODS)},
                "title": TEXT,
                "page": {"type": "integer", "minimum": 1},
                "pages": {"type": "integer", "minimum": 1},
                "page_size": {"type": "integer", "minimum": 1},
                "rows": {
                    "type": "array",
                    "items": _object(
                        {
                            "rank": {"type": "integer", "minimum": 1},
                            "member_id": SNOWFLAKE,
                            "name": MAYBE_TEXT,
                            "value": INT,
                        }
                    ),
                },
            }
        ),
        "Member": _object(
            {
                "server_id": SNOWFLAKE,
                "member_id": SNOWFLAKE,
                "name": MAYBE_TEXT,
                "balance": _object({"available": INT, "earned": INT, "spent": INT, "today": INT}),
                "rank": _object(
                    {"position": {"type": ["integer", "null"], "minimum": 1}, "of": COUNT},
                    description="Place on the all-time LTZ board (ties share a place); null: not ranked yet",
                ),
                "streak": _object(
                    {
                        "current": COUNT,
                        "longest": COUNT,
                        "multiplier": {"type": "number"},
                        "checked_in_today": {"type": "boolean"},
                        "last_checkin": {"type": ["string", "null"], "format": "date-time"},
                    }
                ),
                "counts": _object(
                    {
                        "messages": COUNT,
                        "reactions": COUNT,
                        "voice_minutes": COUNT,
                        "rewards": COUNT,
                        "checkins": COUNT,
                    }
                ),
            }
        ),
        "KpiHistory": _object(
            {
                "server_id": SNOWFLAKE,
                "days": {"enum": list(HISTORY_DAYS)},
                "from": {"type": ["string", "null"], "format": "date"},
                "to": {"type": ["string", "null"], "format": "date"},
                "kpis": {
                    "type": "array",
                    "items": _object(
                        {
                            "metric": {"enum": list(KPIS.names())},
                            "title": TEXT,
                            "kind": TEXT,
                            "lower_is_better": {"type": "boolean"},
                            "target": {
                                "oneOf": [
                                    {"type": "null"},
                                    _object(
                                        {"value": {"type": "number"}, "period": TEXT, "alerting": {"type": "boolean"}}
                                    ),
                                ]
                            },
                            "points": {
                                "type": "array",
                                "items": _object({"date": DAY, "value": {"type": ["number", "null"]}}),
                            },
                        }
                    ),
                },
            }
        ),
        "EventList": _object(
            {
                "server_id": SNOWFLAKE,
                "events": {
                    "type": "array",
                    "items": _object(
                        {
                            "name": TEXT,
                            "reward": INT,
                            "enabled": {"type": "boolean"},
                            "trigger": TEXT,
                            "cooldown_hours": COUNT,
                            "max_claims_per_user": {"type": ["integer", "null"], "minimum": 1},
                            "max_total_claims": {"type": ["integer", "null"], "minimum": 1},
                            "max_per_day": {"type": ["integer", "null"], "minimum": 1},
                            "channels": {"type": "array", "items": SNOWFLAKE},
                            "description": MAYBE_TEXT,
                            "brand_wide": {"type": "boolean"},
                        }
                    ),
                },
            }
        ),
    }


def _error(description: str, headers: dict[str, Any] | None = None) -> Schema:
    found: Schema = {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}
    if headers:
        found["headers"] = headers
    return found


ERRORS = {
    "401": _error(
        "No token, or an unknown or revoked one",
        {"WWW-Authenticate": {"schema": TEXT, "description": "Bearer"}},
    ),
    "429": _error(
        "Past the token's rate limit",
        {"Retry-After": {"schema": {"type": "integer", "minimum": 1}, "description": "seconds to wait"}},
    ),
}
NOT_FOUND = {"404": _error("No such server (or member) in the token's brand")}
BAD_QUERY = {"400": _error("A parameter outside what is allowed; the message names it")}
SERVER = {"name": "server_id", "in": "path", "required": True, "schema": SNOWFLAKE}


def _get(summary: str, schema: str, *, parameters: list[Schema] | None = None, errors: dict[str, Any]) -> Schema:
    return {
        "get": {
            "summary": summary,
            "operationId": schema[0].lower() + schema[1:],
            "parameters": parameters or [],
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": _ref(schema)}}},
                **errors,
                **ERRORS,
            },
        }
    }


def _query(name: str, schema: Schema, description: str) -> Schema:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


@cache
def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Loyalteez API",
            "version": __version__,
            "description": "Read-only figures of a brand's Discord servers. Every request carries "
            "`Authorization: Bearer <token>` (python bot.py api-token create BRAND); each token answers "
            "60 requests a minute and sees only its brand's servers.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/servers": _get("The token's brand's connected servers", "ServerList", errors={}),
            "/servers/{server_id}": _get("One server", "Server", parameters=[SERVER], errors=NOT_FOUND),
            "/servers/{server_id}/leaderboard": _get(
                "One page of a leaderboard, as /leaderboard shows it",
                "Leaderboard",
                parameters=[
                    SERVER,
                    _query("type", {"enum": list(BOARD_TITLES), "default": "ltz_earned"}, "what is ranked"),
                    _query("period", {"enum": list(PERIODS), "default": "all"}, "calendar period, UTC"),
                    _query("page", {"type": "integer", "minimum": 1, "default": 1}, "1-based; past the end: last"),
                ],
                errors={**BAD_QUERY, **NOT_FOUND},
            ),
            "/servers/{server_id}/members/{member_id}": _get(
                "A member's balance, rank, streak and counts",
                "Member",
                parameters=[SERVER, {"name": "member_id", "in": "path", "required": True, "schema": SNOWFLAKE}],
                errors={**BAD_QUERY, **NOT_FOUND},
            ),
            "/servers/{server_id}/kpis": _get(
                "Daily KPI snapshots of the last 7, 30 or 90 days, with targets",
                "KpiHistory",
                parameters=[
                    SERVER,
                    _query("days", {"enum": list(HISTORY_DAYS), "default": 30}, "the window, ending yesterday"),
                    _query("metric", {"enum": list(KPIS.names())}, "only this KPI"),
                ],
                errors={**BAD_QUERY, **NOT_FOUND},
            ),
            "/servers/{server_id}/events": _get(
                "The reward events in force", "EventList", parameters=[SERVER], errors=NOT_FOUND
            ),
        },
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
