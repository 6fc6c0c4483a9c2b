"""The gateway websocket: HELLO/IDENTIFY/READY, heartbeats, RESUME with replay, and ordered dispatch.

Sessions, their RESUME buffers and ordered writers are in gateway_session.py; which session gets an
event (shards, intents) in gateway_routing.py. Each shard is a session of its own; several processes may
hold shards of one bot at once, and a new IDENTIFY for a shard replaces that shard's session.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import zlib
from collections import deque
from collections.abc import Callable
from typing import Any

import msgspec
from aiohttp import WSMsgType, web

from . import payloads
from .gateway_pipe import PipeEnd, pipe
from .gateway_routing import as_seen, guild_of, wanted
from .gateway_session import REPLAY_LIMIT, Connection, ServerSocket, Session
from .state import World

log = logging.getLogger("loyalteez.emulator.gateway")

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE_STATE, RESUME = 0, 1, 2, 3, 4, 6
RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 7, 8, 9, 10, 11
INVALID_SHARD = 4010


def frame_text(frame: dict[str, Any]) -> str:
    """A dispatch as Discord writes it: compact UTF-8 JSON. msgspec, which py-cord also decodes with when it
    is installed: the standard library's encoder was a tenth of a history replay's time."""
    try:
        return msgspec.json.encode(frame).decode()
    except UnicodeEncodeError:  # a lone surrogate (half an emoji), which UTF-8 cannot carry: escape it
        return json.dumps(frame, separators=(",", ":"))


def _object_of(op: object, d: object) -> dict[str, Any]:
    """The `d` of a client frame that must carry an object; anything else makes the frame unreadable."""
    if not isinstance(d, dict):
        raise TypeError(f"op {op} needs an object as d, got {type(d).__name__}")
    return d


class Gateway:
    def __init__(self, world: World, *, base_url: Callable[[], str], token: str | None = None) -> None:
        self.world = world
        self._base_url = base_url
        self.token = token
        self.heartbeat_interval_ms = 41_250
        self.compression = False  # zlib-stream for clients that ask (Emulator's gateway_compression)
        self.send_acks = True
        # Live sessions by (shard id, shard count): one for an unsharded bot.
        self.sessions: dict[tuple[int, int], Session] = {}
        # Events kept per session for RESUME; a long history replay lowers it to keep memory flat.
        self.replay_limit = REPLAY_LIMIT
        self.connections: list[Connection] = []
        self.identify_count = 0
        self.resume_count = 0
        self.heartbeats = 0
        self.replayed = 0
        self.bot_presence: dict[str, Any] | None = None
        self._gate = asyncio.Event()
        self._gate.set()
        self._ready_waiters: list[asyncio.Future[None]] = []
        self.client_seq_probe: Callable[[], int | None] | None = None
        self._served: set[asyncio.Task[None]] = set()  # in-process connections being served

    @property
    def session(self) -> Session | None:
        """The session that receives DMs (shard 0): the only one of an unsharded bot."""
        return next((s for s in self.sessions.values() if s.shard[0] == 0), None) or next(
            iter(self.sessions.values()), None
        )

    def session_for(self, guild_id: int | None) -> Session | None:
        return next((s for s in self.sessions.values() if s.serves(guild_id)), None)

    # ------------------------------------------------------------------ dispatch
    def emit(self, event: str, data: dict[str, Any]) -> int | None:
        """Queue one DISPATCH for the bot; returns its sequence number, None when not delivered.

        It goes to every session whose shard serves the event's guild (Discord: one; the emulator lets two
        processes hold the same shard, as during a hand-over)."""
        guild_id = guild_of(event, data)
        delivered = None
        for session in list(self.sessions.values()):
            if session.serves(guild_id):
                seq = self._emit_to(session, event, data)
                delivered = seq if delivered is None else delivered
        return delivered

    def _emit_to(self, session: Session, event: str, data: dict[str, Any]) -> int | None:
        if not wanted(session.intents, event, data):
            return None
        data = as_seen(session.intents, event, data, self.world.bot.id)
        session.seq += 1
        frame = frame_text({"op": DISPATCH, "s": session.seq, "t": event, "d": data})
        session.buffer.append((session.seq, frame))
        conn = session.connection
        if conn is not None and not conn.closed:
            conn.queue.put_nowait(frame)
        return session.seq

    def send_op(self, op: int, d: Any = None) -> None:
        """A non-dispatch frame to the live connection (not sequenced, not replayed)."""
        self.send_raw(json.dumps({"op": op, "d": d}))

    def send_raw(self, frame: str | dict[str, Any]) -> None:
        """Any text, even malformed, straight to the live connection: tests of the bot's robustness."""
        text = frame if isinstance(frame, str) else json.dumps(frame)
        conn = self.live_connection
        if conn is None:
            raise AssertionError("the bot is not connected to the gateway")
        conn.queue.put_nowait(text)

    @property
    def live_connection(self) -> Connection | None:
        conn = self.session.connection if self.session else None
        return conn if conn is not None and not conn.closed else None

    @property
    def pending_writes(self) -> int:
        return sum(c.pending for c in self.connections if not c.closed)

    def caught_up(self, *, barrier: bool = False) -> bool | None:
        """Has the client read every dispatched frame? None when that cannot be observed.

        With an attached client the answer is its own sequence number. Otherwise (`barrier=True`)
        the sequence the client echoed in its last heartbeat, which `request_barrier` asks for.
        """
        answers = [self._caught_up(session, barrier) for session in list(self.sessions.values())]
        if False in answers:
            return False
        return None if None in answers else True

    def _caught_up(self, session: Session, barrier: bool) -> bool | None:
        if session.connection is None or session.connection.closed:
            return False
        probe = self.client_seq_probe if len(self.sessions) == 1 else None  # the probe reads one connection
        client_seq = probe() if probe is not None else None
        if client_seq is not None:
            return client_seq >= session.seq
        if not barrier:
            return None
        if session.barrier_seq is None:
            return None  # no barrier could be sent: nothing observable
        return (session.client_seq or 0) >= session.seq

    def request_barrier(self) -> None:
        """Send op 1: the client answers with a heartbeat carrying the last sequence it processed."""
        for session in list(self.sessions.values()):
            conn = session.connection
            if conn is None or conn.closed or session.barrier_seq == session.seq:
                continue
            session.barrier_seq = session.seq
            conn.queue.put_nowait(json.dumps({"op": HEARTBEAT, "d": None}))

    # ------------------------------------------------------------------ controls
    def hold_connections(self) -> None:
        """New connections wait before HELLO until `release_connections`: a window with the bot offline."""
        self._gate.clear()

    def release_connections(self) -> None:
        self._gate.set()

    async def drop(self, code: int | None = None) -> None:
        """Cut the live connection: abruptly (network loss) or with a close code."""
        conn = self.live_connection
        if conn is None:
            return
        conn.closed = True
        if conn.session is not None:
            conn.session.connection = None
        if code is None:
            if isinstance(conn.ws, PipeEnd):
                conn.ws.abort()
            elif isinstance(conn.transport, asyncio.Transport):
                conn.transport.abort()
        else:
            await conn.ws.close(code=code)

    def invalidate(self, *, resumable: bool = False) -> None:
        """Op 9. A non-resumable one forgets the session, so the bot must IDENTIFY again."""
        self.send_op(INVALID_SESSION, resumable)
        session = self.session
        if not resumable and session is not None:
            session.connection = None
            self._forget(session)

    def _forget(self, session: Session) -> None:
        if self.sessions.get(session.shard) is session:
            del self.sessions[session.shard]

    def next_ready(self) -> asyncio.Future[None]:
        """A future for the next READY or RESUMED; take it *before* causing the reconnect."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._ready_waiters.append(future)
        return future

    def _notify_ready(self) -> None:
        waiters, self._ready_waiters = self._ready_waiters, []
        for future in waiters:
            if not future.done():
                future.set_result(None)

    async def close(self) -> None:
        for conn in list(self.connections):
            conn.closed = True
            if conn.writer is not None:
                conn.writer.cancel()
            if not conn.ws.closed:
                with contextlib.suppress(TimeoutError, ConnectionError):
                    await asyncio.wait_for(conn.ws.close(code=1001), 0.5)
        self.connections.clear()
        if self._served:
            await asyncio.wait(set(self._served), timeout=0.5)

    # ------------------------------------------------------------------ websocket
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoclose=True, timeout=0.5)
        await ws.prepare(request)
        zlib_stream = self.compression and request.query.get("compress") == "zlib-stream"
        await self.serve(ws, request.transport, zlib_stream=zlib_stream)
        return ws

    def connect_in_process(self) -> PipeEnd:
        """A gateway connection without a socket (see gateway_pipe.py): returns the client's end."""
        client, server = pipe()
        task = asyncio.create_task(self.serve(server, None), name="emulator: in-process gateway")
        self._served.add(task)
        task.add_done_callback(self._served.discard)
        return client

    async def serve(
        self, ws: ServerSocket, transport: asyncio.BaseTransport | None, *, zlib_stream: bool = False
    ) -> None:
        """One connection, from HELLO until the client goes; `zlib_stream`: frames compressed as Discord does."""
        conn = Connection(ws=ws, transport=transport, compressor=zlib.compressobj() if zlib_stream else None)
        self.connections.append(conn)
        try:
            await self._gate.wait()
            conn.writer = asyncio.create_task(conn.write_loop(), name="emulator: gateway writer")
            conn.queue.put_nowait(json.dumps({"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}))
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                try:
                    frame = json.loads(msg.data)
                    await self._on_frame(conn, frame)
                except (ValueError, KeyError, TypeError) as exc:
                    log.warning("gateway: unreadable frame from client (%s)", exc)
        finally:
            conn.closed = True
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            if conn.writer is not None:
                conn.writer.cancel()
            if conn in self.connections:
                self.connections.remove(conn)

    async def _on_frame(self, conn: Connection, frame: dict[str, Any]) -> None:
        op, d = frame.get("op"), frame.get("d")
        if op == HEARTBEAT:
            self.heartbeats += 1
            if conn.session is not None and isinstance(d, int):
                conn.session.client_seq = d
            if self.send_acks:
                conn.queue.put_nowait(json.dumps({"op": HEARTBEAT_ACK}))
        elif op == IDENTIFY:
            await self._identify(conn, _object_of(op, d))
        elif op == RESUME:
            self._resume(conn, _object_of(op, d))
        elif op == REQUEST_MEMBERS:
            self._member_chunk(_object_of(op, d))
        elif op == PRESENCE:
            self.bot_presence = d
        elif op == VOICE_STATE:
            log.info("gateway: bot asked to join voice; voice connections are not emulated")
        else:
            log.info("gateway: ignoring op %s from client", op)

    async def _identify(self, conn: Connection, d: dict[str, Any]) -> None:
        if self.token is not None and d.get("token") != self.token:
            log.warning("gateway: IDENTIFY with a wrong token, closing 4004")
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        shard = d.get("shard", [0, 1])
        if (
            not isinstance(shard, list)
            or len(shard) != 2
            or not all(isinstance(n, int) and not isinstance(n, bool) for n in shard)
            or not 0 <= shard[0] < shard[1]
        ):
            log.warning("gateway: IDENTIFY with an invalid shard %r, closing %d", shard, INVALID_SHARD)
            await conn.ws.close(code=INVALID_SHARD, message=b"Invalid shard.")
            return
        key = (shard[0], shard[1])
        self.identify_count += 1
        previous = self.sessions.get(key)
        old = previous.connection if previous is not None else None
        if old is not None and old is not conn:
            old.closed = True
        if conn.session is not None and conn.session is not previous:
            self._forget(conn.session)  # the same websocket identifying again, as another shard
        session = Session(
            id=secrets.token_hex(16),
            intents=int(d.get("intents", 0)),
            buffer=deque(maxlen=self.replay_limit),
            shard=key,
        )
        self.sessions[key] = conn.session = session
        session.connection = conn
        world = self.world
        guilds = [g for g in world.guilds.values() if g.bot_present and session.serves(g.id)]
        ready = {
            "v": 10,
            "user": {**payloads.user(world.bot), "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self._base_url().replace("http", "ws", 1) + "/ws",
            "application": {"id": str(world.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "shard": list(key),
            "_trace": ["loyalteez-emulator"],
        }
        self._emit_to(session, "READY", ready)
        for g in guilds:
            self._emit_to(session, "GUILD_CREATE", payloads.guild(g, world=world))
        self._notify_ready()

    def _resume(self, conn: Connection, d: dict[str, Any]) -> None:
        session = next((s for s in self.sessions.values() if s.id == d.get("session_id")), None)
        seq = d.get("seq")
        oldest = session.buffer[0][0] if session and session.buffer else 1
        if (
            session is None
            or d.get("session_id") != session.id
            or not isinstance(seq, int)
            or seq > session.seq
            or seq + 1 < oldest
        ):
            log.info("gateway: RESUME refused (unknown session or sequence), sending op 9")
            conn.queue.put_nowait(json.dumps({"op": INVALID_SESSION, "d": False}))
            return
        self.resume_count += 1
        if session.connection is not None and session.connection is not conn:
            session.connection.closed = True
        session.connection, conn.session = conn, session
        missed = [frame for s, frame in session.buffer if s > seq]
        self.replayed += len(missed)
        for frame in missed:
            conn.queue.put_nowait(frame)
        self._emit_to(session, "RESUMED", {"_trace": ["loyalteez-emulator"]})
        self._notify_ready()

    def _member_chunk(self, d: dict[str, Any]) -> None:
        guild = self.world.guilds.get(int(d.get("guild_id", 0)))
        if guild is None:
            return
        members = list(guild.members.values())
        if d.get("user_ids"):
            wanted = {int(i) for i in d["user_ids"]}
            members = [m for m in members if m.id in wanted]
        elif d.get("query"):
            members = [m for m in members if m.user.username.lower().startswith(d["query"].lower())]
        if d.get("limit"):
            members = members[: int(d["limit"])]
        chunk = {
            "guild_id": str(guild.id),
            "members": [payloads.member(m) for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if d.get("nonce"):
            chunk["nonce"] = d["nonce"]
        self.emit("GUILD_MEMBERS_CHUNK", chunk)
