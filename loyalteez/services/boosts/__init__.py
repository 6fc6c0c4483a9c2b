"""Server boosts and other bots' level-up announcements, each paid through the rewards engine.

service.py (BoostService: boost notices), levelups.py (LevelUpService and the announcement parser).
"""

from loyalteez.services.boosts.levelups import LevelUpService
from loyalteez.services.boosts.service import BoostNotice, BoostService

__all__ = ["BoostNotice", "BoostService", "LevelUpService"]
