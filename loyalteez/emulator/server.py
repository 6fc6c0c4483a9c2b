"""The `Emulator`: a loopback Discord (gateway + REST) on a free port of 127.0.0.1.

The REAL py-cord client connects to it once `discord.http.Route.API_BASE_URL` points at
`emu.api_base_url`. The driver methods (create guilds, act as users, settle) come from `DriverMixin`.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from loyalteez.clock import Clock

from .checks import Checks
from .driver import DriverMixin
from .events import Events
from .gateway import Gateway
from .interactions import InteractionRegistry
from .rest import API_PREFIX, CapturedRequest, Rejection, build_app
from .rest_oauth import OAuthState
from .state import Attachment, World

log = logging.getLogger("loyalteez.emulator")


class Emulator(DriverMixin):
    """One emulated Discord with one bot application; start it, point a client at it, drive it."""

    def __init__(
        self,
        *,
        token: str | None = None,
        bot_name: str = "Loyalteez",
        heartbeat_interval: float = 41.25,
        validate: bool = True,
        rate_limits: bool = True,
        interaction_deadline: float = 3.0,
        reply_timeout: float = 5.0,
        keep_requests: int = 100_000,
        clock: Clock | None = None,
        in_process_gateway: bool = False,
        gateway_compression: bool = False,
    ) -> None:
        # With a clock (tests, the demo, history replay) message ids and timestamps follow it.
        self.world = World(bot_name=bot_name, now=clock.now if clock is not None else None)
        self.token = token
        self.gateway = Gateway(self.world, base_url=lambda: self.base_url, token=token)
        self.gateway.heartbeat_interval_ms = int(heartbeat_interval * 1000)
        # Discord compresses the gateway when the client asks (py-cord always does); the emulator only when this
        # is set, so tests and benchmarks otherwise read frames as sent. Tests of the compressed path set it.
        self.gateway.compression = gateway_compression
        # The attached client reaches the gateway without a socket (gateway_pipe.py): a history replay's speed.
        self.in_process_gateway = in_process_gateway
        self.events = Events(self)
        self.interactions = InteractionRegistry()
        # Bounded so a long-running demo does not grow without end; tests never come near it.
        self.requests: deque[CapturedRequest] = deque(maxlen=keep_requests)
        self.rejected_requests: list[Rejection] = []
        self.errors: list[str] = []  # emulator bugs hit while answering; tests should assert it is empty
        self.inflight = 0
        self.nonce_repeats = 0  # creates answered with an earlier message of the same nonce (enforce_nonce)
        # Called with each bot request once Discord has acted on it, before the answer leaves: a test can
        # kill the bot process there (the message exists, the bot never learns it).
        self.answered_hooks: list[Callable[[CapturedRequest], Awaitable[None]]] = []
        self.attachments: dict[int, Attachment] = {}
        self.closed_dms: set[int] = set()
        self.interaction_deadline = interaction_deadline
        self.followup_window = 15 * 60.0
        self.reply_timeout = reply_timeout
        self.oauth = OAuthState()  # web sign-in: who /oauth2/authorize approves as, codes and tokens
        self.checks = Checks(self, validate=validate, rate_limits=rate_limits)
        self.app_idle: Callable[[], Awaitable[Any]] | None = None
        self.client: Any = None  # the attached py-cord client, if any (see attach_client)
        self.bot_task: asyncio.Task[Any] | None = None  # the bot's start() task: settle fails fast if it dies
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    # ------------------------------------------------------------------ lifecycle
    async def start(self, port: int = 0) -> Emulator:
        """Listen on 127.0.0.1 (a free port unless one is given); loopback only, never a public address."""
        if self._runner is not None:
            return self
        app = build_app(self)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        self.port = sock.getsockname()[1]
        site = web.SockSite(runner, sock)
        await site.start()
        self._runner = runner
        log.info("Discord emulator listening on %s", self.base_url)
        return self

    async def stop(self) -> None:
        if self._runner is None:
            return
        await self.gateway.close()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ addresses
    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("the emulator is not started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base_url(self) -> str:
        """What `discord.http.Route.API_BASE_URL` (or Settings.discord_api_base) must be set to."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/ws"

    # ------------------------------------------------------------------ inspection
    @property
    def faults(self) -> Any:
        """The fault injector: `inject_429(...)`, `inject_status(...)`."""
        return self.checks.faults

    def requests_to(self, method: str, template: str) -> list[CapturedRequest]:
        """Captured bot requests for one route, e.g. ("POST", "/channels/{channel_id}/messages")."""
        return [r for r in self.requests if r.method == method.upper() and r.template == template]
