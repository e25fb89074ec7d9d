"""SQL metacharacters and markup in every free-text option of the registry: stored verbatim, shown verbatim,
and inert (no SQL runs, no table is harmed, nobody is pinged, no template evaluates).

Free text is every string option without choices, except the ones with a grammar of their own (durations,
names, custom command option specs). A declared option added to any command is covered the day it lands.
"""
import json
import re

import psycopg2
import pytest

from app import features, guild_settings
from tests import interactions as ix
from tests import spec
from tests.hostile import MOD_ROLE, MODLOG, declared_paths, invocation, plain_value, seed_guild

PAYLOAD = ("Robert'); DROP TABLE mod_cases;-- %s %(x)s \\ \"q\" <script>alert(1)</script> @everyone "
           "<@&700000000000000005> 1' OR '1'='1 ${jndi:x} `x`")
MARKER = "DROP TABLE mod_cases"
MESSAGE_ROUTE = re.compile(r"/channels/\d+/messages(/\d+)?|/webhooks/\d+/[^/]+(/messages/.+)?|/interactions/.+")
STRUCTURED = {"duration": "1h", "name": "faq", "options": "topic:string:Topic"}  # options with a grammar of their own
ALSO_GIVEN = {"response": "hello"}  # /cc add without it opens a form instead of saving
MUST_STORE = {"warn reason", "rep give reason", "case reason text", "cc add response", "cc add description",
              "config ai system_prompt", "ban reason", "kick reason", "timeout reason"}
FREE_TEXT = [(name, path, declared, option.name) for name, path, declared in declared_paths(features.command_set())
             for option in declared if option.type == 3 and not option.choices and option.name not in STRUCTURED]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def stored_values(url) -> list:
    """Every string anywhere in the database (jsonb included) that carries the marker."""
    conn = psycopg2.connect(url)
    found = []
    with conn, conn.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        for (table,) in cur.fetchall():
            cur.execute(f'SELECT row_to_json(t) FROM "{table}" t')
            found += [(table, s) for (row,) in cur.fetchall() for s in _strings(row) if MARKER in s]
    conn.close()
    return found


def table_count(url) -> int:
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        count = cur.fetchone()[0]
    conn.close()
    return count


def shown(answer, fake) -> list:
    """Every body a member could see that carries the marker: the answer, and what the app sent Discord."""
    messages = [r.json for r in fake.requests if isinstance(r.json, dict) and MESSAGE_ROUTE.fullmatch(r.path)]
    bodies = [answer.get("data") or {}] + messages
    return [body for body in bodies if any(MARKER in s for s in _strings(body))]


def fitted(option) -> str:
    """The payload cut to the option's max_length (Discord never sends more); the marker survives the cut."""
    return PAYLOAD[:option.max_length] if option.max_length else PAYLOAD


def given(option, hostile: str):
    if option.name == hostile:
        return fitted(option)
    fixed = {**STRUCTURED, **ALSO_GIVEN}
    return fixed.get(option.name) if option.type == 3 and option.name in fixed else plain_value(option)


def check_inert(body, text=PAYLOAD) -> None:
    mentions = body.get("allowed_mentions")
    assert mentions is not None, body  # without it Discord parses every mention in the content
    assert not {"everyone", "roles"} & set(mentions.get("parse") or []) and not mentions.get("roles"), mentions
    assert any(text[:40] in s for s in _strings(body)), body  # verbatim (a long text may be cut for display)


@pytest.fixture
def guild(fake_discord, discord, runtime):
    seed_guild(fake_discord)
    with runtime.transaction() as conn:  # reasons show in mod-log posts too
        guild_settings.update(conn, ix.GUILD_ID, "modlog", {"channel_id": MODLOG}, runtime.clock())
    warned = ix.command("warn", [ix.opt("user", ix.MEMBER_ID, 6), ix.opt("reason", "first")], roles=(MOD_ROLE,),
                        resolved=invocation("x", [], [])["data"]["resolved"])
    discord.send(warned)  # case #1, for /case reason
    fake_discord.reset()


@pytest.mark.parametrize("name, path, declared, option", FREE_TEXT,
                         ids=[" ".join([n, *p, o]) for n, p, _, o in FREE_TEXT])
def test_sql_and_markup_in_free_text_is_stored_and_shown_verbatim_and_inert(discord, runtime, fake_discord, guild,
                                                                           clean_db, reliability, name, path,
                                                                           declared, option):
    tables = table_count(clean_db)
    text = fitted(next(o for o in declared if o.name == option))
    options = [{"name": o.name, "type": o.type, "value": given(o, option)} for o in declared
               if o.required or o.name == option or o.name in ALSO_GIVEN]
    answer = discord.send(invocation(name, path, options))  # 200 and spec-valid, or the fixture fails
    assert runtime.deferred.wait(10)
    assert table_count(clean_db) == tables
    stored = stored_values(clean_db)
    assert all(text in value for _, value in stored), stored  # whatever was stored, verbatim
    where = " ".join([name, *path, option])
    if where in MUST_STORE:
        assert stored, f"{where}: the text was not stored"
    seen = shown(answer, fake_discord)
    for body in seen:
        check_inert(body, text)
    reliability.record("Hostile input", "SQL metacharacters and markup in every free-text option", 1,
                       "stored verbatim; shown verbatim with no mention parsed; no table harmed",
                       unit="options")


def test_a_custom_command_answering_with_that_text_shows_it_verbatim_and_pings_nobody(discord, runtime, fake_discord,
                                                                                     guild, clean_db):
    added = discord.send(ix.command("cc", [ix.sub("add", ix.opt("name", "quote"), ix.opt("response", PAYLOAD))]))
    assert "quote" in json.dumps(added)
    answer = discord.send(ix.command("quote"))
    spec.validate_interaction_response(answer)
    assert answer["data"]["content"] == PAYLOAD
    check_inert(answer["data"])
