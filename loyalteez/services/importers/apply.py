"""Turning a parsed import into ledger rows: what would change (dry run), then all of it or nothing.

Points land as ledger rows of one event (`imported_balance` unless --as-event names another), created
turned off when missing so it never pays by itself; they are written through the rewards engine's import
path (`RewardsEngine.import_balances`: the same ledger and stats write as payouts, without the refusal
ladder). Message counts go to discord_user_stats in the same write.

Idempotency, "the same file twice" vs "a corrected file": an import sets each member's imported total
to what the file says. Before writing, the ledger rows of earlier imports into the event (details.source
'import', which also keep the member's imported message total) give what each member already holds from
imports; only the difference is written, under the key `import:<event>:<member>:<file sha256[:16]>`.
So the same file again adds nothing (every difference is 0, and its keys exist anyway), and a corrected
file adds exactly the corrections. A file giving a member LESS than already imported takes nothing back
(the ledger is append-only and points may be spent): the member is listed as kept. To import from two
different bots, use one event per source (--as-event mee6_import, --as-event tatsu_import).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from loyalteez.services.access import audit
from loyalteez.services.access.audit import ActorType
from loyalteez.services.config_io.audit_batch import OneAuditRow
from loyalteez.services.errors import ValidationError
from loyalteez.services.importers import texts
from loyalteez.services.importers.rows import ParsedImport
from loyalteez.services.rewards import admin_events, validation
from loyalteez.services.rewards.admin_events import EventOptions
from loyalteez.services.rewards.balance_imports import ImportedBalance
from loyalteez.services.rewards.engine import RewardsEngine
from loyalteez.store import ScopedData

DEFAULT_EVENT = "imported_balance"
AUDIT_ACTION = "rewards.import"  # listed by /audit type:rewards
KEPT_SHOWN = 20


@dataclass
class ImportPlan:
    event: str
    create_event: bool
    members: int = 0
    new: int = 0
    corrected: int = 0
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # members the file would lower (nothing taken back)
    points: int = 0
    messages: int = 0
    writes: list[ImportedBalance] = field(default_factory=list)

    def counts(self) -> dict[str, Any]:
        return {
            "members_in_file": self.members,
            "new": self.new,
            "corrected": self.corrected,
            "unchanged": self.unchanged,
            "kept_higher": len(self.kept),
            "ltz_added": self.points,
            "messages_added": self.messages,
            "ledger_rows": len(self.writes),
            "event_created": self.create_event,
        }


@dataclass(frozen=True)
class ImportResult:
    plan: ImportPlan
    applied: bool
    audit_id: str | None = None


async def check_event(data: ScopedData, name: str) -> bool:
    """Whether the import event exists (False: it will be created); refuses an event members earn."""
    try:
        name = validation.event_name(name)
    except ValidationError as exc:
        raise ValidationError("as-event", texts.bad_event(exc.message)) from exc
    rules = {rule.event_type: rule for rule in await admin_events.list_events(data)}
    rule = rules.get(name)
    if rule is None:
        return False
    if rule.is_enabled or rule.trigger != "none":
        raise ValidationError("as-event", texts.event_in_use(name, rule.trigger, rule.is_enabled))
    return True


async def imported_so_far(data: ScopedData, event: str) -> dict[str, tuple[int, int]]:
    """Per member, (points, messages) earlier imports into `event` gave them."""
    held: dict[str, tuple[int, int]] = {}
    for payout in await data.exports.event_payouts(event):
        details = payout.details
        if details.get("source") != "import":
            continue
        points, messages = held.get(payout.member_id, (0, 0))
        held[payout.member_id] = (
            points + payout.amount,
            max(messages, int(details.get("messages_total") or 0)),
        )
    return held


async def plan_import(data: ScopedData, parsed: ParsedImport, event: str = DEFAULT_EVENT) -> ImportPlan:
    """What importing the file would write (reads only)."""
    plan = ImportPlan(event, create_event=not await check_event(data, event), members=len(parsed.rows))
    held = await imported_so_far(data, event)
    for row in parsed.rows:
        had_points, had_messages = held.get(row.member_id, (0, 0))
        want_messages = had_messages if row.messages is None else row.messages
        add_points, add_messages = row.points - had_points, want_messages - had_messages
        if add_points < 0:
            plan.kept.append(texts.lowered(row.line, row.member_id, "points", had_points, row.points))
        if add_messages < 0:
            plan.kept.append(texts.lowered(row.line, row.member_id, "messages", had_messages, want_messages))
        add_points, add_messages = max(add_points, 0), max(add_messages, 0)
        if not add_points and not add_messages:
            plan.unchanged += 1
            continue
        if row.member_id in held:
            plan.corrected += 1
        else:
            plan.new += 1
        plan.points += add_points
        plan.messages += add_messages
        details = {
            "format": parsed.format,
            "file_sha256": parsed.sha256,
            "line": row.line,
            "points_total": had_points + add_points,
            "messages_total": had_messages + add_messages,
            **({"rate": str(parsed.rate)} if parsed.rate is not None else {}),
            **row.extra,
        }
        plan.writes.append(
            ImportedBalance(
                row.member_id, add_points, add_messages, f"import:{event}:{row.member_id}:{parsed.sha256[:16]}", details
            )
        )
    return plan


async def run_import(
    engine: RewardsEngine,
    data: ScopedData,
    parsed: ParsedImport,
    event: str = DEFAULT_EVENT,
    *,
    apply: bool,
    actor_type: ActorType = "system",
    actor_id: str = "system",
) -> ImportResult:
    """Dry run (apply=False: reads only) or write everything in one transaction with one audit row."""
    if not apply:
        return ImportResult(await plan_import(data, parsed, event), False)
    batch = OneAuditRow(data)
    async with engine.store.transaction():
        await data.rewards.lock(brand=True)  # brand, then server: the engine's lock order
        plan = await plan_import(data, parsed, event)
        if not plan.writes:
            return ImportResult(plan, False)
        if plan.create_event:
            await admin_events.create_event(
                batch,  # type: ignore[arg-type]
                actor_id,
                event,
                EventOptions(reward=1, trigger="none", description=texts.event_description()),
            )
            await admin_events.toggle_event(batch, actor_id, event, False)  # type: ignore[arg-type]
        await engine.import_balances(data.scope, event, plan.writes)
        audit_id = await audit.record(
            data,
            actor_type=actor_type,
            actor_id=actor_id,
            action=AUDIT_ACTION,
            details={
                "event": event,
                "format": parsed.format,
                "file": parsed.name,
                "sha256": parsed.sha256,
                **({"rate": str(parsed.rate)} if parsed.rate is not None else {}),
                **plan.counts(),
                "actions": batch.actions,
            },
        )
    return ImportResult(plan, True, audit_id)
