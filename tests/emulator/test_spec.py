"""The emulator judges REST requests like Discord: routes and limits from Discord's OpenAPI spec.

Payloads here are the ones py-cord really sends (built with py-cord's own classes where that is
cheap), so a passing test means a bot using py-cord is not rejected by the emulator, and each
rejection names the exact error path and code real Discord would answer with.
"""

from __future__ import annotations

import json
from typing import Any

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalteez.emulator.spec import ApiSpec, InvalidJsonBody, Operation, extract_json_body

CALLBACK = ("POST", "/interactions/999/tok-en/callback")
CREATE_MESSAGE = ("POST", "/channels/123/messages")
FOLLOWUP = ("POST", "/webhooks/111/tok-en")
EDIT_ORIGINAL = ("PATCH", "/webhooks/111/tok-en/messages/@original")
BULK_COMMANDS = ("PUT", "/applications/111/commands")


@pytest.fixture(scope="module")
def spec() -> ApiSpec:
    return ApiSpec.load()


def op_for(spec: ApiSpec, route: tuple[str, str]) -> Operation:
    op = spec.match(*route)
    assert op is not None, route
    return op


def leaf(result: dict[str, Any] | None, *path: str) -> list[dict[str, str]]:
    """The ``_errors`` list at ``path`` of a 50035 body."""
    assert result is not None, "expected Discord to reject this request"
    assert result["code"] == 50035 and result["message"] == "Invalid Form Body"
    node = result["errors"]
    for key in path:
        assert key in node, f"no error at {'.'.join(path)}: {json.dumps(result['errors'])}"
        node = node[key]
    return node["_errors"]


def codes(result: dict[str, Any] | None, *path: str) -> list[str]:
    return [e["code"] for e in leaf(result, *path)]


def embed(**fields: Any) -> dict[str, Any]:
    e = discord.Embed(title="Weekly leaderboard", description="Top members", colour=0x5865F2)
    e.add_field(name="alice", value="1200 LTZ")
    e.set_footer(text="Loyalteez")
    data = e.to_dict()
    data.update(fields)
    return data


def components() -> list[dict[str, Any]]:
    """A claim button, a link button and a select menu from py-cord's ``View`` (call inside a loop)."""
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Claim", custom_id="claim:1", style=discord.ButtonStyle.green))
    view.add_item(discord.ui.Button(label="Docs", url="https://example.com/docs"))
    options = [
        discord.SelectOption(label="Daily", value="daily"),
        discord.SelectOption(label="Weekly", value="w"),
    ]
    view.add_item(discord.ui.Select(custom_id="period", placeholder="Period", options=options))
    return view.to_components()


def slash_commands() -> list[dict[str, Any]]:
    """py-cord's PUT for a group, a subgroup, options of every type and a user command (in a loop)."""
    bot = discord.Bot()
    points = discord.SlashCommandGroup("points", "Loyalty points")

    @points.command(description="Give points to a member")
    @discord.option("member", discord.Member, description="Who gets them")
    @discord.option("amount", int, description="How many", min_value=1, max_value=10_000)
    @discord.option("reason", str, description="Why", required=False, max_length=200, autocomplete=lambda c: [])
    @discord.option("ratio", float, description="Multiplier", required=False, min_value=0.5)
    @discord.option("public", bool, description="Announce it", required=False)
    @discord.option("channel", discord.TextChannel, description="Where", required=False)
    @discord.option("role", discord.Role, description="Role bonus", required=False)
    @discord.option("target", discord.abc.Mentionable, description="Mention", required=False)
    @discord.option("proof", discord.Attachment, description="Screenshot", required=False)
    @discord.option("tier", str, description="Tier", choices=["gold", "silver"], required=False)
    async def give(ctx, member, amount, reason, ratio, public, channel, role, target, proof, tier): ...

    admin = points.create_subgroup("admin", "Admin tools")

    @admin.command(description="Reset a member's points")
    async def reset(ctx): ...

    bot.add_application_command(points)

    @bot.slash_command(name="balance", description="Show your balance")
    async def balance(ctx): ...

    @bot.user_command(name="Show Points")
    async def show(ctx, user): ...

    return [command.to_dict() for command in bot.pending_application_commands]


# ------------------------------------------------------------------------------------ matching


@pytest.mark.parametrize(
    ("method", "path", "template", "params"),
    [
        ("POST", "/channels/123/messages", "/channels/{channel_id}/messages", {"channel_id": "123"}),
        (
            "POST",
            "/interactions/999/tok-en/callback",
            "/interactions/{interaction_id}/{interaction_token}/callback",
            {"interaction_id": "999", "interaction_token": "tok-en"},
        ),
        (
            "PATCH",
            "/webhooks/1/tok/messages/@original",
            "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
            {"webhook_id": "1", "webhook_token": "tok"},
        ),
        (
            "PUT",
            "/applications/1/guilds/2/commands",
            "/applications/{application_id}/guilds/{guild_id}/commands",
            {"application_id": "1", "guild_id": "2"},
        ),
        ("GET", "/users/@me", "/users/@me", {}),
        ("GET", "/users/42", "/users/{user_id}", {"user_id": "42"}),
        ("post", "/api/v10/channels/5/messages?x=1", "/channels/{channel_id}/messages", {"channel_id": "5"}),
    ],
)
def test_match_finds_the_spec_template_and_params(spec, method, path, template, params):
    op = spec.match(method, path)
    assert op is not None
    assert (op.method, op.path, op.params) == (method.upper(), template, params)
    assert op.operation_id


def test_literal_segments_beat_templates(spec):
    assert spec.match("GET", "/webhooks/1/t/messages/@original").operation_id == "get_original_webhook_message"
    assert spec.match("GET", "/webhooks/1/t/messages/77").operation_id == "get_webhook_message"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/nope"),
        ("GET", "/channels//messages"),
        ("POST", "/channels/1/messages/2/3/4/5"),
        ("PUT", "/users/@me"),
    ],
)
def test_unknown_routes_and_methods_match_nothing(spec, method, path):
    assert spec.match(method, path) is None


def test_allowed_methods_tell_405_from_404(spec):
    assert "PATCH" in spec.allowed_methods("/users/@me")
    assert "PUT" not in spec.allowed_methods("/users/@me")
    assert spec.allowed_methods("/nope") == []


def test_the_spec_is_parsed_once_per_process(spec):
    assert ApiSpec.load() is spec
    assert spec.version == "10"


# ---------------------------------------------------------------------------- valid payloads


async def test_message_with_embeds_and_components_passes(spec):
    body = {
        "content": "You earned 50 LTZ!",
        "embeds": [embed(timestamp="2026-01-05T12:00:00+00:00", url="https://example.com")],
        "components": components(),
        "allowed_mentions": discord.AllowedMentions.none().to_dict(),
        "message_reference": {"message_id": 5, "channel_id": "123", "fail_if_not_exists": False},
        "nonce": "1234",
        "tts": False,
    }
    assert spec.validate(op_for(spec, CREATE_MESSAGE), body) is None


async def test_interaction_callbacks_py_cord_sends_pass(spec):
    op = op_for(spec, CALLBACK)
    ephemeral = {"type": 4, "data": {"content": "Only you can see this", "flags": 64, "embeds": [embed()]}}
    assert spec.validate(op, ephemeral) is None
    assert spec.validate(op, {"type": 5}) is None
    assert spec.validate(op, {"type": 5, "data": {"flags": 64}}) is None
    assert spec.validate(op, {"type": 6}) is None
    assert spec.validate(op, {"type": 7, "data": {"content": "Updated", "components": []}}) is None
    choices = [discord.OptionChoice("Gold tier", "gold").to_dict(), {"name": "Top 10", "value": 10}]
    assert spec.validate(op, {"type": 8, "data": {"choices": choices[:1]}}) is None
    assert spec.validate(op, {"type": 8, "data": {"choices": choices[1:]}}) is None
    modal = discord.ui.Modal(title="Feedback", custom_id="feedback")
    modal.add_item(discord.ui.InputText(label="Your idea", custom_id="idea", max_length=500))
    assert spec.validate(op, {"type": 9, "data": modal.to_dict()}) is None


def test_followups_and_edits_pass(spec):
    assert spec.validate(op_for(spec, FOLLOWUP), {"content": "Done", "flags": 64}, {"wait": "true"}) is None
    edit = {"content": "Edited", "embeds": [embed()], "components": [], "attachments": []}
    assert spec.validate(op_for(spec, EDIT_ORIGINAL), edit) is None


async def test_bulk_command_overwrite_as_py_cord_sends_it_passes(spec):
    commands = slash_commands()
    option_types = {o["type"] for o in commands[0]["options"][0]["options"]}
    assert option_types == set(range(3, 12))  # every leaf option type: STRING (3) .. ATTACHMENT (11)
    assert {o["type"] for o in commands[0]["options"]} == {1, 2}  # a subcommand and a subgroup
    assert spec.validate(op_for(spec, BULK_COMMANDS), commands) is None


def test_ids_as_ints_and_integers_as_digit_strings_pass(spec):
    # py-cord sends ids either way and permissions as a string: real Discord accepts both.
    body = [{"name": "admin", "description": "Admin", "default_member_permissions": "8", "id": 42}]
    assert spec.validate(op_for(spec, BULK_COMMANDS), body) is None
    assert spec.validate(op_for(spec, CREATE_MESSAGE), {"sticker_ids": [1, "2"]}) is None


def test_unknown_keys_are_ignored_like_discord(spec):
    assert spec.validate(op_for(spec, CREATE_MESSAGE), {"content": "hi", "not_a_field": [1, 2]}) is None


# ----------------------------------------------------------------------------------- limits


def test_embed_title_over_256_in_a_type_4_callback(spec):
    body = {"type": 4, "data": {"embeds": [{"title": "x" * 257}]}}
    result = spec.validate(op_for(spec, CALLBACK), body)
    assert leaf(result, "data", "embeds", "0", "title") == [
        {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 256 or fewer in length."}
    ]
    assert list(result["errors"]) == ["data"]


def test_content_over_2000_is_rejected_everywhere_a_bot_sends(spec):
    too_long = "x" * 2001
    for route in (CREATE_MESSAGE, FOLLOWUP, EDIT_ORIGINAL):
        assert leaf(spec.validate(op_for(spec, route), {"content": too_long}), "content") == [
            {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}
        ]
    callback = spec.validate(op_for(spec, CALLBACK), {"type": 4, "data": {"content": too_long}})
    assert codes(callback, "data", "content") == ["BASE_TYPE_MAX_LENGTH"]


def test_create_message_content_limit_is_the_spec_4000_without_extras(spec):
    op = op_for(spec, CREATE_MESSAGE)
    assert spec.validate(op, {"content": "x" * 2001}, extras=False) is None
    assert codes(spec.validate(op, {"content": "x" * 4001}, extras=False), "content") == ["BASE_TYPE_MAX_LENGTH"]


def test_lengths_count_code_points_like_discord(spec):
    op = op_for(spec, CREATE_MESSAGE)
    assert spec.validate(op, {"content": "🎁" * 2000}) is None
    assert codes(spec.validate(op, {"content": "🎁" * 2001}), "content") == ["BASE_TYPE_MAX_LENGTH"]


def test_embed_description_over_4096_and_26_fields(spec):
    fields = [{"name": f"f{i}", "value": "v"} for i in range(26)]
    result = spec.validate(op_for(spec, CREATE_MESSAGE), {"embeds": [{"description": "d" * 4097, "fields": fields}]})
    assert leaf(result, "embeds", "0", "description") == [
        {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 4096 or fewer in length."}
    ]
    assert leaf(result, "embeds", "0", "fields") == [
        {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 25 or fewer in length."}
    ]


def test_embeds_over_6000_characters_in_total(spec):
    body = {
        "embeds": [
            {"description": "a" * 4000},
            {"description": "b" * 1000, "title": "t" * 200},
            {"footer": {"text": "f" * 801}},
        ]
    }
    assert leaf(spec.validate(op_for(spec, CREATE_MESSAGE), body), "embeds") == [
        {"code": "MAX_EMBED_SIZE_EXCEEDED", "message": "Embed size exceeds maximum size of 6000"}
    ]
    body["embeds"][2]["footer"]["text"] = "f" * 800
    assert spec.validate(op_for(spec, CREATE_MESSAGE), body) is None


def test_custom_id_over_100_in_components(spec):
    rows = [{"type": 1, "components": [{"type": 2, "style": 1, "label": "Claim", "custom_id": "c" * 101}]}]
    result = spec.validate(op_for(spec, CREATE_MESSAGE), {"components": rows})
    assert leaf(result, "components", "0", "components", "0", "custom_id") == [
        {"code": "BASE_TYPE_BAD_LENGTH", "message": "Must be between 1 and 100 in length."}
    ]
    callback = spec.validate(op_for(spec, CALLBACK), {"type": 7, "data": {"components": rows}})
    assert codes(callback, "data", "components", "0", "components", "0", "custom_id") == ["BASE_TYPE_BAD_LENGTH"]


def test_action_row_of_six_buttons(spec):
    buttons = [{"type": 2, "style": 1, "custom_id": str(i)} for i in range(6)]
    result = spec.validate(op_for(spec, CREATE_MESSAGE), {"components": [{"type": 1, "components": buttons}]})
    assert leaf(result, "components", "0", "components") == [
        {"code": "BASE_TYPE_BAD_LENGTH", "message": "Must be between 1 and 5 in length."}
    ]


def test_followup_and_edit_original_reject_bad_embeds(spec):
    body = {"embeds": [{"title": "x" * 257}], "flags": 64}
    assert codes(spec.validate(op_for(spec, FOLLOWUP), body), "embeds", "0", "title") == ["BASE_TYPE_MAX_LENGTH"]
    assert codes(spec.validate(op_for(spec, EDIT_ORIGINAL), body), "embeds", "0", "title") == ["BASE_TYPE_MAX_LENGTH"]


def test_unknown_callback_type_lists_the_choices(spec):
    result = spec.validate(op_for(spec, CALLBACK), {"type": 99})
    assert leaf(result, "type") == [
        {"code": "BASE_TYPE_CHOICES", "message": "Value must be one of (1, 4, 5, 6, 7, 8, 9, 12, 13)."}
    ]
    assert leaf(spec.validate(op_for(spec, CALLBACK), {}), "type") == [
        {"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}
    ]


def test_autocomplete_choices_over_25(spec):
    choices = [{"name": str(i), "value": str(i)} for i in range(26)]
    result = spec.validate(op_for(spec, CALLBACK), {"type": 8, "data": {"choices": choices}})
    assert codes(result, "data", "choices") == ["BASE_TYPE_MAX_LENGTH"]


# --------------------------------------------------------------------------------- commands


def command(**overrides: Any) -> dict[str, Any]:
    return {"name": "points", "description": "Loyalty points", "type": 1, **overrides}


def option(name: str, **overrides: Any) -> dict[str, Any]:
    return {"name": name, "description": "An option", "type": 3, **overrides}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Points", ["APPLICATION_COMMAND_INVALID_NAME"]),
        ("bad name", ["STRING_TYPE_REGEX", "APPLICATION_COMMAND_INVALID_NAME"]),
        ("x" * 33, ["BASE_TYPE_BAD_LENGTH"]),
        ("", ["BASE_TYPE_BAD_LENGTH"]),
    ],
)
def test_command_name_rules(spec, name, expected):
    assert codes(spec.validate(op_for(spec, BULK_COMMANDS), [command(name=name)]), "0", "name") == expected


def test_command_names_in_any_script_and_context_menu_names_pass(spec):
    body = [
        command(name="очки"),
        command(name="ポイント"),
        command(name="top-10_all"),
        {"name": "Show Points", "type": 2},
    ]
    assert spec.validate(op_for(spec, BULK_COMMANDS), body) is None


def test_command_description_must_be_1_to_100(spec):
    bad_length = [{"code": "BASE_TYPE_BAD_LENGTH", "message": "Must be between 1 and 100 in length."}]
    op = op_for(spec, BULK_COMMANDS)
    assert leaf(spec.validate(op, [command(description="")]), "0", "description") == bad_length
    assert leaf(spec.validate(op, [command(description="d" * 101)]), "0", "description") == bad_length
    nested = [
        command(
            options=[
                {
                    "name": "give",
                    "description": "Give",
                    "type": 1,
                    "options": [option("a", description="d" * 101)],
                }
            ]
        )
    ]
    assert leaf(spec.validate(op, nested), "0", "options", "0", "options", "0", "description") == bad_length


def test_command_options_limit_25(spec):
    result = spec.validate(op_for(spec, BULK_COMMANDS), [command(options=[option(f"o{i}") for i in range(26)])])
    assert leaf(result, "0", "options") == [
        {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 25 or fewer in length."}
    ]


def test_command_option_name_order_and_duplicates(spec):
    op = op_for(spec, BULK_COMMANDS)
    result = spec.validate(op, [command(options=[option("Amount")])])
    assert codes(result, "0", "options", "0", "name") == ["APPLICATION_COMMAND_INVALID_NAME"]
    result = spec.validate(op, [command(options=[option("a", required=False), option("b", required=True)])])
    assert codes(result, "0", "options", "1") == ["APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID"]
    result = spec.validate(op, [command(), command(description="again")])
    assert codes(result, "1", "name") == ["APPLICATION_COMMANDS_DUPLICATE_NAME"]


def test_command_option_of_unknown_type(spec):
    result = spec.validate(op_for(spec, BULK_COMMANDS), [command(options=[option("a", type=99)])])
    assert codes(result, "0", "options", "0", "type") == ["BASE_TYPE_CHOICES"]


# ------------------------------------------------------------------------- types and params


@pytest.mark.parametrize(
    ("body", "path", "code"),
    [
        ({"embeds": {"title": "x"}}, ("embeds",), "LIST_TYPE_CONVERT"),
        ({"embeds": ["x"]}, ("embeds", "0"), "MODEL_TYPE_CONVERT"),
        ({"embeds": [{"color": "red"}]}, ("embeds", "0", "color"), "NUMBER_TYPE_COERCE"),
        ({"embeds": [{"color": 16777216}]}, ("embeds", "0", "color"), "NUMBER_TYPE_MAX"),
        ({"embeds": [{"timestamp": "yesterday"}]}, ("embeds", "0", "timestamp"), "DATE_TYPE_PARSE"),
        (
            {"embeds": [{"fields": [{"name": "a"}]}]},
            ("embeds", "0", "fields", "0", "value"),
            "BASE_TYPE_REQUIRED",
        ),
        (
            {"embeds": [{"fields": [{"name": "a", "value": None}]}]},
            ("embeds", "0", "fields", "0", "value"),
            "BASE_TYPE_REQUIRED",
        ),
        ({"tts": "yes"}, ("tts",), "BOOLEAN_TYPE_CONVERT"),
        ({"content": {"text": "hi"}}, ("content",), "STRING_TYPE_CONVERT"),
        ({"sticker_ids": ["abc"]}, ("sticker_ids", "0"), "NUMBER_TYPE_COERCE"),
        ({"nonce": "n" * 26}, ("nonce",), "BASE_TYPE_MAX_LENGTH"),
        ([1, 2], (), "MODEL_TYPE_CONVERT"),
    ],
)
def test_type_errors_use_discords_codes(spec, body, path, code):
    assert codes(spec.validate(op_for(spec, CREATE_MESSAGE), body), *path) == [code]


def test_nulls_are_fine_where_the_spec_allows_them(spec):
    assert (
        spec.validate(op_for(spec, CREATE_MESSAGE), {"content": "hi", "embeds": None, "allowed_mentions": None}) is None
    )


def test_path_and_query_parameters_are_checked(spec):
    op = spec.match("GET", "/channels/abc/messages")
    assert op is not None
    result = spec.validate(op, None, {"limit": "500", "before": "x1"})
    assert leaf(result, "channel_id") == [{"code": "NUMBER_TYPE_COERCE", "message": 'Value "abc" is not snowflake.'}]
    assert leaf(result, "limit") == [
        {"code": "NUMBER_TYPE_MAX", "message": "int value should be less than or equal to 100."}
    ]
    assert codes(result, "before") == ["NUMBER_TYPE_COERCE"]
    ok = spec.match("GET", "/channels/1/messages")
    assert spec.validate(ok, None, {"limit": "50", "after": "99"}) is None
    assert codes(spec.validate(ok, None, {"limit": "0"}), "limit") == ["NUMBER_TYPE_MIN"]


def test_boolean_query_parameters_read_like_discord(spec):
    op = op_for(spec, FOLLOWUP)
    assert spec.validate(op, {"content": "x"}, {"wait": "true"}) is None
    assert spec.validate(op, {"content": "x"}, {"wait": "False"}) is None
    assert codes(spec.validate(op, {"content": "x"}, {"wait": "maybe"}), "wait") == ["BOOLEAN_TYPE_CONVERT"]


def test_a_missing_body_is_an_empty_one(spec):
    assert codes(spec.validate(op_for(spec, CALLBACK), None), "type") == ["BASE_TYPE_REQUIRED"]
    assert spec.validate(op_for(spec, BULK_COMMANDS), None) is None  # the spec allows null here
    assert spec.validate(spec.match("DELETE", "/channels/1/messages/2"), None) is None


# -------------------------------------------------------------------------------- body parsing


def test_extract_json_body_from_json_multipart_and_forms():
    payload = {"content": "hi", "attachments": [{"id": 0, "filename": "a.png"}]}
    assert extract_json_body("application/json", json.dumps(payload).encode()) == payload
    assert extract_json_body("application/json", b"") is None
    boundary = "xyzzy"
    multipart = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="payload_json"\r\n'
        f"Content-Type: application/json\r\n\r\n{json.dumps(payload)}\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="files[0]"; filename="a.png"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n\x89PNG\r\n--{boundary}--\r\n"
    ).encode()
    assert extract_json_body(f"multipart/form-data; boundary={boundary}", multipart) == payload
    assert extract_json_body("multipart/form-data", multipart) == payload  # aiohttp's request.content_type
    assert extract_json_body("multipart/form-data", {"payload_json": json.dumps(payload)}) == payload
    assert extract_json_body("application/x-www-form-urlencoded", b"content=hi&tts=false") == {
        "content": "hi",
        "tts": "false",
    }


def test_invalid_json_answers_discords_50109():
    with pytest.raises(InvalidJsonBody) as caught:
        extract_json_body("application/json", b"{not json")
    assert caught.value.body == {"code": 50109, "message": "The request body contains invalid JSON."}


# ------------------------------------------------------------------------------- robustness

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "data",
                    "embeds",
                    "content",
                    "components",
                    "title",
                    "choices",
                    "name",
                    "value",
                    "flags",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(body=JSON)
def test_any_json_gets_none_or_a_well_formed_error(spec, body):
    for route in (CALLBACK, CREATE_MESSAGE, BULK_COMMANDS):
        result = spec.validate(op_for(spec, route), body)
        if result is not None:
            assert result["code"] == 50035 and isinstance(result["errors"], dict)
            json.dumps(result)
