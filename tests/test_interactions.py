"""POST /interactions end to end: signatures, parsing, dispatch, answers Discord accepts."""
import json
import socket
import threading
import time

import pytest
from nacl.signing import SigningKey

from app import create_app, features
from app.interactions import declare as d
from app.interactions.declare import Option, SlashCommand, component
from app.interactions.registry import CommandSet
from app.interactions.responses import Attachment, action_row, button
from tests import interactions as ix
from tests import spec

# ------------------------------------------------------------------ a small command set of our own

calls = []
probe = SlashCommand("probe", "Commands that exercise the framework")


@probe.subcommand("count", "Echo a bounded number", options=[
    Option.integer("count", "How many", min_value=1, max_value=10),
    Option.string("label", "A label", required=False, max_length=20, autocomplete=lambda ctx, text: [
        (f"{text}-suggestion", f"{text}-value")])])
def probe_count(ctx, count, label):
    calls.append(("count", ctx.id, count, label))
    return ctx.reply(f"count={count} label={label}", components=[action_row(button("Next", f"probe-page:{count + 1}"))])


@probe.subcommand("slow", "Answer later")
def probe_slow(ctx):
    return ctx.defer(finish_slow, ephemeral=True, word="done")


def finish_slow(ctx, word):
    ctx.follow_up(ctx.reply("halfway there", ephemeral=True))
    return ctx.reply(f"slow work {word} for <@{ctx.user.id}>")


@probe.subcommand("slowwrite", "Take a while to apply")
def probe_slowwrite(ctx):
    time.sleep(0.3)
    calls.append(("slowwrite", ctx.id))
    return ctx.reply("applied")


@probe.subcommand("slowfail", "Fail later, in a way the user can fix")
def probe_slowfail(ctx):
    return ctx.defer(fail_slow)


def fail_slow(ctx):
    from app.errors import UserError
    raise UserError("That image is too large: 8 MB at most.")


@probe.subcommand("boom", "A bug")
def probe_boom(ctx):
    raise RuntimeError("secret internals")


@probe.subcommand("file", "Send an attachment")
def probe_file(ctx):
    return ctx.reply("here", files=[Attachment("hello.txt", b"hello", "text/plain")])


@probe.subcommand("ask", "Open a modal")
def probe_ask(ctx):
    return ctx.modal("probe-modal:7", "Tell me", [action_row(
        {"type": 4, "custom_id": "answer", "label": "Answer", "style": 1})])


features.register(features.Feature("probe", tasks={"probe_slow": finish_slow, "probe_slowfail": fail_slow}))


@component("probe-page")
def probe_page(ctx, page):
    calls.append(("page", page))
    return ctx.update(f"page {page}")


@d.modal("probe-modal")
def probe_modal(ctx, state):
    answer = ctx.data["components"][0]["components"][0]["value"]
    return ctx.reply(f"modal {state}: {answer}", ephemeral=True)


class _Module:
    pass


def probe_commands() -> CommandSet:
    import commands
    module = _Module()
    module.probe, module.page, module.modal = probe, probe_page, probe_modal
    return CommandSet.from_modules([module, *commands.modules()])


@pytest.fixture
def app(settings):
    settings["COMMANDS"] = probe_commands()
    return create_app(settings)


def count_options(count, label=None):
    options = [ix.opt("count", count, 4)] + ([ix.opt("label", label)] if label is not None else [])
    return [ix.sub("count", *options)]


# ------------------------------------------------------------------ signatures

def test_ping_is_answered_with_pong(discord):
    assert discord.send({"type": 1, "id": ix.snowflake(), "application_id": ix.BOT_ID}) == {"type": 1}


@pytest.mark.parametrize("case", ["missing", "forged", "malformed", "stale", "future", "tampered"])
def test_bad_signatures_are_refused_before_anything_else(discord, case):
    body = json.dumps({"type": 1}).encode()
    now = int(time.time())
    if case == "missing":
        response = discord.client.post("/interactions", data=body)
    elif case == "forged":
        other = SigningKey.generate().sign(str(now).encode() + body).signature.hex()
        response = discord.post(body, now, other)
    elif case == "malformed":
        response = discord.post(body, now, "zz" * 64)
    elif case == "stale":
        response = discord.post(body, now - 301)
    elif case == "future":
        response = discord.post(body, now + 301)
    else:
        signature = discord.signing_key.sign(str(now).encode() + body).signature.hex()
        response = discord.post(body.replace(b"1", b"2"), now, signature)
    assert response.status_code == 401
    assert response.get_json() == {"error": "invalid request signature"}


def test_signed_garbage_is_a_400(discord):
    assert discord.post(b"{not json").status_code == 400
    assert discord.post(b"[1, 2]").status_code == 400


# ------------------------------------------------------------------ dispatch

def test_options_arrive_typed_and_buttons_carry_state(discord):
    payload = discord.command("probe", count_options(3, "x"))
    assert payload["type"] == 4
    assert payload["data"]["content"] == "count=3 label=x"
    assert payload["data"]["allowed_mentions"] == {"parse": []}
    button_id = payload["data"]["components"][0]["components"][0]["custom_id"]
    clicked = discord.send(ix.component(button_id))
    assert clicked == {"type": 7, "data": {"allowed_mentions": {"parse": []}, "content": "page 4"}}


@pytest.mark.parametrize("value, message", [
    (11, "between 1 and 10"), (0, "between 1 and 10"), ("seven", "whole number"), (2.5, "whole number")])
def test_option_of_wrong_type_or_out_of_range_is_an_ephemeral_error(discord, value, message):
    payload = discord.command("probe", count_options(value))
    assert payload["data"]["flags"] == 64
    assert message in payload["data"]["content"]


def test_too_long_string_option_is_refused(discord):
    payload = discord.command("probe", count_options(2, "x" * 5000))
    assert "at most 20 characters" in payload["data"]["content"]


@pytest.mark.parametrize("name, options", [
    ("nonexistent", []),
    ("probe", [ix.sub("vanished")]),
    ("probe", [ix.sub("count", ix.opt("count", 1, 4), ix.opt("renamed", "x"))]),
])
def test_unknown_or_stale_command_says_to_register_again(discord, name, options):
    payload = discord.command(name, options)
    assert payload["data"]["flags"] == 64
    assert "register_commands.py" in payload["data"]["content"]


def test_the_same_interaction_is_applied_once(discord):
    interaction = ix.command("probe", count_options(5))
    before = len(calls)
    first = discord.send(interaction)
    second = discord.send(interaction)
    assert first["data"]["content"] == "count=5 label=None"
    assert "already handled" in second["data"]["content"] and second["data"]["flags"] == 64
    assert len([c for c in calls[before:] if c[1] == interaction["id"]]) == 1


def test_a_redelivery_while_the_first_is_still_running_is_applied_once(app, signing_key):
    interaction = ix.command("probe", [ix.sub("slowwrite")])
    answers = []

    def deliver():
        answers.append(ix.DiscordSide(app.test_client(), signing_key).send(interaction)["data"]["content"])

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(answers) == ["This interaction was already handled.", "applied"]
    assert calls.count(("slowwrite", interaction["id"])) == 1


def test_oversized_bodies_are_refused_with_json(discord):
    response = discord.post(b"x" * (5 * 1024 * 1024))
    assert response.status_code == 413 and "error" in response.get_json()


def test_a_bug_gives_a_generic_reply_with_a_reference_and_no_details(discord, caplog):
    interaction = ix.command("probe", [ix.sub("boom")])
    payload = discord.send(interaction)
    assert payload["data"]["flags"] == 64
    assert interaction["id"] in payload["data"]["content"]
    assert "secret internals" not in payload["data"]["content"]
    assert any(interaction["id"] in r.getMessage() for r in caplog.records)


def test_deferred_work_edits_the_original_reply(discord, fake_discord, runtime):
    interaction = ix.command("probe", [ix.sub("slow")])
    payload = discord.send(interaction)
    assert payload == {"type": 5, "data": {"flags": 64}}
    assert runtime.deferred.wait(10)
    edits = fake_discord.find("PATCH", rf"/webhooks/{ix.BOT_ID}/{interaction['token']}/messages/@original")
    assert len(edits) == 1
    assert edits[0].json["content"] == f"slow work done for <@{ix.MOD_ID}>"
    spec.validate_recorded(edits[0])
    follow_ups = fake_discord.find("POST", rf"/webhooks/{ix.BOT_ID}/{interaction['token']}")
    assert [f.json["content"] for f in follow_ups] == ["halfway there"]
    assert follow_ups[0].json["flags"] == 64
    spec.validate_recorded(follow_ups[0])


def test_deferred_work_that_fails_tells_the_user_instead_of_thinking_forever(discord, fake_discord, runtime):
    interaction = ix.command("probe", [ix.sub("slowfail")])
    assert discord.send(interaction) == {"type": 5, "data": {}}
    assert runtime.deferred.wait(10)
    edit = fake_discord.find("PATCH", rf"/webhooks/{ix.BOT_ID}/{interaction['token']}/messages/@original")[0]
    assert edit.json["content"] == "That image is too large: 8 MB at most."


def test_autocomplete_suggests(discord):
    interaction = ix.command("probe", [ix.sub("count", {"name": "label", "type": 3, "value": "ab", "focused": True})],
                             interaction_type=4)
    payload = discord.send(interaction)
    assert payload == {"type": 8, "data": {"choices": [{"name": "ab-suggestion", "value": "ab-value"}]}}


def test_modal_opens_and_its_submission_is_routed_with_state(discord):
    opened = discord.command("probe", [ix.sub("ask")])
    assert opened["type"] == 9 and opened["data"]["custom_id"] == "probe-modal:7"
    submit = ix.command("x", interaction_type=5)
    submit["data"] = {"custom_id": "probe-modal:7", "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "answer", "value": "forty-two"}]}]}
    payload = discord.send(submit)
    assert payload["data"]["content"] == "modal 7: forty-two"


def test_unknown_button_says_it_expired(discord):
    payload = discord.send(ix.component("gone-feature:1"))
    assert payload["data"]["flags"] == 64 and "expired" in payload["data"]["content"]


def test_attachments_are_sent_as_multipart(discord):
    body = json.dumps(ix.command("probe", [ix.sub("file")])).encode()
    response = discord.post(body)
    assert response.status_code == 200
    assert response.mimetype == "multipart/form-data"
    from email.parser import BytesParser
    message = BytesParser().parsebytes(
        f"Content-Type: {response.headers['Content-Type']}\r\n\r\n".encode() + response.get_data())
    parts = {p.get_param("name", header="content-disposition"): p for p in message.get_payload()}
    payload = json.loads(parts["payload_json"].get_payload(decode=True))
    spec.validate_interaction_response(payload)
    assert payload["data"]["attachments"] == [{"id": "0", "filename": "hello.txt"}]
    assert parts["files[0]"].get_payload(decode=True) == b"hello"


# ------------------------------------------------------------------ database trouble

def _silent_server():
    """A TCP port that accepts connections and never answers, like a hung database."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []
    threading.Thread(target=lambda: held.extend(listener.accept() for _ in range(4)), daemon=True).start()
    return listener, f"postgresql://postgres@127.0.0.1:{listener.getsockname()[1]}/none"


@pytest.mark.parametrize("kind", ["refused", "hung"])
def test_database_down_gives_ephemeral_unavailable_within_3s_and_health_503(settings, signing_key, kind):
    listener = None
    if kind == "refused":
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            settings["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:{s.getsockname()[1]}/none"
    else:
        listener, settings["DATABASE_URL"] = _silent_server()
    try:
        app = create_app(settings)
        side = ix.DiscordSide(app.test_client(), signing_key)
        started = time.monotonic()
        payload = side.command("config", [ix.sub("view")])
        assert time.monotonic() - started < 3
        assert payload["data"]["flags"] == 64
        assert "temporarily unavailable" in payload["data"]["content"]
        health = app.test_client().get("/health")
        assert health.status_code == 503 and health.get_json()["database"] == "unreachable"
    finally:
        if listener:
            listener.close()


def test_liveness_and_health(app):
    client = app.test_client()
    assert client.get("/").get_json() == {"status": "ok"}
    health = client.get("/health")
    assert health.status_code == 200
    assert health.get_json()["migrations"] == "current"
    assert client.get("/nope").get_json() == {"error": client.get("/nope").get_json()["error"]}
    assert client.get("/nope").status_code == 404


def test_a_final_answer_discord_refuses_is_replaced_by_an_error_instead_of_thinking_forever(discord, fake_discord,
                                                                                           runtime):
    interaction = ix.command("probe", [ix.sub("slow")])
    original = rf"/webhooks/{ix.BOT_ID}/{interaction['token']}/messages/@original"
    fake_discord.queue("PATCH", original, 400, {"message": "Invalid Form Body", "code": 50035})
    discord.send(interaction)
    assert runtime.deferred.wait(10)
    edits = fake_discord.find("PATCH", original)
    assert len(edits) == 2
    assert interaction["id"] in edits[1].json["content"] and "slow work" not in edits[1].json["content"]
    spec.validate_recorded(edits[1])
