"""Daily check-ins and streaks: /daily, /streak, /config streaks, and the engine's streak multiplier.

service.py (StreakService), settings.py (a server's streak rules), input.py (reading /config streaks
options), multipliers.py (the engine's StreakMultiplierSource), texts.py (what members and admins read).
"""

from loyalteez.services.streaks.multipliers import StreakMultipliers
from loyalteez.services.streaks.service import StreakService
from loyalteez.services.streaks.settings import StreakSettings

__all__ = ["StreakMultipliers", "StreakService", "StreakSettings"]
