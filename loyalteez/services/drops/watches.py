"""Watched channels (/watch): every new message in a channel becomes a reaction drop of the watch's event.

Split from the drops service, which records, pays and ends the drops themselves: this module keeps only the
watches (one per channel, with the event, emoji and lifespan each drop gets) and turns a watched channel's
new message into a `DropPlan` that `Drops.create` then records. For the adapter, watches are cached in memory
per server (`watch_for`), so a message costs no query unless its channel is watched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from loyalteez.ids import new_id
from loyalteez.services.access import audit
from loyalteez.services.access.gate import open_admin
from loyalteez.services.access.permissions import Caller, Level
from loyalteez.services.common import input as common
from loyalteez.services.drops import texts
from loyalteez.services.drops.service import DropPlan, drop_rule
from loyalteez.services.errors import ValidationError
from loyalteez.store import Scope, Store
from loyalteez.store.repos.drops import DropWatch


@dataclass
class DropWatches:
    store: Store
    _watches: dict[Scope, dict[str, DropWatch]] = field(default_factory=dict)  # per server, by channel id

    async def load(self, scope: Scope) -> None:
        """Fill the adapter cache for a server (at start-up): its watched channels."""
        self._watches[scope] = {w.channel_id: w for w in await self.store.scoped(scope).drops.watches()}

    def watch_for(self, scope: Scope, channel_id: str) -> DropWatch | None:
        return self._watches.get(scope, {}).get(channel_id)

    async def listing(self, scope: Scope, caller: Caller) -> list[DropWatch]:
        """/watch list (viewers)."""
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return await data.drops.watches()

    async def start(
        self,
        scope: Scope,
        caller: Caller,
        channel_id: str,
        event: str,
        emoji: str | None = None,
        lifespan: str | None = None,
        *,
        channel_in_server: bool = True,
    ) -> DropWatch:
        """/watch start (event managers): every new message in the channel becomes a reaction drop."""
        data = await open_admin(self.store, scope, caller, Level.EVENT_MANAGER)
        if not channel_in_server:
            raise ValidationError("channel", texts.CHANNEL_OTHER_SERVER)
        rule = await drop_rule(data, event)
        life = common.lifespan(lifespan)
        async with self.store.transaction():
            before = await data.drops.watch_snapshot(channel_id)
            after = await data.drops.save_watch(
                channel_id=channel_id,
                event_id=rule.event_type,
                emoji=common.emoji(emoji),
                lifespan_minutes=int(life.total_seconds() // 60) if life else None,
                created_by=caller.user_id,
            )
            await audit.record(
                data,
                actor_type="admin",
                actor_id=caller.user_id,
                action="drops.watch_started",
                details={"channel_id": channel_id, "event": rule.event_type},
                before=before,
                after=await data.drops.watch_snapshot(channel_id),
            )
        self._watches.setdefault(scope, {})[channel_id] = after
        return after

    async def stop(self, scope: Scope, caller: Caller, channel_id: str) -> None:
        """/watch stop (event managers)."""
        data = await open_admin(self.store, scope, caller, Level.EVENT_MANAGER)
        async with self.store.transaction():
            before = await data.drops.watch_snapshot(channel_id)
            if before is None:
                raise ValidationError("channel", texts.not_watched(channel_id))
            await data.drops.remove_watch(channel_id)
            await audit.record(
                data,
                actor_type="admin",
                actor_id=caller.user_id,
                action="drops.watch_stopped",
                details={"channel_id": channel_id},
                before=before,
            )
        self._watches.get(scope, {}).pop(channel_id, None)

    async def plan_for(self, scope: Scope, watch: DropWatch, channel_id: str, message_id: str) -> DropPlan | None:
        """The reaction drop a watched channel's new message becomes; None if its event can't be dropped now."""
        try:
            rule = await drop_rule(self.store.scoped(scope), watch.event_id)
        except ValidationError:
            return None
        minutes = watch.lifespan_minutes
        return DropPlan(
            new_id(),
            rule.event_type,
            rule.reward_amount,
            "reaction",
            channel_id,
            watch.emoji,
            timedelta(minutes=minutes) if minutes else None,
            rule.max_total_claims,
            "Claim",
            None,
            message_id,
        )
