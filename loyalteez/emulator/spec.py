"""Discord's REST routes and request rules, read from Discord's own OpenAPI 3.1 description.

The emulator answers a request the way Discord would because the routes, parameters and limits
come from ``spec_data/openapi.json`` (Discord's published spec, copied unchanged), not from a
hand-kept list. ``spec_extra`` adds the few documented rules the schema cannot express.

Usage (the REST layer)::

    spec = ApiSpec.load()
    op = spec.match("POST", "/channels/123/messages")      # None -> 404
    body = extract_json_body(request.content_type, raw)     # InvalidJsonBody -> 400 (50109)
    error = spec.validate(op, body, request.query)          # dict -> 400 with that JSON
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from loyalteez.emulator.spec_extra import apply_extra_rules
from loyalteez.emulator.spec_validate import REQUIRED, FieldError, SchemaValidator, error_tree

SPEC_PATH = Path(__file__).resolve().parent / "spec_data" / "openapi.json"
INVALID_FORM_BODY = 50035
INVALID_JSON = 50109
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_API_PREFIX = re.compile(r"^/api(/v\d+)?(?=/)")
_BOOL_TEXT = {"true": True, "1": True, "false": False, "0": False}

_cache: dict[Path, ApiSpec] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class Operation:
    """One matched route: the spec's template plus the concrete values of its ``{params}``."""

    method: str
    path: str
    params: dict[str, str]
    operation_id: str
    spec: Mapping[str, Any] = field(repr=False, compare=False)
    parameters: tuple[Mapping[str, Any], ...] = field(repr=False, compare=False, default=())


@dataclass(frozen=True)
class _Route:
    template: str
    segments: tuple[str, ...]
    item: Mapping[str, Any]

    def bind(self, parts: Sequence[str]) -> dict[str, str] | None:
        params: dict[str, str] = {}
        for pattern, part in zip(self.segments, parts, strict=True):
            if pattern.startswith("{") and pattern.endswith("}"):
                if not part:
                    return None
                params[pattern[1:-1]] = part
            elif pattern != part:
                return None
        return params

    @property
    def rank(self) -> tuple[int, ...]:
        """Literal segments sort before templates, segment by segment (``/users/@me`` first)."""
        return tuple(1 if s.startswith("{") else 0 for s in self.segments)

    @property
    def head(self) -> str | None:
        """The first segment when it is literal (``channels``), None when it is a ``{param}``."""
        first = self.segments[0]
        return None if first.startswith("{") and first.endswith("}") else first


class InvalidJsonBody(ValueError):
    """The body was not JSON; ``body`` is what Discord answers (HTTP 400)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or "invalid JSON body")
        self.body: dict[str, Any] = {
            "code": INVALID_JSON,
            "message": "The request body contains invalid JSON.",
        }


class ApiSpec:
    """Route index and request validator over one parsed OpenAPI document."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.validator = SchemaValidator(document)
        self._routes: dict[int, list[_Route]] = {}
        for template, item in document.get("paths", {}).items():
            segments = tuple(template.strip("/").split("/"))
            self._routes.setdefault(len(segments), []).append(_Route(template, segments, item))
        # Every request is matched: only the routes that can bind its first segment are tried, in rank order
        # (a route whose first segment is a {param} can bind any, so it is in every list of its length).
        self._by_head: dict[tuple[int, str | None], list[_Route]] = {}
        for size, routes in self._routes.items():
            routes.sort(key=lambda r: r.rank)
            for head in {r.head for r in routes}:
                self._by_head[size, head] = [r for r in routes if r.head in (head, None)]

    @classmethod
    def load(cls, path: Path | None = None) -> ApiSpec:
        """Parse the spec once per process (per file) and reuse it."""
        key = (path or SPEC_PATH).resolve()
        with _cache_lock:
            spec = _cache.get(key)
            if spec is None:
                spec = _cache[key] = cls(json.loads(key.read_text(encoding="utf-8")))
            return spec

    @property
    def version(self) -> str:
        return str(self.document.get("info", {}).get("version", ""))

    def _candidates(self, path: str) -> list[tuple[_Route, dict[str, str]]]:
        path = _API_PREFIX.sub("", path.split("?", 1)[0])
        parts = path.strip("/").split("/")
        size = len(parts)
        routes = self._by_head.get((size, parts[0])) or self._by_head.get((size, None)) or []
        found = []
        for route in routes:
            params = route.bind(parts)
            if params is not None:
                found.append((route, params))
        return found

    def match(self, method: str, path: str) -> Operation | None:
        """The operation for a concrete path (after ``/api/v10``), or None if Discord has no such route."""
        verb = method.lower()
        for route, params in self._candidates(path):
            op = route.item.get(verb)
            if isinstance(op, Mapping):
                declared = (*route.item.get("parameters", ()), *op.get("parameters", ()))
                return Operation(verb.upper(), route.template, params, op.get("operationId", ""), op, tuple(declared))
        return None

    def allowed_methods(self, path: str) -> list[str]:
        """Methods the path supports, so the server can tell 405 from 404."""
        methods: list[str] = []
        for route, _ in self._candidates(path):
            methods += [m.upper() for m in HTTP_METHODS if m in route.item and m.upper() not in methods]
        return methods

    def body_schema(self, op: Operation) -> Mapping[str, Any] | None:
        """The JSON request schema (all media types share it, multipart only adds ``files[n]``)."""
        content = op.spec.get("requestBody", {}).get("content", {})
        media = content.get("application/json") or next(iter(content.values()), None)
        return None if media is None else media.get("schema")

    def validate(
        self, op: Operation, body: Any, query: Mapping[str, Any] | None = None, *, extras: bool = True
    ) -> dict[str, Any] | None:
        """None if Discord would accept the request, else its 50035 body.

        ``body`` is the decoded JSON (see ``extract_json_body``); None means no body. ``query``
        values may be strings or lists of strings (repeated keys). Path parameters are checked
        too (``/channels/abc/messages`` fails like on Discord). ``extras=False`` skips the
        rules in ``spec_extra`` and checks the schema alone.
        """
        errors = self._parameter_errors(op, query or {})
        schema = self.body_schema(op)
        if schema is not None:
            # No body reads as {} unless the schema allows null (the bulk command overwrite does).
            if body is not None or self.validator.check(schema, None):
                errors += self.validator.check(schema, {} if body is None else body)
            if extras:
                errors = apply_extra_rules(op.operation_id, body, errors)
        if not errors:
            return None
        return invalid_form_body(errors)

    def _parameter_errors(self, op: Operation, query: Mapping[str, Any]) -> list[FieldError]:
        errors: list[FieldError] = []
        for param in op.parameters:
            name, where = param.get("name", ""), param.get("in")
            schema = param.get("schema", {})
            if where == "path" and name in op.params:
                errors += self.validator.check(schema, op.params[name], (name,))
            elif where == "query":
                if name in query:
                    value = self._query_value(schema, query[name])
                    errors += self.validator.check(schema, value, (name,))
                elif param.get("required"):
                    errors.append(FieldError((name,), *REQUIRED))
        return errors

    def _query_value(self, schema: Mapping[str, Any], raw: Any) -> Any:
        """Query strings arrive as text: read ``true``/``1`` as booleans, wrap lone list items."""
        resolved = self.validator.resolve(schema)
        kinds = resolved.get("type")
        kinds = [kinds] if isinstance(kinds, str) else list(kinds or ())
        if isinstance(raw, list | tuple):
            return list(raw) if "array" in kinds or not kinds else (raw[-1] if raw else "")
        if "boolean" in kinds and isinstance(raw, str):
            return _BOOL_TEXT.get(raw.lower(), raw)
        if "array" in kinds:
            return [raw]
        return raw


def invalid_form_body(errors: list[FieldError]) -> dict[str, Any]:
    """Discord's 400 body for validation failures."""
    return {"code": INVALID_FORM_BODY, "message": "Invalid Form Body", "errors": error_tree(errors)}


def extract_json_body(content_type: str, raw: bytes | Mapping[str, Any]) -> Any:
    """The JSON a request carries, however py-cord sent it.

    * ``application/json``: ``raw`` is the body bytes.
    * ``multipart/form-data`` (messages with files) and ``application/x-www-form-urlencoded``:
      ``raw`` is the body bytes, or the already-parsed form (``await request.post()``); the
      ``payload_json`` field holds the JSON, else the plain text fields form the body.
    Returns None for an empty body. Raises ``InvalidJsonBody`` when the JSON does not parse.
    """
    mime = content_type.split(";", 1)[0].strip().lower()
    if isinstance(raw, Mapping):
        return _from_form(raw)
    if mime == "multipart/form-data":
        return _from_form(_parse_multipart(content_type, raw))
    if mime == "application/x-www-form-urlencoded":
        return _from_form(dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)))
    return _loads(raw)


def _loads(raw: bytes | str) -> Any:
    if not raw or not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidJsonBody(str(exc)) from exc


def _from_form(form: Mapping[str, Any]) -> Any:
    if "payload_json" in form:
        value = form["payload_json"]
        if hasattr(value, "file"):  # sent as a file part (aiohttp's FileField)
            value = value.file.read()
        return _loads(value if isinstance(value, str | bytes) else str(value))
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    return fields or None


def _parse_multipart(content_type: str, raw: bytes) -> dict[str, Any]:
    """Text fields of a multipart body (file parts are left to the server).

    aiohttp's ``request.content_type`` drops the ``boundary``; then it is read off the first line.
    """
    if "boundary=" not in content_type:
        first = raw.lstrip(b"\r\n").split(b"\r\n", 1)[0]
        if not first.startswith(b"--"):
            return {}
        content_type = f'multipart/form-data; boundary="{first[2:].decode("latin-1").strip()}"'
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(header + raw)
    fields: dict[str, Any] = {}
    if not message.is_multipart():
        return fields
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or part.get_filename():
            continue
        payload = part.get_payload(decode=True)  # bytes, or None for a nested multipart part
        data = payload if isinstance(payload, bytes) else b""
        fields[name] = data.decode(part.get_content_charset() or "utf-8", "replace")
    return fields
