"""The tiers' limits where features add things, and /premium: the free tier refuses one more with a message
naming the limit and the upgrade; a paid tier (bought through the webhook, or granted) allows it."""
import pytest

from app.errors import UserError
from app.premium import billing
from tests import interactions as ix
from tests.premium_support import (GUILD, clock, deliver, fake_stripe, guild, settings,  # noqa: F401
                                   stripe_server)


@pytest.fixture
def fake_discord(own_discord):
    """This module's own fake with no guild command left by another module (custom commands are guild commands)."""
    own_discord.reset()
    own_discord.forget_commands()
    return own_discord


def reply_text(answer) -> str:
    data = answer["data"]
    return (data.get("content") or "") + " ".join(e.get("title", "") + " " + e.get("description", "")
                                                  for e in data.get("embeds") or [])


def add_command(discord, name):
    return discord.command("cc", [ix.sub("add", ix.opt("name", name), ix.opt("response", "hello"))])


def subscribe(app, runtime, fake_stripe, clock, tier):
    session = billing.start_checkout(runtime, GUILD, tier)
    for event in fake_stripe.complete_checkout(session["id"], clock.epoch):
        assert deliver(app.test_client(), event, fake_stripe).get_json()["outcome"] == "applied"


def test_the_free_tiers_custom_command_limit_refuses_one_more_and_premium_allows_it(
        app, discord, runtime, fake_stripe, clock, guild):
    for number in range(10):
        assert "Added" in reply_text(add_command(discord, f"c{number}"))
    refused = add_command(discord, "c10")
    assert refused["data"]["flags"] & 64
    assert "10 of its 10 custom commands" in reply_text(refused) and "/premium" in reply_text(refused)
    subscribe(app, runtime, fake_stripe, clock, "basic")
    assert "Added `/c10`" in reply_text(add_command(discord, "c10"))


def test_automod_words_stop_at_the_tiers_limit(runtime, clock):
    from app.automod import service
    from app.jobs.premium import grant
    with runtime.transaction() as conn:
        service.add_items(conn, GUILD, "words", [f"word{i}" for i in range(1000)], clock())
    with runtime.transaction() as conn, pytest.raises(UserError) as refused:
        service.add_items(conn, GUILD, "words", ["one", "more"], clock())
    assert str(refused.value) == ("This server has 1000 of the 1000 automod bad words the Free tier allows. "
                                  "Basic allows 2500: see `/premium` to upgrade.")
    with runtime.transaction() as conn:  # words it has already are not counted twice
        service.add_items(conn, GUILD, "words", ["word1", "WORD2"], clock())
    grant(runtime, GUILD, "basic")
    with runtime.transaction() as conn:
        rule, _ = service.add_items(conn, GUILD, "words", ["one", "more"], clock())
    assert len(rule["config"]["words"]) == 1002 and rule["config"]["words"][-2:] == ["one", "more"]


def level_role(discord, level, role_id):
    resolved = {"roles": {role_id: {"id": role_id, "name": f"L{level}", "position": 3, "permissions": "0",
                                    "color": 0, "hoist": False, "managed": False, "mentionable": False}}}
    return discord.command("config", [ix.sub("levelrole", ix.opt("level", level, 4), ix.opt("role", role_id, 8))],
                           resolved=resolved, permissions=ix.MANAGE_GUILD, app_permissions=1 << 28)


def test_level_role_rewards_stop_at_the_tiers_limit(discord, runtime):
    from app.jobs.premium import grant
    for level in range(1, 6):
        assert f"Level {level}" in reply_text(level_role(discord, level, f"88000000000000000{level}"))
    refused = level_role(discord, 6, "880000000000000006")
    assert "5 of the 5 level-role rewards the Free tier allows" in reply_text(refused)
    assert "Basic allows 15" in reply_text(refused)
    assert "Level 1" in reply_text(level_role(discord, 1, "880000000000000009"))  # replacing one still works
    grant(runtime, GUILD, "basic", days=30)
    assert "Level 6" in reply_text(level_role(discord, 6, "880000000000000006"))


def test_premium_shows_the_tier_usage_and_the_upgrade_link(app, discord, runtime, fake_stripe, clock, guild):
    add_command(discord, "hello")
    answer = discord.command("premium")
    assert answer["data"]["flags"] & 64
    shown = reply_text(answer)
    assert "**Tier**: Free" in shown and "**custom commands**: 1 of 10" in shown
    assert "**automod bad words**: 0 of 1,000" in shown and "**AI answers a day**: 0 of 25" in shown
    assert "**stored backups**: " in shown
    assert "Pro ($9.99 / month)" in shown
    [button] = answer["data"]["components"][0]["components"]
    assert button["style"] == 5 and button["label"] == "Upgrade"
    assert button["url"] == f"https://statussync.example/dashboard/#/guild/{GUILD}/premium"
    subscribe(app, runtime, fake_stripe, clock, "pro")
    shown = reply_text(discord.command("premium"))
    assert "**Tier**: Pro" in shown and "**Renews**: <t:" in shown and "**custom commands**: 1 of 50" in shown
