"""Web adapter: the dashboard the bot serves itself (aiohttp + Jinja2). Pages call services with a Scope and a
Caller exactly like the cogs do; no SQL, no rules here. Layout and how to add a page: docs/web.md."""
