"""Issue 11: /backup against the fake Discord's stateful guild, through signed interactions.

Backup → a role and a channel deleted and an overwrite changed → the preview lists exactly those →
Confirm recreates them with the right overwrites → a second restore changes nothing; a role above the
bot is reported, not attempted; a plain member can't restore; another guild's backup is invisible.
"""
import pytest

from tests import interactions as ix
from tests import spec
from tests.backup_guild import SEND, VIEW, seed, structure_writes

OTHER_GUILD = "810000000000000777"
OTHER_MEMBER = "850000000000000999"


@pytest.fixture
def fake_discord(own_discord):
    """This module's own fake: its servers (and the jobs that walk every server) stay out of other modules."""
    own_discord.forget_guilds()
    own_discord.forget_commands()
    return own_discord


def answer_of(fake, runtime, interaction) -> dict:
    """What the user sees once deferred work finished: the original response."""
    assert runtime.deferred.wait(30)
    return fake.webhook_messages(interaction["token"])[0]


def run(discord, runtime, name, options, **kw) -> dict:
    interaction = ix.command("backup", [ix.sub(name, *options)], **kw)
    answer = discord.send(interaction)
    if answer["type"] == 5:
        return answer_of(discord.fake, runtime, interaction)
    return answer["data"]


def make_backup(discord, runtime, note="before") -> str:
    message = run(discord, runtime, "create", [ix.opt("note", note)])
    assert "Backup **#" in message["content"], message
    return message["content"].split("**#")[1].split("**")[0]


def field(message, prefix) -> list:
    for found in message["embeds"][0].get("fields", []):
        if found["name"].startswith(prefix):
            return found["value"].split("\n")
    return []


def preview(discord, runtime, backup_id, parts=None, **kw):
    options = [ix.opt("id", int(backup_id), 4)] + ([ix.opt("parts", parts)] if parts else [])
    return run(discord, runtime, "restore", options, **kw)


def press(discord, runtime, message, label, guild_id=ix.GUILD_ID, **kw) -> dict:
    button = next(b for row in message["components"] for b in row["components"] if b["label"] == label)
    interaction = ix.component(button["custom_id"], message={**message, "id": message["id"]}, **kw)
    interaction.update(guild_id=guild_id, authorizing_integration_owners={"0": guild_id})
    interaction["channel"]["guild_id"] = guild_id
    answer = discord.send(interaction)
    if answer["type"] in (6, 5):
        assert runtime.deferred.wait(60)
        return discord.fake.webhook_messages(interaction["token"])[0]
    return answer["data"]


def by_name(items, name, type_=None):
    found = [i for i in items if i["name"] == name and (type_ is None or i["type"] == type_)]
    assert len(found) == 1, (name, found)
    return found[0]


@pytest.fixture
def guild(fake_discord):
    return seed(fake_discord)


def test_a_deleted_role_and_channel_and_a_changed_overwrite_come_back_and_a_second_restore_changes_nothing(
        discord, fake_discord, runtime, guild):
    backup_id = make_backup(discord, runtime)
    fake_discord.remove_role(ix.GUILD_ID, guild["mods"]["id"])     # a moderator deletes a role...
    fake_discord.remove_channel(guild["staff"]["id"])              # ...and a channel,
    runtime.discord.put(f"/channels/{guild['general']['id']}/permissions/{ix.GUILD_ID}",  # and changes an overwrite
                        {"type": 0, "allow": "0", "deny": str(SEND)})

    shown = preview(discord, runtime, backup_id)
    assert shown["embeds"][0]["title"] == f"Restore backup #{backup_id}?"
    assert field(shown, "Will create") == ["@Mods", "#staff"]
    # #rules lost its Mods overwrite with the role; #general's @everyone overwrite was changed
    assert field(shown, "Will change") == ["#rules (permission_overwrites)", "#general (permission_overwrites)"]
    assert field(shown, "Cannot") == [] and structure_writes(fake_discord) == [
        r for r in structure_writes(fake_discord) if r.path.endswith(f"/permissions/{ix.GUILD_ID}")]

    before = len(structure_writes(fake_discord))
    report = press(discord, runtime, shown, "Confirm")
    assert report["embeds"][0]["title"] == f"✅ Backup #{backup_id} restored"
    assert field(report, "Created") == ["@Mods", "#staff"]
    roles, channels = fake_discord.roles(ix.GUILD_ID), fake_discord.channels(ix.GUILD_ID)
    mods = by_name(roles, "Mods")
    assert mods["id"] != guild["mods"]["id"] and int(mods["permissions"]) == int(guild["mods"]["permissions"])
    assert mods["hoist"] and mods["color"] == 0x3498DB
    assert [r["name"] for r in roles][:4] == ["@everyone", "Members", "Mods", "StatusSync"]  # order as saved
    staff = by_name(channels, "staff")
    assert staff["parent_id"] == guild["info"]["id"] and staff["rate_limit_per_user"] == 5
    assert {(o["id"], o["allow"], o["deny"]) for o in staff["permission_overwrites"]} == {
        (ix.GUILD_ID, "0", str(VIEW)), (mods["id"], str(VIEW | SEND), "0")}  # points at the restored role
    rules = by_name(channels, "rules")
    assert (mods["id"], str(VIEW | SEND), "0") in {(o["id"], o["allow"], o["deny"]) for o in rules["permission_overwrites"]}
    assert rules["topic"] == f"Be kind. Staff: <@&{guild['mods']['id']}>"  # unchanged channel: left alone
    general = by_name(channels, "general")
    assert [(o["allow"], o["deny"]) for o in general["permission_overwrites"]] == [(str(SEND), "0")]
    for request in structure_writes(fake_discord)[before:]:
        assert spec.validate_recorded(request)
    assert not any(r.path.endswith(guild["admins"]["id"]) for r in structure_writes(fake_discord))

    writes = len(structure_writes(fake_discord))
    again = preview(discord, runtime, backup_id)
    assert again["embeds"][0]["title"] == f"Backup #{backup_id}: nothing to restore"
    assert again["components"] == [] and len(structure_writes(fake_discord)) == writes


def test_a_restored_channel_topic_follows_the_restored_role(discord, fake_discord, runtime, guild):
    backup_id = make_backup(discord, runtime)
    fake_discord.remove_role(ix.GUILD_ID, guild["mods"]["id"])
    fake_discord.remove_channel(guild["rules"]["id"])
    press(discord, runtime, preview(discord, runtime, backup_id), "Confirm")
    mods = by_name(fake_discord.roles(ix.GUILD_ID), "Mods")
    assert by_name(fake_discord.channels(ix.GUILD_ID), "rules")["topic"] == f"Be kind. Staff: <@&{mods['id']}>"


def test_a_role_above_the_bot_is_reported_and_not_attempted(discord, fake_discord, runtime, guild):
    backup_id = make_backup(discord, runtime)
    runtime.discord.patch(f"/guilds/{ix.GUILD_ID}/roles/{guild['members']['id']}", {"color": 0x00FF00})
    with fake_discord._lock:  # the owner recolours Admins, which sits above the bot's role
        fake_discord._guilds[ix.GUILD_ID]["roles"][guild["admins"]["id"]]["color"] = 0x111111
    shown = preview(discord, runtime, backup_id)
    assert field(shown, "Cannot") == ["@Admins: it is above my highest role; move my role above it"]
    assert field(shown, "Will change") == ["@Members (color)"]
    report = press(discord, runtime, shown, "Confirm")
    assert "@Admins: it is above my highest role; move my role above it" in field(report, "Skipped")
    assert not [r for r in structure_writes(fake_discord) if guild["admins"]["id"] in r.path]
    assert by_name(fake_discord.roles(ix.GUILD_ID), "Members")["color"] == guild["members"]["color"]


def test_a_plain_member_cannot_restore_nor_confirm_another_members_restore(discord, fake_discord, runtime, guild):
    backup_id = make_backup(discord, runtime)
    refused = preview(discord, runtime, backup_id, permissions=VIEW | SEND, user_id=ix.MEMBER_ID)
    assert refused["flags"] == 64 and "Manage Server" in refused["content"]
    fake_discord.remove_channel(guild["staff"]["id"])
    shown = preview(discord, runtime, backup_id)
    other = press(discord, runtime, shown, "Confirm", user_id=OTHER_MEMBER)
    assert other["content"] == "Only the member who asked for this restore can confirm or cancel it."
    demoted = press(discord, runtime, shown, "Confirm", permissions=VIEW | SEND)  # the invoker lost Manage Server
    assert "Manage Server" in demoted["content"]
    assert structure_writes(fake_discord) == []
    cancelled = press(discord, runtime, shown, "Cancel")
    assert "cancelled" in cancelled["embeds"][0]["title"]
    assert "already confirmed or cancelled" in press(discord, runtime, shown, "Confirm")["content"]
    assert structure_writes(fake_discord) == []


def test_another_guilds_backup_is_not_found(discord, fake_discord, runtime, guild):
    backup_id = make_backup(discord, runtime)
    seed(fake_discord, OTHER_GUILD)
    for name in ("show", "delete", "export", "restore"):
        answer = run(discord, runtime, name, [ix.opt("id", int(backup_id), 4)], guild_id=OTHER_GUILD)
        assert answer["content"] == f"There is no backup #{backup_id} on this server; `/backup list` shows them."
    assert "No backups yet" in run(discord, runtime, "list", [], guild_id=OTHER_GUILD)["content"]
    assert f"#{backup_id}" in run(discord, runtime, "list", [])["embeds"][0]["description"]


def test_show_summarises_a_backup_and_delete_removes_it(discord, fake_discord, runtime, guild):
    backup_id = make_backup(discord, runtime, note="launch day")
    shown = run(discord, runtime, "show", [ix.opt("id", int(backup_id), 4)])
    assert "launch day" in shown["embeds"][0]["description"]
    assert field(shown, "Roles")[0].startswith("4: @Admins, @StatusSync, @Mods, @Members")
    assert "1 categories, 4 channels" in field(shown, "Channels")[0]
    assert run(discord, runtime, "delete", [ix.opt("id", int(backup_id), 4)])["content"] == f"🗑️ Backup #{backup_id} deleted."
    assert "No backups yet" in run(discord, runtime, "list", [])["content"]


def test_the_free_tier_keeps_two_backups(discord, fake_discord, runtime, guild):
    make_backup(discord, runtime)
    make_backup(discord, runtime)
    refused = run(discord, runtime, "create", [])
    assert "keeps 2 backups" in refused["content"]


def test_a_redelivered_create_stores_one_backup(discord, fake_discord, runtime, guild):
    interaction = ix.command("backup", [ix.sub("create")])
    discord.send(interaction)
    assert runtime.deferred.wait(30)
    assert discord.send(interaction)["data"]["content"].startswith("This interaction was already")
    assert len(run(discord, runtime, "list", [])["embeds"][0]["description"].split("\n")) == 1


def test_a_step_discord_keeps_failing_is_tried_three_times_then_reported_and_the_rest_is_restored(
        discord, fake_discord, runtime, guild):
    backup_id = make_backup(discord, runtime)
    fake_discord.remove_channel(guild["staff"]["id"])
    fake_discord.remove_channel(guild["lounge"]["id"])
    shown = preview(discord, runtime, backup_id)
    fake_discord.queue("POST", rf"/guilds/{ix.GUILD_ID}/channels", 503, {"message": "upstream", "code": 0}, times=3)
    report = press(discord, runtime, shown, "Confirm")
    assert report["embeds"][0]["title"] == f"✅ Backup #{backup_id} restored"
    assert field(report, "Created") == ["🔊Lounge"]
    assert field(report, "Skipped") == ["#staff: Discord kept failing; restore again later to finish this"]
    assert len(fake_discord.find("POST", rf"/guilds/{ix.GUILD_ID}/channels")) == 4  # 3 failures, then Lounge
    again = preview(discord, runtime, backup_id)
    assert field(again, "Will create") == ["#staff"]  # restoring again finishes it
    press(discord, runtime, again, "Confirm")
    assert by_name(fake_discord.channels(ix.GUILD_ID), "staff")["parent_id"] == guild["info"]["id"]


def test_schedule_shows_sets_and_refuses_what_the_tier_does_not_allow(discord, fake_discord, runtime, guild):
    assert "Automatic backups are off" in run(discord, runtime, "schedule", [])["content"]
    refused = run(discord, runtime, "schedule", [ix.opt("interval_hours", 6, 4)])
    assert refused["flags"] == 64 and "at most every 168 hours" in refused["content"]
    assert "keeps at most 2" in run(discord, runtime, "schedule", [ix.opt("interval_hours", 168, 4),
                                                                  ix.opt("keep", 5, 4)])["content"]
    done = run(discord, runtime, "schedule", [ix.opt("interval_hours", 168, 4), ix.opt("keep", 2, 4)])
    assert done["content"].startswith("🕒 A backup every 168 hours; the newest 2")
    assert run(discord, runtime, "schedule", [ix.opt("interval_hours", 0, 4)])["content"].startswith(
        "Automatic backups are off")


def test_server_settings_and_a_forum_with_its_tags_come_back(discord, fake_discord, runtime, guild):
    forum = fake_discord.add_guild_channel(ix.GUILD_ID, "help", type=15, position=6, available_tags=[
        {"id": "900000000000000123", "name": "solved", "moderated": True, "emoji_id": None, "emoji_name": "✅"}],
        default_reaction_emoji={"emoji_id": None, "emoji_name": "👍"})
    runtime.discord.patch(f"/guilds/{ix.GUILD_ID}", {"verification_level": 2, "afk_channel_id": guild["lounge"]["id"],
                                                     "afk_timeout": 900})
    backup_id = make_backup(discord, runtime)
    fake_discord.remove_channel(forum["id"])
    fake_discord.remove_channel(guild["lounge"]["id"])
    runtime.discord.patch(f"/guilds/{ix.GUILD_ID}", {"verification_level": 0, "afk_timeout": 300})
    shown = preview(discord, runtime, backup_id, parts="channels settings")
    assert field(shown, "Will create") == ["🔊Lounge", "forum #help"]
    assert field(shown, "Will change") == ["server settings (afk_channel_id, afk_timeout, verification_level)"]
    press(discord, runtime, shown, "Confirm")
    channels = fake_discord.channels(ix.GUILD_ID)
    lounge, help_forum = by_name(channels, "Lounge", 2), by_name(channels, "help", 15)
    assert (lounge["bitrate"], lounge["user_limit"]) == (96000, 10)
    assert [(t["name"], t["moderated"], t["emoji_name"]) for t in help_forum["available_tags"]] == [("solved", True, "✅")]
    assert help_forum["default_reaction_emoji"]["emoji_name"] == "👍"
    server = fake_discord.guild(ix.GUILD_ID)
    assert (server["verification_level"], server["afk_channel_id"], server["afk_timeout"]) == (2, lounge["id"], 900)
    assert preview(discord, runtime, backup_id, parts="channels settings")["components"] == []


def test_an_unknown_part_or_a_missing_backup_is_explained(discord, fake_discord, runtime, guild):
    backup_id = make_backup(discord, runtime)
    answer = preview(discord, runtime, backup_id, parts="roles, emojis")
    assert answer["flags"] == 64 and answer["content"].startswith("Unknown part 'emojis': use any of roles")
    assert "There is no backup #999999" in preview(discord, runtime, 999999)["content"]
