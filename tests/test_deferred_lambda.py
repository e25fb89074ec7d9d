"""Deferred work on Lambda: an asynchronous invocation through Zappa, applied once however often it arrives.

A local server speaks the Lambda Invoke API and records what boto3 sends; the recorded event is then
handed to Zappa's own Lambda-side router the way Lambda would, once or several times.
"""
import json
import os
import subprocess
import sys
import threading
import time

import pytest

from app import create_app, features
from app.interactions.declare import SlashCommand
from app.interactions import runners
from app.interactions.deferred import TaskNotFinished
from app.interactions.registry import CommandSet
from tests import interactions as ix
from tests import spec
from tests.fakes.aws_lambda import FUNCTION_NAME, FakeLambda, deliver, on_lambda

ZAPPA_ROUTER = "zappa.asynchronous.route_lambda_task"
OUR_ENTRY = "app.interactions.deferred.run_task_from_lambda"

@pytest.fixture
def fake_lambda(monkeypatch, settings, tmp_path):
    fake = FakeLambda()
    on_lambda(monkeypatch, settings, tmp_path, fake)
    yield fake
    fake.stop()


# ------------------------------------------------------------------ commands whose work is deferred

runs = []  # (task, interaction id) for every run of a task body
crash_first = set()  # interaction ids whose first run crashes
report = SlashCommand("lambdaprobe", "Deferred work on Lambda")


@report.subcommand("report", "Build a report later")
def start_report(ctx):
    return ctx.defer(build_report, weeks=4)


def build_report(ctx, weeks):
    runs.append(("report", ctx.id))
    if ctx.id in crash_first:
        crash_first.discard(ctx.id)
        raise RuntimeError("the connection to the warehouse dropped")
    time.sleep(float(os.environ.get("REPORT_SECONDS", "0")))
    return ctx.reply(f"Report for the last {weeks} weeks, asked by <@{ctx.user.id}>")


class _Module:
    report = report


features.register(features.Feature("lambdaprobe", tasks={"lambdaprobe_report": build_report}))


@pytest.fixture
def app(settings):
    settings["COMMANDS"] = CommandSet.from_modules([_Module])
    return create_app(settings)


def original_edits(fake_discord, interaction):
    return fake_discord.find("PATCH", rf"/webhooks/{ix.BOT_ID}/{interaction['token']}/messages/@original")


def defer_report(discord, fake_lambda):
    """Send /lambdaprobe report; returns the interaction and the event Lambda would deliver."""
    interaction = ix.command("lambdaprobe", [ix.sub("report")])
    assert discord.send(interaction) == {"type": 5, "data": {}}
    assert len(fake_lambda.invocations) == 1
    return interaction, fake_lambda.invocations[0]["payload"]


# ------------------------------------------------------------------ tests


def test_a_deferring_command_on_lambda_invokes_the_function_once_asynchronously(
        discord, fake_discord, fake_lambda, runtime):
    interaction, event = defer_report(discord, fake_lambda)
    invocation = fake_lambda.invocations[0]
    assert invocation["function"] == FUNCTION_NAME and invocation["signed"]
    assert event["command"] == ZAPPA_ROUTER and event["task_path"] == OUR_ENTRY
    assert event["args"] == ["lambdaprobe_report", interaction, {"weeks": 4}]
    assert type(runtime.deferred).__name__ == "ZappaRunner"
    assert original_edits(fake_discord, interaction) == []  # nothing ran in the process that answered


def test_the_delivered_event_edits_the_reply_and_a_redelivery_does_nothing(discord, fake_discord, fake_lambda):
    interaction, event = defer_report(discord, fake_lambda)
    assert deliver(event) is True
    edits = original_edits(fake_discord, interaction)
    assert [e.json["content"] for e in edits] == [f"Report for the last 4 weeks, asked by <@{ix.MOD_ID}>"]
    spec.validate_recorded(edits[0])
    assert deliver(event) is False
    assert deliver(event) is False
    assert len(original_edits(fake_discord, interaction)) == 1
    assert runs.count(("report", interaction["id"])) == 1


def test_a_task_that_crashed_runs_again_when_lambda_retries(discord, fake_discord, fake_lambda):
    interaction, event = defer_report(discord, fake_lambda)
    crash_first.add(interaction["id"])
    with pytest.raises(TaskNotFinished):  # an error Lambda sees, so it delivers the event again
        deliver(event)
    first = original_edits(fake_discord, interaction)
    assert len(first) == 1 and interaction["id"] in first[0].json["content"]  # not left "thinking…"
    assert "warehouse" not in first[0].json["content"]
    assert deliver(event) is True
    edits = original_edits(fake_discord, interaction)
    assert edits[-1].json["content"].startswith("Report for the last 4 weeks")
    assert deliver(event) is False
    assert len(original_edits(fake_discord, interaction)) == 2
    assert runs.count(("report", interaction["id"])) == 2


def test_a_reply_that_could_not_be_edited_is_tried_again(discord, fake_discord, fake_lambda):
    interaction, event = defer_report(discord, fake_lambda)
    from app.interactions.deferred import EDIT_RETRIES  # a 5xx is tried again in-process this many times first
    fake_discord.queue("PATCH", r"/webhooks/.*/messages/@original", 503, {"message": "upstream", "code": 0},
                       times=EDIT_RETRIES + 1)
    with pytest.raises(TaskNotFinished):
        deliver(event)
    assert deliver(event) is True
    landed = original_edits(fake_discord, interaction)
    assert len(landed) == EDIT_RETRIES + 2 and landed[-1].json["content"].startswith("Report for the last 4 weeks")
    assert deliver(event) is False


def test_two_deliveries_at_once_run_the_task_once(discord, fake_discord, fake_lambda, monkeypatch):
    monkeypatch.setenv("REPORT_SECONDS", "0.5")
    interaction, event = defer_report(discord, fake_lambda)
    results = []
    deliveries = [threading.Thread(target=lambda: results.append(deliver(event))) for _ in range(2)]
    for thread in deliveries:
        thread.start()
        time.sleep(0.1)
    for thread in deliveries:
        thread.join(10)
    assert sorted(results) == [False, True]
    assert len(original_edits(fake_discord, interaction)) == 1
    assert runs.count(("report", interaction["id"])) == 1


def test_without_lambda_the_work_still_runs_on_a_thread(discord, fake_discord, runtime):
    interaction = ix.command("lambdaprobe", [ix.sub("report")])
    assert discord.send(interaction) == {"type": 5, "data": {}}
    assert runtime.deferred.wait(10)
    assert original_edits(fake_discord, interaction)[0].json["content"].startswith("Report for the last 4 weeks")


def test_handing_work_to_a_slow_lambda_api_ends_inside_the_deadline_with_one_attempt(runtime, fake_lambda):
    from app import deadlines
    fake_lambda.delay = 3.0
    runner = runners.ZappaRunner()
    interaction = ix.command("lambdaprobe", [ix.sub("report")])
    started = time.monotonic()
    with deadlines.within(1.5), pytest.raises(Exception, match="(?i)timeout|timed out"):
        runner.submit(runtime, "lambdaprobe_report", interaction, {"weeks": 4})
    assert time.monotonic() - started < 1.5
    assert len(fake_lambda.invocations) == 1  # no retry that would pass the deadline


def test_a_deferring_command_whose_lambda_invoke_hangs_answers_in_time_and_says_to_try_again(discord, fake_lambda):
    fake_lambda.delay = 4.0
    interaction = ix.command("lambdaprobe", [ix.sub("report")])
    started = time.monotonic()
    answer = discord.send(interaction)
    assert time.monotonic() - started < 2.9  # inside Discord's 3 s, not "thinking…" forever
    assert answer["type"] == 4 and answer["data"]["flags"] == 64 and "Try again" in answer["data"]["content"]


def test_with_no_time_left_nothing_is_sent_to_lambda(runtime, fake_lambda):
    from app import deadlines
    interaction = ix.command("lambdaprobe", [ix.sub("report")])
    with deadlines.within(0.05), pytest.raises(deadlines.DeadlineExceeded):
        runners.ZappaRunner().submit(runtime, "lambdaprobe_report", interaction, {"weeks": 4})
    assert fake_lambda.invocations == []


COLD_PING = """
import json, sys, time
from nacl.signing import SigningKey
key = SigningKey.generate()
from app import create_app, features
app = create_app({"DISCORD_PUBLIC_KEY": key.verify_key.encode().hex()})
body, stamp = b'{"type": 1}', str(int(time.time()))
answer = app.test_client().post("/interactions", data=body, headers={
    "X-Signature-Ed25519": key.sign(stamp.encode() + body).signature.hex(), "X-Signature-Timestamp": stamp,
    "Content-Type": "application/json"})
print(json.dumps({"answer": answer.get_json(), "loaded": sorted(m for m in ("zappa", "boto3", "botocore")
                                                                 if m in sys.modules)}))
"""


def test_a_cold_start_on_lambda_answers_ping_without_loading_zappa_or_boto3(settings):
    environment = {**os.environ, "AWS_LAMBDA_FUNCTION_NAME": FUNCTION_NAME, "DATABASE_URL": settings["DATABASE_URL"],
                   "DISCORD_APPLICATION_ID": settings["DISCORD_APPLICATION_ID"], "SECRET_KEY": "cold",
                   "DISCORD_BOT_TOKEN": settings["DISCORD_BOT_TOKEN"], "DISCORD_PUBLIC_KEY": "00" * 32}
    done = subprocess.run([sys.executable, "-c", COLD_PING], env=environment, capture_output=True, text=True,
                          timeout=60, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"answer": {"type": 1}, "loaded": []}
