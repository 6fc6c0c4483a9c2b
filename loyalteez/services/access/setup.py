"""Linking a Discord server to a brand (/setup connect, status, disconnect).

The security key proves the right to the brand. It is checked here and then forgotten: it never
reaches a log, an audit row or a reply. Wrong keys are slowed down per server and per member, in the
database so a restart does not lift a lockout, so a key cannot be guessed by trying. An unknown brand id
costs the same hashing as a wrong key (nothing tells which brand ids exist), and the hashing runs in a
worker thread so the bot keeps serving everyone else meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from loyalteez.clock import Clock
from loyalteez.services.access import audit, texts
from loyalteez.services.access.brands import key_matches
from loyalteez.store import Scope, ScopedData, ScopeError, Store
from loyalteez.store.repos.server import RemovedRows, ServerConfig, ServerLinkedElsewhere

# After FREE_ATTEMPTS wrong keys a server (or a member) must wait, doubling each time up to MAX_LOCKOUT.
FREE_ATTEMPTS = 3
FIRST_LOCKOUT = timedelta(seconds=30)
MAX_LOCKOUT = timedelta(hours=1)
FORGET_AFTER = timedelta(hours=24)
SERVER, MEMBER = "server", "member"

OnConnect = Callable[[ScopedData], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class SetupStatus:
    """What /setup status shows."""

    brand_id: str
    brand_name: str
    server_name: str | None
    connected_at: datetime | None
    members_tracked: int
    reward_events: int


@dataclass(frozen=True)
class ConnectResult:
    ok: bool
    message: str
    scope: Scope | None = None


@dataclass
class SetupService:
    store: Store
    clock: Clock
    # Run inside the connect transaction, e.g. installing the default reward events.
    on_connect: list[OnConnect] = field(default_factory=list)
    # One connect attempt at a time: a burst of parallel guesses cannot all pass the lockout check before
    # the first wrong key is recorded.
    _attempts: asyncio.Lock = field(default_factory=asyncio.Lock)
    # server id -> scope or None; every message needs it, and links only change through this service.
    _scopes: dict[str, Scope | None] = field(default_factory=dict)

    async def scope_for(self, server_id: str) -> Scope | None:
        """The scope of an actively connected server, or None: an unconnected server earns nothing."""
        if server_id in self._scopes:
            return self._scopes[server_id]
        link = await self.store.server_link(server_id)
        scope = Scope(link["brand_id"], server_id) if link and link["is_active"] else None
        self._scopes[server_id] = scope
        return scope

    async def connect(
        self, *, server_id: str, server_name: str | None, brand_id: str, security_key: str, actor_id: str
    ) -> ConnectResult:
        subjects = [(SERVER, server_id), (MEMBER, actor_id)]
        async with self._attempts:
            now = self.clock.now()
            locked = await self._lockout(subjects, now)
            if locked is not None:
                kind, wait = locked
                return ConnectResult(False, (texts.setup_locked if kind == SERVER else texts.setup_locked_member)(wait))
            brand_id = (brand_id or "").strip()
            try:
                scope: Scope | None = Scope(brand_id, server_id)
            except ScopeError:
                scope = None
            brand = await self.store.get_brand(brand_id) if scope is not None else None
            key = (security_key or "").strip()
            if not await asyncio.to_thread(key_matches, brand, key) or scope is None or brand is None:
                await self._fail(subjects, now)
                return ConnectResult(False, texts.SETUP_WRONG_KEY)
        return await self._link(scope, brand, server_name, actor_id)

    async def connect_trusted(
        self, *, server_id: str, server_name: str | None, brand_id: str, actor_id: str
    ) -> ConnectResult:
        """Connect without the brand's key: for local tools that hold the database file itself (a history
        replay into its own database), where the file, not the key, is the authority."""
        brand = await self.store.get_brand(brand_id)
        if brand is None:
            return ConnectResult(False, texts.SETUP_WRONG_KEY)
        return await self._link(Scope(brand_id, server_id), brand, server_name, actor_id)

    async def _link(self, scope: Scope, brand: dict[str, Any], server_name: str | None, actor_id: str) -> ConnectResult:
        server_id = scope.server_id
        data = self.store.scoped(scope)
        try:
            async with self.store.transaction():
                before = await data.server.link(server_name)
                if before is not None and before.brand_id != scope.brand_id:
                    await self._hand_over(data, before.brand_id, actor_id)
                for hook in self.on_connect:
                    await hook(data)
                await audit.record(
                    data,
                    actor_type="admin",
                    actor_id=actor_id,
                    action="server_connected",
                    details={"server_name": server_name, "brand_name": brand["name"]},
                    before=_link_state(before),
                    after=_link_state(await data.server.config()),
                )
        except ServerLinkedElsewhere:
            return ConnectResult(False, texts.SETUP_LINKED_ELSEWHERE)
        finally:
            self._scopes.pop(server_id, None)
        already = bool(before and before.is_active)
        message = texts.setup_already if already else texts.setup_connected
        return ConnectResult(True, message(brand["name"]), scope)

    async def _hand_over(self, data: ScopedData, previous_brand_id: str, actor_id: str) -> None:
        """The server changes brand: the previous brand's settings here go (audited in both brands' trails)."""
        cleared = await data.server.clear_previous_brand(previous_brand_id)
        details = {"previous_brand_id": previous_brand_id, "new_brand_id": data.scope.brand_id, "cleared": cleared}
        old = self.store.scoped(Scope(previous_brand_id, data.scope.server_id))
        for trail in (old, data):
            await audit.record(
                trail, actor_type="admin", actor_id=actor_id, action="server_handed_over", details=details
            )

    async def status(self, server_id: str) -> SetupStatus | None:
        """What /setup status shows, or None when the server is not connected."""
        scope = await self.scope_for(server_id)
        if scope is None:
            return None
        data = self.store.scoped(scope)
        config = await data.server.config()
        brand = await self.store.get_brand(scope.brand_id)
        return SetupStatus(
            brand_id=scope.brand_id,
            brand_name=brand["name"] if brand else scope.brand_id,
            server_name=config.server_name if config else None,
            connected_at=config.connected_at if config else None,
            members_tracked=await data.server.tracked_members(),
            reward_events=await data.server.reward_event_count(),
        )

    async def disconnect(self, *, server_id: str, actor_id: str) -> RemovedRows | None:
        """Unlink and apply retention; None when there was nothing to disconnect."""
        scope = await self.scope_for(server_id)
        if scope is None:
            return None
        data = self.store.scoped(scope)
        async with self.store.transaction():
            before = await data.server.config()
            removed = await data.server.unlink()
            self._scopes.pop(server_id, None)
            await audit.record(
                data,
                actor_type="admin",
                actor_id=actor_id,
                action="server_disconnected",
                details={"removed_rows": removed},
                before=_link_state(before),
                after=_link_state(await data.server.config()),
            )
        return removed

    # -- wrong-key throttle ------------------------------------------------------------------------------

    async def _lockout(self, subjects: list[tuple[str, str]], now: datetime) -> tuple[str, timedelta] | None:
        """The longest wait any of the subjects is still locked out for, with its kind; None when free."""
        waits = [
            (row["kind"], row["locked_until"] - now)
            for row in await self.store.connect_attempts(subjects)
            if row["locked_until"] is not None and now < row["locked_until"]
        ]
        return max(waits, key=lambda found: found[1]) if waits else None

    async def _fail(self, subjects: list[tuple[str, str]], now: datetime) -> None:
        """Count one wrong key against each subject; the third and later start a doubling lockout."""
        await self.store.forget_connect_attempts(now - FORGET_AFTER)
        rows = {(row["kind"], row["subject_id"]): row for row in await self.store.connect_attempts(subjects)}
        async with self.store.transaction():
            for kind, subject_id in subjects:
                row = rows.get((kind, subject_id))
                count = (row["failures"] if row else 0) + 1
                locked_until = None
                if count >= FREE_ATTEMPTS:
                    doublings = min(count - FREE_ATTEMPTS, 16)  # 30 s x 2**16 is far past MAX_LOCKOUT already
                    locked_until = now + min(FIRST_LOCKOUT * 2**doublings, MAX_LOCKOUT)
                await self.store.save_connect_attempt(kind, subject_id, count, now, locked_until)


def _link_state(config: ServerConfig | None) -> dict[str, Any] | None:
    """The part of the link the audit trail records before and after a change."""
    if config is None:
        return None
    return {
        "brand_id": config.brand_id,
        "server_name": config.server_name,
        "is_active": config.is_active,
        "connected_at": config.connected_at,
    }
