"""Rate-limit headers and injected faults, as py-cord will see them from the emulator.

Clocks are injected, so windows open and close exactly when a test says.
"""

from __future__ import annotations

import pytest

from loyalteez.emulator.ratelimit import (
    FaultInjector,
    RateLimiter,
    RouteLimit,
    bucket_hash,
    route_params,
)

MESSAGES = "/channels/{channel_id}/messages"
CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
FOLLOWUP = "/webhooks/{webhook_id}/{webhook_token}"
EPOCH = 1_767_614_400.0  # 2026-01-05 12:00 UTC


class FakeClock:
    """Monotonic and wall clocks that only move when told."""

    def __init__(self) -> None:
        self.mono = 100.0

    def monotonic(self) -> float:
        return self.mono

    def wall(self) -> float:
        return EPOCH + self.mono

    def advance(self, seconds: float) -> None:
        self.mono += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def limiter(clock: FakeClock, limit: int = 3, window: float = 2.0) -> RateLimiter:
    return RateLimiter(RouteLimit(limit, window), clock=clock.monotonic, wall_clock=clock.wall)


def test_headers_count_down_then_429_then_reset(clock):
    rl = limiter(clock)
    first = rl.hit("POST", MESSAGES, {"channel_id": "1"})
    assert first.allowed and first.status == 200 and first.body is None
    assert first.headers == {
        "X-RateLimit-Limit": "3",
        "X-RateLimit-Remaining": "2",
        "X-RateLimit-Reset": f"{EPOCH + 100 + 2:.3f}",
        "X-RateLimit-Reset-After": "2.000",
        "X-RateLimit-Bucket": bucket_hash("POST", MESSAGES),
    }
    clock.advance(0.5)
    assert rl.hit("POST", MESSAGES, {"channel_id": "1"}).headers["X-RateLimit-Remaining"] == "1"
    third = rl.hit("POST", MESSAGES, {"channel_id": "1"})
    assert third.allowed and third.headers["X-RateLimit-Remaining"] == "0"
    assert third.headers["X-RateLimit-Reset-After"] == "1.500"

    clock.advance(0.25)
    over = rl.hit("POST", MESSAGES, {"channel_id": "1"})
    assert over.limited and over.status == 429
    assert over.body == {"message": "You are being rate limited.", "retry_after": 1.25, "global": False}
    assert over.headers["Retry-After"] == "2"
    assert over.headers["X-RateLimit-Scope"] == "user"
    assert over.headers["Via"] == "1.1 google"  # without it py-cord treats a 429 as a Cloudflare ban

    clock.advance(1.25)
    fresh = rl.hit("POST", MESSAGES, {"channel_id": "1"})
    assert fresh.allowed and fresh.headers["X-RateLimit-Remaining"] == "2"
    assert fresh.headers["X-RateLimit-Reset-After"] == "2.000"


def test_limited_requests_do_not_use_up_the_next_window(clock):
    rl = limiter(clock, limit=1, window=1.0)
    assert rl.hit("POST", MESSAGES, {"channel_id": "1"}).allowed
    for _ in range(5):
        assert rl.hit("POST", MESSAGES, {"channel_id": "1"}).limited
    clock.advance(1.0)
    assert rl.hit("POST", MESSAGES, {"channel_id": "1"}).allowed


def test_buckets_split_by_major_parameter_not_by_other_ids(clock):
    rl = limiter(clock, limit=1)
    assert rl.hit("POST", MESSAGES, {"channel_id": "1"}).allowed
    assert rl.hit("POST", MESSAGES, {"channel_id": "2"}).allowed  # another channel, another bucket
    assert rl.hit("GET", MESSAGES, {"channel_id": "1"}).allowed  # another method, another bucket
    edit = "/channels/{channel_id}/messages/{message_id}"
    assert rl.hit("PATCH", edit, {"channel_id": "1", "message_id": "10"}).allowed
    assert rl.hit("PATCH", edit, {"channel_id": "1", "message_id": "11"}).limited  # message_id is not major
    assert rl.hit("POST", CALLBACK, {"interaction_id": "5", "interaction_token": "a"}).allowed
    assert rl.hit("POST", CALLBACK, {"interaction_id": "6", "interaction_token": "b"}).allowed
    assert rl.hit("POST", FOLLOWUP, {"webhook_id": "9", "webhook_token": "a"}).allowed
    assert rl.hit("POST", FOLLOWUP, {"webhook_id": "9", "webhook_token": "b"}).allowed


def test_bucket_ids_are_stable_and_per_route(clock):
    rl = limiter(clock)
    a = rl.hit("POST", MESSAGES, {"channel_id": "1"}).bucket
    b = rl.hit("POST", MESSAGES, {"channel_id": "2"}).bucket
    assert a == b == bucket_hash("POST", MESSAGES)
    assert len(a) == 32 and int(a, 16) >= 0
    assert bucket_hash("GET", MESSAGES) != a


def test_a_concrete_path_works_in_place_of_params(clock):
    rl = limiter(clock, limit=1)
    assert route_params(MESSAGES, "/api/v10/channels/7/messages?x=1") == {"channel_id": "7"}
    assert rl.hit("POST", MESSAGES, "/channels/7/messages").allowed
    assert rl.hit("POST", MESSAGES, {"channel_id": "7"}).limited


def test_per_route_limits_and_defaults(clock):
    rl = RateLimiter(clock=clock.monotonic, wall_clock=clock.wall)
    assert rl.limit_for("POST", MESSAGES) == RouteLimit(50, 1.0)
    assert all(rl.hit("POST", MESSAGES, {"channel_id": "1"}).allowed for _ in range(50))
    assert rl.hit("POST", MESSAGES, {"channel_id": "1"}).limited
    rl.set_limit("post", CALLBACK, 1, 5.0)
    assert rl.hit("POST", CALLBACK, {"interaction_id": "1"}).headers["X-RateLimit-Limit"] == "1"
    assert rl.hit("POST", CALLBACK, {"interaction_id": "1"}).retry_after == 5.0
    rl.reset()
    assert rl.hit("POST", MESSAGES, {"channel_id": "1"}).allowed


def test_injected_429s_hit_the_next_requests_then_stop(clock):
    faults = FaultInjector(wall_clock=clock.wall)
    faults.inject_429(count=2)
    assert faults.pending == 2
    first = faults.next_fault("POST", MESSAGES)
    assert first is not None and first.status == 429
    assert first.body == {"message": "You are being rate limited.", "retry_after": 0.05, "global": False}
    assert first.headers["X-RateLimit-Scope"] == "user"
    assert first.headers["Via"] == "1.1 google"
    assert first.headers["Retry-After"] == "1"
    assert first.headers["X-RateLimit-Remaining"] == "0"
    assert faults.next_fault("GET", "/users/@me") is not None
    assert faults.next_fault("POST", MESSAGES) is None
    assert faults.count(429) == 2 and faults.pending == 0


def test_global_429_carries_the_global_flags(clock):
    faults = FaultInjector(wall_clock=clock.wall)
    faults.inject_429(retry_after=0.2, global_=True)
    fault = faults.next_fault("POST", CALLBACK)
    assert fault is not None and fault.global_
    assert fault.body == {"message": "You are being rate limited.", "retry_after": 0.2, "global": True}
    assert fault.headers["X-RateLimit-Global"] == "true"
    assert fault.headers["X-RateLimit-Scope"] == "global"
    assert "X-RateLimit-Bucket" not in fault.headers
    assert faults.count(429, global_=True) == 1 and faults.count(global_=False) == 0


def test_faults_can_target_one_route(clock):
    faults = FaultInjector(wall_clock=clock.wall)
    faults.inject_429(route=("POST", MESSAGES))
    faults.inject_status(502, route="POST " + CALLBACK)
    assert faults.next_fault("GET", MESSAGES) is None
    assert faults.next_fault("POST", "/channels/{channel_id}/typing") is None
    callback = faults.next_fault("POST", CALLBACK)
    assert callback is not None and callback.status == 502
    assert callback.body == {"message": "502: Bad Gateway", "code": 0}
    message = faults.next_fault("POST", MESSAGES)
    assert message is not None and message.status == 429
    assert [f.template for f in faults.served] == [CALLBACK, MESSAGES]


def test_server_errors_and_clear(clock):
    faults = FaultInjector(wall_clock=clock.wall)
    faults.inject_status(status=500, count=3)
    fault = faults.next_fault("GET", "/gateway/bot")
    assert fault is not None and fault.status == 500
    assert fault.body == {"message": "500: Internal Server Error", "code": 0}
    faults.clear()
    assert faults.pending == 0 and faults.next_fault("GET", "/gateway/bot") is None
    assert faults.count(500) == 1
    faults.inject_status(503, body={"message": "upstream down", "code": 0})
    assert faults.next_fault("GET", "/x").body == {"message": "upstream down", "code": 0}


def test_fault_arguments_are_checked():
    faults = FaultInjector()
    with pytest.raises(ValueError):
        faults.inject_status(status=200)
    with pytest.raises(ValueError):
        faults.inject_429(count=0)
