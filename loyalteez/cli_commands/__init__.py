"""Command implementations for `python bot.py ...`, kept out of cli.py so it stays a small dispatcher."""
