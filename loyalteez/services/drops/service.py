"""Drops: an admin's limited giveaway of an event's reward, claimed by button or by reaction.

A drop is a discord_drops row: the event it pays (`event_id`, a monitoring rule with trigger drop or none),
its message, emoji, expiry (NULL: permanent) and max_claims, copied from the event's max_total_claims when
it is made (NULL: unlimited). A claim is one transaction through the rewards engine (`RewardsEngine.pay`,
ledger key `drop:<drop id>:<member>`): the guard first inserts the member's discord_drop_claims row (unique
per drop and member) and takes a slot with a conditional UPDATE (claims_count < max_claims, live, not
expired), then the engine's ladder, role bonuses, streak multiplier, test mode and budget decide the amount;
any refusal rolls the claim row and the slot back. The slot that fills the drop also ends it (ended_at), so
claims_count never passes max_claims however many members click at once, on SQLite or PostgreSQL. On SQLite
a click on a drop with no claim limit shares the one writer's turn with the claims waiting beside it
(`RewardsEngine.pay_in_turn`, services/rewards/turns.py): the clicks on one drop in a turn are reserved
together (a claim row and slot each, only while the drop is live), given back together if the engine refuses
their payouts, and recorded together (`DropClick`). Claiming is in claiming.py (`Drops` inherits it).

The event's per-member caps and cooldown apply across its drops (they are the event's rules); its
max_total_claims applies to each drop instead of the event as a whole. Drops are never deleted: ended_at
marks the end (full, expired: set to the expiry moment by the click that finds it or by the sweep, or
/drop end). Claims are kept forever (seed retention).

Watched channels (/watch, watches.py) turn every new message there into its own reaction drop of the
watch's event. For the adapter, live reaction drops are cached in memory per server (`reaction_drop_for`),
so a reaction costs no query unless it concerns a drop.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from loyalteez.clock import Clock
from loyalteez.ids import new_id
from loyalteez.services.access import audit
from loyalteez.services.access.gate import open_admin
from loyalteez.services.access.permissions import Caller, Level
from loyalteez.services.common import input as common
from loyalteez.services.common import texts as shared
from loyalteez.services.drops import input as check
from loyalteez.services.drops import texts
from loyalteez.services.drops.claiming import Claiming, drop_status
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards.rules import Rule, resolve, suggest
from loyalteez.services.rewards.service import Rewards
from loyalteez.store import Scope, ScopedData, Store
from loyalteez.store.repos.drops import Drop

DROP_TRIGGERS = ("drop", "none")
ENDED_KEPT = 5000  # recently ended reaction drops remembered to answer late reactions
AUTOCOMPLETE_MAX = 25
DropType = Literal["button", "reaction"]


@dataclass(frozen=True)
class TargetMessage:
    """The message a reaction drop goes on, as the adapter found it: its ids, or why it can't be used."""

    channel_id: str | None = None
    message_id: str | None = None
    refusal: str | None = None


@dataclass(frozen=True)
class DropPlan:
    """A validated /drop create (or a watched message), nothing written yet: the adapter posts or reacts,
    then `create` records it. Its id goes into the button's custom_id before the row exists."""

    drop_id: str
    event: str
    amount: int
    drop_type: DropType
    channel_id: str
    emoji: str
    lifespan: timedelta | None
    max_claims: int | None
    label: str
    description: str | None
    message_id: str | None = None


async def drop_rule(data: ScopedData, event: str) -> Rule:
    """The enabled event a drop (or a watched channel) may pay; raises ValidationError naming why not."""
    name = (event or "").strip().lower()
    rules = resolve(await data.drops.event_rule_rows())
    rule = rules.get(name)
    if rule is None:
        raise ValidationError("event", shared.unknown("event", name, suggest(name, rules)))
    if rule.trigger not in DROP_TRIGGERS:
        raise ValidationError("event", texts.drop_event_trigger(name, rule.trigger))
    if not rule.is_enabled:
        raise ValidationError("event", texts.drop_event_off(name))
    return rule


@dataclass
class Drops(Claiming):
    store: Store
    clock: Clock
    rewards: Rewards
    # Adapter caches, per server: live reaction drops by message id, and recently ended reaction drops
    # (bounded), so a late reaction still gets its answer (full, expired, ended).
    _reaction_drops: dict[Scope, dict[str, Drop]] = field(default_factory=dict)
    _ended: OrderedDict[tuple[Scope, str], Drop] = field(default_factory=OrderedDict)
    # Claims of one drop in the database at once: they queue on its row anyway (each holds it until its
    # COMMIT), and every claim waiting there holds a pooled connection; a crowd clicking one drop on a
    # distant database must not take the whole pool from everybody else's commands.
    _claiming: dict[str, list[Any]] = field(default_factory=dict)  # drop id -> [semaphore, claims in or waiting]

    # -- creating ----------------------------------------------------------------------------------------

    async def plan(
        self,
        scope: Scope,
        caller: Caller,
        *,
        event: str,
        drop_type: str = "button",
        channel_id: str,
        emoji: str | None = None,
        lifespan: str | None = None,
        label: str | None = None,
        description: str | None = None,
        target: TargetMessage | None = None,
    ) -> DropPlan:
        """Check every option of /drop create (event managers); raises ValidationError naming the first bad
        one. A reaction drop's message (`target`) is found by the adapter first: its channel is the drop's."""
        data = await open_admin(self.store, scope, caller, Level.EVENT_MANAGER)
        if target is not None and target.refusal is not None:
            raise ValidationError("message-id", target.refusal)
        message_id = target.message_id if target is not None else None
        if target is not None and target.channel_id is not None:
            channel_id = target.channel_id
        kind: DropType = (
            "reaction"
            if common.choice("type", drop_type or "button", ("button", "reaction")) == "reaction"
            else "button"
        )
        rule = await drop_rule(data, event)
        if kind == "button" and message_id:
            raise ValidationError("message-id", texts.MESSAGE_ONLY_FOR_REACTION)
        if kind == "reaction" and not message_id:
            raise ValidationError("message-id", texts.MESSAGE_NEEDED)
        if message_id and await data.drops.find_live(message_id=message_id) is not None:
            raise ValidationError("message-id", texts.DROP_ALREADY_ON_MESSAGE)
        return DropPlan(
            drop_id=new_id(),
            event=rule.event_type,
            amount=rule.reward_amount,
            drop_type=kind,
            channel_id=channel_id,
            emoji=common.emoji(emoji),
            lifespan=common.lifespan(lifespan),
            max_claims=rule.max_total_claims,
            label=common.text("label", label, check.LABEL_MAX) or "Claim",
            description=common.text("description", description, common.DESCRIPTION_MAX),
            message_id=message_id,
        )

    async def create(
        self,
        scope: Scope,
        plan: DropPlan,
        *,
        actor_id: str | None,
        message_id: str,
        actor_type: Literal["admin", "system"] = "admin",
    ) -> Drop:
        """Record a drop the adapter has posted (button) or reacted to (reaction), with its audit row."""
        data = self.store.scoped(scope)
        now = self.clock.now()
        async with self.store.transaction():
            drop = await data.drops.add(
                drop_id=plan.drop_id,
                event_id=plan.event,
                drop_type=plan.drop_type,
                message_id=message_id,
                channel_id=plan.channel_id,
                emoji=plan.emoji,
                expires_at=now + plan.lifespan if plan.lifespan else None,
                max_claims=plan.max_claims,
                created_by=actor_id,
                created_at=now,
            )
            await audit.record(
                data,
                actor_type=actor_type,
                actor_id=actor_id,
                action="drops.created",
                details={"drop_id": plan.drop_id, "event": plan.event, "label": plan.label},
                after=await data.drops.snapshot(drop.drop_id),
            )
        if plan.drop_type == "reaction":
            self._reaction_drops.setdefault(scope, {})[message_id] = drop
        return drop

    async def droppable_events(self, scope: Scope, typed: str) -> list[str]:
        """Events a drop may pay whose name contains `typed` (autocomplete)."""
        rules = resolve(await self.store.scoped(scope).drops.event_rule_rows())
        typed = (typed or "").lower()
        names = (r.event_type for r in rules.values() if r.trigger in DROP_TRIGGERS and typed in r.event_type)
        return sorted(names)[:AUTOCOMPLETE_MAX]

    def expiry(self, plan: DropPlan) -> datetime | None:
        """When a drop planned now would end (None: permanent), for the message announcing it."""
        return self.clock.now() + plan.lifespan if plan.lifespan else None

    def status(self, drop: Drop) -> str:
        """live, full, expired or ended, as of now."""
        return drop_status(drop, self.clock.now())

    # -- ending ---------------------------------------------------------------------------------------------

    async def end(self, scope: Scope, caller: Caller, ref: str) -> Drop:
        """/drop end (event managers): by drop id or message id; refuses a drop that is not live."""
        data = await open_admin(self.store, scope, caller, Level.EVENT_MANAGER)
        ref = (ref or "").strip()
        drop = await self._find_live(data, ref)
        if drop is None:
            raise ValidationError("drop", texts.drop_unknown(ref))
        async with self.store.transaction():
            before = await data.drops.snapshot(drop.drop_id)
            ended = await data.drops.end(drop.drop_id, self.clock.now())
            if ended is None:
                raise ValidationError("drop", texts.drop_unknown(ref))
            await audit.record(
                data,
                actor_type="admin",
                actor_id=caller.user_id,
                action="drops.ended",
                details={"drop_id": drop.drop_id, "event": drop.event_id},
                before=before,
                after=await data.drops.snapshot(drop.drop_id),
            )
        self._forget(scope, [ended])
        return ended

    async def _find_live(self, data: ScopedData, ref: str) -> Drop | None:
        if common.is_uuid(ref):
            found = await data.drops.find_live(drop_id=ref)
            if found is not None:
                return found
        return await data.drops.find_live(message_id=ref)

    async def sweep(self, scope: Scope) -> list[Drop]:
        """End every drop of a server whose time is up; returns them (the adapter disables their buttons)."""
        ended = await self.store.scoped(scope).drops.expire_due(self.clock.now())
        self._forget(scope, ended)
        return ended

    async def sweep_everywhere(self) -> list[tuple[Scope, Drop]]:
        """`sweep` on every connected server (a ticker job); each ended drop with its server's scope."""
        ended: list[tuple[Scope, Drop]] = []
        for link in await self.store.active_servers():
            scope = Scope(link["brand_id"], link["server_id"])
            ended += [(scope, drop) for drop in await self.sweep(scope)]
        return ended

    # -- reading ------------------------------------------------------------------------------------------

    async def live(self, scope: Scope) -> list[Drop]:
        """Live drops (autocomplete)."""
        return await self.store.scoped(scope).drops.live()

    async def listing(self, scope: Scope, caller: Caller) -> list[Drop]:
        """/drop list (viewers)."""
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return await data.drops.live()

    async def load(self, scope: Scope) -> None:
        """Fill the adapter cache for a server (at start-up): its live reaction drops."""
        live = await self.store.scoped(scope).drops.live_reaction_drops()
        self._reaction_drops[scope] = {d.message_id: d for d in live if d.message_id}

    def reaction_drop_for(self, scope: Scope, message_id: str) -> Drop | None:
        """The live (or recently ended) reaction drop on a message, without a query."""
        return self._reaction_drops.get(scope, {}).get(message_id) or self._ended.get((scope, message_id))

    def live_reaction_drops(self, scope: Scope) -> list[Drop]:
        return list(self._reaction_drops.get(scope, {}).values())

    def _forget(self, scope: Scope, drops: list[Drop]) -> None:
        cached = self._reaction_drops.get(scope, {})
        for drop in drops:
            if cached.pop(drop.message_id or "", None) is not None and drop.message_id:
                self._ended[(scope, drop.message_id)] = drop
        while len(self._ended) > ENDED_KEPT:
            self._ended.popitem(last=False)
