"""Rules files for replay and what-if: the same format as `/export type:config`.

    document = await load_rules_file("docs/examples/rules.json")     # parsed and fully validated
    await import_config(data, document, apply=True, actor_id="replay")  # on the replay's server

Validation is the import's own: the JSON Schema first, then a dry run of the import on a scratch
server (an in-memory database holding a freshly connected server with the default events), so a rule
that /config would refuse is refused here too, with the field's path, before any replay starts.
"""

from __future__ import annotations

from pathlib import Path

from loyalteez.clock import ManualClock
from loyalteez.services.config_io.document import ConfigDocument, read_config
from loyalteez.services.config_io.exchange import import_config
from loyalteez.services.rewards.defaults import install_default_rules
from loyalteez.store import Scope, Store

_SCRATCH = Scope("rules_check", "1")


async def load_rules_file(path: str | Path) -> ConfigDocument:
    """Read and validate a rules file; raises ConfigFileError / ConfigFieldError naming the bad field."""
    document = read_config(path)
    await check_on_fresh_server(document)
    return document


async def check_on_fresh_server(document: ConfigDocument) -> None:
    """Dry-run the document on a new, empty server; raises what the import would raise."""
    clock = ManualClock()
    store = await Store.open(":memory:", clock)
    try:
        await store.insert_brand(
            {"brand_id": _SCRATCH.brand_id, "name": "rules check", "key_salt": "00", "key_hash": "-"}
        )
        data = store.scoped(_SCRATCH)
        await data.server.link("rules check")
        await install_default_rules(data, clock)
        await import_config(data, document, apply=False)
    finally:
        await store.close()
