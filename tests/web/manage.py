"""Helpers for the manage pages' tests: posting a form as a browser would, reading the audit trail, and a
second connected server whose admin must get 404 here."""

from __future__ import annotations

from typing import Any

from tests.web.pages import csrf_from, fetch


async def post(client: Any, web: Any, path: str, data: dict[str, Any] | list[tuple[str, str]], *,
               csrf: bool = True, form_page: str | None = None) -> tuple[int, str]:  # fmt: skip
    """POST a form to `path` (under the dashboard) with the CSRF token of `form_page` (default: `path`)."""
    fields = list(data.items()) if isinstance(data, dict) else list(data)
    if csrf:
        status, page = await fetch(client, web.url + (form_page or path))
        assert status == 200, page
        fields.append(("csrf_token", csrf_from(page)))
    async with client.post(web.url + path, data=fields, allow_redirects=False) as response:
        return response.status, await response.text()


async def audit_rows(web: Any, *actions: str) -> list[dict[str, Any]]:
    """The server's audit rows with these actions, newest first."""
    data = web.app.store.scoped(await web.app.services.setup.scope_for(str(web.guild.id)))
    return await data.audit.newest_snapshot(actions_in=list(actions), limit=50)


async def second_server(web: Any) -> Any:
    """Another connected server, with its own owner: the test's members are not in it."""
    from loyalteez.services.access import brands

    other = web.emu.create_guild("Other Server", owner="yolanda")
    await web.settle()
    brand = await brands.create_brand(web.app.store, "Other Brand")
    reply = await other.owner.slash("setup connect", brand_id=brand.brand_id, security_key=brand.security_key)
    assert "Connected" in reply.content, reply.content
    return other


def assert_web_audit(row: dict[str, Any], actor: Any) -> None:
    """Written as the slash command writes it, by the signed-in member, saying it came from the web."""
    assert row["actor_type"] == "admin" and row["actor_id"] == str(actor.id), row
    assert (row["details"] or {}).get("source") == "web", row
