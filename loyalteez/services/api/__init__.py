"""The read-only JSON API's rules: bearer tokens per brand, their rate limit, and what the API reads.

The package imports nothing itself: `python bot.py api-token` needs only `tokens`, not every read the API
serves (and the services those reads pull in). The service is `loyalteez.services.api.service.ApiService`.
"""
