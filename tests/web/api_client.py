"""Calling the JSON API in tests, and checking each answer against the API's own OpenAPI document."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import aiohttp
from jsonschema import Draft202012Validator, FormatChecker

from loyalteez.services.api import tokens
from loyalteez.web.api.openapi import document

BASE = "/api/v1"


@dataclass
class Answer:
    status: int
    headers: Any
    body: Any
    path: str  # the documented path template it was checked against
    method: str


async def new_token(web: Any, brand: str, label: str = "tests") -> str:
    """What `python bot.py api-token create BRAND` makes, through the same service."""
    return (await tokens.create(web.app.store, brand, label)).token


def template_of(path: str) -> str:
    """The OpenAPI path an address belongs to (/api/v1/servers/123/kpis -> /servers/{server_id}/kpis)."""
    bare = path.split("?", 1)[0].removeprefix(BASE)
    for template in document()["paths"]:
        pattern = "^" + re.sub(r"\{[a-z_]+\}", "[^/]+", template) + "$"
        if re.match(pattern, bare):
            return template
    return bare


def check(answer: Answer) -> None:
    """The answer's status is documented for its operation and its body matches the documented schema."""
    doc = document()
    operation = doc["paths"].get(answer.path, {}).get(answer.method.lower())
    if operation is None or str(answer.status) not in operation["responses"]:
        schema_ref = "#/components/schemas/Error"  # undocumented addresses and methods still answer an Error
        undocumented = f"{answer.method} {answer.path} answered an undocumented {answer.status}"
        assert answer.status in (403, 404, 405), undocumented
    else:
        response = operation["responses"][str(answer.status)]
        schema_ref = response["content"]["application/json"]["schema"]["$ref"]
        for header in response.get("headers", {}):
            assert header in answer.headers, f"{answer.status} of {answer.path} lacks its documented {header}"
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": schema_ref, **doc}
    errors = sorted(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(answer.body), key=str)
    assert not errors, f"{answer.method} {answer.path} {answer.status}: " + "; ".join(e.message for e in errors[:5])


async def call(
    client: aiohttp.ClientSession,
    web: Any,
    path: str,
    token: str | None = None,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
) -> Answer:
    """One API request; every answer is checked against the OpenAPI document before a test sees it."""
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    async with client.request(method, web.url + BASE + path, headers=sent, allow_redirects=False) as response:
        assert response.content_type == "application/json", f"{path}: {response.content_type}"
        answer = Answer(response.status, response.headers, await response.json(), template_of(BASE + path), method)
    check(answer)
    return answer
