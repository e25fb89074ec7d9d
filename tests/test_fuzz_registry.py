"""Fuzzing every command path and component route the registry declares, from their declarations.

tests/test_fuzz_interactions.py mutates a hand-kept list of interactions; this one walks
features.command_set() itself, so a command, subcommand or button added to any feature is fuzzed the day
it lands. Each example is one declared path (or route) invoked with hostile option values (wrong types,
missing required ones, unknown ones, huge strings, out-of-range numbers, choices never offered, nested
garbage), signed, through the whole app: never a 5xx, a 200 is a response Discord accepts, nothing
logged at ERROR. FUZZ_SCALE=20 for a long hunt; the suite runs at 1.
"""
import json
import logging
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app, features
from tests import interactions as ix
from tests import spec
from tests.hostile import (BOT_TOKEN, declared_paths, declared_routes, invocation, plain_value, seed_guild)
from tests.test_fuzz_interactions import HOSTILE_STRINGS, _answer, json_values

SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
FUZZ = settings(max_examples=int(250 * SCALE), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
COMMAND_SET = features.command_set()
PATHS, ROUTES = declared_paths(COMMAND_SET), declared_routes(COMMAND_SET)
STATUSES = {200, 400, 413}
SQL_AND_MARKUP = ["'; DROP TABLE mod_cases; --", "%s %(x)s", "\\", "<script>alert(1)</script>", "@everyone",
                  "<@&700000000000000005>", "{{ 7 * 7 }}", "{% for x in range(99999999) %}x{% endfor %}", "`` ` ``"]


@pytest.fixture(scope="module")
def app(database_url, discord_server, signing_key):
    return create_app({"DATABASE_URL": database_url, "DISCORD_APPLICATION_ID": ix.BOT_ID,
                       "DISCORD_PUBLIC_KEY": signing_key.verify_key.encode().hex(), "DISCORD_BOT_TOKEN": BOT_TOKEN,
                       "DISCORD_API_BASE": discord_server.base_url, "DISCORD_CDN_BASE": discord_server.cdn_url,
                       "SECRET_KEY": "test-secret-key"})


text = st.one_of(st.sampled_from(HOSTILE_STRINGS + SQL_AND_MARKUP), st.text(max_size=40),
                 st.integers(6001, 20000).map(lambda n: "x" * n))
numbers = st.one_of(st.integers(), st.sampled_from([0, -1, 2 ** 31, 2 ** 53 + 1, 2 ** 63, 2 ** 64]), st.floats())


@st.composite
def option_value(draw, option):
    """Mostly what Discord could send for this option's type; sometimes anything at all."""
    roll = draw(st.integers(0, 9))
    if roll == 0:
        return draw(json_values)  # the wrong type
    if roll == 1 and option.choices:
        return draw(text)  # a choice never offered
    if option.type == 3:
        return draw(text)
    if option.type in (4, 10):
        return draw(numbers)
    if option.type == 5:
        return draw(st.one_of(st.booleans(), json_values))
    return draw(st.one_of(st.just(plain_value(option)), st.sampled_from(HOSTILE_STRINGS)))  # ids


@st.composite
def command_payloads(draw) -> tuple:
    name, path, declared = draw(st.sampled_from(PATHS))
    given = []
    for option in declared:
        if option.required or draw(st.booleans()):
            if draw(st.integers(0, 9)):  # one in ten drops it, required or not
                given.append({"name": option.name, "type": option.type, "value": draw(option_value(option))})
    if draw(st.integers(0, 4)) == 0:  # an option no one declared, or garbage where options go
        given.append(draw(st.one_of(st.fixed_dictionaries({"name": st.text(max_size=12), "type": st.integers(-1, 12),
                                                           "value": json_values}), json_values)))
    typed = [option for option in given if isinstance(option, dict)]
    if typed and draw(st.integers(0, 4)) == 0:  # a declared option sent with another type code
        typed[draw(st.integers(0, len(typed) - 1))]["type"] = draw(st.integers(-1, 12))
    interaction = invocation(name, path, draw(st.permutations(given)))
    if draw(st.integers(0, 6)) == 0:
        interaction["data"]["resolved"] = draw(json_values)
    if draw(st.integers(0, 9)) == 0:
        interaction["type"] = 4  # the same options as an autocomplete request
        for option in interaction["data"]["options"][:1]:
            if isinstance(option, dict):
                option["focused"] = True
    return " ".join([name, *path]), interaction


@st.composite
def component_payloads(draw) -> tuple:
    kind, prefix, arity = draw(st.sampled_from(ROUTES))
    parts = draw(st.lists(st.one_of(st.sampled_from(["0", "1", "-1", "-", ix.MEMBER_ID, "weekly", "all"]),
                                    st.sampled_from(HOSTILE_STRINGS), st.text(max_size=10)),
                          min_size=max(0, arity - 1), max_size=arity + 1))
    custom = ":".join([prefix, *parts])
    if kind == "modal":
        interaction = ix.command("x", interaction_type=5, roles=())
        interaction["data"] = {"custom_id": custom, "components": [{"type": 1, "components": [
            {"type": 4, "custom_id": draw(st.sampled_from(["name", "response", "options", "x"])),
             "value": draw(text)}]}]}
    else:
        values = draw(st.one_of(st.none(), st.lists(st.sampled_from(HOSTILE_STRINGS), max_size=3)))
        interaction = ix.component(custom, values=values, permissions=ix.ADMINISTRATOR)
    return f"{kind} {prefix}", interaction


def _post_and_check(discord, runtime, fake, caplog, interaction) -> int:
    seed_guild(fake)
    caplog.clear()
    body = json.dumps(interaction).encode()
    response = discord.post(body)
    assert response.status_code in STATUSES, response.get_data(as_text=True)[:500]
    if response.status_code == 200:
        answer = _answer(response)
        spec.validate_interaction_response(answer)
        if answer.get("type") != 1:
            discord.acknowledge(interaction, response)
    else:
        assert "error" in response.get_json()
    assert runtime.deferred.wait(10)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], f"{errors} for {body[:300]!r}"
    return response.status_code


@FUZZ
@given(case=command_payloads())
def test_every_declared_command_path_survives_hostile_options(discord, runtime, discord_server, caplog, reliability,
                                                              case):
    _post_and_check(discord, runtime, discord_server, caplog, case[1])
    reliability.record("Hostile input", f"hypothesis: every registry command path ({len(PATHS)}) with hostile "
                       "options", 1, "no 5xx; every 200 spec-valid; no ERROR log", unit="signed interactions")


@settings(FUZZ, max_examples=int(80 * SCALE))
@given(case=component_payloads())
def test_every_declared_component_route_survives_hostile_custom_ids(discord, runtime, discord_server, caplog,
                                                                    reliability, case):
    _post_and_check(discord, runtime, discord_server, caplog, case[1])
    reliability.record("Hostile input", f"hypothesis: every button, select and modal route ({len(ROUTES)}) with "
                       "hostile custom_ids and values", 1, "no 5xx; every 200 spec-valid; no ERROR log",
                       unit="signed interactions")


@pytest.mark.parametrize("name, path, declared", PATHS, ids=[" ".join([n, *p]) for n, p, _ in PATHS])
def test_each_declared_path_is_answered_as_discord_expects(discord, runtime, discord_server, caplog, name, path,
                                                           declared):
    """The fuzz starts from paths the app really handles: a plain invocation gets a real, spec-valid answer."""
    options = [{"name": o.name, "type": o.type, "value": plain_value(o)} for o in declared if o.required]
    interaction = invocation(name, path, options)
    assert _post_and_check(discord, runtime, discord_server, caplog, interaction) == 200
    answer = json.dumps(discord_server.webhook_messages(interaction["token"]))
    assert "Something went wrong" not in answer
