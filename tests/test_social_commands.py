"""/rank, /rep view, /leaderboard and /imgsay through the signed HTTP path and the fake Discord."""
import io

import psycopg2
import pytest

from tests import interactions as ix
from tests import spec
from tests.test_rep import resolved_user

TARGET = "860000000000000006"
ORIGINAL = rf"/webhooks/{ix.BOT_ID}/{{token}}/messages/@original"


def edited_original(fake_discord, runtime, interaction):
    """The PATCH of @original the deferred work sent: (recorded request, payload_json)."""
    assert runtime.deferred.wait(15)
    edits = fake_discord.find("PATCH", ORIGINAL.format(token=interaction["token"]))
    assert len(edits) == 1
    spec.validate_recorded(edits[0])
    return edits[0], edits[0].json


def png_of(recorded, filename):
    from PIL import Image

    files = {name: (content_type, data) for _, name, content_type, data in recorded.files}
    content_type, data = files[filename]
    assert content_type == "image/png" and data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.size


def seed_xp(database_url, rows, week=None):
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        for user_id, xp in rows:
            cur.execute("INSERT INTO user_xp (guild_id, user_id, xp, level) VALUES (%s, %s, %s, 0)",
                        (int(ix.GUILD_ID), int(user_id), xp))
            if week is not None:
                cur.execute("INSERT INTO user_xp_weekly VALUES (%s, %s, %s, %s)",
                            (int(ix.GUILD_ID), week, int(user_id), xp // 10))
    conn.close()


def rank_of(discord, user_id, **user_kw):
    interaction = ix.command("rank", [ix.opt("user", user_id, 6)], permissions=0,
                             resolved=resolved_user(user_id, **user_kw))
    assert discord.send(interaction) == {"type": 5, "data": {}}
    return interaction


def test_rank_card_is_a_png_in_the_edited_reply_with_its_figures_as_text(discord, fake_discord, runtime, clean_db):
    from app.social.xp import week_start
    seed_xp(clean_db, [(TARGET, 1234), (ix.MEMBER_ID, 5000)], week=week_start(runtime.clock()))
    interaction = rank_of(discord, TARGET, name="Ada")
    recorded, payload = edited_original(fake_discord, runtime, interaction)
    assert png_of(recorded, "rank.png") == (934, 282)
    # 1,234 XP is level 5 (1,150) with 84 of the 475 to level 6; the other member has more: rank #2.
    assert payload["content"] == (f"<@{TARGET}> · rank #2 · level 5 · 84/475 XP to level 6 · "
                                  "1,234 XP in total · 123 XP this week (#2)")
    assert payload["attachments"][0]["description"].startswith("Rank card of Ada: rank 2, level 5")


@pytest.mark.parametrize("trouble", ["slow", "garbage"])
def test_rank_card_draws_a_fallback_avatar_when_the_cdn_fails(discord, fake_discord, runtime, clean_db, trouble):
    fake_discord.set_avatar(TARGET, "a1b2c3", delay=2.5 if trouble == "slow" else 0.0, garbage=trouble == "garbage")
    interaction = rank_of(discord, TARGET, avatar="a1b2c3")
    recorded, payload = edited_original(fake_discord, runtime, interaction)
    assert png_of(recorded, "rank.png") == (934, 282)
    assert "rank #1 · level 0" in payload["content"]
    assert fake_discord.find("GET", r"/cdn/avatars/.*")  # it did try the CDN first


def test_names_with_emoji_rtl_and_control_characters_render_and_stay_clean(discord, fake_discord, runtime,
                                                                          clean_db):
    name = "\u202eevil\u0007 🎉 محمد"
    interaction = rank_of(discord, TARGET, name=name)
    recorded, payload = edited_original(fake_discord, runtime, interaction)
    png_of(recorded, "rank.png")
    description = payload["attachments"][0]["description"]
    assert "\u202e" not in description and "\u0007" not in description and "محمد" in description


def test_bots_have_no_rank(discord, clean_db):
    answer = discord.command("rank", [ix.opt("user", TARGET, 6)], permissions=0,
                             resolved=resolved_user(TARGET, bot=True))
    assert answer["data"]["flags"] == 64 and "Bots don't earn XP" in answer["data"]["content"]


def test_rep_view_card_shows_rep_and_the_latest_reasons(discord, fake_discord, runtime, clean_db):
    discord.command("rep", [ix.sub("give", ix.opt("user", TARGET, 6), ix.opt("reason", "great help"))],
                    user_id=ix.MEMBER_ID, permissions=0, resolved=resolved_user(TARGET))
    interaction = ix.command("rep", [ix.sub("view", ix.opt("user", TARGET, 6))], permissions=0,
                             resolved=resolved_user(TARGET, name="Grace"))
    discord.send(interaction)
    recorded, payload = edited_original(fake_discord, runtime, interaction)
    assert png_of(recorded, "rep.png") == (934, 282)
    assert payload["content"].splitlines() == [f"<@{TARGET}> · ★ 1 rep · rank #1 · 0 rep given",
                                               f"• from <@{ix.MEMBER_ID}>: “great help”"]


def test_leaderboard_pages_with_buttons(discord, clean_db):
    members = [(str(880000000000000000 + n), 10_000 - n * 100) for n in range(25)]
    seed_xp(clean_db, members)
    first = discord.command("leaderboard", [ix.opt("period", "all")], permissions=0)["data"]
    lines = first["embeds"][0]["description"].splitlines()
    assert len(lines) == 10 and lines[0] == f"**#1** <@{members[0][0]}> — level 0 · 10,000 XP"
    assert first["embeds"][0]["footer"]["text"] == "Page 1 of 3 · 25 member(s) ranked"
    previous, following, other = first["components"][0]["components"]
    assert previous["disabled"] and not following["disabled"]

    second = discord.send(ix.component(following["custom_id"]))
    assert second["type"] == 7
    assert second["data"]["embeds"][0]["description"].splitlines()[0].startswith(f"**#11** <@{members[10][0]}>")
    last = discord.send(ix.component(second["data"]["components"][0]["components"][1]["custom_id"]))["data"]
    assert len(last["embeds"][0]["description"].splitlines()) == 5
    assert last["components"][0]["components"][1]["disabled"]

    weekly = discord.send(ix.component(other["custom_id"]))["data"]["embeds"][0]
    assert "this week" in weekly["title"] and "No one has earned XP this week" in weekly["description"]


def test_leaderboard_page_past_the_end_shows_the_last_page(discord, clean_db):
    seed_xp(clean_db, [(TARGET, 500)])
    answer = discord.command("leaderboard", [ix.opt("period", "all"), ix.opt("page", 40, 4)], permissions=0)
    assert answer["data"]["embeds"][0]["footer"]["text"].startswith("Page 1 of 1")


def test_imgsay_sends_a_png_with_the_text_as_its_description(discord, fake_discord, runtime, clean_db):
    # Control characters are dropped from the drawing (a NUL never gets this far: the option is refused).
    interaction = ix.command("imgsay", [ix.opt("text", "Game night\u0007 on Friday!"), ix.opt("style", "neon")],
                            permissions=0)
    assert discord.send(interaction)["type"] == 5
    recorded, payload = edited_original(fake_discord, runtime, interaction)
    assert png_of(recorded, "imgsay.png") == (800, 400)
    assert payload["attachments"][0]["description"] == "Game night on Friday!"
    assert payload["content"].endswith("says: Game night on Friday!")


@pytest.mark.parametrize("text, message", [
    ("x" * 301, "at most 300"), ("🎉🎉🎉", "nothing /imgsay can draw"), ("\u0001\u0002", "nothing /imgsay can draw")])
def test_imgsay_refuses_what_it_cannot_draw_with_an_ephemeral_explanation(discord, fake_discord, clean_db,
                                                                       text, message):
    answer = discord.command("imgsay", [ix.opt("text", text)], permissions=0)
    assert answer["type"] == 4 and answer["data"]["flags"] == 64 and message in answer["data"]["content"]


def test_a_user_discord_did_not_resolve_is_an_ephemeral_message_not_a_crash(discord, fake_discord, clean_db):
    # A stale registration (the option was text) lets a member type any "id", even past bigint.
    for typed in ("99999999999999999999", "9" * 5000, "١٢٣"):
        payload = discord.send(ix.command("rank", [ix.opt("user", typed, 6)], permissions=0))
        assert payload["type"] == 4 and payload["data"]["flags"] == 64
        assert "pick one from the list" in payload["data"]["content"]
    assert fake_discord.find("PATCH", ORIGINAL.format(token=".*")) == []
