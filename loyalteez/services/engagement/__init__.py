"""Engagement features built on the rewards engine (issue 6); every payout goes through `RewardsEngine.pay`
or a passive event, never around it.

Activity side: streaks.py (/daily, /streak), streak_settings.py (/config streaks), streak_multipliers.py
(the engine's StreakMultiplierSource), voice.py (voice sessions and /voice), boosts.py, levelups.py.
"""
