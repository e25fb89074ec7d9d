"""Moderation through the signed HTTP path against the fake Discord: actions, checks, refusals, bad input."""
import psycopg2
import pytest

from tests import interactions as ix
from tests.spec import validate_recorded

GUILD, MOD, MEMBER, OWNER, BOT = ix.GUILD_ID, ix.MOD_ID, ix.MEMBER_ID, ix.OWNER_ID, ix.BOT_ID
LOW_ROLE, MOD_ROLE, HIGH_ROLE, BOT_ROLE = "700000000000000001", "700000000000000005", "700000000000000010", "700000000000000020"
MODLOG = "860000000000000006"
BAN, KICK, MODERATE, MANAGE_MESSAGES = 1 << 2, 1 << 1, 1 << 40, 1 << 13
MOD_BITS = BAN | KICK | MODERATE | MANAGE_MESSAGES


@pytest.fixture
def guild(fake_discord):
    """A guild with roles at positions 1 (low), 5 (mod), 10 (high), 20 (the bot's)."""
    roles = [{"id": LOW_ROLE, "name": "low", "position": 1}, {"id": MOD_ROLE, "name": "mod", "position": 5},
             {"id": HIGH_ROLE, "name": "high", "position": 10}, {"id": BOT_ROLE, "name": "bot", "position": 20}]
    fake_discord.add_guild(GUILD, OWNER, roles=roles)
    fake_discord.add_member(GUILD, BOT, roles=[BOT_ROLE], bot=True)
    fake_discord.add_member(GUILD, MOD, roles=[MOD_ROLE])
    fake_discord.add_member(GUILD, MEMBER, roles=[LOW_ROLE])
    fake_discord.add_channel(GUILD, MODLOG, name="mod-log")
    fake_discord.add_channel(GUILD, ix.CHANNEL_ID, name="general")
    return fake_discord


def resolved(fake, user_id, member=True):
    user = fake.add_user(user_id)
    data = {"users": {user_id: user}}
    current = fake.member(GUILD, user_id)
    if member and current:
        data["members"] = {user_id: {k: v for k, v in current.items() if k != "user"}}
    return data


def run(discord, fake, name, target, *extra, member=True, permissions=MOD_BITS, roles=(MOD_ROLE,), **kw):
    options = [ix.opt("user", target, 6), *extra]
    return discord.command(name, options, resolved=resolved(fake, target, member), permissions=permissions,
                           roles=list(roles), **kw)


def set_modlog(discord):
    discord.command("config", [ix.sub("modlog", ix.opt("channel", MODLOG, 7))], permissions=ix.MANAGE_GUILD,
                    resolved={"channels": {MODLOG: {"id": MODLOG, "name": "mod-log", "type": 0, "permissions": "0"}}})


def cases(database_url):
    conn = psycopg2.connect(database_url)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT case_number, action, user_id::text, reason, source FROM mod_cases ORDER BY case_number")
        rows = cur.fetchall()
    conn.close()
    return rows


def text(payload):
    data = payload["data"]
    return " ".join([data.get("content") or ""] + [e.get("description") or "" for e in data.get("embeds") or []])


def test_ban_bans_records_a_case_and_posts_it_to_the_mod_log(discord, guild, clean_db):
    set_modlog(discord)
    answer = run(discord, guild, "ban", MEMBER, ix.opt("reason", "spam links"))
    assert "case #1" in text(answer) and answer["data"]["flags"] == 64
    assert MEMBER in guild.guild_bans(GUILD)
    put = guild.find("PUT", rf"/guilds/{GUILD}/bans/{MEMBER}")
    assert len(put) == 1 and put[0].headers["X-Audit-Log-Reason"] == "spam%20links"
    assert cases(clean_db) == [(1, "ban", MEMBER, "spam links", "command")]
    posted = guild.find("POST", rf"/channels/{MODLOG}/messages")
    assert posted[0].json["embeds"][0]["title"] == "Case #1 · Ban"
    for request in put + posted + guild.find("POST", r"/users/@me/channels"):
        validate_recorded(request)


def test_ban_dms_the_member_first_and_a_closed_dm_does_not_block_it(discord, guild, clean_db):
    guild.close_dms(MEMBER)
    answer = run(discord, guild, "kick", MEMBER, ix.opt("reason", "rude"))
    assert "DMs are closed" in text(answer) and "case #1" in text(answer)
    assert guild.member(GUILD, MEMBER) is None
    assert cases(clean_db) == [(1, "kick", MEMBER, "rude", "command")]


def test_a_429_on_the_ban_route_is_retried_and_the_ban_lands_once(discord, guild, clean_db):
    guild.rate_limit("PUT", rf"/guilds/{GUILD}/bans/{MEMBER}", retry_after=0.05)
    answer = run(discord, guild, "ban", MEMBER)
    assert "case #1" in text(answer)
    assert len(guild.find("PUT", rf"/guilds/{GUILD}/bans/{MEMBER}")) == 2  # the 429, then the ban
    assert [a for a in guild.audit_log(GUILD) if a["action_type"] == 22 and a["target_id"] == MEMBER].__len__() == 1
    assert [row[1] for row in cases(clean_db)] == ["ban"]


def test_a_403_explains_itself_and_records_nothing(discord, guild, clean_db):
    guild.queue("PUT", rf"/guilds/{GUILD}/bans/{MEMBER}", 403, {"message": "Missing Permissions", "code": 50013})
    answer = run(discord, guild, "ban", MEMBER)
    assert answer["data"]["flags"] == 64 and "missing a permission" in answer["data"]["content"]
    assert cases(clean_db) == [] and MEMBER not in guild.guild_bans(GUILD)


def test_a_failed_mod_log_post_keeps_the_case(discord, guild, clean_db):
    set_modlog(discord)
    guild.queue("POST", rf"/channels/{MODLOG}/messages", 403, {"message": "Missing Access", "code": 50001})
    answer = run(discord, guild, "warn", MEMBER, ix.opt("reason", "off topic"))
    assert "couldn't post it to the mod log" in text(answer)
    assert cases(clean_db) == [(1, "warn", MEMBER, "off topic", "command")]


@pytest.mark.parametrize("target, roles, expected", [
    (OWNER, (), "server owner"),
    (MOD, (MOD_ROLE,), "yourself"),
    (BOT, (BOT_ROLE,), "myself"),
    ("850000000000000011", (HIGH_ROLE,), "at or above yours"),
    ("850000000000000012", (MOD_ROLE,), "at or above yours"),
])
def test_hierarchy_refusals(discord, guild, clean_db, target, roles, expected):
    if guild.member(GUILD, target) is None or target not in (OWNER, MOD, BOT):
        guild.add_member(GUILD, target, roles=roles)
    answer = run(discord, guild, "kick", target)
    assert answer["data"]["flags"] == 64 and expected in answer["data"]["content"]
    assert cases(clean_db) == [] and guild.find("DELETE", rf"/guilds/{GUILD}/members/.*") == []


def test_hierarchy_allows_a_lower_role_and_refuses_one_above_the_bot(discord, guild, clean_db):
    answer = run(discord, guild, "kick", MEMBER)  # low role under the mod's
    assert "Kicked" in text(answer)
    high = "850000000000000013"
    guild.add_member(GUILD, high, roles=[BOT_ROLE])
    refused = run(discord, guild, "kick", high, permissions=ix.ADMINISTRATOR, user_id=OWNER, roles=())
    assert "at or above mine" in refused["data"]["content"]
    assert [row[1] for row in cases(clean_db)] == ["kick"]


def test_permissions_are_checked_in_the_handler_for_the_invoker_and_the_bot(discord, guild, clean_db):
    no_perm = run(discord, guild, "ban", MEMBER, permissions=KICK)
    assert "Ban Members permission" in no_perm["data"]["content"] and "You need" in no_perm["data"]["content"]
    bot_lacks = run(discord, guild, "ban", MEMBER, app_permissions=KICK)
    assert "I need the Ban Members" in bot_lacks["data"]["content"]
    assert cases(clean_db) == [] and guild.guild_bans(GUILD) == {}


def test_timeout_patches_communication_disabled_until_and_untimeout_clears_it(discord, guild, clean_db):
    answer = run(discord, guild, "timeout", MEMBER, ix.opt("duration", "1h30m"), ix.opt("reason", "cool off"))
    assert "1h 30m" in text(answer)
    patch = guild.find("PATCH", rf"/guilds/{GUILD}/members/{MEMBER}")[0]
    validate_recorded(patch)
    assert guild.member(GUILD, MEMBER)["communication_disabled_until"]
    lifted = run(discord, guild, "untimeout", MEMBER)
    assert "Ended the timeout" in text(lifted)
    assert guild.member(GUILD, MEMBER)["communication_disabled_until"] is None
    assert [row[1] for row in cases(clean_db)] == ["timeout", "untimeout"]


@pytest.mark.parametrize("duration, expected", [("soon", "can't read"), ("29d", "at most 28 days"), ("0m", "longer than zero")])
def test_bad_timeout_durations_say_what_is_allowed(discord, guild, clean_db, duration, expected):
    answer = run(discord, guild, "timeout", MEMBER, ix.opt("duration", duration))
    assert answer["data"]["flags"] == 64 and expected in answer["data"]["content"]
    assert cases(clean_db) == [] and guild.find("PATCH", r"/guilds/.*") == []


def test_a_reason_over_512_characters_is_refused(discord, guild, clean_db):
    answer = run(discord, guild, "warn", MEMBER, ix.opt("reason", "x" * 513))
    assert "at most 512 characters" in answer["data"]["content"] and cases(clean_db) == []


def test_a_member_who_left_and_an_unknown_user(discord, guild, clean_db):
    gone = "850000000000000099"
    guild.add_user(gone)
    answer = run(discord, guild, "kick", gone, member=False)
    assert "isn't in this server" in answer["data"]["content"]
    unknown = "850000000000000098"
    answer = discord.command("ban", [ix.opt("user", unknown, 6)], permissions=MOD_BITS, roles=[MOD_ROLE])
    assert "Discord doesn't know that user" in answer["data"]["content"]
    assert cases(clean_db) == [] and guild.guild_bans(GUILD) == {}


def test_ban_of_someone_who_already_left_works_by_id(discord, guild, clean_db):
    gone = "850000000000000097"
    guild.add_user(gone)
    answer = run(discord, guild, "ban", gone, member=False, permissions=BAN)
    assert "Banned" in text(answer) and gone in guild.guild_bans(GUILD)
    assert guild.find("POST", r"/users/@me/channels") == []  # no DM to someone who isn't here


def test_unban_of_someone_not_banned_is_explained(discord, guild, clean_db):
    answer = run(discord, guild, "unban", MEMBER)
    assert "isn't banned" in answer["data"]["content"] and cases(clean_db) == []
