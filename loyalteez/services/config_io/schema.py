"""The JSON Schema of config files: built from the registered sections, kept in docs/config.schema.json.

Files are validated against the copy in the repo (jsonschema, draft 2020-12); a test checks that copy is
what the sections build today. After adding or changing a section, regenerate it:

    python -m loyalteez.services.config_io --write

Problems are reported one per line with their JSON path and the same sentence the service would give
(each constrained value carries it as `x-message`), e.g. `events[2].reward_amount: must be from 1 to
10,000 LTZ.`
"""

from __future__ import annotations

import difflib
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loyalteez.services.config_io.registry import sections

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError as SchemaError

FORMAT_VERSION = 1
SCHEMA_FILE = Path(__file__).resolve().parents[3] / "docs" / "config.schema.json"
_TYPE_WORDS = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


def build_schema() -> dict[str, Any]:
    """The schema the registered sections describe (what docs/config.schema.json must hold)."""
    properties: dict[str, Any] = {
        "version": {"const": FORMAT_VERSION, "x-message": f"this bot reads config files of version {FORMAT_VERSION}."},
        "exported_at": {"type": "string", "description": "informational: when the file was exported (UTC)"},
        "source": {"type": "object", "description": "informational: the brand and server it was exported from"},
    }
    for section in sections():
        properties[section.key] = {"description": section.description, **section.json_schema()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Loyalteez server configuration",
        "description": "What /export type:config writes and `python bot.py import-config` (and replay --rules) "
        "reads. Every section is optional: a section absent from a file is left as it is.",
        "type": "object",
        "required": ["version"],
        "additionalProperties": False,
        "properties": properties,
    }


def render(schema: Mapping[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


@cache
def _repo_schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


def current_schema() -> dict[str, Any]:
    """The repo's copy when it is there (it is what the docs publish), else the one the sections build."""
    return _repo_schema() if SCHEMA_FILE.exists() else build_schema()


def problems(document: Any, schema: Mapping[str, Any] | None = None) -> list[str]:
    """Every way `document` breaks the schema, one sentence each, in document order."""
    from jsonschema import Draft202012Validator  # imported when needed: it costs 0.1 s at start-up

    validator = Draft202012Validator(schema if schema is not None else current_schema())
    lines: list[str] = []
    for error in sorted(validator.iter_errors(document), key=_order):
        for line in _describe(error):
            if line not in lines:
                lines.append(line)
    return lines


def path_text(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _order(error: SchemaError) -> tuple[Any, ...]:
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path)


def _at(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _describe(error: SchemaError) -> list[str]:
    path = path_text(error.absolute_path)
    where = path or "the file"
    schema = error.schema if isinstance(error.schema, dict) else {}
    instance = error.instance
    if error.validator == "required" and isinstance(instance, dict):
        return [f"{_at(path, name)}: is required." for name in error.validator_value if name not in instance]
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        known = list(schema.get("properties", {}))
        return [f"{_at(path, name)}: unknown field{_suggest(name, known)}." for name in instance if name not in known]
    if "x-message" in schema:
        return [f"{where}: {schema['x-message']}"]
    if error.validator == "type":
        return [f"{where}: must be {_types(error.validator_value)}."]
    return [f"{where}: {error.message}."]


def _types(kinds: str | Sequence[str]) -> str:
    names = [kinds] if isinstance(kinds, str) else list(kinds)
    return " or ".join(_TYPE_WORDS.get(k, k) for k in names)


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else f" (known: {', '.join(known)})"


def main(argv: Sequence[str] | None = None) -> int:
    """`--write` regenerates docs/config.schema.json; `--check` exits 1 when it is stale."""
    args = list(sys.argv[1:] if argv is None else argv)
    text = render(build_schema())
    if "--write" in args:
        SCHEMA_FILE.parent.mkdir(parents=True, exist_ok=True)
        SCHEMA_FILE.write_text(text, encoding="utf-8")
        print(f"wrote {SCHEMA_FILE}")
        return 0
    if "--check" in args:
        current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
        print("up to date" if current == text else f"{SCHEMA_FILE} is stale: run with --write")
        return 0 if current == text else 1
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
