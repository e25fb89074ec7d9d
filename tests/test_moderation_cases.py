"""Case numbers under concurrency, /case and /cases, and /purge."""
import threading
from datetime import datetime, timedelta, timezone

import psycopg2

from tests import interactions as ix
from tests.interactions import DiscordSide
from tests.spec import validate_recorded
from tests.test_moderation import GUILD, MEMBER, MOD_BITS, MOD_ROLE, cases, guild, run, text  # noqa: F401

CHANNEL = ix.CHANNEL_ID


def rows(database_url, sql):
    conn = psycopg2.connect(database_url)
    with conn, conn.cursor() as cur:
        cur.execute(sql)
        found = cur.fetchall()
    conn.close()
    return found


def test_twenty_concurrent_warns_get_cases_one_to_twenty(app, signing_key, guild, clean_db):
    answers, barrier = [], threading.Barrier(20)

    def warn(i):
        side = DiscordSide(app.test_client(), signing_key)
        barrier.wait()
        answers.append(run(side, guild, "warn", MEMBER, ix.opt("reason", f"warning {i}")))

    threads = [threading.Thread(target=warn, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 20 and all("Warned" in text(a) for a in answers)
    assert [row[0] for row in cases(clean_db)] == list(range(1, 21))
    assert rows(clean_db, "SELECT last_number FROM mod_case_counters") == [(20,)]


def test_case_reason_keeps_the_history_and_view_shows_it(discord, guild, clean_db):
    run(discord, guild, "warn", MEMBER, ix.opt("reason", "first wording"))
    changed = discord.command("case", [ix.sub("reason", ix.opt("number", 1, 4), ix.opt("text", "second wording"))],
                              permissions=MOD_BITS)
    assert "second wording" in changed["data"]["content"]
    view = discord.command("case", [ix.sub("view", ix.opt("number", 1, 4))], permissions=MOD_BITS)
    fields = {f["name"]: f["value"] for f in view["data"]["embeds"][0]["fields"]}
    assert fields["Reason"] == "second wording"
    assert any(name.startswith("Earlier reason") and value == "first wording" for name, value in fields.items())
    assert rows(clean_db, "SELECT old_reason, new_reason FROM mod_case_notes") == [("first wording", "second wording")]


def test_case_delete_needs_manage_server_keeps_an_audit_row_and_never_reuses_the_number(discord, guild, clean_db):
    run(discord, guild, "warn", MEMBER, ix.opt("reason", "oops"))
    refused = discord.command("case", [ix.sub("delete", ix.opt("number", 1, 4))], permissions=MOD_BITS)
    assert "Manage Server" in refused["data"]["content"] and len(cases(clean_db)) == 1
    done = discord.command("case", [ix.sub("delete", ix.opt("number", 1, 4))], permissions=ix.MANAGE_GUILD)
    assert "deleted" in done["data"]["content"]
    view = discord.command("case", [ix.sub("view", ix.opt("number", 1, 4))], permissions=MOD_BITS)
    assert "There is no case #1" in view["data"]["content"]
    audit = rows(clean_db, "SELECT details->>'reason' FROM mod_logs WHERE event = 'case_deleted'")
    assert audit == [("oops",)]
    run(discord, guild, "warn", MEMBER, ix.opt("reason", "next"))
    assert [row[0] for row in cases(clean_db)] == [1, 2]


def test_cases_pages_with_buttons(discord, guild, clean_db):
    for i in range(12):
        run(discord, guild, "warn", MEMBER, ix.opt("reason", f"w{i}"))
    first = discord.command("cases", [], permissions=MOD_BITS)
    assert first["data"]["embeds"][0]["footer"]["text"] == "Page 1 of 2"
    previous, following = first["data"]["components"][0]["components"]
    assert previous["disabled"] and not following["disabled"]
    second = discord.send(ix.component(following["custom_id"], permissions=MOD_BITS))
    assert second["type"] == 7 and second["data"]["embeds"][0]["footer"]["text"] == "Page 2 of 2"
    assert "**#2**" in second["data"]["embeds"][0]["description"]
    assert "**#12**" in first["data"]["embeds"][0]["description"]
    refused = discord.send(ix.component(following["custom_id"], permissions=0))
    assert refused["data"]["flags"] == 64


def _old_snowflake(days):
    moment = datetime.now(timezone.utc) - timedelta(days=days)
    return str((int(moment.timestamp() * 1000) - 1420070400000) << 22)


def test_purge_bulk_deletes_recent_messages_of_one_member_and_skips_old_ones(discord, guild, clean_db):
    old = guild.add_message(CHANNEL, _old_snowflake(20), MEMBER, "ancient")
    mine = [guild.add_message(CHANNEL, guild.next_snowflake(), MEMBER, f"spam {i}") for i in range(3)]
    other = guild.add_message(CHANNEL, guild.next_snowflake(), ix.MOD_ID, "keep me")
    answer = discord.command("purge", [ix.opt("count", 10, 4), ix.opt("user", MEMBER, 6)], permissions=MOD_BITS,
                             resolved={"users": {MEMBER: guild.add_user(MEMBER)}})
    assert "Deleted 3 messages" in answer["data"]["content"] and "Skipped 1" in answer["data"]["content"]
    left = {m["id"] for m in guild.channel_messages(CHANNEL)}
    assert old["id"] in left and other["id"] in left and not {m["id"] for m in mine} & left
    bulk = guild.find("POST", rf"/channels/{CHANNEL}/messages/bulk-delete")
    assert len(bulk) == 1
    validate_recorded(bulk[0])


def test_purge_of_one_message_uses_a_single_delete(discord, guild, clean_db):
    message = guild.add_message(CHANNEL, guild.next_snowflake(), MEMBER, "one")
    answer = discord.command("purge", [ix.opt("count", 1, 4)], permissions=MOD_BITS)
    assert "Deleted 1 message." in answer["data"]["content"]
    assert guild.find("DELETE", rf"/channels/{CHANNEL}/messages/{message['id']}")
    assert guild.find("POST", r"/channels/.*/bulk-delete") == []


def test_purge_of_0_or_101_says_what_is_allowed(discord, guild, clean_db):
    for count in (0, 101):
        answer = discord.command("purge", [ix.opt("count", count, 4)], permissions=MOD_BITS)
        assert answer["data"]["flags"] == 64 and "between 1 and 100" in answer["data"]["content"]
    assert guild.find("GET", rf"/channels/{CHANNEL}/messages") == []


def test_case_view_stays_valid_after_many_rewordings(discord, guild, clean_db):
    run(discord, guild, "warn", MEMBER, ix.opt("reason", "wording 0"))
    for i in range(1, 31):
        discord.command("case", [ix.sub("reason", ix.opt("number", 1, 4), ix.opt("text", f"wording {i} " + "x" * 400))],
                        permissions=MOD_BITS)
    view = discord.command("case", [ix.sub("view", ix.opt("number", 1, 4))], permissions=MOD_BITS)
    shown = view["data"]["embeds"][0]
    assert len(shown["fields"]) <= 25
    size = len(shown["title"]) + sum(len(f["name"]) + len(f["value"]) for f in shown["fields"])
    assert size <= 6000  # Discord refuses embeds past 6,000 characters in total
    assert shown["fields"][2]["value"].startswith("wording 30 ")
    assert any(f["name"].startswith("Earlier reason") and f["value"].startswith("wording 29 ") for f in shown["fields"])
    assert any("earlier reasons" in f["name"].lower() and "25" in f["value"] for f in shown["fields"])
