"""The deferred seam: only registered tasks run, their arguments go through JSON in every runner, the
thread runner starts after the answer left, and an edit of @original waits for Discord to have the ack."""
import logging
import sys
import threading
import time

import pytest
import requests

from app import create_app, features
from app.interactions import deferred, runners
from app.interactions.declare import SlashCommand
from app.interactions.registry import CommandSet
from tests import interactions as ix

ran = []
seam = SlashCommand("seam", "Deferred seam probes")


@seam.subcommand("fast", "A task that finishes at once")
def start_fast(ctx):
    return ctx.defer(finish_fast, when=(1, 2))


@seam.subcommand("nojson", "A task argument JSON can't carry")
def start_nojson(ctx):
    ran.append(("handler", ctx.id))
    return ctx.defer(finish_fast, when={1, 2})


@seam.subcommand("unregistered", "Defer to a function no feature registered")
def start_unregistered(ctx):
    return ctx.defer(not_a_task)


def finish_fast(ctx, when):
    ran.append(("fast", ctx.id, when))
    return ctx.reply(f"done: {when}")


def not_a_task(ctx):
    ran.append(("not_a_task", ctx.id))
    return ctx.reply("should never run")


class _Module:
    seam = seam


features.register(features.Feature("seamprobe", tasks={"seam_fast": finish_fast}))


@pytest.fixture
def app(settings):
    settings["COMMANDS"] = CommandSet.from_modules([_Module])
    return create_app(settings)


def original_edits(fake, interaction):
    return fake.find("PATCH", rf"/webhooks/{ix.BOT_ID}/{interaction['token']}/messages/@original")


def test_the_fake_refuses_an_edit_of_original_before_discord_has_the_answer(fake_discord):
    interaction = ix.command("seam", [ix.sub("fast")])
    url = f"{fake_discord.base_url}/webhooks/{ix.BOT_ID}/{interaction['token']}/messages/@original"
    early = requests.patch(url, json={"content": "too soon"}, timeout=5)
    assert early.status_code == 404 and early.json()["code"] == 10015
    fake_discord.acknowledge(interaction, {"type": 5, "data": {}})
    assert requests.patch(url, json={"content": "now"}, timeout=5).status_code == 200
    assert fake_discord.webhook_messages(interaction["token"])[0]["content"] == "now"


def test_the_thread_runner_starts_the_task_only_once_the_answer_has_left(discord, fake_discord, runtime):
    interaction = ix.command("seam", [ix.sub("fast")])
    assert discord.send(interaction, deliver=False) == {"type": 5, "data": {}}
    time.sleep(0.3)  # a task started with the response would have edited (and been refused) by now
    assert runtime.deferred.started() == 0 and original_edits(fake_discord, interaction) == []
    discord.acknowledge(*discord.pending)  # Discord reads the answer; the response closes
    assert runtime.deferred.wait(10)
    (edit,) = original_edits(fake_discord, interaction)  # one edit, accepted the first time
    assert edit.json["content"] == "done: [1, 2]"  # the tuple arrived as JSON gives it, as on Lambda
    assert ("fast", interaction["id"], [1, 2]) in ran


def test_an_argument_json_cannot_carry_fails_in_the_handler_and_nothing_runs(discord, fake_discord, runtime,
                                                                             clean_db):
    interaction = ix.command("seam", [ix.sub("nojson")])
    answer = discord.send(interaction)
    assert "Something went wrong" in answer["data"]["content"] and answer["data"]["flags"] == 64
    assert runtime.deferred.wait(5) and original_edits(fake_discord, interaction) == []
    again = discord.send(interaction)  # a redelivery: the failed handler's claim was rolled back with it
    assert "already handled" not in again["data"]["content"]
    assert ran.count(("handler", interaction["id"])) == 2


def test_every_runner_refuses_unregistered_names_and_non_json_arguments(runtime):
    interaction = ix.command("seam", [ix.sub("fast")])
    for runner in (runners.ThreadRunner(), runners.ZappaRunner()):
        with pytest.raises(deferred.UnknownTask):
            runner.submit(runtime, "tests.test_deferred_seam:not_a_task", interaction, {})
        with pytest.raises(TypeError):
            runner.submit(runtime, "seam_fast", interaction, {"when": {1, 2}})
        with pytest.raises(ValueError):
            runner.submit(runtime, "seam_fast", interaction, {"when": float("nan")})


def test_deferring_to_an_unregistered_function_is_a_bug_reported_at_once(discord, fake_discord, runtime):
    interaction = ix.command("seam", [ix.sub("unregistered")])
    answer = discord.send(interaction)
    assert "Something went wrong" in answer["data"]["content"]
    assert runtime.deferred.wait(5) and ("not_a_task", interaction["id"]) not in ran


def test_a_lambda_event_naming_an_unregistered_task_is_refused_and_imports_nothing(caplog):
    assert "smtplib" not in sys.modules
    interaction = ix.command("seam", [ix.sub("fast")])
    with caplog.at_level(logging.ERROR, logger="app.interactions.deferred"):
        assert deferred.run_task_from_lambda("smtplib:main", interaction, {}) is False
        assert deferred.run_task_from_lambda(["seam_fast"], interaction, {}) is False
    assert "smtplib" not in sys.modules
    assert [r.message for r in caplog.records][:1] == [
        "deferred event refused: task 'smtplib:main' is not registered (or its arguments are malformed)"]
    assert interaction["token"] not in caplog.text


def test_an_edit_that_beats_the_ack_is_tried_again_until_discord_has_it(runtime, fake_discord, clean_db):
    interaction = ix.command("seam", [ix.sub("fast")])
    late_ack = threading.Timer(0.8, fake_discord.acknowledge, (interaction, {"type": 5, "data": {}}))
    late_ack.start()
    started = time.monotonic()
    assert deferred.run_task(runtime, "seam_fast", interaction, {"when": [3]}) is True
    assert 0.7 < time.monotonic() - started < 2.5
    edits = original_edits(fake_discord, interaction)
    assert len(edits) >= 2 and edits[-1].json["content"] == "done: [3]"
    assert fake_discord.webhook_messages(interaction["token"])[0]["content"] == "done: [3]"


def test_an_edit_gives_up_after_about_three_seconds_without_an_ack(runtime, fake_discord, clean_db):
    interaction = ix.command("seam", [ix.sub("fast")])
    started = time.monotonic()
    assert deferred.run_task(runtime, "seam_fast", interaction, {"when": [4]}) is False  # worth a retry
    assert deferred.ACK_WAIT_S - 0.5 < time.monotonic() - started < deferred.ACK_WAIT_S + 1.5


def test_features_refuse_a_name_two_of_them_claim():
    features.register(features.Feature("twin", tasks={"seam_fast": not_a_task}))
    try:
        with pytest.raises(features.DeclarationError, match="seam_fast.*seamprobe.*twin"):
            features.tasks()
    finally:
        features.unregister("twin")
    assert features.tasks()["seam_fast"] is finish_fast



def test_under_waitress_the_task_runs_after_the_response_was_written(app, runtime, fake_discord, signing_key):
    import json

    from waitress.server import create_server
    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    serving = threading.Thread(target=server.run, daemon=True)
    serving.start()
    try:
        interaction = ix.command("seam", [ix.sub("fast")])
        body, stamp = json.dumps(interaction).encode(), str(int(time.time()))
        answer = requests.post(f"http://127.0.0.1:{server.effective_port}/interactions", data=body, timeout=5,
                               headers={"Content-Type": "application/json", "X-Signature-Timestamp": stamp,
                                        "X-Signature-Ed25519": signing_key.sign(stamp.encode() + body).signature.hex()})
        assert answer.json() == {"type": 5, "data": {}}
        fake_discord.acknowledge(interaction, answer.json())  # Discord got it
        deadline = time.monotonic() + 5  # waitress closes the response (and starts the task) on its own
        while not fake_discord.webhook_messages(interaction["token"])[0].get("content") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert fake_discord.webhook_messages(interaction["token"])[0]["content"] == "done: [1, 2]"
    finally:
        server.close()
