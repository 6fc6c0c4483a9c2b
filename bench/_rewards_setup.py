"""The rewards benchmark's database: one configured server, and its templates with ledger history.

Split from rewards_engine.py. A template is a configured database with N earlier payouts, filed as the
bot's filing job leaves them; `ensure_template` keeps it in a folder for the next run (--templates).
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import _rewards_anchors as anchors
from loyalteez.clock import ManualClock
from loyalteez.services.maintenance import ledger_filing
from loyalteez.services.maintenance.ledger_filing import LedgerFiling
from loyalteez.services.rewards import admin_events, admin_server, defaults, install_default_rules
from loyalteez.services.rewards.admin_events import EventOptions, create_event, toggle_event
from loyalteez.services.rewards.admin_server import set_role_bonus
from loyalteez.store import Scope, Store
from loyalteez.store.repos import ledger_writes
from loyalteez.store.schema import MIGRATIONS_DIR, SCHEMA_FILE

SCOPE = Scope("bench_brand", "900000000000000001")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHANNELS = [str(910000000000000000 + i) for i in range(6)]
ROLES = {"booster": "920000000000000001", "vip": "920000000000000002", "supporter": "920000000000000003"}


def member_ids(members: int) -> list[str]:
    return [str(930000000000000000 + i) for i in range(members)]


async def prepared_store(target: str, clock: ManualClock) -> Store:
    store = await Store.open(target, clock)
    await store.insert_brand({"brand_id": SCOPE.brand_id, "name": "Bench", "key_salt": "00", "key_hash": "x"})
    data = store.scoped(SCOPE)
    await data.server.link("Bench server")
    await install_default_rules(data, clock)
    await toggle_event(data, "1", "quality_message", True)
    await create_event(
        data,
        "1",
        "ltz_shoutout",
        EventOptions(reward=5, trigger="keyword", cooldown_hours=2, keywords=["loyalteez", "ltz"]),
    )
    await set_role_bonus(data, "1", ROLES["booster"], "multiplier", 1.5, priority=10)
    await set_role_bonus(data, "1", ROLES["vip"], "multiplier", 2.0, priority=5)
    await set_role_bonus(data, "1", ROLES["supporter"], "flat_bonus", 10)
    return store


async def template(path: Path, history: int, members: int) -> None:
    """A configured database with `history` earlier payouts, all before the day the run happens on."""
    await (await prepared_store(str(path), ManualClock(START))).close()
    if history:
        before = START.replace(hour=0)
        seconds = anchors.add_history(path, SCOPE.brand_id, SCOPE.server_id, member_ids(members), history, before)
        print(f"  wrote {history:,} rows of ledger history in {seconds:.1f}s", file=sys.stderr)
        store, started = await Store.open(str(path), ManualClock(START)), time.perf_counter()
        filed = await LedgerFiling(store, chunks_per_run=history).file_due(START)  # as the bot's job leaves them
        await store.close()
        print(f"  filed {filed:,} of them in {time.perf_counter() - started:.1f}s", file=sys.stderr)


# What a template is made by: the schema, this set-up, the history writer, the filing job and its UPDATE,
# the rules and bonuses configured. One built by another version of any of them is built again.
_TEMPLATE_SOURCES = (
    SCHEMA_FILE,
    *sorted(MIGRATIONS_DIR.glob("*.sql")),
    *(Path(inspect.getfile(m)) for m in (sys.modules[__name__], anchors, ledger_filing, ledger_writes)),
    *(Path(inspect.getfile(m)) for m in (defaults, admin_events, admin_server)),
)


def folder(text: str) -> Path:
    """--templates: a folder (made if missing), or argparse's one-line error and exit status 2."""
    path = Path(text)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot use {text!r} as the templates folder: {exc.strerror}") from exc
    return path


def template_path(folder: Path, history: int, members: int) -> Path:
    """Where the template of this history and member count is kept, named after what builds it."""
    digest = hashlib.sha256()
    for source in _TEMPLATE_SOURCES:
        digest.update(source.read_bytes())
    return folder / f"template-{history}-{members}-{digest.hexdigest()[:12]}.db"


async def ensure_template(folder: Path, history: int, members: int) -> Path:
    """The template's path, built first unless a finished one is there (built under another name and
    renamed, so an interrupted build is never taken for a finished one); a build replaces the templates
    of the same history and members that other code built."""
    path = template_path(folder, history, members)
    if path.exists():
        print(f"  reusing {path}", file=sys.stderr)
        return path
    # An interrupted build (with its -wal and -shm), and templates other code built: several GB each.
    for leftover in folder.glob(f"template-{history}-{members}-*"):
        leftover.unlink()
    building = path.with_name(f"{path.stem}.building.db")
    await template(building, history, members)
    building.rename(path)
    return path
