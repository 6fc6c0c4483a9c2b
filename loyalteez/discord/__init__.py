"""Discord adapter: py-cord cogs that turn events and commands into service calls. No SQL, no rules."""
