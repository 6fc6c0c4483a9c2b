"""The garbage collector set for a long-running bot whose heap is large and mostly permanent.

Python's default collector walks every tracked object again and again: with py-cord's caches, the reward
engine's state and, under a burst, tens of thousands of chat events waiting in the backlog, a full
collection stopped the event loop for 0.3-0.7 s, several times a minute, and collections took about a quarter
of the bot's CPU under load. Each stop holds up every command in flight (and the database's write turn with
it). Objects built at start-up are never garbage: they are frozen out of the collector's walks, and young
collections run after more allocations, so older generations are walked far less often.
"""

from __future__ import annotations

import gc

# Allocations between young collections (default 700), then young collections per middle one and middle ones
# per full one (defaults 10, 10): a young collection then walks at most this many objects (a few ms).
THRESHOLDS = (20_000, 20, 10)


def settle_for_serving() -> None:
    """Call once start-up is done: what exists now stays, so no collection walks it again."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
