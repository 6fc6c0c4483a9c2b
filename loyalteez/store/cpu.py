"""The read-only connections' threads step back for the writer and the event loop when cores are scarce.

A big read for a page (a whole ranking, /stats over a month) is CPU on a connection thread; with the
kernel told that thread matters less, the rewards writer and the loop that plans members' rewards run first
when they want a core, and the read takes the time they leave. Linux schedules threads one by one
(`setpriority` on the thread's id); elsewhere nothing changes.
"""

from __future__ import annotations

import os
import sqlite3
import threading

READER_NICENESS = 10


def yield_cpu(conn: sqlite3.Connection) -> None:
    """Run on the connection's own thread: lower that thread's priority by READER_NICENESS (at most 19)."""
    if not hasattr(os, "setpriority"):
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + READER_NICENESS))
    except OSError:
        pass
