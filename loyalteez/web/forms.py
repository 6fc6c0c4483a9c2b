"""Reading a posted form the way Discord reads a slash command's options, for the manage pages.

A slash option typed `int` can only arrive as a whole number; a form field is any text. So a field that
is not one says so in one sentence (a ValidationError, like the services' own), and an empty field is an
option not given (None). Everything else (ranges, names, channels) is the services' job, unchanged.

`on_form_error` is how a manage page answers a refused form: the same page again, status 400, with the
sentence above the form and what was typed still in it, and nothing changed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from loyalteez.services.errors import ValidationError
from loyalteez.web import texts

MAX_FIELD = 2000  # longer than any option the services accept; more is refused before they see it


class Form:
    """One posted form: fields by name, as text, multi-selects as lists."""

    def __init__(self, fields: Mapping[str, str], lists: Mapping[str, list[str]]) -> None:
        self.fields = dict(fields)
        self.lists = dict(lists)

    @classmethod
    async def read(cls, request: web.Request) -> Form:
        posted = await request.post()
        fields: dict[str, str] = {}
        lists: dict[str, list[str]] = {}
        for key, value in posted.items():
            if not isinstance(value, str):
                raise ValidationError(key, texts.NO_FILES)
            if len(value) > MAX_FIELD:
                raise ValidationError(key, texts.field_too_long(key))
            fields.setdefault(key, value)
            lists.setdefault(key, []).append(value)
        return cls(fields, lists)

    def raw(self, name: str) -> str:
        return self.fields.get(name, "")

    def text(self, name: str) -> str | None:
        """The field stripped; None when empty (not given)."""
        value = self.fields.get(name, "").strip()
        return value or None

    def choice(self, name: str) -> str | None:
        return self.text(name)

    def integer(self, name: str, label: str | None = None) -> int | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return int(value.replace(",", "").replace("_", ""))
        except ValueError:
            raise ValidationError(name, texts.whole_number(label or name)) from None

    def number(self, name: str, label: str | None = None) -> float | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return float(value.replace(",", ""))
        except ValueError:
            raise ValidationError(name, texts.a_number(label or name)) from None

    def checked(self, name: str) -> bool:
        """A checkbox: ticked or not."""
        return self.fields.get(name, "") not in ("", "0", "false", "off")

    def many(self, name: str) -> list[str]:
        """A multi-select's chosen values."""
        return [v for v in self.lists.get(name, []) if v]

    def shown(self) -> dict[str, Any]:
        """What the form shows again after a refusal: what was typed (multi-selects as lists)."""
        return {**self.fields, **{k: v for k, v in self.lists.items() if len(v) > 1}}


Render = Callable[[str, dict[str, Any]], Awaitable[web.Response]]


async def submit(request: web.Request, action: Callable[[Form], Awaitable[str]], again: Render) -> web.Response:
    """Run a form's action: its result is where to go next (a 303); a refusal renders the form `again` with
    the sentence and what was typed, as 400, and nothing is changed (the services validate before writing)."""
    form = Form({}, {})
    try:
        form = await Form.read(request)
        location = await action(form)
    except ValidationError as refused:
        response = await again(refused.message, form.shown())
        response.set_status(400)
        return response
    return web.Response(status=303, headers={"Location": location})
