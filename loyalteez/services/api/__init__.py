"""The read-only JSON API's rules: bearer tokens per brand, their rate limit, and what the API reads."""

from loyalteez.services.api.service import ApiService

__all__ = ["ApiService"]
