"""docs/deploy/: the systemd unit, the Dockerfile and compose.yaml parse, say what a service needs, and pass
the lints this machine has (`systemd-analyze verify`, `docker compose config` / `docker-compose config`).
A missing lint tool skips with one printed line; the parsing checks always run."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.conftest import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "docs" / "deploy"
UNIT = DEPLOY / "loyalteez.service"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "compose.yaml"
INSTRUCTIONS = {
    "FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR",
    "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
}  # fmt: skip
SCRIPT = next(iter(tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["scripts"]))


def skip_without(tool: str) -> None:
    print(f"SKIP {tool}: not installed here, only the parsing checks ran")
    pytest.skip(f"{tool} is not installed")


# -- systemd --------------------------------------------------------------------------------------------


def unit_sections(text: str) -> dict[str, dict[str, list[str]]]:
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            assert line.endswith("]"), raw
            current = sections.setdefault(line[1:-1], {})
            continue
        key, sep, value = line.partition("=")
        assert sep and current is not None, f"not KEY=VALUE inside a section: {raw!r}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def test_the_systemd_unit_says_what_a_service_needs() -> None:
    text = UNIT.read_text()
    service = unit_sections(text)["Service"]
    assert service["Restart"] == ["on-failure"]
    assert service.get("DynamicUser") == ["yes"] or service.get("User"), "a dedicated user"
    assert service["StateDirectory"] == ["loyalteez"]
    assert service["Environment"] == ["LOYALTEEZ_DB=%S/loyalteez/loyalteez.db"]  # the data in the state dir
    assert service["EnvironmentFile"] == ["/etc/loyalteez/loyalteez.env"]
    assert "install -m 0600 /dev/null /etc/loyalteez/loyalteez.env" in text  # the token file's mode
    assert shlex.split(service["ExecStart"][0])[0].endswith(f"/bin/{SCRIPT}")
    assert shlex.split(service["ExecStart"][0])[1:] == ["run"]
    assert service["KillSignal"] == ["SIGTERM"] and int(service["TimeoutStopSec"][0]) >= 10
    assert "WantedBy" in unit_sections(text)["Install"]


def test_systemd_analyze_verify_finds_nothing(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        skip_without("systemd-analyze")
    # The unit names the installed command under /opt; verify checks it exists, so point it at one that does.
    unit = tmp_path / UNIT.name
    unit.write_text(re.sub(r"^ExecStart=\S+", "ExecStart=/bin/true", UNIT.read_text(), flags=re.M))
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    warnings = [line for line in result.stderr.splitlines() if unit.name in line or "Unknown" in line]
    assert result.returncode == 0 and not warnings, result.stderr


# -- Dockerfile -----------------------------------------------------------------------------------------


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined; anything else fails the parse."""
    found: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        pending = f"{pending} {line}" if pending else line
        if pending.endswith("\\"):
            pending = pending[:-1].rstrip()
            continue
        word, _, args = pending.partition(" ")
        assert word.upper() in INSTRUCTIONS and word == word.upper(), f"not a Dockerfile instruction: {word}"
        found.append((word, args.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"
    return found


def test_the_dockerfile_parses_and_runs_the_installed_command() -> None:
    steps = dockerfile_instructions(DOCKERFILE.read_text())
    assert steps[0][0] == "FROM" and steps[0][1].startswith("python:3.11")
    by_name: dict[str, list[str]] = {}
    for word, args in steps:
        by_name.setdefault(word, []).append(args)
    for args in by_name["COPY"]:  # every source exists in the build context (the repository root)
        for source in shlex.split(args)[:-1]:
            assert (PROJECT_ROOT / source).exists(), source
    assert any("pip install" in run and " . " in f"{run} " for run in by_name["RUN"])
    assert by_name["USER"][-1] not in ("root", "0")
    assert json.loads(by_name["ENTRYPOINT"][-1]) == [SCRIPT] and json.loads(by_name["CMD"][-1]) == ["run"]
    assert by_name["STOPSIGNAL"] == ["SIGTERM"]
    assert "LOYALTEEZ_DB=/data/loyalteez.db" in by_name["ENV"] and json.loads(by_name["VOLUME"][-1]) == ["/data"]
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
    assert ".env" in ignored and ".git" in ignored and "data" in ignored


# -- compose --------------------------------------------------------------------------------------------


def test_compose_has_the_bot_and_an_optional_postgres() -> None:
    compose = yaml.safe_load(COMPOSE.read_text())
    bot = compose["services"]["bot"]
    assert (DEPLOY / bot["build"]["context"]).resolve() == PROJECT_ROOT
    assert (PROJECT_ROOT / bot["build"]["dockerfile"]).resolve() == DOCKERFILE
    assert bot["restart"].startswith("on-failure") and bot["env_file"] == ["loyalteez.env"]
    assert "bot-data:/data" in bot["volumes"] and bot["stop_signal"] == "SIGTERM"
    assert "profiles" not in bot
    postgres = compose["services"]["postgres"]
    assert postgres["profiles"] == ["postgres"] and postgres["image"].startswith("postgres:")
    assert set(compose["volumes"]) == {"bot-data", "postgres-data"}


def compose_command() -> list[str] | None:
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return ["docker", "compose"]
    return ["docker-compose"] if shutil.which("docker-compose") else None


def test_compose_config_accepts_it(tmp_path: Path) -> None:
    command = compose_command()
    if command is None:
        skip_without("docker compose")
    deploy = tmp_path / "docs" / "deploy"  # beside made-up env files, never the real ones
    shutil.copytree(DEPLOY, deploy)
    for name in ("loyalteez.env", "postgres.env"):
        (deploy / name).write_text("")
    for profile in ([], ["--profile", "postgres"]):
        result = subprocess.run(
            [*command, "-f", str(deploy / "compose.yaml"), *profile, "config"],
            capture_output=True,
            text=True,
            cwd=deploy,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        services = yaml.safe_load(result.stdout)["services"]
        assert "bot" in services and (not profile or "postgres" in services)
