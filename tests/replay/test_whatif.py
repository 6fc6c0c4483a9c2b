"""The what-if comparison's arithmetic: rank changes, the daily series and the table's change column."""

from __future__ import annotations

from datetime import date

from loyalteez.replay.feeder import FeedCounts
from loyalteez.replay.runner import ReplayResult
from loyalteez.replay.summary import EventTotal, Recorded
from loyalteez.replay.whatif import Outcome, RuleSet, daily_series, rank_changes
from loyalteez.replay.whatif_texts import table_lines

FIRST, LAST = date(2024, 3, 4), date(2024, 3, 7)


def outcome(label: str, ranking: list[tuple[str, int]], daily: dict[date, int]) -> Outcome:
    ltz = sum(v for _, v in ranking)
    recorded = Recorded(
        members=3,
        payouts=len(ranking),
        ltz=ltz,
        earners=len(ranking),
        by_event=(EventTotal("gm_checkin", len(ranking), ltz),),
        ranking=tuple(ranking),
        daily_paid=daily,
        snapshot_days=4,
        last_day=LAST,
        last_kpis={"top_10_concentration": 0.5, "reward_efficiency": 12.0},
        daily_kpis={
            FIRST: {"daily_active_users": 2, "weekly_active_users": 3},
            LAST: {"daily_active_users": 4, "weekly_active_users": 3},
        },
    )
    counts = FeedCounts(messages=10, chat=10, days=2, first_day=FIRST, last_day=LAST)
    names = {"a": "alice", "b": "bob", "c": "cleo"}
    return Outcome(RuleSet(label, None), ReplayResult("1", "Club", "Club", counts, recorded, names, 1.0, 50.0, 0))


def test_rank_changes_biggest_first_and_members_who_stop_earning_fall_to_last_place() -> None:
    before = outcome("A", [("a", 100), ("b", 50), ("c", 10)], {})
    after = outcome("B", [("c", 200), ("a", 100)], {})
    moves = [(c.member, c.before, c.after, c.delta) for c in rank_changes([before, after])]
    assert moves == [("c", 3, 1, 2), ("a", 1, 2, -1), ("b", 2, None, -1)]


def test_unchanged_ranks_are_not_listed() -> None:
    same = [("a", 100), ("b", 50)]
    assert rank_changes([outcome("A", same, {}), outcome("B", same, {})]) == []


def test_the_daily_series_covers_every_day_with_zero_for_days_without_payouts() -> None:
    a = outcome("A", [("a", 30)], {FIRST: 10, LAST: 20})
    b = outcome("B", [("a", 60)], {FIRST: 20, date(2024, 3, 5): 5, LAST: 35})
    days, series = daily_series([a, b])
    assert days == [FIRST, date(2024, 3, 5), date(2024, 3, 6), LAST]
    assert series == [("A", [10.0, 0.0, 0.0, 20.0]), ("B", [20.0, 5.0, 0.0, 35.0])]


def test_the_table_shows_each_rule_set_and_the_change_against_the_first() -> None:
    lines = table_lines([outcome("A: defaults", [("a", 100)], {}), outcome("B: more.json", [("a", 150)], {})])
    text = "\n".join(lines)
    assert "A: defaults" in text and "B: more.json" in text
    paid = next(line for line in lines if line.startswith("LTZ paid"))
    assert paid.split()[-2:] == ["150", "(+50%)"]
    assert "daily active earners (avg)" in text and "3.0" in text  # (2 + 4) / 2
    assert "alice (a): #1 -> #1" not in text and "none: every member keeps their rank." in text


async def test_rule_sets_replayed_side_by_side_match_one_after_another(tmp_path) -> None:
    from loyalteez.replay.synthetic import write_exports
    from loyalteez.replay.whatif import compare
    from loyalteez.services.config_io import parse_config

    write_exports(tmp_path / "ex", messages=300, seed=4, channels=2, members=12, bots=1, days=4)
    double = parse_config('{"version": 1, "events": [{"name": "gm_checkin", "reward_amount": 50}]}', "double.json")
    rule_sets = [RuleSet("A", None), RuleSet("B", double)]
    inline = await compare([tmp_path / "ex"], rule_sets, quiet=True, workers=1)
    parallel = await compare([tmp_path / "ex"], rule_sets, quiet=True, workers=2)
    assert [o.result.recorded for o in parallel] == [o.result.recorded for o in inline]
    assert inline[1].result.recorded.ltz > inline[0].result.recorded.ltz
