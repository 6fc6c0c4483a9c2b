"""The REST side: one aiohttp app, a capture-and-check middleware, and JSON helpers for route modules.

The middleware is where Discord's cross-cutting behaviour lives: every request is recorded, parsed
once (JSON, urlencoded or multipart with `payload_json`), offered to the fault injector, the rate
limiter and the OpenAPI validator, and always answered with JSON, never an accidental 5xx.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from aiohttp import web
from aiohttp.typedefs import Handler

if TYPE_CHECKING:
    from .server import Emulator

log = logging.getLogger("loyalteez.emulator.rest")

API_PREFIX = "/api/v10"
JSON_HEADERS = {"Content-Type": "application/json"}
EMU_KEY = web.AppKey("emulator", object)
UNKNOWN_ROUTE = "emulator-unknown-route"
BODY_KEY = web.RequestKey("emulator_body", object)


@dataclass
class UploadedFile:
    field: str
    filename: str
    data: bytes
    content_type: str


FILES_KEY = web.RequestKey[list[UploadedFile]]("emulator_files")


_UNREAD: Any = object()


@dataclass
class CapturedRequest:
    """One request the bot made, as the emulator understood it (for assertions in tests)."""

    method: str
    path: str  # after /api/v10, with the query string removed
    template: str | None  # e.g. /channels/{channel_id}/messages; None for unknown routes
    query: dict[str, str]
    content_type: str | None = None  # how the body came: application/json, multipart/form-data, ...
    body: Any = None
    files: list[UploadedFile] = field(default_factory=list)
    status: int | None = None
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    ratelimit_headers: dict[str, str] | None = field(default=None, repr=False)
    # The answer's body as sent; `response` decodes it when first read (few requests are ever inspected).
    answer: bytes | None = field(default=None, repr=False)
    _response: Any = field(default=_UNREAD, repr=False, compare=False)

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status}>"

    @property
    def response(self) -> Any:
        """The JSON the emulator answered with; None for no body (204) or one that is not JSON."""
        if self._response is _UNREAD:
            try:
                self._response = None if self.answer is None else json.loads(self.answer)
            except ValueError:
                self._response = None
        return self._response

    @response.setter
    def response(self, value: Any) -> None:
        self._response = value


@dataclass
class Rejection:
    """A request real Discord would refuse; a test fails on any of these unless it expects them."""

    method: str
    path: str
    body: Any
    errors: dict[str, Any]


class RestError(Exception):
    """Raised by route handlers to answer with one of Discord's JSON errors."""

    def __init__(self, status: int, message: str, code: int = 0, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.errors = status, message, code, errors

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            data["errors"] = self.errors
        return data


def not_found(what: str, code: int) -> RestError:
    return RestError(404, f"Unknown {what}", code)


MISSING_PERMISSIONS = (403, "Missing Permissions", 50013)
MISSING_ACCESS = (403, "Missing Access", 50001)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """Content-Type exactly `application/json`: py-cord compares the whole header string."""
    response = web.Response(body=json.dumps(data).encode(), status=status, headers=JSON_HEADERS)
    if headers:
        response.headers.update(headers)
    return response


def no_content() -> web.Response:
    # No Content-Type: py-cord would try to decode an empty body as JSON.
    return web.Response(status=204)


def emulator_of(request: web.Request) -> Emulator:
    return request.app[EMU_KEY]  # type: ignore[return-value]


def body_of(request: web.Request) -> Any:
    return request.get(BODY_KEY)


def files_of(request: web.Request) -> list[UploadedFile]:
    # Request.get is not overloaded for typed keys (only [] is); FILES_KEY only ever holds this type.
    return cast(list[UploadedFile], request.get(FILES_KEY, []))


def snowflake_param(request: web.Request, name: str) -> int:
    raw = request.match_info.get(name, "")
    if not raw.isdigit():
        raise RestError(400, "Invalid Form Body", 50035, {name: {"_errors": [{"code": "NUMBER_TYPE_COERCE",
                        "message": f"Value \"{raw}\" is not snowflake."}]}})  # fmt: skip
    return int(raw)


async def read_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    """The JSON payload however py-cord sent it; files of a multipart request on the side."""
    if not request.body_exists:
        return None, []
    ctype = request.content_type
    if ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.post()
        files: list[UploadedFile] = []
        fields: dict[str, Any] = {}
        for name, value in form.items():
            if isinstance(value, web.FileField):
                files.append(UploadedFile(name, value.filename, value.file.read(), value.content_type))
            else:
                fields[name] = value
        if "payload_json" in fields:
            return json.loads(fields["payload_json"]), files
        return fields, files
    text = await request.text()
    return (json.loads(text) if text else None), []


def route_template(request: web.Request) -> str | None:
    info = request.match_info
    if isinstance(info, web.UrlMappingMatchInfo) and info.route.name != UNKNOWN_ROUTE:
        resource = info.route.resource
        if resource is not None and resource.canonical.startswith(API_PREFIX):
            return resource.canonical[len(API_PREFIX) :] or "/"
    return None


def error_response(status: int, message: str, code: int = 0, errors: dict[str, Any] | None = None) -> web.Response:
    return json_response(RestError(status, message, code, errors).body(), status=status)


@web.middleware
async def discord_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    emu = emulator_of(request)
    record = CapturedRequest(
        method=request.method,
        path=request.path[len(API_PREFIX) :],
        template=route_template(request),
        query=dict(request.query),
        content_type=request.content_type if request.body_exists else None,
    )
    emu.requests.append(record)
    emu.inflight += 1
    try:
        response = await _answer(emu, request, handler, record)
    finally:
        emu.inflight -= 1
    record.status, record.finished = response.status, time.monotonic()
    if isinstance(response, web.Response) and response.status != 204 and isinstance(response.body, bytes):
        record.answer = response.body
    for hook in list(emu.answered_hooks):
        await hook(record)
    return response


async def _answer(emu: Emulator, request: web.Request, handler: Handler, record: CapturedRequest) -> web.StreamResponse:
    try:
        try:
            record.body, record.files = await read_body(request)
        except ValueError:
            return error_response(400, "The request body contains invalid JSON.", 50109)
        request[BODY_KEY], request[FILES_KEY] = record.body, record.files
        early = emu.checks.before(record)
        if early is not None:
            return early
        if record.template is not None and not _authorised(emu, request, record):
            return error_response(401, "401: Unauthorized", 0)
        response = await handler(request)
    except RestError as exc:
        if exc.code == 50035:
            emu.rejected_requests.append(Rejection(record.method, record.path, record.body, exc.errors or {}))
            log.warning("emulator: rejected %s %s: %s", record.method, record.path, exc.errors)
        response = json_response(exc.body(), status=exc.status)
    except web.HTTPNotFound:
        response = error_response(404, "404: Not Found", 0)
    except web.HTTPMethodNotAllowed:
        response = error_response(405, "405: Method Not Allowed", 0)
    except web.HTTPException as exc:
        response = error_response(exc.status if exc.status < 500 else 400, exc.reason, 0)
    except Exception as exc:  # an emulator bug must not look like a Discord outage (py-cord retries 5xx)
        log.error("emulator error on %s %s: %s: %s", record.method, record.path, type(exc).__name__, exc)
        emu.errors.append(f"{record.method} {record.path}: {type(exc).__name__}: {exc}")
        response = error_response(400, f"emulator error: {type(exc).__name__}: {exc}", 0)
    emu.checks.after(record, response)
    return response


def _authorised(emu: Emulator, request: web.Request, record: CapturedRequest) -> bool:
    """Bot routes need `Bot <token>`; interaction and webhook-token routes are authorised by their token."""
    template = record.template or ""
    if template.startswith(("/interactions/", "/webhooks/{webhook_id}/{webhook_token}", "/oauth2/token")):
        return True  # the token route authenticates the client by its id and secret in the form
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer ") and template in ("/users/@me", "/users/@me/guilds"):
        return header[len("Bearer ") :] in emu.oauth.tokens
    if emu.token is None:
        return header.startswith("Bot ") and len(header) > 4
    return header == f"Bot {emu.token}"


def build_app(emu: Emulator) -> web.Application:
    from . import rest_channels, rest_commands, rest_core, rest_guilds, rest_interactions, rest_oauth

    app = web.Application(middlewares=[discord_middleware], client_max_size=64 * 1024 * 1024)
    app[EMU_KEY] = emu
    app.router.add_get("/ws", emu.gateway.handle)
    for module in (rest_core, rest_commands, rest_interactions, rest_channels, rest_guilds, rest_oauth):
        module.register(app.router, API_PREFIX)
    app.router.add_get("/attachments/{attachment_id}/{filename}", rest_channels.serve_attachment)
    app.router.add_route("*", API_PREFIX + "/{tail:.*}", _unknown_route, name=UNKNOWN_ROUTE)
    return app


async def _unknown_route(request: web.Request) -> web.Response:
    log.info("emulator: no route for %s %s", request.method, request.path)
    return error_response(404, "404: Not Found", 0)
