"""Check a JSON value against a schema from Discord's OpenAPI description, reporting like Discord.

Only the JSON Schema keywords the spec actually uses are implemented (see ``SchemaValidator``), with
Discord's own leniency: unknown keys are ignored, ids may be ints or digit strings, integers may
arrive as digit strings (py-cord sends permissions that way). Each failing field gets one error
with Discord's code and message (spec_values.py), so a test can assert the exact ``errors`` tree a bot
would see.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from loyalteez.emulator.spec_values import (
    INT_TEXT,
    SNOWFLAKE_MAX,
    accept,
    choices,
    has_duplicates,
    is_iso8601,
    is_url,
    length_error,
    number_error,
    same,
    show,
    type_error,
)

ErrorPath = tuple[str, ...]

REQUIRED = ("BASE_TYPE_REQUIRED", "This field is required")
# How far one value may nest before we stop descending: Discord's deepest real payloads
# (containers > sections > accessories) are well under this.
MAX_DEPTH = 64


@dataclass(frozen=True, slots=True)
class FieldError:
    """One leaf of Discord's ``errors`` tree: where, which code, which sentence."""

    path: ErrorPath
    code: str
    message: str


def error_tree(errors: Iterable[FieldError]) -> dict[str, Any]:
    """Nest errors the way Discord does: ``{"embeds": {"0": {"title": {"_errors": [...]}}}}``."""
    tree: dict[str, Any] = {}
    for err in errors:
        node = tree
        for key in err.path:
            node = node.setdefault(key, {})
        leaf = node.setdefault("_errors", [])
        item = {"code": err.code, "message": err.message}
        if item not in leaf:
            leaf.append(item)
    return tree


class SchemaValidator:
    """Walks one OpenAPI document's schemas; ``check`` returns every failing field.

    Keywords handled: ``$ref`` (local pointers, cached), ``allOf``, ``oneOf``/``anyOf`` (best
    branch, see ``_union``), ``type`` (single or list, incl. ``null``), ``enum``/``const``,
    ``properties``/``required``/``additionalProperties``, ``min/maxProperties``, ``items``,
    ``min/maxItems``, ``uniqueItems``, ``min/maxLength`` (code points), ``pattern``,
    ``minimum``/``maximum`` and ``format`` (snowflake, int32, int64, date-time, uri).
    ``additionalProperties: false`` is deliberately ignored: Discord drops unknown keys.
    """

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._document = document
        self._refs: dict[str, Mapping[str, Any]] = {}
        self._patterns: dict[str, re.Pattern[str]] = {}
        # Per union (by identity; the entry keeps its key object alive, so an id is never reused): its
        # resolved branches, and for a set of fitting branches the properties that could tell them apart.
        self._branches: dict[int, tuple[Sequence[Mapping[str, Any]], list[Mapping[str, Any]]]] = {}
        self._tags: dict[tuple[int, ...], tuple[list[Mapping[str, Any]], list[tuple[str, list[list[Any]]]]]] = {}

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        """Follow ``$ref`` chains (the spec only puts ``description`` beside a ``$ref``)."""
        hops = 0
        while "$ref" in schema:
            ref = schema["$ref"]
            target = self._refs.get(ref)
            if target is None:
                target = self._lookup(ref)
                self._refs[ref] = target
            schema = target
            hops += 1
            if hops > 50:
                raise ValueError(f"$ref cycle through {ref}")
        return schema

    def _lookup(self, ref: str) -> Mapping[str, Any]:
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref pointers are supported, not {ref!r}")
        node: Any = self._document
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        if not isinstance(node, Mapping):
            raise ValueError(f"$ref {ref!r} does not point at a schema object")
        return node

    def check(self, schema: Mapping[str, Any], value: Any, path: ErrorPath = ()) -> list[FieldError]:
        """All errors for ``value`` under ``schema``; an empty list means Discord would accept it."""
        return self._check(schema, value, path, 0)

    def _check(self, schema: Mapping[str, Any], value: Any, path: ErrorPath, depth: int) -> list[FieldError]:
        schema = self.resolve(schema)
        if depth > MAX_DEPTH:
            return []
        types = schema.get("type")
        if isinstance(types, str):
            types = [types]
        union = schema.get("oneOf") or schema.get("anyOf")
        if value is None:
            if types is not None:
                return [] if "null" in types else [FieldError(path, *REQUIRED)]
            if union:
                return self._union(union, value, path, depth)
            return [FieldError(path, *REQUIRED)] if "const" in schema or schema.get("enum") else []

        kind = None
        if types is not None:
            wanted = [t for t in types if t != "null"]
            for candidate in wanted:
                ok, coerced = accept(candidate, schema, value)
                if ok:
                    kind, value = candidate, coerced
                    break
            if kind is None and wanted:
                return [FieldError(path, *type_error(wanted[0], schema, value))]

        own = self._choices_error(schema, value) or self._kind_error(kind, schema, value)
        if own is not None:
            return [FieldError(path, *own)]

        errors: list[FieldError] = []
        if kind == "array":
            errors += self._check_items(schema, value, path, depth)
        elif kind == "object":
            errors += self._check_object(schema, value, path, depth)
        for sub in schema.get("allOf", ()):
            errors += self._check(sub, value, path, depth + 1)
        if union:
            errors += self._union(union, value, path, depth)
        return errors

    @staticmethod
    def _choices_error(schema: Mapping[str, Any], value: Any) -> tuple[str, str] | None:
        # An empty enum is a generator artefact in the spec (a query parameter), not "nothing is
        # allowed", so it is skipped rather than turned into a rule no request could pass.
        allowed = schema.get("enum") or (None if "const" not in schema else [schema["const"]])
        if allowed and not any(same(value, choice) for choice in allowed):
            return "BASE_TYPE_CHOICES", f"Value must be one of {choices(allowed)}."
        return None

    def _kind_error(self, kind: str | None, schema: Mapping[str, Any], value: Any) -> tuple[str, str] | None:
        if kind == "string":
            return self._string_error(schema, value)
        if kind in ("integer", "number"):
            return number_error(kind, schema, value)
        if kind == "array":
            found = length_error(len(value), schema.get("minItems"), schema.get("maxItems"))
            if found is None and schema.get("uniqueItems") and has_duplicates(value):
                found = ("LIST_ITEM_VALUE_DUPLICATE", "Values must be unique.")
            return found
        if kind == "object":
            return length_error(len(value), schema.get("minProperties"), schema.get("maxProperties"))
        return None

    def _string_error(self, schema: Mapping[str, Any], text: str) -> tuple[str, str] | None:
        fmt = schema.get("format")
        if fmt == "snowflake":
            if not self._pattern(schema.get("pattern", r"^(0|[1-9][0-9]*)$")).search(text):
                return "NUMBER_TYPE_COERCE", f'Value "{show(text)}" is not snowflake.'
            if int(text) > SNOWFLAKE_MAX:
                return "NUMBER_TYPE_MAX", f"snowflake value should be less than or equal to {SNOWFLAKE_MAX}."
            return None
        found = length_error(len(text), schema.get("minLength"), schema.get("maxLength"))
        if found is not None:
            return found
        pattern = schema.get("pattern")
        if pattern and not self._pattern(pattern).search(text):
            return "STRING_TYPE_REGEX", "String value did not match validation regex."
        if fmt == "date-time" and not is_iso8601(text):
            return "DATE_TYPE_PARSE", f'Could not parse "{show(text)}". Should be ISO8601.'
        if fmt == "uri" and not is_url(text):
            return "URL_TYPE_INVALID_URL", "Not a well formed URL."
        return None

    def _pattern(self, pattern: str) -> re.Pattern[str]:
        compiled = self._patterns.get(pattern)
        if compiled is None:
            compiled = self._patterns[pattern] = re.compile(pattern)
        return compiled

    def _check_items(
        self, schema: Mapping[str, Any], items: Sequence[Any], path: ErrorPath, depth: int
    ) -> list[FieldError]:
        item_schema = schema.get("items")
        if not isinstance(item_schema, Mapping):
            return []
        errors: list[FieldError] = []
        for index, item in enumerate(items):
            errors += self._check(item_schema, item, (*path, str(index)), depth + 1)
        return errors

    def _check_object(
        self, schema: Mapping[str, Any], obj: Mapping[str, Any], path: ErrorPath, depth: int
    ) -> list[FieldError]:
        errors: list[FieldError] = []
        properties = schema.get("properties", {})
        for name in schema.get("required", ()):
            if name not in obj:
                errors.append(FieldError((*path, name), *REQUIRED))
        extra = schema.get("additionalProperties")
        for name, item in obj.items():
            sub = properties.get(name)
            if sub is None and isinstance(extra, Mapping):
                sub = extra
            if sub is not None:
                errors += self._check(sub, item, (*path, str(name)), depth + 1)
        return errors

    def _union(
        self, branches: Sequence[Mapping[str, Any]], value: Any, path: ErrorPath, depth: int
    ) -> list[FieldError]:
        """``oneOf``/``anyOf``: valid if any branch is; otherwise report the closest branch.

        Closest means: a branch whose JSON type fits, then (for tagged unions such as the
        interaction callback or message components) whose ``type``-like tag matches, then the
        branch with the fewest errors. Discord's unions are tagged, so this lands on the branch
        the sender meant and reports e.g. ``data.embeds.0.title`` rather than "no branch matched".
        """
        resolved = self._resolved(branches)
        fitting = [b for b in resolved if self._fits_type(b, value)]
        if value is None:
            return [] if fitting else [FieldError(path, *REQUIRED)]
        if not fitting:
            first = next((b for b in resolved if b.get("type") != "null"), resolved[0])
            return self._check(first, value, path, depth + 1)
        consts = _const_values(fitting)
        if consts is not None:
            if any(same(value, c) for c in consts):
                return []
            return [FieldError(path, "BASE_TYPE_CHOICES", f"Value must be one of {choices(consts)}.")]
        if type(value) is dict or isinstance(value, Mapping):
            fitting, tag_error = self._narrow_by_tag(fitting, value, path)
            if tag_error is not None:
                return [tag_error]
        best: list[FieldError] | None = None
        for branch in fitting:
            errors = self._check(branch, value, path, depth + 1)
            if not errors:
                return []
            if best is None or len(errors) < len(best):
                best = errors
        return best or []

    def _resolved(self, branches: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        cached = self._branches.get(id(branches))
        if cached is None or cached[0] is not branches:
            cached = self._branches[id(branches)] = (branches, [self.resolve(b) for b in branches])
        return cached[1]

    def _fits_type(self, schema: Mapping[str, Any], value: Any) -> bool:
        types = schema.get("type")
        if types is None:
            return value is not None or bool(schema.get("oneOf") or schema.get("anyOf"))
        if isinstance(types, str):
            types = [types]
        if value is None:
            return "null" in types
        return any(accept(t, schema, value)[0] for t in types if t != "null")

    def _tag_values(self, schema: Mapping[str, Any], name: str) -> list[Any] | None:
        prop = schema.get("properties", {}).get(name)
        if not isinstance(prop, Mapping):
            return None
        prop = self.resolve(prop)
        if prop.get("enum"):
            return list(prop["enum"])
        if "const" in prop:
            return [prop["const"]]
        return None

    def _narrow_by_tag(
        self, branches: list[Mapping[str, Any]], value: Mapping[str, Any], path: ErrorPath
    ) -> tuple[list[Mapping[str, Any]], FieldError | None]:
        """Keep the branches whose discriminating property (e.g. ``type``) accepts the value's."""
        for name, tags in self._tag_table(branches):
            if name not in value:
                continue
            tag = value[name]
            if isinstance(tag, str) and INT_TEXT.fullmatch(tag):
                tag = int(tag)
            kept = [b for b, t in zip(branches, tags, strict=True) if any(same(tag, x) for x in t)]
            if kept:
                return kept, None
            allowed = sorted({x for t in tags for x in t}, key=lambda x: (str(type(x)), x))
            message = f"Value must be one of {choices(allowed)}."
            return branches, FieldError((*path, name), "BASE_TYPE_CHOICES", message)
        return branches, None

    def _tag_table(self, branches: list[Mapping[str, Any]]) -> list[tuple[str, list[list[Any]]]]:
        """The properties of the first branch that every branch pins to values (its tags), in order."""
        key = tuple(map(id, branches))
        cached = self._tags.get(key)
        if cached is None or any(a is not b for a, b in zip(cached[0], branches, strict=True)):
            table: list[tuple[str, list[list[Any]]]] = []
            for name in branches[0].get("properties", {}):
                tags = [self._tag_values(b, name) for b in branches]
                if all(t is not None for t in tags):
                    table.append((name, [t for t in tags if t is not None]))
            cached = self._tags[key] = (list(branches), table)
        return cached[1]


def _const_values(branches: Sequence[Mapping[str, Any]]) -> list[Any] | None:
    """If every branch is just ``{"const": x, "title": ...}``, the union is an enum: return it."""
    values: list[Any] = []
    for branch in branches:
        if "const" not in branch or set(branch) - {"const", "title", "description"}:
            return None
        values.append(branch["const"])
    return values
