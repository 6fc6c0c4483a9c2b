"""`python bot.py api-token create|list|revoke BRAND` as an operator runs it: the token printed once,
stored only as a salted hash, cut off by revoke; a bad argument is one sentence and exit 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from loyalteez.clock import SystemClock
from loyalteez.services.access import brands
from loyalteez.services.api import tokens
from loyalteez.services.errors import ValidationError
from loyalteez.store import Store
from tests.cli.helpers import bot


async def test_api_tokens_from_the_shell(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    store = await Store.open(str(path), SystemClock())
    try:
        brand = await brands.create_brand(store, "Acme Coffee")
    finally:
        await store.close()

    made = bot("--db", str(path), "api-token", "create", "acme coffee", "--label", "giveaway bot")
    assert made.returncode == 0, made.stderr
    token = re.search(r"^  (ltzapi_\S+)$", made.stdout, re.M).group(1)
    token_id = re.search(r"API token (\w+) \(giveaway bot\) for brand Acme Coffee", made.stdout).group(1)
    secret = tokens.split(token)[1]  # the secret itself may hold "_"
    assert secret.encode() not in path.read_bytes()

    listed = bot("--db", str(path), "api-token", "list", brand.brand_id)
    assert re.search(rf"^{token_id}  giveaway bot  made .* UTC  active$", listed.stdout, re.M), listed.stdout
    assert secret not in listed.stdout

    store = await Store.open(str(path), SystemClock())
    try:
        assert await tokens.authenticate(store, token) == tokens.ApiClient(token_id, brand.brand_id)
        revoked = bot("--db", str(path), "api-token", "revoke", "Acme Coffee", token_id)
        assert revoked.returncode == 0 and f"Revoked API token {token_id}" in revoked.stdout
        assert await tokens.authenticate(store, token) is None
    finally:
        await store.close()

    refused = bot("--db", str(path), "api-token", "revoke", "Acme Coffee", token_id)
    assert refused.returncode == 2
    assert refused.stderr == f"Error: token: API token {token_id} is revoked already\n"


async def test_bad_token_arguments_are_one_sentence_and_change_nothing(store) -> None:
    """The command line prints these sentences and exits 2 (as the shell test shows for one of them)."""
    brand = await brands.create_brand(store, "Acme Coffee")
    made = await tokens.create(store, brand.brand_id, None)
    for attempt, sentence in (
        (tokens.revoke(store, "Acme Coffee", "nope"), "'nope' is not an API token id (12 hex digits"),
        (tokens.revoke(store, "Acme Coffee", "0123456789ab"), "brand Acme Coffee has no API token 0123456789ab"),
        (tokens.create(store, "Nobody", None), "no brand with id or name 'Nobody'"),
        (tokens.create(store, "Acme Coffee", "<script>"), "a token label is 1-64 letters"),
    ):
        with pytest.raises(ValidationError) as refused:
            await attempt
        assert sentence in refused.value.message
    _, listed = await tokens.listed(store, brand.brand_id)
    assert [(t.token_id, t.label, t.active) for t in listed] == [(made.token_id, "api", True)]
