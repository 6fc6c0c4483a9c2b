"""Drops (issue 6): an admin's limited giveaway of an event's reward, claimed by button or by reaction.

A drop is a discord_drops row: the event it pays (`event_id`, a monitoring rule with trigger drop or none),
its message, emoji, expiry (NULL: permanent) and max_claims, copied from the event's max_total_claims when
it is made (NULL: unlimited). A claim is one transaction through the rewards engine (`RewardsEngine.pay`,
ledger key `drop:<drop id>:<member>`): the guard first inserts the member's discord_drop_claims row (unique
per drop and member) and takes a slot with a conditional UPDATE (claims_count < max_claims, live, not
expired), then the engine's ladder, role bonuses, streak multiplier, test mode and budget decide the amount;
any refusal rolls the claim row and the slot back. The slot that fills the drop also ends it (ended_at), so
claims_count never passes max_claims however many members click at once, on SQLite or PostgreSQL.

The event's per-member caps and cooldown apply across its drops (they are the event's rules); its
max_total_claims applies to each drop instead of the event as a whole. Drops are never deleted: ended_at
marks the end (full, expired: set to the expiry moment by the click that finds it or by the sweep, or
/drop end). Claims are kept forever (seed retention).

Watched channels (/watch) turn every new message there into its own reaction drop of the watch's event.
For the adapter, live reaction drops and watches are cached in memory per server (`reaction_drop_for`,
`watch_for`), so a reaction or a message costs no query unless it concerns a drop.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from loyalteez.clock import Clock
from loyalteez.ids import new_id
from loyalteez.services import audit, engagement_input
from loyalteez.services import engagement_messages as say
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards.events import Member, Payout
from loyalteez.services.rewards.outcomes import Outcome, Paid, RefusalReason, Refused
from loyalteez.services.rewards.rules import Rule, resolve, suggest
from loyalteez.services.rewards.service import Rewards
from loyalteez.store import Scope, ServerStore, Store

DROPS, CLAIMS, WATCHES, RULES = "discord_drops", "discord_drop_claims", "loyalteez_drop_watches", "monitoring_rules"
DROP_TRIGGERS = ("drop", "none")
ENDED_KEPT = 5000  # recently ended reaction drops remembered to answer late reactions
DropType = Literal["button", "reaction"]
ClaimStatus = Literal["paid", "claimed", "full", "expired", "ended", "gone", "refused"]


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


@dataclass(frozen=True)
class ClaimResult:
    status: ClaimStatus
    text: str
    drop: dict[str, Any] | None = None
    outcome: Outcome | None = None
    ended_now: bool = False  # this claim (or the expiry it found) ended the drop: disable its button

    @property
    def paid(self) -> bool:
        return self.status == "paid"


def drop_status(drop: dict[str, Any], now: datetime) -> str:
    """live, full, expired or ended (by an admin), from the row alone."""
    max_claims, ended = drop.get("max_claims"), drop.get("ended_at")
    if max_claims is not None and drop["claims_count"] >= max_claims:
        return "full"
    expires = drop.get("expires_at")
    if expires is not None and (expires <= now or (ended is not None and ended >= expires)):
        return "expired"
    return "ended" if ended is not None else "live"


@dataclass
class Drops:
    store: Store
    clock: Clock
    rewards: Rewards
    # Adapter caches, per server: live reaction drops by message id, watches by channel id, and recently
    # ended reaction drops (bounded), so a late reaction still gets its answer (full, expired, ended).
    _reaction_drops: dict[Scope, dict[str, dict[str, Any]]] = field(default_factory=dict)
    _ended: OrderedDict[tuple[Scope, str], dict[str, Any]] = field(default_factory=OrderedDict)
    _watches: dict[Scope, dict[str, dict[str, Any]]] = field(default_factory=dict)

    # -- creating ----------------------------------------------------------------------------------------

    async def plan(
        self,
        data: ServerStore,
        *,
        event: str,
        drop_type: str = "button",
        channel_id: str,
        emoji: str | None = None,
        lifespan: str | None = None,
        label: str | None = None,
        description: str | None = None,
        message_id: str | None = None,
    ) -> DropPlan:
        """Check every option of /drop create; raises ValidationError naming the first bad one."""
        kind = engagement_input.choice("type", drop_type or "button", ("button", "reaction"))
        rule = await self._drop_rule(data, event)
        if kind == "button" and message_id:
            raise ValidationError("message-id", say.MESSAGE_ONLY_FOR_REACTION)
        if kind == "reaction" and not message_id:
            raise ValidationError("message-id", say.MESSAGE_NEEDED)
        if message_id and await self._live_on_message(data, message_id):
            raise ValidationError("message-id", say.DROP_ALREADY_ON_MESSAGE)
        return DropPlan(
            drop_id=new_id(),
            event=rule.event_type,
            amount=rule.reward_amount,
            drop_type=kind,  # type: ignore[arg-type]
            channel_id=channel_id,
            emoji=engagement_input.emoji(emoji),
            lifespan=engagement_input.lifespan(lifespan),
            max_claims=rule.max_total_claims,
            label=engagement_input.text("label", label, engagement_input.LABEL_MAX) or "Claim",
            description=engagement_input.text("description", description, engagement_input.DESCRIPTION_MAX),
            message_id=message_id,
        )

    async def create(
        self,
        data: ServerStore,
        plan: DropPlan,
        *,
        actor_id: str | None,
        message_id: str,
        actor_type: Literal["admin", "system"] = "admin",
    ) -> dict[str, Any]:
        """Record a drop the adapter has posted (button) or reacted to (reaction), with its audit row."""
        now = self.clock.now()
        row = {
            "drop_id": plan.drop_id,
            "event_id": plan.event,
            "drop_type": plan.drop_type,
            "message_id": message_id,
            "channel_id": plan.channel_id,
            "emoji": plan.emoji,
            "expires_at": now + plan.lifespan if plan.lifespan else None,
            "max_claims": plan.max_claims,
            "created_by": actor_id,
            "created_at": now,
        }
        async with self.store.transaction():
            await data.insert(DROPS, row)
            await audit.record(
                data,
                actor_type=actor_type,
                actor_id=actor_id,
                action="drops.created",
                details={"drop_id": plan.drop_id, "event": plan.event, "label": plan.label},
                after=row,
            )
        if plan.drop_type == "reaction":
            self._reaction_drops.setdefault(data.scope, {})[message_id] = row
        return row

    async def _drop_rule(self, data: ServerStore, event: str) -> Rule:
        name = (event or "").strip().lower()
        rules = resolve(await data.select(RULES))
        rule = rules.get(name)
        if rule is None:
            raise ValidationError("event", say.unknown("event", name, suggest(name, rules)))
        if rule.trigger not in DROP_TRIGGERS:
            raise ValidationError("event", say.drop_event_trigger(name, rule.trigger))
        if not rule.is_enabled:
            raise ValidationError("event", say.drop_event_off(name))
        return rule

    async def _live_on_message(self, data: ServerStore, message_id: str) -> bool:
        return bool(await data.select(DROPS, {"message_id": message_id, "ended_at": None}, limit=1))

    # -- claiming -------------------------------------------------------------------------------------------

    async def claim(self, scope: Scope, drop_id: str, member: Member) -> ClaimResult:
        """One member claims one drop: paid once through the engine, or a clear reason why not."""
        data = self.store.scoped(scope)
        drop = await data.get(DROPS, {"drop_id": drop_id}) if engagement_input.is_uuid(drop_id) else None
        if drop is None:
            return ClaimResult("gone", say.DROP_GONE)
        now = self.clock.now()
        if drop["ended_at"] is None and drop["expires_at"] is not None and drop["expires_at"] <= now:
            ended = await data.drops_expire_due(now, drop_id)
            self._forget(scope, ended)
            drop = await data.get(DROPS, {"drop_id": drop_id}) or drop
            return self._unavailable(
                drop,
                member,
                now,
                ended_now=any(r["drop_id"] == drop_id for r in ended),
                claimed=await self._has_claimed(data, drop_id, member.id),
            )
        if drop["ended_at"] is not None:
            return self._unavailable(drop, member, now, claimed=await self._has_claimed(data, drop_id, member.id))
        reserved: dict[str, Any] = {}

        async def guard(d: ServerStore) -> Refused | None:
            status, after = await d.drops_reserve(drop_id, member.id, new_id(), now)
            reserved["status"], reserved["drop"] = status, after
            return None if status == "ok" else Refused(RefusalReason.DUPLICATE, status)

        async def on_paid(d: ServerStore, paid: Paid) -> None:
            await d.update(CLAIMS, {"drop_id": drop_id, "discord_user_id": member.id}, {"reward_amount": paid.amount})
            await audit.record(
                d,
                actor_type="user",
                actor_id=member.id,
                action="drops.claimed",
                target_user_id=member.id,
                is_test=paid.is_test,
                details={
                    "drop_id": drop_id,
                    "event": drop["event_id"],
                    "amount": paid.amount,
                    "ledger_id": paid.ledger_id,
                },
            )

        payout = Payout(
            key=f"drop:{drop_id}:{member.id}",
            member=member,
            event_type=drop["event_id"],
            source="drop",
            per_instance_total=True,
            details={"drop_id": drop_id},
        )
        outcome = await self.rewards.engine.pay(scope, payout, guard=guard, on_paid=on_paid)
        if isinstance(outcome, Paid):
            after = reserved["drop"]
            ended_now = after is not None and after["ended_at"] is not None
            if ended_now:
                self._forget(scope, [after])
            text = say.DROP_PAID.format(amount=outcome.amount, event=outcome.event, detail=say.amount_detail(outcome))
            return ClaimResult("paid", text, after, outcome, ended_now)
        if reserved.get("status") == "claimed":
            return ClaimResult("claimed", say.DROP_ALREADY, drop, outcome)
        if reserved.get("status") == "unavailable":
            fresh = await data.get(DROPS, {"drop_id": drop_id}) or drop
            return self._unavailable(fresh, member, now)
        return ClaimResult("refused", getattr(outcome, "message", say.DROP_GONE), drop, outcome)

    async def _has_claimed(self, data: ServerStore, drop_id: str, member_id: str) -> bool:
        return await data.count(CLAIMS, {"drop_id": drop_id, "discord_user_id": member_id}) > 0

    def _unavailable(
        self, drop: dict[str, Any], member: Member, now: datetime, *, ended_now: bool = False, claimed: bool = False
    ) -> ClaimResult:
        if claimed:
            return ClaimResult("claimed", say.DROP_ALREADY, drop, ended_now=ended_now)
        status = drop_status(drop, now)
        if status == "full":
            return ClaimResult("full", say.DROP_FULL.format(max_claims=drop["max_claims"]), drop, ended_now=ended_now)
        if status == "expired":
            return ClaimResult("expired", say.DROP_EXPIRED, drop, ended_now=ended_now)
        return ClaimResult("ended", say.DROP_ENDED, drop, ended_now=ended_now)

    # -- ending ---------------------------------------------------------------------------------------------

    async def end(self, data: ServerStore, actor_id: str, ref: str) -> dict[str, Any]:
        """/drop end: by drop id or message id; refuses a drop that is not live."""
        ref = (ref or "").strip()
        drop = await self._find_live(data, ref)
        if drop is None:
            raise ValidationError("drop", say.drop_unknown(ref))
        async with self.store.transaction():
            ended = await data.drops_end(drop["drop_id"], self.clock.now())
            if ended is None:
                raise ValidationError("drop", say.drop_unknown(ref))
            await audit.record(
                data,
                actor_type="admin",
                actor_id=actor_id,
                action="drops.ended",
                details={"drop_id": drop["drop_id"], "event": drop["event_id"]},
                before=drop,
                after=ended,
            )
        self._forget(data.scope, [ended])
        return ended

    async def _find_live(self, data: ServerStore, ref: str) -> dict[str, Any] | None:
        for column in ("drop_id", "message_id"):
            if column == "drop_id" and not engagement_input.is_uuid(ref):
                continue
            rows = await data.select(DROPS, {column: ref, "ended_at": None}, limit=1)
            if rows:
                return rows[0]
        return None

    async def sweep(self, scope: Scope) -> list[dict[str, Any]]:
        """End every drop of a server whose time is up; returns them (the adapter disables their buttons)."""
        ended = await self.store.scoped(scope).drops_expire_due(self.clock.now())
        self._forget(scope, ended)
        return ended

    # -- reading ------------------------------------------------------------------------------------------

    async def live(self, data: ServerStore) -> list[dict[str, Any]]:
        return await data.select(DROPS, {"ended_at": None}, order_by=("created_at",), limit=100)

    async def load(self, scope: Scope) -> None:
        """Fill the adapter caches for a server (at start-up): live reaction drops and watches."""
        data = self.store.scoped(scope)
        live = await data.select(DROPS, {"ended_at": None, "drop_type": "reaction"})
        self._reaction_drops[scope] = {r["message_id"]: r for r in live if r["message_id"]}
        self._watches[scope] = {r["channel_id"]: r for r in await data.select(WATCHES)}

    def reaction_drop_for(self, scope: Scope, message_id: str) -> dict[str, Any] | None:
        """The live (or recently ended) reaction drop on a message, without a query."""
        return self._reaction_drops.get(scope, {}).get(message_id) or self._ended.get((scope, message_id))

    def live_reaction_drops(self, scope: Scope) -> list[dict[str, Any]]:
        return list(self._reaction_drops.get(scope, {}).values())

    def _forget(self, scope: Scope, rows: list[dict[str, Any]]) -> None:
        cached = self._reaction_drops.get(scope, {})
        for row in rows:
            if cached.pop(row.get("message_id") or "", None) is not None:
                self._ended[(scope, row["message_id"])] = row
        while len(self._ended) > ENDED_KEPT:
            self._ended.popitem(last=False)

    # -- watches --------------------------------------------------------------------------------------------

    def watch_for(self, scope: Scope, channel_id: str) -> dict[str, Any] | None:
        return self._watches.get(scope, {}).get(channel_id)

    async def watches(self, data: ServerStore) -> list[dict[str, Any]]:
        return await data.select(WATCHES, order_by=("created_at",))

    async def watch_start(
        self,
        data: ServerStore,
        actor_id: str,
        channel_id: str,
        event: str,
        emoji: str | None = None,
        lifespan: str | None = None,
    ) -> dict[str, Any]:
        rule = await self._drop_rule(data, event)
        life = engagement_input.lifespan(lifespan)
        row = {
            "channel_id": channel_id,
            "event_id": rule.event_type,
            "emoji": engagement_input.emoji(emoji),
            "lifespan_minutes": int(life.total_seconds() // 60) if life else None,
            "created_by": actor_id,
        }
        async with self.store.transaction():
            before = await data.get(WATCHES, {"channel_id": channel_id})
            await data.upsert(WATCHES, row, key=("server_id", "channel_id"))
            after = await data.get(WATCHES, {"channel_id": channel_id})
            await audit.record(
                data,
                actor_type="admin",
                actor_id=actor_id,
                action="drops.watch_started",
                details={"channel_id": channel_id, "event": rule.event_type},
                before=before,
                after=after,
            )
        self._watches.setdefault(data.scope, {})[channel_id] = after or row
        return after or row

    async def watch_stop(self, data: ServerStore, actor_id: str, channel_id: str) -> None:
        async with self.store.transaction():
            before = await data.get(WATCHES, {"channel_id": channel_id})
            if before is None:
                raise ValidationError("channel", say.not_watched(channel_id))
            await data.delete(WATCHES, {"channel_id": channel_id})
            await audit.record(
                data,
                actor_type="admin",
                actor_id=actor_id,
                action="drops.watch_stopped",
                details={"channel_id": channel_id},
                before=before,
            )
        self._watches.get(data.scope, {}).pop(channel_id, None)

    async def plan_for_watch(
        self, data: ServerStore, watch: dict[str, Any], channel_id: str, message_id: str
    ) -> DropPlan | None:
        """The reaction drop a watched channel's new message becomes; None if its event can't be dropped now."""
        try:
            rule = await self._drop_rule(data, watch["event_id"])
        except ValidationError:
            return None
        minutes = watch.get("lifespan_minutes")
        return DropPlan(
            new_id(),
            rule.event_type,
            rule.reward_amount,
            "reaction",
            channel_id,
            watch["emoji"],
            timedelta(minutes=minutes) if minutes else None,
            rule.max_total_claims,
            "Claim",
            None,
            message_id,
        )
