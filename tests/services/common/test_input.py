"""Option checks shared by the engagement features."""

from __future__ import annotations

from datetime import timedelta

from loyalteez.services.common import input as common


def test_lifespans() -> None:
    assert common.lifespan(None) == timedelta(hours=24)
    assert common.lifespan("5m") == timedelta(minutes=5)
    assert common.lifespan("1h30m") == timedelta(minutes=90)
    assert common.lifespan("168h") == timedelta(hours=168)
    assert common.lifespan("permanent") is None
