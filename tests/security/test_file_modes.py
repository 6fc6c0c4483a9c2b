"""What the bot writes to disk is its owner's alone, whatever the umask; a .env others can read is pointed out.

Real `python bot.py` runs under the common umask 022 (which would leave files world-readable): the
database with its WAL and SHM files while the bot serves the loopback Discord, backups, exports, and the
folders made for them. Each is stat()ed as an admin of a shared host would check it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

from loyalteez.clock import ManualClock, SystemClock
from loyalteez.emulator import Emulator
from loyalteez.emulator.harness import TOKEN
from loyalteez.services.access import brands
from loyalteez.services.access.setup import SetupService
from loyalteez.store import Store
from tests.conftest import PROJECT_ROOT

BOT = str(PROJECT_ROOT / "bot.py")
SERVER = "555000111"


def common_umask() -> None:
    os.umask(0o022)


def environment(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith("LOYALTEEZ_")}
    return {**base, **extra}


def bot(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, BOT, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment(**env),
        cwd=cwd,
        preexec_fn=common_umask,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


def test_the_database_and_the_folders_made_for_it_are_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "data" / "bots" / "loyalteez.db"
    bot("brand", "create", "Modes", cwd=tmp_path, LOYALTEEZ_DB=str(db))
    assert {p.name: mode(p) for p in (tmp_path / "data", db.parent, db)} == {
        "data": "0o700",
        "bots": "0o700",
        "loyalteez.db": "0o600",
    }


def test_backups_and_their_folder_are_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "data" / "loyalteez.db"
    bot("brand", "create", "Modes", cwd=tmp_path, LOYALTEEZ_DB=str(db))
    bot("backup", cwd=tmp_path, LOYALTEEZ_DB=str(db))  # the default place: data/backups/
    chosen = tmp_path / "data" / "old" / "before-upgrade.db"
    bot("backup", str(chosen), cwd=tmp_path, LOYALTEEZ_DB=str(db))
    (made,) = (tmp_path / "data" / "backups").glob("loyalteez-*.db")
    assert {p.name: mode(p) for p in (made.parent, made, chosen.parent, chosen)} == {
        "backups": "0o700",
        made.name: "0o600",
        "old": "0o700",
        "before-upgrade.db": "0o600",
    }


async def test_exports_and_their_folder_are_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "data" / "loyalteez.db"
    bot("brand", "create", "Modes", cwd=tmp_path, LOYALTEEZ_DB=str(db))
    store = await Store.open(str(db), ManualClock())
    try:
        brand = await brands.create_brand(store, "Acme Coffee")
        linked = await SetupService(store, store.clock).connect(
            server_id=SERVER, server_name="Cafe", brand_id=brand.brand_id, security_key=brand.security_key, actor_id="1"
        )
        assert linked.ok
    finally:
        await store.close()
    rewards = tmp_path / "data" / "exports" / "rewards.csv"
    audit = tmp_path / "data" / "exports" / "audit.csv"
    audit.parent.mkdir(mode=0o755)
    audit.write_text("an older export, world-readable\n")
    audit.chmod(0o644)
    bot("export", "rewards", "--server", SERVER, "--out", str(rewards), cwd=tmp_path, LOYALTEEZ_DB=str(db))
    bot("export", "audit", "--server", SERVER, "--out", str(audit), "--force", cwd=tmp_path, LOYALTEEZ_DB=str(db))
    assert {p.name: mode(p) for p in (rewards, audit)} == {"rewards.csv": "0o600", "audit.csv": "0o600"}


async def test_the_running_bot_keeps_its_database_wal_and_shm_owner_only(tmp_path: Path) -> None:
    emu = Emulator(token=TOKEN, clock=SystemClock())
    await emu.start()
    guild = emu.create_guild("Test Server")
    db = tmp_path / "data" / "loyalteez.db"
    env = environment(
        DISCORD_TOKEN=TOKEN,
        LOYALTEEZ_DISCORD_API=emu.api_base_url,
        LOYALTEEZ_DB=str(db),
        LOYALTEEZ_EMULATOR_TIMINGS="1",
        LOYALTEEZ_LOG_LEVEL="WARNING",
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, BOT, "run", cwd=str(tmp_path), env=env, preexec_fn=common_umask, stderr=subprocess.PIPE
    )
    try:
        await answered_help(guild.member("alice"), proc)
        files = [tmp_path / "data", db, Path(f"{db}-wal"), Path(f"{db}-shm")]
        assert {p.name: mode(p) for p in files} == {
            "data": "0o700",
            "loyalteez.db": "0o600",
            "loyalteez.db-wal": "0o600",
            "loyalteez.db-shm": "0o600",
        }
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(proc.wait(), 15)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        await emu.stop()


async def answered_help(member, proc: asyncio.subprocess.Process) -> None:  # type: ignore[no-untyped-def]
    """Wait until the bot in the subprocess serves (it answers /help): its database is open by then."""
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if proc.returncode is not None:
            raise AssertionError(f"the bot exited: {(await proc.stderr.read()).decode()}")  # type: ignore[union-attr]
        with contextlib.suppress(Exception):
            reply = await member.slash("help", reply_timeout=2)
            if reply.ephemeral:
                return
        await asyncio.sleep(0.3)
    raise AssertionError("the bot did not answer /help within 40 s")


def test_a_dotenv_others_can_read_gets_a_one_line_warning(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"LOYALTEEZ_DB={tmp_path / 'bot.db'}\n")
    dotenv.chmod(0o644)
    warned = _doctor(tmp_path)
    lines = [line for line in warned if ".env" in line]
    assert lines == [
        "Warning: .env can be read by other users of this machine and holds your bot token: run chmod 600 .env"
    ], warned
    dotenv.chmod(0o600)
    assert not [line for line in _doctor(tmp_path) if ".env" in line]


def _doctor(cwd: Path) -> list[str]:
    """The doctor's stderr lines (it exits 1 here: no token is set, which is beside the point)."""
    result = subprocess.run(
        [sys.executable, BOT, "doctor"],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment(),
        cwd=cwd,
        preexec_fn=common_umask,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result.stderr.splitlines()
