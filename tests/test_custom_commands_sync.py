"""Registrations Discord never confirmed are finished by the cc_sync job from Discord's own list (twice does
nothing more), and /cc import is paced by Discord's limits and its time, leaving the rest to that job."""
import json
from datetime import timedelta

import psycopg2
import pytest
import requests

from app import create_app
from app.jobs import run_job
from app.jobs.premium import grant
from app.runtime import utc_now
from tests import interactions as ix
from tests import spec
from tests.conftest import BOT_TOKEN
from tests.test_custom_commands import GUILD_COMMANDS, add, cc, rows, text, use, wait_for


@pytest.fixture
def fake_discord(own_discord):
    own_discord.reset()
    own_discord.forget_commands()
    own_discord.daily_command_creates = 200
    return own_discord


def sync(settings, later=timedelta(minutes=3)):
    """One run of the cc_sync job, `later` than now (past the grace an answer in flight gets)."""
    runtime = create_app({**settings, "CLOCK": lambda: utc_now() + later}).extensions["statussync"]
    return run_job(runtime, "cc_sync")


def calls(fake, method):
    return len(fake.find(method, GUILD_COMMANDS + ("" if method in ("GET", "POST") else r"/\d+")))


def test_an_add_whose_answer_never_came_is_adopted_from_discords_list_not_created_again(
        discord, fake_discord, settings):
    fake_discord.slow("POST", GUILD_COMMANDS, 6)  # Discord creates it, but its answer comes too late
    first = add(discord, "late", "made late")
    assert "can't tell" in text(first) and rows(settings["DATABASE_URL"]) == [("late", "pending", None)]

    assert "0 registered, 0 found" in sync(settings, later=timedelta(0))  # its answer may still be coming
    summary = sync(settings)
    assert "0 registered, 1 found on Discord" in summary, summary
    registered = fake_discord.commands(ix.GUILD_ID)
    assert len(registered) == 1 and calls(fake_discord, "POST") == 1
    assert rows(settings["DATABASE_URL"]) == [("late", "registered", int(registered[0]["id"]))]
    assert use(discord, "late", command_id=registered[0]["id"])["data"]["content"] == "made late"

    gets = calls(fake_discord, "GET")
    assert "0 registered, 0 found" in sync(settings)  # nothing left: Discord isn't even asked
    assert calls(fake_discord, "GET") == gets and calls(fake_discord, "POST") == 1


def test_an_add_discord_failed_is_created_by_the_job_once(discord, fake_discord, settings):
    fake_discord.queue("POST", GUILD_COMMANDS, 502, {"message": "Bad Gateway", "code": 0})
    add(discord, "retry", "here now")
    assert rows(settings["DATABASE_URL"]) == [("retry", "pending", None)] and fake_discord.commands(ix.GUILD_ID) == []
    assert "1 registered" in sync(settings)
    assert "0 registered" in sync(settings, later=timedelta(minutes=10))
    assert calls(fake_discord, "POST") == 2 and [c["name"] for c in fake_discord.commands(ix.GUILD_ID)] == ["retry"]
    assert use(discord, "retry")["data"]["content"] == "here now"


def test_a_removal_cut_short_is_finished(discord, fake_discord, settings):
    add(discord, "gone", "bye")
    fake_discord.queue("DELETE", GUILD_COMMANDS + r"/\d+", 503, {"message": "unavailable", "code": 0}, times=10)
    cc(discord, "remove", ix.opt("name", "gone"))
    fake_discord.reset()
    assert rows(settings["DATABASE_URL"]) == [("gone", "removing", rows(settings["DATABASE_URL"])[0][2])]
    assert "1 removed" in sync(settings)
    assert fake_discord.commands(ix.GUILD_ID) == [] and rows(settings["DATABASE_URL"]) == []


def exported(names, **fields) -> bytes:
    return json.dumps({"statussync_custom_commands": 1,
                       "commands": [{"name": name, "template": f"I am {name}", **fields} for name in names]}).encode()


def import_file(discord, fake, data):
    attachment = fake.upload("custom-commands.json", data)
    interaction = ix.command("cc", [ix.sub("import", ix.opt("file", attachment["id"], 11))],
                             resolved={"attachments": {attachment["id"]: attachment}})
    answer = discord.send(interaction)
    assert answer["type"] == 5 and answer["data"]["flags"] & 64  # "thinking…" at once

    def final():
        shown = (fake.webhook_messages(interaction["token"]) or [{}])[0].get("content") or ""
        return shown if not shown.startswith("Importing…") else ""
    assert wait_for(final, 30)
    return final(), interaction


def states(database_url) -> dict:
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT state, count(*) FROM custom_commands GROUP BY state")
        return dict(cur.fetchall())


def test_import_stops_at_discords_daily_limit_and_the_job_finishes_after_the_reset(discord, fake_discord, settings,
                                                                                   runtime):
    grant(runtime, ix.GUILD_ID, "enterprise", 30)
    fake_discord.daily_command_creates = 12  # as if 188 of today's 200 were used already
    report, _ = import_file(discord, fake_discord, exported([f"cmd{n:02}" for n in range(30)]))
    assert report.startswith("Imported 12 command(s)"), report
    assert "Waiting for Discord: 18 command(s)" in report and "200 new commands a day" in report
    assert "<t:" in report and "registers them by itself" in report
    assert states(settings["DATABASE_URL"]) == {"registered": 12, "pending": 18}
    posts = calls(fake_discord, "POST")
    assert posts == 13  # the 13th was refused with 30034: no more were asked for

    assert "0 registered" in sync(settings, later=timedelta(hours=1))  # still before Discord's reset
    assert calls(fake_discord, "POST") == posts
    listed = cc(discord, "list")
    assert text(listed).count("waiting to be registered") == 18 and "hasn't confirmed" not in text(listed)

    fake_discord.daily_command_creates = 200
    assert "18 registered" in sync(settings, later=timedelta(hours=25))
    assert len(fake_discord.commands(ix.GUILD_ID)) == 30 and states(settings["DATABASE_URL"]) == {"registered": 30}
    assert "0 registered, 0 found" in sync(settings, later=timedelta(hours=26))
    assert calls(fake_discord, "POST") == posts + 18


def test_import_never_recreates_what_discord_has_and_reports_conflicts(discord, fake_discord, settings, runtime):
    add(discord, "rules", "Our rules")
    requests.post(f"{fake_discord.base_url}/applications/{ix.BOT_ID}/guilds/{ix.GUILD_ID}/commands",
                  headers={"Authorization": f"Bot {BOT_TOKEN}"}, timeout=5,
                  json={"name": "legacy", "type": 1, "description": "left by a crash"}).raise_for_status()
    posts = calls(fake_discord, "POST")
    report, _ = import_file(discord, fake_discord, exported(["rules", "legacy", "fresh", "fresh", "ban"]))
    assert "Imported 2 command(s): `/legacy`, `/fresh`" in report, report
    assert "Not imported `/rules`: `/rules` already exists here" in report
    assert "Not imported `/fresh`: it appears twice" in report and "Not imported `/ban`" in report
    assert calls(fake_discord, "POST") == posts + 1  # only /fresh was created; /legacy was adopted
    legacy = {c["name"]: c for c in fake_discord.commands(ix.GUILD_ID)}["legacy"]
    assert legacy["description"] == "Custom command /legacy"  # brought in line with the file
    patches = fake_discord.find("PATCH", GUILD_COMMANDS + r"/\d+")
    assert len(patches) == 1 and patches[0].path.endswith(legacy["id"])
    for sent in patches + fake_discord.find("POST", GUILD_COMMANDS):
        spec.validate_recorded(sent)
    assert use(discord, "rules")["data"]["content"] == "Our rules"
    assert use(discord, "legacy", command_id=legacy["id"])["data"]["content"] == "I am legacy"


def test_import_within_its_time_shows_progress_and_leaves_the_rest_to_the_job(discord, fake_discord, settings,
                                                                              runtime):
    grant(runtime, ix.GUILD_ID, "basic", 30)
    app = create_app({**settings, "JOB_BUDGET_SECONDS": "3"})
    slow_side = ix.DiscordSide(app.test_client(), discord.signing_key)
    fake_discord.slow("POST", GUILD_COMMANDS, 0.8, times=20)
    report, interaction = import_file(slow_side, fake_discord, exported([f"s{n:02}" for n in range(12)]))
    done = int(report.split()[1])
    assert 1 <= done < 12 and f"Waiting for Discord: {12 - done} command(s)" in report, report
    assert "ran out of time" in report
    edited = fake_discord.find("PATCH", rf"/webhooks/{ix.BOT_ID}/.+/messages/@original")
    progress = [r for r in edited if (r.json.get("content") or "").startswith("Importing…")]
    assert progress, [r.json for r in edited]
    spec.validate_recorded(progress[0])
    fake_discord.reset()  # Discord answers promptly again
    summary = sync(settings)
    made, found = (int(summary.split()[i]) for i in (2, 4))
    assert made + found == 12 - done and found <= 1, summary  # the one whose answer came too late is adopted
    assert len(fake_discord.commands(ix.GUILD_ID)) == 12 and len(fake_discord.find("POST", GUILD_COMMANDS)) == made


def test_an_import_delivered_twice_is_not_its_own_conflict_and_creates_nothing_twice(fake_discord, settings,
                                                                                     runtime):
    from app.interactions.deferred import run_task
    attachment = fake_discord.upload("custom-commands.json", exported(["one", "two", "three"]))
    interaction = ix.command("cc", [ix.sub("import", ix.opt("file", attachment["id"], 11))],
                             resolved={"attachments": {attachment["id"]: attachment}})
    fake_discord.acknowledge(interaction, {"type": 5, "data": {"flags": 64}})
    for _ in range(2):  # Lambda delivers an asynchronous invocation again when it thinks the first failed
        assert run_task(runtime, "cc_import", interaction, {"url": attachment["url"]})
        report = fake_discord.webhook_messages(interaction["token"])[0]["content"]
        assert report == "Imported 3 command(s): `/one`, `/two`, `/three`", report
    assert calls(fake_discord, "POST") == 3 and states(settings["DATABASE_URL"]) == {"registered": 3}


def test_import_stops_at_discords_100_commands_and_says_so(discord, fake_discord, settings, runtime):
    grant(runtime, ix.GUILD_ID, "enterprise", 30)
    built_ins = [{"name": f"builtin{n}", "type": 1, "description": "registered per guild"} for n in range(95)]
    requests.put(f"{fake_discord.base_url}/applications/{ix.BOT_ID}/guilds/{ix.GUILD_ID}/commands",
                 headers={"Authorization": f"Bot {BOT_TOKEN}"}, timeout=5, json=built_ins).raise_for_status()
    report, _ = import_file(discord, fake_discord, exported([f"x{n}" for n in range(8)]))
    assert report.startswith("Imported 5 command(s)") and "Waiting for Discord: 3 command(s)" in report, report
    assert "Discord allows 100 commands per server" in report and "Remove one" in report
    assert "registers them once there is room" in report
    assert len(fake_discord.commands(ix.GUILD_ID)) == 100 and calls(fake_discord, "POST") == 5  # none refused


def test_the_job_survives_discord_failing_to_list_commands(discord, fake_discord, settings):
    fake_discord.slow("POST", GUILD_COMMANDS, 3)
    add(discord, "late", "made late")
    fake_discord.queue("GET", GUILD_COMMANDS, 503, {"message": "unavailable", "code": 0}, times=10)
    assert "1 still waiting" in sync(settings)
    fake_discord.reset()
    assert "1 found on Discord" in sync(settings)
