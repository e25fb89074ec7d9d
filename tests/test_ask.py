"""/ask through the signed HTTP path: the fake Discord and a fake OpenAI-compatible server, both over HTTP."""
import re

import psycopg2
import pytest

from tests import interactions as ix
from tests import spec
from tests.fakes.ai import FakeAI
from tests.interactions import DiscordSide

ORIGINAL = rf"/webhooks/{ix.BOT_ID}/{{token}}/messages/@original"
FOLLOW_UPS = rf"/webhooks/{ix.BOT_ID}/{{token}}$"
MEMBER = "870000000000000007"


@pytest.fixture(scope="module")
def ai_server():
    fake = FakeAI().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_ai(ai_server):
    ai_server.reset()
    return ai_server


@pytest.fixture
def settings(settings, fake_ai):
    return {**settings, "AI_API_BASE": fake_ai.base_url, "AI_API_KEY": fake_ai.api_key, "AI_MODEL": "fake-model",
            "AI_TIMEOUT_S": "0.6"}


def ask(discord, prompt, *, private=None, user_id=MEMBER, **kw):
    options = [ix.opt("prompt", prompt, 3)] + ([ix.opt("private", private, 5)] if private is not None else [])
    interaction = ix.command("ask", options, permissions=0, user_id=user_id, **kw)
    return interaction, discord.send(interaction)


def asked(discord, runtime, prompt, **kw):
    """Ask, check the deferred answer, wait for the deferred work; the interaction."""
    interaction, answer = ask(discord, prompt, **kw)
    assert answer["type"] == 5, answer
    assert runtime.deferred.wait(15)
    return interaction


def edits(fake_discord, interaction):
    found = fake_discord.find("PATCH", ORIGINAL.format(token=interaction["token"]))
    for recorded in found:
        spec.validate_recorded(recorded)
        assert recorded.json["allowed_mentions"] == {"parse": []}
    return found


def follow_ups(fake_discord, interaction):
    found = fake_discord.find("POST", FOLLOW_UPS.format(token=interaction["token"]))
    for recorded in found:
        spec.validate_recorded(recorded)
        assert recorded.json["allowed_mentions"] == {"parse": []}
    return found


def usage_rows(database_url, table):
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute(f"SELECT * FROM {table} ORDER BY 1, 2")
        rows = cur.fetchall()
    conn.close()
    return rows


def test_the_answer_streams_into_the_reply_first_words_early_about_one_edit_a_second(
        discord, fake_discord, fake_ai, runtime, clean_db):
    pieces = [f"word{i} " for i in range(24)]
    fake_ai.answer(pieces, interval_s=0.1)  # 2.4 s of streaming
    interaction, answer = ask(discord, "Tell me something")
    assert answer == {"type": 5, "data": {}}
    import time
    asked_at = time.monotonic()
    assert runtime.deferred.wait(15)
    found = edits(fake_discord, interaction)
    assert found[0].arrived - asked_at < 1.0  # the first words show at once, not after the whole answer
    streaming = found[:-1]
    assert len(streaming) >= 2
    assert all(b.arrived - a.arrived >= 0.9 for a, b in zip(streaming, streaming[1:]))
    assert len(found) <= 2.4 / 0.9 + 3
    assert [len(e.json["content"]) for e in streaming] == sorted(len(e.json["content"]) for e in streaming)
    assert found[-1].json["content"] == "".join(pieces).strip()
    headers, body = fake_ai.requests[0]
    assert headers["Authorization"] == f"Bearer {fake_ai.api_key}"
    assert body["model"] == "fake-model" and body["stream"] is True
    assert body["messages"][-1] == {"role": "user", "content": "Tell me something"}


def test_a_private_ask_is_ephemeral_and_uses_the_guilds_system_prompt(discord, fake_discord, fake_ai, runtime,
                                                                     clean_db):
    from app import db, guild_settings
    with db.connection(clean_db) as conn:
        guild_settings.update(conn, ix.GUILD_ID, "ai", {"system_prompt": "Answer like a pirate."}, runtime.clock())
        conn.commit()
    interaction, answer = ask(discord, "Hi", private=True)
    assert answer == {"type": 5, "data": {"flags": 64}}
    assert runtime.deferred.wait(15)
    assert edits(fake_discord, interaction)[-1].json["content"] == "Hello from the fake model."
    assert fake_ai.requests[0][1]["messages"][0] == {"role": "system", "content": "Answer like a pirate."}


def test_a_long_answer_is_split_on_lines_with_code_blocks_closed_and_reopened(discord, fake_discord, fake_ai,
                                                                              runtime, clean_db):
    prose = "\n\n".join(f"Paragraph {i}: " + "words " * 40 for i in range(8))  # ~2,000 characters
    code = "```python\n" + "\n".join(f"print({i})  # line {i}" for i in range(150)) + "\n```"
    text = prose + "\n\n" + code + "\n\nThat's all."
    fake_ai.answer([text[i:i + 97] for i in range(0, len(text), 97)])
    interaction = asked(discord, runtime, "long please")
    messages = [edits(fake_discord, interaction)[-1].json["content"]]
    messages += [r.json["content"] for r in follow_ups(fake_discord, interaction)]
    assert len(messages) >= 3
    assert all(len(m) <= 2000 for m in messages)
    assert all(m.count("```") % 2 == 0 for m in messages)  # every message's code blocks are whole
    assert messages[-1].endswith("That's all.")
    lines = [line for m in messages for line in m.split("\n") if line.startswith("print(")]
    assert lines == [f"print({i})  # line {i}" for i in range(150)]  # no line of code lost or cut
    reopened = [m for m in messages if m.startswith("```python")]
    assert reopened, "the code block continues in the next message as python again"


def test_everyone_here_and_role_mentions_in_the_answer_ping_nobody(discord, fake_discord, fake_ai, runtime,
                                                                  clean_db):
    fake_ai.answer(["Hey @every", "one and @here, ask <@&123456789012345678> or <@111111111111111111>."])
    interaction = asked(discord, runtime, "ping them")
    final = edits(fake_discord, interaction)[-1].json["content"]
    assert "@everyone" not in final and "@here" not in final and "<@&" not in final
    assert final == ("Hey @\u200beveryone and @\u200bhere, ask <@\u200b&123456789012345678> or "
                     "<@111111111111111111>.")


def test_the_member_quota_refuses_before_calling_the_provider_and_usage_is_recorded(
        discord, fake_discord, fake_ai, runtime, clean_db):
    for _ in range(5):  # the free tier's answers per member and day
        asked(discord, runtime, "again")
    interaction, answer = ask(discord, "one more")
    assert answer["type"] == 4 and answer["data"]["flags"] == 64
    assert "used your 5 AI answers for today" in answer["data"]["content"]
    assert len(fake_ai.requests) == 5
    day = runtime.clock().date()
    assert usage_rows(clean_db, "ai_usage_member") == [(int(ix.GUILD_ID), int(MEMBER), day, 5)]
    assert [row[:3] for row in usage_rows(clean_db, "ai_usage_guild")] == [(int(ix.GUILD_ID), day, 5)]
    _, other = ask(discord, "me too", user_id="870000000000000008")  # another member still may
    assert other["type"] == 5


def test_the_guild_quota_counts_every_member_and_premium_raises_it(discord, fake_discord, fake_ai, runtime,
                                                                   clean_db):
    day = runtime.clock().date()
    with psycopg2.connect(clean_db) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO ai_usage_guild (guild_id, day, answers) VALUES (%s, %s, 25)",
                    (int(ix.GUILD_ID), day))
    conn.close()
    _, answer = ask(discord, "anything")
    assert answer["type"] == 4 and "This server has used its 25 AI answers for today" in answer["data"]["content"]
    assert fake_ai.requests == []
    from app import db
    with db.connection(clean_db) as conn:
        db.one(conn, "premium.grant_manual", {"guild_id": int(ix.GUILD_ID), "tier": "basic", "until": None,
                                              "now": runtime.clock()})
        conn.commit()
    asked(discord, runtime, "anything")
    assert len(fake_ai.requests) == 1


@pytest.mark.parametrize("script, told", [
    (lambda ai: ai.fail(401), "refused this bot's API key"),
    (lambda ai: ai.fail(429), "rate limiting this bot"),
    (lambda ai: ai.fail(500), "had an error (500)"),
    (lambda ai: ai.fail(503), "had an error (503)"),
    (lambda ai: ai.malformed(), "could not read"),
    (lambda ai: ai.drop(after=0), "broke mid-answer"),
    (lambda ai: ai.stall(2.0), "did not answer in time"),
], ids=["401", "429", "500", "503", "malformed", "dropped", "timeout"])
def test_a_provider_failure_is_explained_in_the_reply_and_not_counted(discord, fake_discord, fake_ai, runtime,
                                                                      clean_db, script, told):
    script(fake_ai)
    interaction = asked(discord, runtime, "will this work?")
    final = edits(fake_discord, interaction)[-1].json["content"]
    assert final.startswith("⚠️ No answer: ") and told in final
    assert fake_ai.api_key not in final
    assert [row[3] for row in usage_rows(clean_db, "ai_usage_member")] == [0]


@pytest.mark.parametrize("script, told", [
    (lambda ai: ai.drop(after=3), "broke mid-answer"),
    (lambda ai: ai.answer(["piece0 ", "piece1 ", "piece2 ", "never"], pause_after=3, pause_s=1.5),
     "stopped answering mid-way"),
], ids=["dropped", "stalled"])
def test_an_answer_cut_off_mid_stream_keeps_what_came_and_says_it_was_cut(discord, fake_discord, fake_ai,
                                                                          runtime, clean_db, script, told):
    script(fake_ai)
    interaction = asked(discord, runtime, "go on")
    final = edits(fake_discord, interaction)[-1].json["content"]
    assert final.startswith("piece0 piece1 piece2") and "never" not in final
    assert "\n\n⚠️ The answer was cut off: " in final and told in final
    assert [row[3] for row in usage_rows(clean_db, "ai_usage_member")] == [1]  # a partial answer counts


def test_not_configured_says_so_at_once(settings, signing_key, fake_ai, clean_db):
    from app import create_app
    side = DiscordSide(create_app({**settings, "AI_API_BASE": None}).test_client(), signing_key)
    _, answer = ask(side, "hello")
    assert answer["type"] == 4 and answer["data"]["flags"] == 64
    assert "not configured" in answer["data"]["content"]
    assert fake_ai.requests == []


def test_off_or_outside_the_allowed_channels_is_an_ephemeral_refusal(discord, fake_ai, runtime, clean_db):
    from app import db, guild_settings
    with db.connection(clean_db) as conn:
        guild_settings.update(conn, ix.GUILD_ID, "ai", {"allowed_channel_ids": ["880000000000000001"]},
                              runtime.clock())
        conn.commit()
    _, answer = ask(discord, "hello")
    assert answer["type"] == 4 and "only in <#880000000000000001>" in answer["data"]["content"]
    with db.connection(clean_db) as conn:
        guild_settings.update(conn, ix.GUILD_ID, "ai", {"enabled": False, "allowed_channel_ids": []},
                              runtime.clock())
        conn.commit()
    _, answer = ask(discord, "hello")
    assert answer["type"] == 4 and "turned off" in answer["data"]["content"]
    assert fake_ai.requests == []


def test_the_provider_client_is_the_only_ai_module_that_speaks_http():
    from tests.test_layers import ROOT, imports, under
    talkers = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "app" / "ai").glob("*.py")) + [ROOT / "commands/ask.py"]
               if any(under(name, "requests") or under(name, "urllib3") or under(name, "http")
                      for _, name in imports(p))]
    assert talkers == ["app/ai/provider.py"]


@pytest.mark.parametrize("text", [
    "x" * 4500,                                            # no boundary at all: hard cuts
    ("line\n" * 900),                                      # only line boundaries
    "```\n" + "a" * 5000 + "\n```",                        # one giant code line inside a fence
    "intro\n\n```js\n" + "let a = 1;\n" * 400 + "```\nbye",
])
def test_split_pieces_fit_and_keep_every_character_and_fence(text):
    from app.ai.text import split
    pieces = split(text)
    assert all(0 < len(p) <= 2000 for p in pieces)
    assert all(p.count("```") % 2 == 0 for p in pieces) or text.count("```") % 2
    kept = re.sub(r"\s+|```(js)?", "", "".join(pieces))
    assert kept == re.sub(r"\s+|```(js)?", "", text)


def test_config_ai_sets_the_prompt_and_channels_and_shows_todays_usage(discord, fake_discord, fake_ai, runtime,
                                                                      clean_db):
    asked(discord, runtime, "count me")
    other = "880000000000000002"
    resolved = {"channels": {other: {"id": other, "type": 0, "name": "ask-here", "permissions": "8"}}}
    answer = discord.command("config", [ix.sub("ai", ix.opt("system_prompt", "Be brief."),
                                               ix.opt("allow_channel", other, 7))], resolved=resolved)
    assert answer["type"] == 4 and answer["data"]["flags"] == 64
    shown = answer["data"]["embeds"][0]["description"]
    assert f"<#{other}>" in shown and "Be brief." in shown
    assert "1/25 answers for the server (Free tier), 5 per member" in shown
    _, refused = ask(discord, "here?")  # CHANNEL_ID is not the allowed one now
    assert refused["type"] == 4 and f"only in <#{other}>" in refused["data"]["content"]
    members_may_not = discord.command("config", [ix.sub("ai", ix.opt("enabled", False, 5))], permissions=0)
    assert "Manage Server" in members_may_not["data"]["content"]


def test_the_tokens_the_provider_reports_are_added_to_the_guilds_day(discord, fake_discord, fake_ai, runtime,
                                                                    clean_db):
    fake_ai.answer(["Short ", "answer."], usage={"prompt_tokens": 30, "completion_tokens": 12, "total_tokens": 42})
    fake_ai.answer(["Another."], usage={"prompt_tokens": 20, "completion_tokens": 8, "total_tokens": 28})
    asked(discord, runtime, "one")
    asked(discord, runtime, "two")
    assert usage_rows(clean_db, "ai_usage_guild") == [(int(ix.GUILD_ID), runtime.clock().date(), 2, 70)]
