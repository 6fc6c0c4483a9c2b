"""Discord-style rate limits and fault injection for the emulator's REST layer (pure logic).

``RateLimiter`` counts requests per bucket the way Discord keys them (method + route template +
major parameter) and produces the ``X-RateLimit-*`` headers Discord sends on every response, or
a 429. ``FaultInjector`` is the switch a test flips to make the next requests fail (429s, global
429s, 5xx) so the bot's retry paths run for real. Both take injected clocks, so tests are exact.

py-cord facts that shaped this (discord/http.py, discord/webhook/async_.py):
* a 429 without a ``Via`` header is treated as a Cloudflare ban and raised, never retried, so
  every 429 here carries ``Via: 1.1 google`` like Discord's;
* py-cord sleeps the body's ``retry_after`` (not the header), so defaults stay small;
* ``X-RateLimit-Remaining: 0`` makes py-cord wait ``X-RateLimit-Reset-After`` before the next
  request on that bucket, which is why the default limit is generous (50 per second);
* on 500/502/503/504 py-cord sleeps ``1 + 2 * attempt`` seconds and retries (5 attempts), so
  each injected server error costs a test real seconds.
"""

from __future__ import annotations

import functools
import hashlib
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

Clock = Callable[[], float]
RouteKey = tuple[str, str]

# Parameters that split one route into separate buckets on Discord: per channel, per guild, per
# webhook (id + token) and per interaction (id + token).
MAJOR_PARAMETERS = (
    "channel_id",
    "guild_id",
    "webhook_id",
    "webhook_token",
    "interaction_id",
    "interaction_token",
)
RATE_LIMITED = "You are being rate limited."
VIA = "1.1 google"


@dataclass(frozen=True)
class RouteLimit:
    """``limit`` requests per ``window`` seconds for one bucket."""

    limit: int = 50
    window: float = 1.0


@functools.cache  # one per route: asked for on every request
def bucket_hash(method: str, template: str) -> str:
    """A stable id like Discord's ``X-RateLimit-Bucket`` (same route, same id, across runs)."""
    return hashlib.blake2b(f"{method.upper()} {template}".encode(), digest_size=16).hexdigest()


def route_params(template: str, path: str) -> dict[str, str]:
    """The ``{param}`` values of a concrete path (for callers that only have the path)."""
    names = template.strip("/").split("/")
    parts = path.split("?", 1)[0].strip("/").split("/")
    parts = parts[len(parts) - len(names) :] if len(parts) >= len(names) else parts  # drop /api/v10
    return {n[1:-1]: p for n, p in zip(names, parts, strict=False) if n.startswith("{") and n.endswith("}")}


def rate_limited_body(retry_after: float, is_global: bool) -> dict[str, Any]:
    """Discord's 429 JSON."""
    return {"message": RATE_LIMITED, "retry_after": round(retry_after, 3), "global": is_global}


@dataclass(frozen=True)
class Decision:
    """What to answer for one request: headers always, plus a 429 body when ``limited``."""

    limited: bool
    headers: dict[str, str]
    bucket: str
    retry_after: float = 0.0
    body: dict[str, Any] | None = None
    global_: bool = False

    @property
    def allowed(self) -> bool:
        return not self.limited

    @property
    def status(self) -> int:
        """429 when limited; 200 otherwise (the handler decides the real success status)."""
        return 429 if self.limited else 200


@dataclass
class _Window:
    started: float
    count: int = 0


class RateLimiter:
    """Fixed-window counters per Discord bucket; ``hit`` is called once per request."""

    def __init__(
        self,
        default: RouteLimit | None = None,
        *,
        limits: Mapping[RouteKey, RouteLimit] | None = None,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
    ) -> None:
        self.default = default or RouteLimit()
        self._limits = {(m.upper(), t): v for (m, t), v in (limits or {}).items()}
        self._clock, self._wall_clock = clock, wall_clock
        self._windows: dict[tuple[str, tuple[str, ...]], _Window] = {}
        self._lock = threading.Lock()

    def set_limit(self, method: str, template: str, limit: int, window: float) -> None:
        """Give one route its own limit (e.g. a tight one to exercise the bot's waiting)."""
        with self._lock:
            self._limits[(method.upper(), template)] = RouteLimit(limit, window)

    def limit_for(self, method: str, template: str) -> RouteLimit:
        return self._limits.get((method.upper(), template), self.default)

    def reset(self) -> None:
        """Forget every window (a fresh Discord)."""
        with self._lock:
            self._windows.clear()

    def hit(self, method: str, template: str, params: Mapping[str, str] | str | None = None) -> Decision:
        """Count one request; ``params`` are the route's values (or the concrete path)."""
        if isinstance(params, str):
            params = route_params(template, params)
        params = params or {}
        rule = self.limit_for(method, template)
        bucket = bucket_hash(method, template)
        major = tuple(f"{name}={params[name]}" for name in MAJOR_PARAMETERS if name in params)
        with self._lock:
            now = self._clock()
            window = self._windows.get((bucket, major))
            if window is None or now >= window.started + rule.window:
                if len(self._windows) > 4096:
                    self._prune(now)
                window = self._windows[(bucket, major)] = _Window(now)
            reset_after = max(window.started + rule.window - now, 0.001)
            limited = window.count >= rule.limit
            if not limited:
                window.count += 1
            remaining = max(rule.limit - window.count, 0)
            wall_now = self._wall_clock()
        headers = {
            "X-RateLimit-Limit": str(rule.limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{wall_now + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket,
        }
        if not limited:
            return Decision(False, headers, bucket)
        retry_after = round(reset_after, 3)
        headers.update({"Retry-After": str(math.ceil(retry_after)), "X-RateLimit-Scope": "user", "Via": VIA})
        return Decision(True, headers, bucket, retry_after, rate_limited_body(retry_after, False))

    def _prune(self, now: float) -> None:
        longest = max([self.default.window, *(r.window for r in self._limits.values())])
        stale = [key for key, w in self._windows.items() if now >= w.started + longest]
        for key in stale:
            del self._windows[key]


@dataclass(frozen=True)
class Fault:
    """One injected answer: status, body and headers ready to send."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    method: str
    template: str | None
    retry_after: float = 0.0
    global_: bool = False


@dataclass
class _Rule:
    status: int
    left: int
    route: RouteKey | None
    retry_after: float = 0.0
    global_: bool = False
    body: dict[str, Any] | None = None

    def matches(self, method: str, template: str | None) -> bool:
        if self.route is None:
            return True
        want_method, want_template = self.route
        return want_template == template and want_method in ("*", method.upper())


def _route_key(route: RouteKey | str | None) -> RouteKey | None:
    """Accept ``("POST", "/channels/{channel_id}/messages")``, ``"POST /channels/..."`` or a bare template."""
    if route is None:
        return None
    if isinstance(route, str):
        method, _, template = route.partition(" ")
        return (method.upper(), template) if template else ("*", route)
    return route[0].upper(), route[1]


def server_error_body(status: int) -> dict[str, Any]:
    """A Discord-like JSON body for a 5xx (Discord uses code 0 and ``"<status>: <reason>"``)."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Server Error"
    return {"message": f"{status}: {reason}", "code": 0}


class FaultInjector:
    """Queued faults that tests switch on; the server asks ``next_fault`` once per request.

    ``served`` lists every fault handed out (a test can assert what its bot went through).
    """

    def __init__(self, wall_clock: Clock = time.time) -> None:
        self.wall_clock = wall_clock
        self.served: list[Fault] = []
        self._rules: list[_Rule] = []
        self._lock = threading.Lock()

    def inject_429(
        self,
        count: int = 1,
        retry_after: float = 0.05,
        global_: bool = False,
        route: RouteKey | str | None = None,
    ) -> None:
        """The next ``count`` matching requests get a 429 (global ones hit every route)."""
        self._add(_Rule(429, count, _route_key(route), retry_after, global_))

    def inject_status(
        self,
        status: int = 500,
        count: int = 1,
        route: RouteKey | str | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        """The next ``count`` matching requests get ``status`` (500/502/503/504...) with JSON."""
        if not 400 <= status <= 599:
            raise ValueError(f"not an error status: {status}")
        self._add(_Rule(status, count, _route_key(route), body=body))

    def _add(self, rule: _Rule) -> None:
        if rule.left < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._rules.append(rule)

    def clear(self) -> None:
        """Drop pending faults (what was already served stays in ``served``)."""
        with self._lock:
            self._rules.clear()

    @property
    def pending(self) -> int:
        """How many faults are still queued."""
        with self._lock:
            return sum(rule.left for rule in self._rules)

    def count(self, status: int | None = None, *, global_: bool | None = None) -> int:
        """How many faults were served, optionally only one status or only (non-)global ones."""
        return sum(
            1
            for f in self.served
            if (status is None or f.status == status) and (global_ is None or f.global_ == global_)
        )

    def next_fault(self, method: str, template: str | None) -> Fault | None:
        """Consume and return the first queued fault matching this request, if any."""
        with self._lock:
            rule = next((r for r in self._rules if r.matches(method, template)), None)
            if rule is None:
                return None
            rule.left -= 1
            if rule.left == 0:
                self._rules.remove(rule)
            fault = self._build(rule, method.upper(), template)
            self.served.append(fault)
            return fault

    def _build(self, rule: _Rule, method: str, template: str | None) -> Fault:
        if rule.status != 429:
            body = dict(rule.body) if rule.body is not None else server_error_body(rule.status)
            return Fault(rule.status, body, {"Via": VIA}, method, template)
        retry_after = rule.retry_after
        headers = {"Retry-After": str(math.ceil(retry_after)), "Via": VIA}
        if rule.global_:
            headers.update({"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"})
        else:
            headers.update(
                {
                    "X-RateLimit-Limit": "1",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": f"{self.wall_clock() + retry_after:.3f}",
                    "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                    "X-RateLimit-Bucket": bucket_hash(method, template or ""),
                    "X-RateLimit-Scope": "user",
                }
            )
        body = rate_limited_body(retry_after, rule.global_)
        return Fault(429, body, headers, method, template, retry_after, rule.global_)
