"""Issue 11: a restore across servers (export → import), Discord's limits reported up front, the
restore's chained links on Lambda, a restore killed midway that resumes, and scheduled backups."""
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from app import create_app, db
from app.backups import links, service
from sandbox.discord.request_body import parse_multipart
from tests import interactions as ix
from tests.backup_guild import ADMIN, seed, structure_writes
from tests.fakes.aws_lambda import FakeLambda, deliver, on_lambda
from tests.test_backups import OTHER_GUILD, by_name, field, make_backup, preview, press, run

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def fake_discord(own_discord):
    """This module's own fake: its servers (and the jobs that walk every server) stay out of other modules."""
    own_discord.forget_guilds()
    own_discord.forget_commands()
    return own_discord


def export_file(discord, backup_id, guild_id=ix.GUILD_ID) -> bytes:
    response = discord.post(json.dumps(ix.command("backup", [ix.sub("export", ix.opt("id", int(backup_id), 4))],
                                                  guild_id=guild_id)).encode())
    callback, files = parse_multipart(response.content_type, response.get_data())
    assert callback["data"]["flags"] == 64 and files[0][1] == f"backup-{backup_id}.json"
    return files[0][3]


def import_file(discord, runtime, data, guild_id=OTHER_GUILD, filename="layout.json") -> dict:
    attachment = discord.fake.upload(filename, data)
    return run(discord, runtime, "import", [ix.opt("file", attachment["id"], 11)], guild_id=guild_id,
               resolved={"attachments": {attachment["id"]: attachment}})


def imported_id(message) -> str:
    assert "Imported as backup **#" in message["content"], message
    return message["content"].split("**#")[1].split("**")[0]


def test_a_layout_cloned_to_a_plain_server_skips_and_reports_its_community_only_channel(
        discord, fake_discord, runtime):
    source = seed(fake_discord, community=True)
    data = export_file(discord, make_backup(discord, runtime))
    assert json.loads(data)["schema"] == "statussync.backup" and json.loads(data)["version"] == 1
    fake_discord.add_guild(OTHER_GUILD, ix.OWNER_ID, name="Fresh")  # a new, empty, plain server
    bot = fake_discord.add_role(OTHER_GUILD, "StatusSync", permissions=source["bot"]["permissions"], position=1,
                                members=[ix.BOT_ID])
    backup_id = imported_id(import_file(discord, runtime, data))
    shown = preview(discord, runtime, backup_id, guild_id=OTHER_GUILD)
    assert field(shown, "Cannot") == ["📢#news: announcement channels need a Community server"]
    assert field(shown, "Will create") == ["@Members", "@Mods", "@Admins", "category Info", "#rules", "#staff",
                                           "#general", "🔊Lounge"]
    assert "@Admins: withheld: Administrator" in field(shown, "Notes")  # the bot lacks it: never granted
    assert "@Mods" in field(shown, "Will create") and "#staff" in field(shown, "Will create")
    report = press(discord, runtime, shown, "Confirm", guild_id=OTHER_GUILD)
    assert "📢#news: announcement channels need a Community server" in field(report, "Skipped")
    channels = fake_discord.channels(OTHER_GUILD)
    assert not [c for c in channels if c["type"] == 5]
    assert not [r for r in fake_discord.find("POST", rf"/guilds/{OTHER_GUILD}/channels") if r.json["type"] == 5]
    mods = by_name(fake_discord.roles(OTHER_GUILD), "Mods")
    staff = by_name(channels, "staff")
    assert staff["parent_id"] == by_name(channels, "Info", 4)["id"]
    assert {o["id"] for o in staff["permission_overwrites"]} == {OTHER_GUILD, mods["id"]}  # remapped to this server
    assert bot["id"] in {r["id"] for r in fake_discord.roles(OTHER_GUILD)}
    assert by_name(fake_discord.roles(OTHER_GUILD), "Admins")["permissions"] == "0"
    assert fake_discord.member(OTHER_GUILD, ix.OWNER_ID)["roles"] == []  # no role is given to anyone
    assert not fake_discord.find("PUT", rf"/guilds/{OTHER_GUILD}/members/.*")


def test_discords_250_role_cap_is_reported_before_anything_is_done(discord, fake_discord, runtime):
    seed(fake_discord)
    for n in range(3):
        fake_discord.add_role(ix.GUILD_ID, f"Team {n}", position=1)
    data = export_file(discord, make_backup(discord, runtime))
    seed(fake_discord, OTHER_GUILD, extra_roles=244)  # 249 roles: room for one more
    backup_id = imported_id(import_file(discord, runtime, data))
    shown = preview(discord, runtime, backup_id, parts="roles", guild_id=OTHER_GUILD)
    assert structure_writes(fake_discord) == []
    cannot = field(shown, "Cannot")
    assert len([c for c in cannot if "cap of 250 roles" in c]) == 2 and len(field(shown, "Will create")) == 1
    press(discord, runtime, shown, "Confirm", guild_id=OTHER_GUILD)
    assert len(fake_discord.roles(OTHER_GUILD)) == 250
    assert len(fake_discord.find("POST", rf"/guilds/{OTHER_GUILD}/roles")) == 1  # never tried past the cap


def test_an_import_is_checked_for_its_schema_version_and_shape(discord, fake_discord, runtime):
    seed(fake_discord)
    assert "isn't JSON" in import_file(discord, runtime, b"\x00\xffnot json", guild_id=ix.GUILD_ID)["content"]
    later = json.dumps({"schema": "statussync.backup", "version": 2, "roles": [], "channels": []}).encode()
    assert "schema version 2" in import_file(discord, runtime, later, guild_id=ix.GUILD_ID)["content"]
    odd = json.dumps({"schema": "statussync.backup", "version": 1, "roles": [{"id": "x; drop"}], "channels": []})
    assert "bad id" in import_file(discord, runtime, odd.encode(), guild_id=ix.GUILD_ID)["content"]
    assert "No backups yet" in run(discord, runtime, "list", [])["content"]


# ------------------------------------------------------------------ Lambda: chained links

@pytest.fixture
def fake_lambda(monkeypatch, settings, tmp_path):
    fake = FakeLambda()
    on_lambda(monkeypatch, settings, tmp_path, fake, JOB_BUDGET_SECONDS="2")
    yield fake
    fake.stop()


def deliver_all(fake_lambda, start=0) -> list:
    """Hand every recorded invocation to Zappa's router in order, as Lambda would, until none is left."""
    results, index = [], start
    while index < len(fake_lambda.invocations):
        results.append(deliver(fake_lambda.invocations[index]["payload"]))
        index += 1
    return results


def test_on_lambda_a_long_restore_runs_in_chained_links_each_inside_its_budget(discord, fake_discord, fake_lambda):
    made = seed(fake_discord)
    extra = [fake_discord.add_guild_channel(ix.GUILD_ID, f"room-{n}", position=10 + n) for n in range(10)]
    interaction = ix.command("backup", [ix.sub("create")])
    discord.send(interaction)
    deliver_all(fake_lambda)
    backup_id = fake_discord.webhook_messages(interaction["token"])[0]["content"].split("**#")[1].split("**")[0]
    for channel in extra + [made["staff"]]:
        fake_discord.remove_channel(channel["id"])
    fake_discord.slow("POST", rf"/guilds/{ix.GUILD_ID}/channels", 0.3, times=100)  # Discord taking its time
    asked = ix.command("backup", [ix.sub("restore", ix.opt("id", int(backup_id), 4))])
    discord.send(asked)
    seen = len(fake_lambda.invocations)
    deliver_all(fake_lambda, seen - 1)
    shown = fake_discord.webhook_messages(asked["token"])[0]
    assert len(field(shown, "Will create")) == 11
    button = shown["components"][0]["components"][0]
    click = ix.component(button["custom_id"], message=shown)
    assert discord.send(click) == {"type": 6}
    first = len(fake_lambda.invocations) - 1
    started = time.monotonic()
    assert all(deliver_all(fake_lambda, first))
    links = [i["payload"]["args"] for i in fake_lambda.invocations[first:]]
    assert len(links) >= 3 and [a[2]["link"] for a in links] == list(range(1, len(links) + 1))
    assert len({a[1]["id"] for a in links}) == len(links)  # each link is applied once, under an id of its own
    assert time.monotonic() - started < len(links) * 3.5
    report = fake_discord.webhook_messages(click["token"])[0]
    assert report["embeds"][0]["title"] == f"✅ Backup #{backup_id} restored"
    names = [c["name"] for c in fake_discord.channels(ix.GUILD_ID)]
    assert sorted(n for n in names if n.startswith("room-")) == [f"room-{n}" for n in range(10)]
    assert names.count("staff") == 1 and len(fake_discord.find("POST", rf"/guilds/{ix.GUILD_ID}/channels")) == 11
    edits = [r.json.get("content") or "" for r in fake_discord.find("PATCH", rf"/webhooks/{ix.BOT_ID}/{click['token']}/messages/@original")]
    assert any("channels" in e and "/11" in e for e in edits)  # progress while it ran
    assert deliver(fake_lambda.invocations[first]["payload"]) is False  # a redelivery of a link does nothing
    assert deliver(fake_lambda.invocations[-1]["payload"]) is False


# ------------------------------------------------------------------ a restore killed midway

KILLABLE = """
import sys
from app import settings_for, features
from app.runtime import Runtime
from app.backups import links
features.load()
runtime = Runtime(settings_for())
with runtime.connection() as conn:
    print(links.run_link(runtime, conn, sys.argv[1], int(sys.argv[2]), 1).state, flush=True)
"""


def test_a_restore_killed_midway_resumes_where_it_stopped_without_making_anything_twice(
        settings, fake_discord, runtime, clean_db):
    made = seed(fake_discord)
    rooms = [fake_discord.add_guild_channel(ix.GUILD_ID, f"room-{n}", position=10 + n) for n in range(8)]
    now = runtime.clock()
    with runtime.connection() as conn:
        backup_id = service.create(conn, runtime.discord, guild_id=ix.GUILD_ID, note="", author_id=ix.OWNER_ID, now=now)
        conn.commit()
    for channel in rooms:
        fake_discord.remove_channel(channel["id"])
    with runtime.connection() as conn:
        restore_id, plan = service.preview_restore(conn, runtime.discord, guild_id=ix.GUILD_ID, backup_id=backup_id,
                                                   parts="channels", invoker_id=ix.OWNER_ID, invoker_bits=ADMIN, now=now)
        conn.commit()
        service.start_restore(conn, runtime.discord, guild_id=ix.GUILD_ID, restore_id=restore_id, invoker_bits=ADMIN,
                              now=now)
    fake_discord.slow("POST", rf"/guilds/{ix.GUILD_ID}/channels", 0.5, times=100)
    env = {**os.environ, **{k: v for k, v in settings.items() if isinstance(v, str)}}
    worker = subprocess.Popen([sys.executable, "-c", KILLABLE, ix.GUILD_ID, str(restore_id)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        give_up = time.monotonic() + 30
        while len(fake_discord.find("POST", rf"/guilds/{ix.GUILD_ID}/channels")) < 3 and time.monotonic() < give_up:
            time.sleep(0.02)
        time.sleep(0.15)  # Discord has made the third channel; its answer hasn't come back yet
        worker.send_signal(signal.SIGKILL)
    finally:
        worker.wait(10)
    assert len(fake_discord.find("POST", rf"/guilds/{ix.GUILD_ID}/channels")) == 3
    with runtime.connection() as conn:
        states = [s["state"] for s in db.all_rows(conn, "backups.steps", {"restore_id": restore_id})
                  if s["kind"] == "channel_create"]
        conn.rollback()
    assert states[:3] == ["done", "done", "started"] and set(states[3:]) == {"pending"}
    fake_discord.reset()
    with runtime.connection() as conn:
        assert links.run_link(runtime, conn, ix.GUILD_ID, restore_id, 1).state == "done"
        steps = db.all_rows(conn, "backups.steps", {"restore_id": restore_id})
        conn.rollback()
    assert [s["detail"] for s in steps if s["kind"] == "channel_create"][2] == "adopted"
    names = [c["name"] for c in fake_discord.channels(ix.GUILD_ID)]
    assert sorted(n for n in names if n.startswith("room-")) == [f"room-{n}" for n in range(8)]  # each once
    assert len(fake_discord.find("POST", rf"/guilds/{ix.GUILD_ID}/channels")) == 5  # the rest, nothing twice
    assert by_name(fake_discord.channels(ix.GUILD_ID), "staff")["id"] == made["staff"]["id"]


# ------------------------------------------------------------------ scheduled backups

def test_scheduled_backups_follow_the_tiers_shortest_interval_and_keep_only_the_newest(settings, fake_discord):
    from app.jobs import run_job
    clock = {"now": None}
    app = create_app({**settings, "CLOCK": lambda: clock["now"] or __import__("datetime").datetime.now(
        __import__("datetime").timezone.utc)})
    runtime = app.extensions["statussync"]
    seed(fake_discord)
    clock["now"] = runtime.clock().replace(microsecond=0)
    from app.errors import UserError
    with runtime.connection() as conn:
        with pytest.raises(UserError, match="at most every 168 hours"):
            service.set_schedule(conn, guild_id=ix.GUILD_ID, interval_hours=24, keep=2, now=clock["now"])
        service.set_schedule(conn, guild_id=ix.GUILD_ID, interval_hours=168, keep=1, now=clock["now"])
        conn.commit()
    assert run_job(runtime, "backups").startswith("backups: 1 scheduled backup(s) made")
    assert run_job(runtime, "backups").startswith("backups: 0 scheduled backup(s) made")
    clock["now"] += timedelta(hours=169)
    assert run_job(runtime, "backups").startswith("backups: 1 scheduled backup(s) made")
    with runtime.connection() as conn:
        rows = service.listing(conn, ix.GUILD_ID)
        conn.rollback()
    assert [(r["origin"], r["created_at"]) for r in rows] == [("scheduled", clock["now"])]  # kept: the newest one


# ------------------------------------------------------------------ StatusSync's own settings

def test_statussync_settings_come_back_pointing_at_the_restored_role_and_channel(discord, fake_discord, runtime):
    from app import guild_settings
    from app.automod import service as automod, store
    from app.custom import registration as custom
    made = seed(fake_discord)
    now = runtime.clock()
    with runtime.connection() as conn:
        guild_settings.update(conn, ix.GUILD_ID, "modlog", {"channel_id": made["staff"]["id"]}, now)
        guild_settings.update(conn, ix.GUILD_ID, "xp", {"level_roles": [{"level": 5, "role_id": made["mods"]["id"]}]}, now)
        automod.set_rule(conn, ix.GUILD_ID, "links", now, enabled=True)
        automod.set_exemption(conn, ix.GUILD_ID, "links", now, role_id=made["mods"]["id"])
        automod.add_items(conn, ix.GUILD_ID, "words", ["grapefruit"], now)
        conn.commit()
    greet = run_cc_add(discord, runtime)
    backup_id = make_backup(discord, runtime)
    fake_discord.remove_role(ix.GUILD_ID, made["mods"]["id"])
    fake_discord.remove_channel(made["staff"]["id"])
    with runtime.connection() as conn:
        guild_settings.update(conn, ix.GUILD_ID, "xp", {"level_roles": []}, now)
        automod.remove_items(conn, ix.GUILD_ID, "words", ["grapefruit"], now)
        custom.remove(conn, runtime.discord, guild_id=ix.GUILD_ID, name="greet", now=now)
        conn.commit()
    assert fake_discord.commands(ix.GUILD_ID) == []
    shown = preview(discord, runtime, backup_id, parts="roles channels statussync")
    assert "StatusSync settings" in field(shown, "Will change") and "/greet" in field(shown, "Will create")
    report = press(discord, runtime, shown, "Confirm")
    assert "/greet" in field(report, "Created")
    mods = by_name(fake_discord.roles(ix.GUILD_ID), "Mods")
    staff = by_name(fake_discord.channels(ix.GUILD_ID), "staff")
    with runtime.connection() as conn:
        settings = guild_settings.load(conn, ix.GUILD_ID)
        rules = {r["type"]: r for r in store.load_rules(conn, ix.GUILD_ID)}
        conn.rollback()
    assert settings["modlog"]["channel_id"] == staff["id"]
    assert settings["xp"]["level_roles"] == [{"level": 5, "role_id": mods["id"]}]
    assert rules["links"]["enabled"] and rules["links"]["exempt_roles"] == [mods["id"]]
    assert "grapefruit" in str(rules["bad_words"]["config"])
    assert [c["name"] for c in fake_discord.commands(ix.GUILD_ID)] == ["greet"] and greet
    again = preview(discord, runtime, backup_id, parts="roles channels statussync")
    assert again["embeds"][0]["title"] == f"Backup #{backup_id}: nothing to restore"


def run_cc_add(discord, runtime) -> dict:
    interaction = ix.command("cc", [ix.sub("add", ix.opt("name", "greet"), ix.opt("response", "Hi {{ user.mention }}"))])
    answer = discord.send(interaction)
    assert runtime.deferred.wait(10)
    return answer


def test_discords_500_channel_cap_is_reported_before_anything_is_done(discord, fake_discord, runtime):
    made = seed(fake_discord)
    backup_id = make_backup(discord, runtime)
    fake_discord.remove_channel(made["staff"]["id"])
    fake_discord.remove_channel(made["lounge"]["id"])
    for n in range(496):
        fake_discord.add_guild_channel(ix.GUILD_ID, f"filler-{n}", position=100 + n)
    shown = preview(discord, runtime, backup_id, parts="channels")
    assert field(shown, "Will create") == ["#staff"]
    assert field(shown, "Cannot") == ["🔊Lounge: Discord's cap of 500 channels is reached"]
    report = press(discord, runtime, shown, "Confirm")
    assert field(report, "Skipped") == ["🔊Lounge: Discord's cap of 500 channels is reached"]
    assert len(fake_discord.channels(ix.GUILD_ID)) == 500
    assert len(fake_discord.find("POST", rf"/guilds/{ix.GUILD_ID}/channels")) == 1


def test_a_server_the_bot_cannot_read_doesnt_stop_the_scheduled_backups_of_the_others(settings, fake_discord):
    from app.jobs import run_job
    app = create_app(settings)
    runtime = app.extensions["statussync"]
    seed(fake_discord)
    seed(fake_discord, OTHER_GUILD)
    now = runtime.clock()
    with runtime.connection() as conn:
        for guild_id in (ix.GUILD_ID, OTHER_GUILD):
            service.set_schedule(conn, guild_id=guild_id, interval_hours=168, keep=2, now=now)
        conn.commit()
    fake_discord.queue("GET", rf"/guilds/{OTHER_GUILD}", 403, {"message": "Missing Access", "code": 50001})
    assert run_job(runtime, "backups").startswith("backups: 1 scheduled backup(s) made")
    with runtime.connection() as conn:
        made = {g: len(service.listing(conn, g)) for g in (ix.GUILD_ID, OTHER_GUILD)}
        conn.rollback()
    assert made == {ix.GUILD_ID: 1, OTHER_GUILD: 0}
    assert run_job(runtime, "backups").startswith("backups: 1 scheduled backup(s) made")  # its turn next run


def test_a_restore_onto_a_server_the_bot_was_removed_from_ends_with_a_report_not_a_loop(settings, fake_discord):
    from app.jobs import run_job
    runtime = create_app(settings).extensions["statussync"]
    made = seed(fake_discord)
    now = runtime.clock()
    with runtime.connection() as conn:
        backup_id = service.create(conn, runtime.discord, guild_id=ix.GUILD_ID, note="", author_id=ix.OWNER_ID, now=now)
        conn.commit()
        fake_discord.remove_channel(made["staff"]["id"])
        restore_id, plan = service.preview_restore(conn, runtime.discord, guild_id=ix.GUILD_ID, backup_id=backup_id,
                                                   parts="", invoker_id=ix.OWNER_ID, invoker_bits=ADMIN, now=now)
        assert service.plan_summary(restore_id, plan)["create"] == ["#staff"]
        conn.commit()
        service.start_restore(conn, runtime.discord, guild_id=ix.GUILD_ID, restore_id=restore_id, invoker_bits=ADMIN,
                              now=now, by_job=True)
    fake_discord.queue("GET", rf"/guilds/{ix.GUILD_ID}", 403, {"message": "Missing Access", "code": 50001})
    assert "1 stalled restore(s) carried on" in run_job(runtime, "backups")
    with runtime.connection() as conn:
        done = service.restore_progress(conn, ix.GUILD_ID, restore_id)
        conn.rollback()
    assert done["state"] == "done" and done["report"]["created"] == []
    assert ["#staff", "Discord refused: Missing Access"] in done["report"]["skipped"]
    assert fake_discord.find("POST", rf"/guilds/{ix.GUILD_ID}/channels") == []
