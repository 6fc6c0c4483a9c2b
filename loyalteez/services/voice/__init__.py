"""Voice time: sessions that survive restarts, minutes counted only when they mean something, /voice claim.

service.py (VoiceService and who counts), texts.py (what /voice shows).
"""

from loyalteez.services.voice.service import HEARTBEAT, VoicePresence, VoiceService

__all__ = ["HEARTBEAT", "VoicePresence", "VoiceService"]
