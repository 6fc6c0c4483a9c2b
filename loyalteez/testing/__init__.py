"""Real components tests and benchmarks put between the bot and its database (a slow network, a pooler)."""
