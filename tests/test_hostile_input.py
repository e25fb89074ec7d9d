"""Hostile input at the edge, one regression per shape: never a 5xx, never an ERROR traceback.

Signed requests come from Discord's key (tests sign them really); what Discord could never send is a 400
`{"error": ...}`, what it could send but we refuse is an ephemeral message naming the problem.
"""
import json
import logging
import time

import pytest

from tests import interactions as ix
from tests import spec
from tests.hostile import dm, make_app


@pytest.fixture(scope="module")
def app(database_url, discord_server, signing_key):
    """One app for the module (these tests share no state but the interaction ids they claim)."""
    return make_app(database_url, discord_server, signing_key)


@pytest.fixture(autouse=True)
def no_error_logs(caplog, reliability):
    """Whatever the input, nothing is logged at ERROR (no traceback flood)."""
    caplog.set_level(logging.INFO)
    yield
    logged = caplog.get_records("setup") + caplog.get_records("call")  # .records would be teardown's
    assert [r.getMessage() for r in logged if r.levelno >= logging.ERROR] == []
    reliability.record("Hostile input", "one regression per hostile shape (headers, JSON, ids, options, custom_ids, "
                       "DMs)", 1, "a 401, a JSON 400 or an ephemeral naming the problem; no ERROR log", unit="shapes")


def short(value) -> str:
    """A readable test id for values thousands of characters long."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}...({len(text)} chars)"


def post(discord, document, **dumps):
    return discord.post(document if isinstance(document, bytes) else json.dumps(document, **dumps).encode())


def refused_as_invalid(response) -> str:
    assert response.status_code == 400, response.get_data(as_text=True)
    return response.get_json()["error"]


def ephemeral(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)
    payload = response.get_json()
    spec.validate_interaction_response(payload)
    assert payload["type"] == 4 and payload["data"]["flags"] == 64, payload
    return payload["data"]["content"]


def warn(reason_value, **kw):
    return ix.command("warn", [ix.opt("user", ix.MEMBER_ID, 6), ix.opt("reason", reason_value)],
                      resolved={"users": {ix.MEMBER_ID: ix.member(ix.MEMBER_ID)["user"]},
                                "members": {ix.MEMBER_ID: {"roles": [], "permissions": "0"}}}, **kw)


# ------------------------------------------------------------------ headers (before the body is read)

def post_raw_headers(discord, body: bytes, signature: str, timestamp: str):
    """Headers as a WSGI server hands them over, even those Werkzeug's client would refuse to build."""
    return discord.client.post("/interactions", data=body, environ_overrides={
        "HTTP_X_SIGNATURE_ED25519": signature, "HTTP_X_SIGNATURE_TIMESTAMP": timestamp})


@pytest.mark.parametrize("timestamp", [
    "9" * 309,  # int() of it overflowed a float: OverflowError, a 500 with a traceback per request
    "1" * 5000, "-1", "1e9", " 1700000000", "1_700_000_000", "１７００００００００", "\ud800", "é", "", "0x10"], ids=short)
def test_a_timestamp_that_is_not_unix_seconds_is_a_401(discord, timestamp):
    body = json.dumps({"type": 1}).encode()
    signature = discord.signing_key.sign(timestamp.encode("utf-8", "surrogatepass") + body).signature.hex()
    response = post_raw_headers(discord, body, signature, timestamp)
    assert response.status_code == 401
    assert response.get_json() == {"error": "invalid request signature"}


@pytest.mark.parametrize("signature", ["", "ab" * 63, "ab" * 65, "é" * 128, "\ud800" * 128, "０" * 128,
                                       " " + "ab" * 64, "ab" * 64 + "\n", "ab" * 5000,
                                       "\x00" * 128], ids=short)
def test_a_signature_that_is_not_128_hex_digits_is_a_401(discord, signature):
    assert post_raw_headers(discord, b'{"type": 1}', signature, str(int(time.time()))).status_code == 401


def test_a_signature_older_than_five_minutes_is_a_401_even_if_genuine(discord):
    assert discord.post(b'{"type": 1}', timestamp=int(time.time()) - 301).status_code == 401
    assert discord.post(b'{"type": 1}', timestamp=int(time.time()) - 290).status_code == 200


# ------------------------------------------------------------------ bodies that are not interactions

@pytest.mark.parametrize("body", [
    b'{"type": true}', b'{"type": 1.0}', b'{"type": "1"}', b'{"type": null}', b"{}", b"[]", b"1", b'"x"',
    b"\xff\xfe{}", b'{"type": 1, "x": "\xc3\x28"}', b"\xef\xbb\xbf" + b'{"type": 1}',
    b'{"type": 1, "n": ' + b"9" * 5000 + b"}",
    b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    b'{"type": 2, "data": ' + b'{"a":' * 500 + b"1" + b"}" * 500 + b"}",
    b'{"type": 99, "id": "1", "token": "t"}'], ids=short)
def test_a_signed_body_that_is_no_interaction_is_a_json_400(discord, body):
    assert refused_as_invalid(discord.post(body))


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_nan_or_infinity_outside_option_values_is_a_400(discord, literal):
    # Not JSON; left in, it would break the JSON hand-off of deferred work on Lambda.
    interaction = ix.command("help")
    interaction["version"] = "MARK"
    body = json.dumps(interaction).replace('"MARK"', literal).encode()
    assert refused_as_invalid(discord.post(body)) == "body holds NaN or Infinity outside option values"


def test_type_true_is_not_taken_as_ping(discord):
    assert discord.post(b'{"type": true}').status_code == 400
    assert discord.post(b'{"type": 1}').get_json() == {"type": 1}


@pytest.mark.parametrize("path, value", [
    (("member",), "x"), (("member",), []), (("member", "user"), 5), (("member", "user"), None),
    (("member", "user", "id"), 123), (("member", "roles"), "abc"), (("member", "permissions"), 8),
    (("member", "permissions"), "-8"), (("member", "permissions"), "8" * 40), (("data",), "x"),
    (("data",), None), (("data", "options"), {}), (("data", "options"), [5]), (("data", "name"), 7),
    (("data", "resolved"), []), (("data", "resolved", "users"), "x"), (("app_permissions",), "all"),
    (("token",), None), (("token",), "../../channels/1/messages"), (("token",), ".."), (("token",), "t" * 5000),
    (("id",), "9" * 5000), (("id",), str(2 ** 64)), (("id",), str(2 ** 63)), (("id",), 12345), (("id",), "-1"),
    (("guild_id",), "not-a-snowflake"), (("guild_id",), str(2 ** 64)), (("guild_id",), "١٢٣"),
    (("channel_id",), "9" * 5000), (("member", "user", "id"), str(2 ** 64)),
    (("member", "user", "id"), ix.MOD_ID + "\u0000"), (("member", "roles"), ["7\u0000"]),
    (("data", "resolved", "users"), {ix.MEMBER_ID + "\u0000": {"id": ix.MEMBER_ID + "\u0000"}}),
], ids=short)
def test_wrong_types_and_impossible_ids_are_a_400_not_a_crash(discord, path, value):
    interaction = warn("spam")
    node = interaction
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert path[-1] in refused_as_invalid(post(discord, interaction))  # the error names what is wrong


def test_options_nested_past_group_subcommand_option_are_a_400(discord):
    deep = ix.opt("text", "x")
    for _ in range(4):
        deep = {"type": 2, "name": "g", "options": [deep]}
    assert refused_as_invalid(post(discord, ix.command("echo", [deep])))


# ------------------------------------------------------------------ option values: an ephemeral naming the option

def test_nul_in_a_reason_is_refused_before_anything_happens_on_discord(discord, fake_discord):
    content = ephemeral(post(discord, warn("spam\u0000 and more")))
    assert "`reason`" in content and "NUL" in content
    ban = ix.command("ban", [ix.opt("user", ix.MEMBER_ID, 6), ix.opt("reason", "bye\u0000")],
                     resolved={"users": {ix.MEMBER_ID: ix.member(ix.MEMBER_ID)["user"]}})
    assert "`reason`" in ephemeral(post(discord, ban))
    assert fake_discord.find("PUT", r"/guilds/.*/bans/.*") == []


@pytest.mark.parametrize("text", ['"\\ud800"', '"a\\udfffb"', '"\\udc00\\ud800"'], ids=short)
def test_a_lone_surrogate_in_a_string_option_is_refused_naming_it(discord, text):
    body = json.dumps(ix.command("echo", [ix.opt("text", "PLACEHOLDER")])).replace('"PLACEHOLDER"', text)
    assert "`text`" in ephemeral(discord.post(body.encode()))


def test_a_surrogate_pair_is_a_character_not_an_error(discord):
    body = json.dumps(ix.command("echo", [ix.opt("text", "PLACEHOLDER")])).replace('"PLACEHOLDER"', '"\\ud83c\\udf89"')
    assert ephemeral(discord.post(body.encode())) == "🎉"


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999", "2.5", "3.0", "true", '"3"',
                                     str(2 ** 64), "9" * 4000, "[3]", "{}"], ids=short)
def test_a_page_that_is_not_a_whole_number_in_range_is_an_ephemeral_naming_it(discord, literal):
    body = json.dumps(ix.command("leaderboard", [ix.opt("page", "MARK", 4)])).replace('"MARK"', literal)
    response = discord.post(body.encode())
    if literal in ("[3]", "{}"):  # not an option value Discord has: not an interaction
        assert refused_as_invalid(response)
    else:
        assert "`page`" in ephemeral(response)


def test_a_user_option_with_a_5000_digit_id_is_an_ephemeral(discord):
    assert "`user`" in ephemeral(post(discord, ix.command("rank", [ix.opt("user", "9" * 5000, 6)])))


def test_a_string_option_longer_than_discord_allows_is_refused_even_without_a_declared_limit(discord):
    assert "at most 6000" in ephemeral(post(discord, ix.command("echo", [ix.opt("text", "x" * 6001)])))


# ------------------------------------------------------------------ autocomplete: no suggestions, never a 500

@pytest.mark.parametrize("options", [
    "x", [5], [{"name": 5, "focused": True}], [{"name": "text", "value": {"a": 1}, "focused": True}],
    [{"name": "text", "value": "ab\u0000", "focused": True}], [{"name": "text", "value": "x", "focused": "yes"}],
    [{"type": 1, "name": "a", "options": [{"type": 1, "name": "b", "options": [{"type": 1, "name": "c",
                                                                               "options": [{"name": "d"}]}]}]}],
], ids=short)
def test_malformed_autocomplete_gets_empty_choices(discord, options):
    interaction = ix.command("echo", interaction_type=4)
    interaction["data"]["options"] = options
    assert discord.send(interaction) == {"type": 8, "data": {"choices": []}}


def test_autocomplete_still_suggests(discord):
    interaction = ix.command("echo", [{"name": "text", "type": 3, "value": "ab", "focused": True}], interaction_type=4)
    assert discord.send(interaction) == {"type": 8, "data": {"choices": [{"name": "ab!", "value": "ab!"}]}}


# ------------------------------------------------------------------ components: our own state or "expired"

@pytest.mark.parametrize("custom_id", [
    "lb", "lb:weekly", "lb:weekly:1:extra", "cases:0", "cases:0:" + "9" * 25, "cases:0:" + str(2 ** 63),
    "lb:weekly:" + "9" * 5000, "lb:\u0000:1", "lb:\ud800:1", "lb:wéekly:1", "x" * 101, "", ":::", "nope:1"], ids=short)
def test_a_custom_id_we_could_not_have_made_says_the_buttons_expired(discord, custom_id):
    assert "expired" in ephemeral(post(discord, ix.component(custom_id)))


def test_a_custom_id_that_is_not_a_string_is_a_400(discord):
    interaction = ix.component("lb:weekly:1")
    interaction["data"]["custom_id"] = ["lb", "weekly"]
    assert refused_as_invalid(post(discord, interaction))


def test_a_leaderboard_button_still_turns_the_page(discord):
    assert discord.send(ix.component("lb:weekly:1"))["type"] == 7


@pytest.mark.parametrize("values, status", [("x", 400), ([1], 400), (["a"] * 26, 400), (["\u0000"], 200),
                                            (["x" * 101], 200)], ids=short)
def test_select_values_must_be_a_short_list_of_strings(discord, values, status):
    response = post(discord, ix.component("lb:weekly:1", values=values))
    assert "expired" in ephemeral(response) if status == 200 else refused_as_invalid(response)


def test_a_modal_submission_reaches_its_handler_with_fields_by_custom_id(discord):
    submit = ix.command("x", interaction_type=5)
    submit["data"] = {"custom_id": "echo-modal:7", "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "answer", "value": "forty-two"}]}]}
    assert ephemeral(post(discord, submit)) == "7: forty-two"


def test_a_modal_field_with_a_nul_is_an_ephemeral_naming_the_field(discord):
    submit = ix.command("x", interaction_type=5)
    submit["data"] = {"custom_id": "anything:1", "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "answer", "value": "a\u0000b"}]}]}
    assert "`answer`" in ephemeral(post(discord, submit))


# ------------------------------------------------------------------ where a command may be used

def test_a_guild_only_command_from_a_dm_says_it_works_in_servers_only(discord, fake_discord):
    assert "servers only" in ephemeral(post(discord, dm(warn("spam"))))
    assert "servers only" in ephemeral(post(discord, dm(ix.command("leaderboard"))))
    assert "servers only" in ephemeral(post(discord, dm(ix.component("lb:weekly:1"))))
    assert fake_discord.find("POST", r"/users/@me/channels") == []


def test_a_command_declared_for_dms_works_there(discord):
    payload = discord.send(dm(ix.command("help")))
    assert payload["type"] == 4 and payload["data"]["embeds"][0]["title"] == "StatusSync help"


def test_an_interaction_with_neither_member_nor_user_is_a_400(discord):
    interaction = dm(ix.command("help"))
    del interaction["user"]
    assert refused_as_invalid(post(discord, interaction))


def test_display_names_with_lone_surrogates_are_shown_replaced_not_crashed_on(discord):
    interaction = ix.command("help")
    interaction["member"]["user"]["username"] = "PLACEHOLDER"
    interaction["member"]["nick"] = "PLACEHOLDER"
    body = json.dumps(interaction).replace('"PLACEHOLDER"', '"\\ud800x\\u0000"').encode()
    response = discord.post(body)
    assert response.status_code == 200
    spec.validate_interaction_response(response.get_json())


@pytest.mark.parametrize("field, value", [("avatar", []), ("avatar", "../../x"), ("discriminator", "9" * 5000),
                                          ("discriminator", "١٢٣٤"), ("username", {"a": 1}), ("bot", "yes")], ids=short)
def test_odd_display_fields_of_a_resolved_user_are_dropped_not_crashed_on(discord, runtime, caplog, field, value):
    interaction = ix.command("rank", [ix.opt("user", ix.MEMBER_ID, 6)], permissions=0, resolved={
        "users": {ix.MEMBER_ID: {**ix.member(ix.MEMBER_ID)["user"], field: value}},
        "members": {ix.MEMBER_ID: {"roles": [], "nick": None, field: value}}})
    assert discord.send(interaction)["type"] == 5  # the card is drawn in deferred work
    assert runtime.deferred.wait(10)
