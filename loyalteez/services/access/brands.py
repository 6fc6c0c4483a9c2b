"""Brands and their security keys.

A brand owns servers and brand-wide rules, so linking a server must prove the right to the brand:
the key is shown once when made and only a salted PBKDF2 hash is kept, so a leaked database does
not leak keys.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from loyalteez.services.access import audit
from loyalteez.services.errors import ValidationError
from loyalteez.store import Scope, Store

_PBKDF2_ROUNDS = 200_000
_NAME = re.compile(r"^[\w .'&-]{1,64}$")
MAX_BUDGET = 10**15
OPERATOR = "operator"  # the audit's actor id for changes made from the command line


@dataclass(frozen=True)
class NewKey:
    brand_id: str
    name: str
    security_key: str


def hash_key(key: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", key.encode(), bytes.fromhex(salt), _PBKDF2_ROUNDS).hex()


# Hashed against when the brand id is unknown, so an unknown id costs the same time as a wrong key.
_DUMMY_SALT = secrets.token_hex(16)
_DUMMY_HASH = secrets.token_hex(32)


def key_matches(brand: dict[str, Any] | None, key: str) -> bool:
    """Constant-time comparison so timing does not reveal how much of a guess was right, nor (with brand None,
    an unknown brand id) whether the brand exists. Slow on purpose: call it off the event loop."""
    salt, digest = (brand["key_salt"], brand["key_hash"]) if brand is not None else (_DUMMY_SALT, _DUMMY_HASH)
    if not key or len(key) > 200:
        key = "-"  # still hash: an empty key costs the same time as any other
    matched = hmac.compare_digest(hash_key(key, salt), digest)
    return matched and brand is not None and key != "-"


def _fresh_key() -> tuple[str, str, str]:
    key = "ltz_" + secrets.token_urlsafe(24)
    salt = secrets.token_hex(16)
    return key, salt, hash_key(key, salt)


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not _NAME.match(name):
        raise ValidationError("name", "a brand name is 1-64 letters, digits, spaces or . ' & - _")
    return name


def name_key(name: str) -> str:
    """What two brand names must differ in: case, spaces and punctuation do not count ("My Community",
    "my community" and "my-community" are one brand to a person reading `brand list`)."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


async def _named(store: Store, name: str) -> list[dict[str, Any]]:
    key = name_key(name)
    return [dict(row) for row in await store.list_brands() if name_key(str(row["name"])) == key]


async def create_brand(store: Store, name: str) -> NewKey:
    """Make a brand; the returned key is the only time it is ever shown."""
    name = _check_name(name)
    same = await _named(store, name)
    if same:
        existing = same[0]["name"]
        if existing == name:
            raise ValidationError("name", f"a brand named {name!r} already exists")
        raise ValidationError(
            "name", f"a brand named {existing!r} already exists, too close to {name!r}: pick a more distinct name"
        )
    brand_id = "brand_" + secrets.token_hex(6)
    key, salt, digest = _fresh_key()
    await store.insert_brand({"brand_id": brand_id, "name": name, "key_salt": salt, "key_hash": digest})
    return NewKey(brand_id, name, key)


async def find_brand(store: Store, ref: str) -> dict[str, Any]:
    """A brand by id, or by name ignoring case, spaces and punctuation; a ValidationError names what failed."""
    brand = await store.get_brand(ref) or await store.get_brand_by_name(ref)
    if brand is not None:
        return brand
    same = await _named(store, ref)
    if len(same) > 1:
        ids = ", ".join(f"{b['brand_id']} ({b['name']})" for b in same)
        raise ValidationError("brand", f"several brands are named like {ref!r}: use the brand id, one of {ids}")
    found = await store.get_brand(str(same[0]["brand_id"])) if same else None
    if found is None:
        raise ValidationError("brand", f"no brand with id or name {ref!r} (see `python bot.py brand list`)")
    return found


async def rotate_key(store: Store, ref: str) -> NewKey:
    """Replace a brand's key; servers stay linked, only future /setup connect needs the new key."""
    brand = await find_brand(store, ref)
    key, salt, digest = _fresh_key()
    async with store.transaction():
        await store.update_brand(brand["brand_id"], {"key_salt": salt, "key_hash": digest})
        await _audit_servers(store, brand, "brand_key_rotated", None, None)
    return NewKey(brand["brand_id"], brand["name"], key)


async def set_budget(store: Store, ref: str, amount: str) -> dict[str, Any]:
    """Set the brand's LTZ budget ('none' removes it); returns the brand as updated."""
    brand = await find_brand(store, ref)
    text = amount.strip().lower().replace(",", "").replace("_", "")
    if text in ("none", "off", "unlimited"):
        budget = None
    elif text.isdigit() and 0 < int(text) <= MAX_BUDGET:
        budget = int(text)
    else:
        raise ValidationError("budget", f"must be a whole number of LTZ from 1 to {MAX_BUDGET:,}, or 'none'")
    async with store.transaction():
        await store.update_brand(brand["brand_id"], {"ltz_budget": budget})
        await _audit_servers(
            store, brand, "brand_budget_set", {"ltz_budget": brand["ltz_budget"]}, {"ltz_budget": budget}
        )
    return await find_brand(store, brand["brand_id"])


async def _audit_servers(
    store: Store,
    brand: dict[str, Any],
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """A brand change from the command line is on record in every server the brand has linked: their
    admins see in /audit who changed what (the audit log is per server; a brand has no log of its own)."""
    for server in await store.active_servers():
        if server["brand_id"] != brand["brand_id"]:
            continue
        await audit.record(
            store.scoped(Scope(str(brand["brand_id"]), str(server["server_id"]))),
            actor_type="system",
            actor_id=OPERATOR,
            action=action,
            details={"brand_id": brand["brand_id"], "brand_name": brand["name"]},
            before=before,
            after=after,
        )
