"""Typed admin options: channel mentions and keyword lists."""

from __future__ import annotations

import pytest

from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards.input import channel_ids, keyword_list

A, B = "700000000000000001", "700000000000000002"


def test_channel_mentions_and_ids_of_this_server() -> None:
    assert channel_ids(None, {A}) is None
    assert channel_ids(" any ", {A}) == [] and channel_ids("", {A}) == []
    assert channel_ids(f"<#{A}>, {B} <#{A}>", {A, B}) == [A, B]


@pytest.mark.parametrize(("text", "says"), [("general", "mention channels"), (f"<#{A}> and more", "mention")])
def test_anything_else_is_refused(text: str, says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        channel_ids(text, {A})


def test_a_channel_of_another_server_is_named() -> None:
    with pytest.raises(ValidationError, match=f"<#{B}> is not a channel of this server"):
        channel_ids(f"<#{B}>", {A})


def test_keywords_split_on_commas() -> None:
    assert keyword_list(None) is None
    assert keyword_list(" gm, good morning ,, ") == ["gm", "good morning"]
