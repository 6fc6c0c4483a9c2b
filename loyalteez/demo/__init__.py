"""The offline demo: the loopback Discord, the real bot, and a simulated community playing a week."""
