"""The admin commands of rewards (`/config …`, `/reward`, `/stats`, `/audit`): one method per command.

Each method opens the caller's server and checks the level the command needs FIRST (a caller below it
gets PermissionDenied, whatever else was wrong with the options), then parses the options and calls the
data-level functions of admin_events, admin_server and admin_members, which config import and tests use
directly inside their own transactions.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any

from loyalteez.clock import Clock
from loyalteez.services import admin_reads, server_settings
from loyalteez.services.access.gate import open_admin
from loyalteez.services.access.permissions import ADMIN_CHANNEL_KEY, ADMIN_ROLES_KEY, Caller, Level
from loyalteez.services.errors import ValidationError
from loyalteez.services.perks import roles as role_rules
from loyalteez.services.perks import texts as perk_texts
from loyalteez.services.rewards import admin_events, admin_members, admin_server, ledger_view, texts, validation
from loyalteez.services.rewards.admin_events import EventOptions
from loyalteez.services.rewards.admin_members import DisabledMember, MemberStatus
from loyalteez.services.rewards.admin_server import RoleBonusView
from loyalteez.services.rewards.config import TestMode
from loyalteez.services.rewards.engine import RewardsEngine
from loyalteez.services.rewards.events import ManualReward
from loyalteez.services.rewards.input import channel_ids, keyword_list
from loyalteez.services.rewards.outcomes import Outcome, Refused
from loyalteez.services.rewards.rules import Rule
from loyalteez.store import Scope, Store


@dataclass(frozen=True, slots=True)
class EventInput:
    """`/config events create|edit` options as given; None = not given (keep as is)."""

    reward: int | None = None
    cooldown_hours: int | None = None
    max_claims_per_user: int | None = None
    max_total_claims: int | None = None
    channels: str | None = None  # '#a #b', ids, or 'any'
    trigger: str | None = None
    keywords: str | None = None  # comma-separated
    min_length: int | None = None
    min_reactions: int | None = None
    minutes_per_payout: int | None = None

    def options(self, server_channels: Collection[str]) -> EventOptions:
        return EventOptions(
            reward=self.reward,
            cooldown_hours=self.cooldown_hours,
            max_claims_per_user=self.max_claims_per_user,
            max_total_claims=self.max_total_claims,
            channels=channel_ids(self.channels, server_channels),
            trigger=self.trigger,
            keywords=keyword_list(self.keywords),
            min_length=self.min_length,
            min_reactions=self.min_reactions,
            minutes_per_payout=self.minutes_per_payout,
        )


@dataclass(frozen=True, slots=True)
class Overview:
    """`/config overview`: everything rewards-related set on one server."""

    brand_id: str
    test_mode: TestMode
    admin_channel_id: str | None
    events: list[Rule]
    role_bonuses: list[RoleBonusView]
    excluded_channels: list[str]


class RewardsAdmin:
    def __init__(self, store: Store, engine: RewardsEngine, clock: Clock) -> None:
        self.store = store
        self.engine = engine
        self.clock = clock
        self._stats: dict[tuple[Scope, str, str | None], tuple[float, admin_reads.Stats]] = {}

    # -- events ---------------------------------------------------------------------------------------------

    async def event_names(self, scope: Scope, typed: str) -> list[str]:
        """Autocomplete: the names of the events in force containing `typed` (no level needed)."""
        rules = await admin_events.list_events(self.store.scoped(scope))
        return [r.event_type for r in rules if typed in r.event_type][:25]

    async def overview(self, scope: Scope, caller: Caller) -> Overview:
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        metadata = await data.rewards.metadata()
        admin_channel = metadata.get(ADMIN_CHANNEL_KEY)
        return Overview(
            brand_id=scope.brand_id,
            test_mode=await admin_server.get_test_mode(data),
            admin_channel_id=str(admin_channel) if admin_channel else None,
            events=await admin_events.list_events(data),
            role_bonuses=await admin_server.list_role_bonuses(data),
            excluded_channels=await admin_server.list_excluded_channels(data),
        )

    async def events(self, scope: Scope, caller: Caller) -> list[Rule]:
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return await admin_events.list_events(data)

    async def create_event(
        self, scope: Scope, caller: Caller, name: str | None, given: EventInput, server_channels: Collection[str]
    ) -> Rule:
        data = await open_admin(self.store, scope, caller, Level.EVENT_MANAGER)
        event = _event_name(name, "create")
        return await admin_events.create_event(data, caller.user_id, event, given.options(server_channels))

    async def edit_event(
        self, scope: Scope, caller: Caller, name: str | None, given: EventInput, server_channels: Collection[str]
    ) -> Rule:
        data = await open_admin(self.store, scope, caller, Level.EVENT_MANAGER)
        event = _event_name(name, "edit")
        return await admin_events.edit_event(data, caller.user_id, event, given.options(server_channels))

    async def toggle_event(self, scope: Scope, caller: Caller, name: str | None) -> Rule:
        data = await open_admin(self.store, scope, caller, Level.EVENT_MANAGER)
        return await admin_events.toggle_event(data, caller.user_id, _event_name(name, "toggle"))

    async def delete_event(self, scope: Scope, caller: Caller, name: str | None) -> str:
        """Deletes this server's own event; returns its name as given."""
        data = await open_admin(self.store, scope, caller, Level.EVENT_MANAGER)
        event = _event_name(name, "delete")
        await admin_events.delete_event(data, caller.user_id, event)
        return event

    async def set_reward(self, scope: Scope, caller: Caller, event: str, amount: int) -> Rule:
        data = await open_admin(self.store, scope, caller, Level.EVENT_MANAGER)
        return await admin_events.set_reward_amount(data, caller.user_id, event.strip(), amount)

    async def reward(self, scope: Scope, caller: Caller, request: ManualReward) -> Outcome:
        """`/reward`: an admin pays a member for an event, through the event's rules."""
        await open_admin(self.store, scope, caller, Level.EVENT_MANAGER)
        outcome = await self.engine.reward(scope, request)
        if isinstance(outcome, Refused):
            return replace(outcome, message=texts.refusal_about(request.member.id, outcome))
        return outcome

    # -- role bonuses, channels, test mode ------------------------------------------------------------------

    async def role_bonuses(self, scope: Scope, caller: Caller) -> list[RoleBonusView]:
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return await admin_server.list_role_bonuses(data)

    async def remove_role_bonuses(self, scope: Scope, caller: Caller, role_id: str | None) -> int:
        data = await open_admin(self.store, scope, caller, Level.FULL_ADMIN)
        if role_id is None:
            raise ValidationError("role", texts.ROLE_NEEDED)
        return await admin_server.remove_role_bonus(data, caller.user_id, role_id)

    async def set_role_bonuses(
        self, scope: Scope, caller: Caller, role_id: str | None, effects: Mapping[str, Any], priority: int | None
    ) -> dict[str, Any]:
        """Set every effect given (None values are not given); all are checked before any is written."""
        data = await open_admin(self.store, scope, caller, Level.FULL_ADMIN)
        if role_id is None:
            raise ValidationError("role", texts.ROLE_NEEDED)
        given = {k: v for k, v in effects.items() if v is not None}
        if not given:
            raise ValidationError("effect", texts.EFFECT_NEEDED)
        for effect_type, value in given.items():
            validation.effect(effect_type, value)
        for effect_type, value in given.items():
            await admin_server.set_role_bonus(data, caller.user_id, role_id, effect_type, value, priority or 0)
        return given

    async def excluded_channels(self, scope: Scope, caller: Caller) -> list[str]:
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return await admin_server.list_excluded_channels(data)

    async def exclude_channel(self, scope: Scope, caller: Caller, channel_id: str | None) -> list[str]:
        """`channel_id` None: no channel of this server was chosen."""
        data = await open_admin(self.store, scope, caller, Level.FULL_ADMIN)
        if channel_id is None:
            raise ValidationError("channel", texts.CHANNEL_NOT_HERE)
        return await admin_server.exclude_channel(data, caller.user_id, channel_id)

    async def include_channel(self, scope: Scope, caller: Caller, channel_id: str | None) -> list[str]:
        data = await open_admin(self.store, scope, caller, Level.FULL_ADMIN)
        if channel_id is None:
            raise ValidationError("channel", texts.CHANNEL_NOT_HERE)
        return await admin_server.include_channel(data, caller.user_id, channel_id)

    async def set_test_mode(self, scope: Scope, caller: Caller, enable: bool, tester_role_id: str | None) -> TestMode:
        data = await open_admin(self.store, scope, caller, Level.FULL_ADMIN)
        if enable:
            return await admin_server.enable_test_mode(data, caller.user_id, tester_role_id)
        return await admin_server.disable_test_mode(data, caller.user_id)

    # -- members --------------------------------------------------------------------------------------------

    async def disabled_members(self, scope: Scope, caller: Caller) -> list[DisabledMember]:
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return await admin_members.list_disabled(data)

    async def member_status(self, scope: Scope, caller: Caller, member_id: str | None) -> MemberStatus:
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return await admin_members.member_status(data, _member(member_id))

    async def disable_member(
        self, scope: Scope, caller: Caller, member_id: str | None, reason: str | None
    ) -> DisabledMember:
        data = await open_admin(self.store, scope, caller, Level.FULL_ADMIN)
        return await admin_members.disable_member(data, caller.user_id, _member(member_id), reason)

    async def enable_member(self, scope: Scope, caller: Caller, member_id: str | None) -> None:
        data = await open_admin(self.store, scope, caller, Level.FULL_ADMIN)
        await admin_members.enable_member(data, caller.user_id, _member(member_id))

    # -- who administers, and where alerts go ---------------------------------------------------------------

    async def admin_roles(self, scope: Scope, caller: Caller) -> dict[str, str]:
        """Role id -> admin level name."""
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return dict((await data.rewards.metadata()).get(ADMIN_ROLES_KEY) or {})

    async def set_admin_role(
        self,
        scope: Scope,
        caller: Caller,
        role_id: str | None,
        level: str | None,
        *,
        remove: bool = False,
        role_mention: str = "",
    ) -> dict[str, str]:
        """Give a role an admin level (or, with `remove`, take it away); returns the new mapping.

        `role_mention` is how replies name the role (Discord's own mention of it).
        """
        data = await open_admin(self.store, scope, caller, Level.FULL_ADMIN)
        mapping = dict((await data.rewards.metadata()).get(ADMIN_ROLES_KEY) or {})
        if role_id is None:
            raise ValidationError("role", texts.ROLE_NEEDED)
        if not remove:
            try:
                chosen = Level.parse(level or "")
            except ValueError as exc:
                raise ValidationError("level", str(exc)) from exc
            perk = await role_rules.perk_selling(data, role_id)
            if perk is not None:
                raise ValidationError("role", perk_texts.role_sold_by_perk(role_mention or f"<@&{role_id}>", perk))
            mapping[role_id] = chosen.label
        elif mapping.pop(role_id, None) is None:
            raise ValidationError("role", texts.no_admin_level(role_mention or f"<@&{role_id}>"))
        await server_settings.set_metadata(data, caller.user_id, "config.admin_roles", {ADMIN_ROLES_KEY: mapping})
        return mapping

    async def set_admin_channel(self, scope: Scope, caller: Caller, channel_id: str | None) -> None:
        """`channel_id` None: no channel of this server was chosen."""
        data = await open_admin(self.store, scope, caller, Level.FULL_ADMIN)
        if channel_id is None:
            raise ValidationError("channel", texts.CHANNEL_NOT_HERE)
        changes = {ADMIN_CHANNEL_KEY: channel_id}
        await server_settings.set_metadata(data, caller.user_id, "config.admin_channel", changes)

    # -- reads: /stats and /audit ---------------------------------------------------------------------------

    async def stats(self, scope: Scope, caller: Caller, period: str, breakdown: str | None) -> admin_reads.Stats:
        """Read on the read connection; on a big server (a read over SLOW_STATS) the answer is kept KEEP_STATS."""
        await open_admin(self.store, scope, caller, Level.VIEWER)
        key, started = (scope, period, breakdown), self.clock.monotonic()
        kept = self._stats.get(key)
        if kept is not None and started - kept[0] < admin_reads.KEEP_STATS:
            return kept[1]
        found = await admin_reads.stats(await self.store.reading(scope), period, breakdown, self.clock.now())
        if self.clock.monotonic() - started > admin_reads.SLOW_STATS:
            self._stats = {k: v for k, v in self._stats.items() if started - v[0] < admin_reads.KEEP_STATS}
            self._stats[key] = (started, found)
        return found

    async def audit(
        self, scope: Scope, caller: Caller, member_id: str | None, kind: str | None, event: str | None
    ) -> list[admin_reads.AuditEntry]:
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return await admin_reads.audit_rows(data, member_id=member_id, kind=kind, event=event)

    # -- reads: the dashboard's audit log and ledger ------------------------------------------------------------

    async def audit_page(
        self,
        scope: Scope,
        caller: Caller,
        filters: Mapping[str, str],
        page: int,
        members: admin_reads.MemberLookup | None = None,
    ) -> admin_reads.AuditPage:
        """`filters` as typed: member (name, @mention or id; a name through `members`, the server's members it
        matches), type, event, from and to (YYYY-MM-DD); blank or absent = any."""
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return await admin_reads.audit_page(data, admin_reads.audit_query_of(filters, members), page)

    async def audit_export(
        self,
        scope: Scope,
        caller: Caller,
        filters: Mapping[str, str],
        members: admin_reads.MemberLookup | None = None,
    ) -> AsyncIterator[bytes]:
        """Level and filters are checked now; the returned CSV chunks are read as they are sent."""
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return admin_reads.audit_csv_stream(data, admin_reads.audit_query_of(filters, members))

    async def ledger_page(self, scope: Scope, caller: Caller, page: int) -> ledger_view.LedgerPage:
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return await ledger_view.ledger_page(data, page)

    async def ledger_export(self, scope: Scope, caller: Caller) -> AsyncIterator[bytes]:
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return ledger_view.ledger_csv_stream(data)


def _event_name(name: str | None, action: str) -> str:
    if not name:
        raise ValidationError("name", texts.event_name_needed(action))
    return name.strip()


def _member(member_id: str | None) -> str:
    if member_id is None:
        raise ValidationError("member", texts.MEMBER_NEEDED)
    return member_id
