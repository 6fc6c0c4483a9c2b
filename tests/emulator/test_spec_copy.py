"""The repo's copy of Discord's OpenAPI spec is the unchanged file from ``shared/``.

The emulator must work on a clone without ``shared/``, so the spec is copied into the package;
this guards against the copy drifting (edited by hand, or left stale after ``shared/`` updates).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from loyalteez.emulator.spec import SPEC_PATH

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHARED_SPEC = PROJECT_ROOT.parent / "shared" / "discord-api-spec" / "openapi.json"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_repo_copy_equals_the_shared_spec():
    if not SHARED_SPEC.parent.parent.is_dir():
        pytest.skip(f"no shared/ folder beside the project ({SHARED_SPEC.parent.parent})")
    if not SHARED_SPEC.is_file():
        pytest.skip(f"shared/ has no Discord spec at {SHARED_SPEC}")
    assert digest(SPEC_PATH) == digest(SHARED_SPEC), "refresh loyalteez/emulator/spec_data/ from shared/"


def test_repo_copy_is_in_the_package():
    assert SPEC_PATH == PROJECT_ROOT / "loyalteez" / "emulator" / "spec_data" / "openapi.json"
    assert SPEC_PATH.is_file() and (SPEC_PATH.parent / "LICENSE").is_file()
