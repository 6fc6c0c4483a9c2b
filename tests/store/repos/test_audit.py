"""The audit trail: entries appended in order, read back newest first and filtered."""

from __future__ import annotations

from loyalteez.services.access import audit
from loyalteez.store import Store
from tests.conftest import linked


async def test_entries_read_back_newest_first_by_target_and_action(store: Store, clock) -> None:
    data = store.scoped(await linked(store, "brand_a", "101"))
    for action, target in (("a.one", "7"), ("rewards.manual_reward", "7"), ("a.two", "8")):
        await audit.record(data, actor_type="admin", actor_id="1", action=action, target_user_id=target)
        clock.advance(seconds=1)

    assert await data.audit.actions() == ["a.one", "rewards.manual_reward", "a.two"]
    newest = await data.audit.newest_snapshot(limit=2)
    assert [r["action"] for r in newest] == ["a.two", "rewards.manual_reward"]
    mine = await data.audit.newest_snapshot(target_user_id="7", limit=10)
    assert [r["action"] for r in mine] == ["rewards.manual_reward", "a.one"]
    paid = await data.audit.newest_snapshot(actions_in=["rewards.manual_reward"], limit=10)
    assert [r["action"] for r in paid] == ["rewards.manual_reward"]
    rest = await data.audit.newest_snapshot(actions_not_in=["rewards.manual_reward"], limit=10)
    assert [r["action"] for r in rest] == ["a.two", "a.one"]
