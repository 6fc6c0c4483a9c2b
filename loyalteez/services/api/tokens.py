"""Bearer tokens of the JSON API: one brand each, shown once, kept as a salted hash, revocable.

A token reads `ltzapi_<id>_<secret>`: the id finds its row (and is what `api-token list` and `revoke`
show), the secret proves it. The secret is 256 random bits, so a fast salted HMAC is as safe as a slow
hash against a stolen database (nothing to guess), and costs microseconds on every API request instead
of the brand keys' deliberate PBKDF2 wait.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from loyalteez.services.access.brands import find_brand
from loyalteez.services.api import texts
from loyalteez.services.errors import ValidationError
from loyalteez.store import Store

PREFIX = "ltzapi_"
_ID = re.compile(r"^[0-9a-f]{12}$")
_LABEL = re.compile(r"^[\w .'&:/-]{1,64}$")
MAX_TOKENS = 20  # working tokens per brand: more is a sign of tokens made and never revoked


@dataclass(frozen=True)
class NewToken:
    token_id: str
    brand_id: str
    brand_name: str
    label: str
    token: str  # the whole token: printed once, never stored

    def __repr__(self) -> str:
        return f"NewToken({self.token_id!r}, brand={self.brand_id!r})"


@dataclass(frozen=True)
class TokenInfo:
    """What `api-token list` shows: never the secret, the salt or the hash."""

    token_id: str
    label: str
    created_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class ApiClient:
    """Who an API request is from: a token of one brand."""

    token_id: str
    brand_id: str


def digest(secret: str, salt: str) -> str:
    return hmac.new(bytes.fromhex(salt), secret.encode(), hashlib.sha256).hexdigest()


def split(token: str) -> tuple[str, str] | None:
    """(id, secret) of a well-formed token, else None."""
    if not token.startswith(PREFIX):
        return None
    token_id, sep, secret = token[len(PREFIX) :].partition("_")
    if not sep or not _ID.match(token_id) or not 30 <= len(secret) <= 100:
        return None
    return token_id, secret


def check_label(label: str | None) -> str:
    text = (label or "").strip() or "api"
    if not _LABEL.match(text):
        raise ValidationError("label", texts.BAD_LABEL)
    return text


async def create(store: Store, brand_ref: str, label: str | None) -> NewToken:
    """A new token for the brand; the returned `token` is the only time it exists outside its holder."""
    brand = await find_brand(store, brand_ref)
    name = check_label(label)
    working = [row for row in await store.api_tokens.of_brand(str(brand["brand_id"])) if row.revoked_at is None]
    if len(working) >= MAX_TOKENS:
        raise ValidationError("brand", texts.too_many(MAX_TOKENS))
    token_id, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(32), secrets.token_hex(16)
    await store.api_tokens.add(token_id, str(brand["brand_id"]), name, salt, digest(secret, salt))
    return NewToken(token_id, str(brand["brand_id"]), str(brand["name"]), name, f"{PREFIX}{token_id}_{secret}")


async def listed(store: Store, brand_ref: str) -> tuple[str, list[TokenInfo]]:
    """The brand's name and its tokens, revoked ones too (so an operator sees what was cut off)."""
    brand = await find_brand(store, brand_ref)
    rows = await store.api_tokens.of_brand(str(brand["brand_id"]))
    return str(brand["name"]), [TokenInfo(r.token_id, r.label, r.created_at, r.revoked_at) for r in rows]


async def revoke(store: Store, brand_ref: str, token_id: str) -> TokenInfo:
    """Cut a token off at once (the next request with it answers 401); a ValidationError names what failed."""
    brand = await find_brand(store, brand_ref)
    wanted = token_id.strip().removeprefix(PREFIX).split("_", 1)[0]
    if not _ID.match(wanted):
        raise ValidationError("token", texts.bad_token_id(token_id))
    row = await store.api_tokens.get(wanted)
    if row is None or row.brand_id != brand["brand_id"]:
        raise ValidationError("token", texts.no_such_token(wanted, str(brand["name"])))
    if row.revoked_at is not None:
        raise ValidationError("token", texts.already_revoked(wanted))
    await store.api_tokens.revoke(row.brand_id, row.token_id)
    fresh = await store.api_tokens.get(wanted)
    assert fresh is not None
    return TokenInfo(fresh.token_id, fresh.label, fresh.created_at, fresh.revoked_at)


async def authenticate(store: Store, token: str) -> ApiClient | None:
    """The brand a presented token reads for, or None (unknown, malformed, wrong secret or revoked)."""
    parts = split(token)
    if parts is None:
        return None
    token_id, secret = parts
    row = await store.api_tokens.get(token_id)
    if row is None:
        return None
    if not hmac.compare_digest(digest(secret, row.salt), row.digest) or row.revoked_at is not None:
        return None
    return ApiClient(row.token_id, row.brand_id)
