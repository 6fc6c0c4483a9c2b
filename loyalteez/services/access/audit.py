"""The audit trail: every admin action (and every bot or scheduler action on config) is on record."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal

from loyalteez.ids import new_id
from loyalteez.store import ScopedData
from loyalteez.store.repos.audit import AuditEntry

ActorType = Literal["admin", "bot", "system", "user"]
# Where the current action came from when not Discord (the dashboard sets "web" for each request), so the
# services keep their signatures and every audit row they write says so in its details (`source`).
SOURCE: ContextVar[str | None] = ContextVar("audit_source", default=None)


@contextmanager
def acting_from(source: str) -> Iterator[None]:
    """Audit rows written inside the block carry `source` in their details."""
    token = SOURCE.set(source)
    try:
        yield
    finally:
        SOURCE.reset(token)


async def record(
    data: ScopedData,
    *,
    actor_type: ActorType,
    actor_id: str | None,
    action: str,
    target_user_id: str | None = None,
    details: Mapping[str, Any] | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    is_test: bool = False,
) -> str:
    """Append one audit row in the caller's scope (and transaction); returns its id."""
    row_id = new_id()
    await data.audit.append(
        row_id,
        actor_type=actor_type,
        actor_id=actor_id,
        action=action,
        target_user_id=target_user_id,
        details=_sourced(details),
        before_state=_jsonable(before),
        after_state=_jsonable(after),
        is_test=is_test,
    )
    return row_id


@dataclass(frozen=True, slots=True)
class MemberAction:
    """One member's own action to put on record (a drop claimed), for `record_members`."""

    member_id: str
    action: str
    details: Mapping[str, Any]
    is_test: bool = False


async def record_members(data: ScopedData, actions: Sequence[MemberAction]) -> None:
    """Append members' own actions in the caller's transaction, as one statement whatever their number."""
    await data.audit.append_many(
        [
            AuditEntry(new_id(), "user", a.member_id, a.action, a.member_id, _sourced(a.details), None, None, a.is_test)
            for a in actions
        ]
    )


def _sourced(details: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """Details with where the action came from, when not Discord (see SOURCE)."""
    source = SOURCE.get()
    return details if source is None else {**(details or {}), "source": source}


def _jsonable(state: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Rows hold datetimes; the audit keeps them as ISO text so the JSON column accepts them."""
    if state is None:
        return None
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in state.items()}
