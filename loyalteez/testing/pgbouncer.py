"""Debian's PgBouncer in transaction mode in front of a PostgreSQL server: Supabase's pooler, on the loopback.

A transaction-mode pooler hands each transaction (each lone statement) whichever server connection is free,
so anything a client leaves on a session — prepared statements, `SET` outside a transaction, advisory
locks, LISTEN — may be gone, or seen by another client, at the next statement. Tests run the store through
this to prove it keeps no such state; asyncpg's statement cache is turned off by the URL it hands out
(`statement_cache_size=0`, the setting the README names for poolers).

Databases are reached by alias: `add_database` maps an alias to a database and (optionally) a schema,
which the pooler sets on every server connection it opens for that alias — how a pooler gives a client a
default search_path, since startup parameters other than a few are refused. `*` forwards any other
database name unchanged.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

DEBIAN_BINARY = "/usr/sbin/pgbouncer"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
START_TIMEOUT = 10.0


def binary() -> str | None:
    """Where pgbouncer is installed, or None."""
    if os.access(DEBIAN_BINARY, os.X_OK):
        return DEBIAN_BINARY
    return shutil.which("pgbouncer")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PgBouncer:
    """One pgbouncer process (`start`/`stop` are synchronous, so it can outlive any one event loop)."""

    def __init__(self, server_url: str, *, pool_size: int = 8) -> None:
        parts = urlsplit(server_url)
        self.server_host = parts.hostname or "127.0.0.1"
        self.server_port = parts.port or 5432
        self.user = parts.username or "postgres"
        self.pool_size = pool_size
        self.port = 0
        self._dir: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._aliases: dict[str, str] = {}

    # -- the process ------------------------------------------------------------------------------------------

    def start(self) -> PgBouncer:
        path = binary()
        if path is None:
            raise FileNotFoundError("pgbouncer is not installed (Debian: apt-get install pgbouncer)")
        self._dir = Path(tempfile.mkdtemp(prefix="loyalteez-pgbouncer-"))
        self._dir.chmod(0o755)  # read by pgbouncer after it dropped root privileges
        self.port = _free_port()
        (self._dir / "users.txt").write_text(f'"{self.user}" ""\n')
        self._write_databases()
        (self._dir / "pgbouncer.ini").write_text(self._config())
        for name in ("users.txt", "databases.ini", "pgbouncer.ini"):
            (self._dir / name).chmod(0o644)
        # PgBouncer refuses to run as root; -u makes it drop to an unprivileged user first.
        command = [path, *(["-u", "nobody"] if os.geteuid() == 0 else []), str(self._dir / "pgbouncer.ini")]
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self._wait_listening()
        return self

    def _config(self) -> str:
        assert self._dir is not None
        return "\n".join(
            [
                "[databases]",
                f"%include {self._dir / 'databases.ini'}",
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                f"listen_port = {self.port}",
                "unix_socket_dir =",
                "auth_type = trust",
                f"auth_file = {self._dir / 'users.txt'}",
                f"admin_users = {self.user}",
                "pool_mode = transaction",
                f"default_pool_size = {self.pool_size}",
                "max_client_conn = 2000",
                # Idle server connections are closed soon: the test server's connection limit is shared.
                "server_idle_timeout = 5",
                "server_lifetime = 300",
                # asyncpg asks for this one at startup; ignoring it is harmless (it only affects float text).
                "ignore_startup_parameters = extra_float_digits",
                "log_connections = 0",
                "log_disconnections = 0",
                "",
            ]
        )

    def _wait_listening(self) -> None:
        for _ in range(int(START_TIMEOUT / 0.05)):  # about START_TIMEOUT seconds of polling
            assert self._process is not None
            if self._process.poll() is not None:
                output = self._process.stdout.read().decode(errors="replace") if self._process.stdout else ""
                self.stop()
                raise RuntimeError(f"pgbouncer exited at start: {output.strip()[-500:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"pgbouncer did not listen on 127.0.0.1:{self.port} within {START_TIMEOUT:.0f} s")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        if process is not None and process.stdout is not None:
            process.stdout.close()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    # -- databases -------------------------------------------------------------------------------------------

    def url(self, database: str) -> str:
        """A client URL for `database` (an alias or a server database name) through the pooler."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}?statement_cache_size=0"

    async def add_database(self, alias: str, database: str, *, schema: str | None = None) -> str:
        """Make `alias` reach `database` (with `schema` as its search_path); returns the alias's URL."""
        for name in (alias, database, *([schema] if schema else [])):
            if not _NAME.match(name):
                raise ValueError(f"not a plain identifier: {name!r}")
        entry = f"host={self.server_host} port={self.server_port} dbname={database}"
        setup = ["SET synchronous_commit TO off"]  # as the direct test URLs ask: tests never need durability
        if schema:
            setup.insert(0, f"SET search_path TO {schema}")
        entry += f" connect_query='{'; '.join(setup)}'"
        if self._aliases.get(alias) != entry:
            self._aliases[alias] = entry
            self._write_databases()
            await self._admin("RELOAD")
        return self.url(alias)

    def _write_databases(self) -> None:
        assert self._dir is not None
        lines = [f"{alias} = {entry}" for alias, entry in self._aliases.items()]
        lines.append(f"* = host={self.server_host} port={self.server_port}")
        path = self._dir / "databases.ini"
        path.write_text("\n".join(lines) + "\n")
        path.chmod(0o644)

    async def _admin(self, command: str) -> None:
        """Run a command on the pooler's admin console (RELOAD re-reads the databases file)."""
        conn = await asyncpg.connect(
            f"postgresql://{self.user}@127.0.0.1:{self.port}/pgbouncer", statement_cache_size=0
        )
        try:
            await conn.execute(command)
        finally:
            await conn.close()
