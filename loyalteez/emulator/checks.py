"""Request validation, rate limits and fault injection, plugged into the REST middleware.

`spec.py` (Discord's OpenAPI rules) and `ratelimit.py` (buckets, 429s, injected faults) are pure
logic written separately; this adapter feeds them each captured request and turns their decisions
into HTTP answers. Either can be switched off per emulator (`validate=False`, `rate_limits=False`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .ratelimit import FaultInjector, RateLimiter
from .rest import CapturedRequest, Rejection, json_response
from .spec import ApiSpec

if TYPE_CHECKING:
    from .server import Emulator

log = logging.getLogger("loyalteez.emulator.checks")


class Checks:
    def __init__(self, emu: Emulator, *, validate: bool = True, rate_limits: bool = True) -> None:
        self.emu = emu
        self.spec: ApiSpec | None = ApiSpec.load() if validate else None  # parsed once per process
        self.limiter: RateLimiter | None = RateLimiter() if rate_limits else None
        self.faults = FaultInjector()

    # -------------------------------------------------------------- before the handler
    def before(self, record: CapturedRequest) -> web.Response | None:
        fault = self.faults.next_fault(record.method, record.template)
        if fault is not None:
            log.info("emulator: injected %s for %s %s", fault.status, record.method, record.path)
            return json_response(fault.body, status=fault.status, headers=fault.headers)
        if self.limiter is not None and record.template is not None:
            limited = self._hit(record)
            if limited is not None:
                return limited
        if self.spec is not None and record.template is not None:
            errors = self._validate(record)
            if errors is not None:
                self.emu.rejected_requests.append(
                    Rejection(record.method, record.path, record.body, errors.get("errors", {}))
                )
                log.warning("emulator: rejected %s %s: %s", record.method, record.path, errors.get("errors"))
                return json_response(errors, status=400)
        return None

    def _validate(self, record: CapturedRequest) -> dict[str, Any] | None:
        assert self.spec is not None
        op = self.spec.match(record.method, record.path)
        if op is None:
            return None
        return self.spec.validate(op, record.body, record.query)

    def _hit(self, record: CapturedRequest) -> web.Response | None:
        assert self.limiter is not None and record.template is not None
        decision = self.limiter.hit(record.method, record.template, record.path)
        record.ratelimit_headers = decision.headers
        if decision.limited:
            log.info("emulator: rate limited %s %s for %.3fs", record.method, record.path, decision.retry_after)
            return json_response(decision.body, status=429, headers=decision.headers)
        return None

    # -------------------------------------------------------------- after the handler
    def after(self, record: CapturedRequest, response: web.StreamResponse) -> None:
        """Rate-limit headers on every answer, as Discord sends them (static ones when limits are off)."""
        response.headers.setdefault("Via", "1.1 google")
        headers = record.ratelimit_headers or {
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "49",
            "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": (record.template or "unknown").strip("/").replace("/", "."),
        }
        for key, value in headers.items():
            response.headers.setdefault(key, value)
