"""Property-based fuzz of /interactions: real interactions, mutated, really signed, through the whole app.

Whatever the body: the status is 200, 400, 401 or 413; a 200 is an interaction response Discord accepts;
nothing is logged at ERROR (deferred work included). Bounded so the suite stays fast.
"""
import json
import logging
import os
import time
from email.parser import BytesParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import spec
from tests.hostile import REAL_INTERACTIONS, make_app, seed_guild

SCALE = float(os.environ.get("FUZZ_SCALE", "1"))  # FUZZ_SCALE=20 for a long hunt; the suite runs at 1
FUZZ = settings(max_examples=int(200 * SCALE), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
STATUSES = {200, 400, 401, 413}
HOSTILE_STRINGS = ["", "\x00", "a\x00b", "\ud800", "x\udfffy", "9" * 5000, str(2 ** 64), str(2 ** 63),
                   str(2 ** 63 - 1), "-1", "0", "1.5", "١٢٣", "１２３", "x" * 7000, "lb:weekly:1", "cases:0:-",
                   "<@&1>", "@everyone", "../../channels/1", "NaN", "true", " 42", "\u202e", "🎉" * 50]


@pytest.fixture(scope="module")
def app(database_url, discord_server, signing_key):
    return make_app(database_url, discord_server, signing_key)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.sampled_from([2 ** 53 + 1, 2 ** 63, 2 ** 64, -2 ** 63, 10 ** 300]),
    st.floats(), st.text(st.characters(exclude_categories=()), max_size=20), st.sampled_from(HOSTILE_STRINGS))
# Where a change matters most: values handlers read, ids, the shapes the dispatcher walks.
FOCUS = {"value", "custom_id", "values", "options", "resolved", "components", "user", "member", "roles",
         "permissions", "username", "global_name", "nick", "avatar", "name", "focused", "context", "guild_id"}
hostile_text = st.one_of(st.sampled_from(HOSTILE_STRINGS), st.text(st.characters(exclude_categories=()), max_size=30))
hostile_numbers = st.one_of(st.integers(), st.sampled_from([0, -1, 2 ** 31, 2 ** 53, 2 ** 53 + 1, 2 ** 63, 2 ** 64]),
                            st.floats())
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=10)


def _spots(document):
    """Every (container, key) of a decoded JSON document, containers included."""
    stack, spots = [document], []
    while stack:
        node = stack.pop()
        keys = list(node) if isinstance(node, dict) else range(len(node))
        for key in keys:
            spots.append((node, key))
            if isinstance(node[key], (dict, list)):
                stack.append(node[key])
    return spots


@st.composite
def mutated_interactions(draw) -> bytes:
    """A real interaction with 1-4 hostile changes (wrong types, hostile text, odd ids, deep nesting)."""
    document = REAL_INTERACTIONS[draw(st.sampled_from(sorted(REAL_INTERACTIONS)))]()
    nests = []  # written into the text afterwards: json.dumps itself cannot nest that deep
    for _ in range(draw(st.integers(1, 4))):
        spots = _spots(document)
        focused = [spot for spot in spots if spot[1] in FOCUS]
        if focused and draw(st.booleans()):
            spots = focused
        if not spots:
            break
        container, key = draw(st.sampled_from(spots))
        change = draw(st.sampled_from(["tweak", "tweak", "replace", "replace", "delete", "nest", "add"]))
        if change == "tweak":  # same JSON type, hostile value: gets past the shape checks, into handlers
            current = container[key]
            container[key] = (draw(hostile_text) if isinstance(current, str) else
                              draw(hostile_numbers) if isinstance(current, (int, float)) else draw(json_values))
        elif change == "replace":
            container[key] = draw(json_values)
        elif change == "delete":
            del container[key]
        elif change == "nest":
            nests.append((f"NEST-{len(nests)}", draw(st.integers(10, 5000)), json.dumps(container[key])))
            container[key] = nests[-1][0]
        elif isinstance(container, dict):
            container[draw(st.text(max_size=10))] = draw(json_values)
        else:
            container.append(draw(json_values))
    text = json.dumps(document)  # surrogates travel as \ud800 escapes, NaN as NaN
    for marker, depth, inner in reversed(nests):
        opening, closing = ('[' * depth, ']' * depth) if depth % 2 else ('{"a":' * depth, '}' * depth)
        text = text.replace(f'"{marker}"', opening + inner + closing)
    return text.encode()


@st.composite
def broken_bodies(draw) -> bytes:
    """A real interaction's bytes cut, spliced or flipped; or any JSON value at all."""
    if draw(st.booleans()):
        return json.dumps(draw(st.one_of(json_values, st.fixed_dictionaries(
            {"type": st.sampled_from([1, 2, 3, 4, 5, True, 1.0, "1"])}, optional={"data": json_values,
                                                                               "id": json_values})))).encode()
    body = bytearray(json.dumps(REAL_INTERACTIONS[draw(st.sampled_from(sorted(REAL_INTERACTIONS)))]()).encode())
    at = draw(st.integers(0, len(body)))
    what = draw(st.sampled_from(["cut", "splice", "flip"]))
    if what == "cut":
        return bytes(body[:at])
    if what == "splice":
        return bytes(body[:at] + draw(st.binary(max_size=8)) + body[at:])
    body[min(at, len(body) - 1)] ^= draw(st.integers(1, 255))
    return bytes(body)


def _answer(response) -> dict:
    if response.mimetype == "multipart/form-data":
        message = BytesParser().parsebytes(
            f"Content-Type: {response.headers['Content-Type']}\r\n\r\n".encode() + response.get_data())
        parts = {p.get_param("name", header="content-disposition"): p for p in message.get_payload()}
        return json.loads(parts["payload_json"].get_payload(decode=True))
    return response.get_json()


def _check(discord, runtime, fake, caplog, body: bytes):
    seed_guild(fake)
    caplog.clear()
    response = discord.post(body)
    assert response.status_code in STATUSES, response.get_data(as_text=True)[:500]
    if response.status_code == 200:
        spec.validate_interaction_response(_answer(response))
    else:
        assert "error" in response.get_json()
    assert runtime.deferred.wait(10)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], f"{errors} for {body[:300]!r}"


@FUZZ
@given(body=mutated_interactions())
def test_mutated_real_interactions_never_fail_the_server(discord, runtime, discord_server, caplog, reliability, body):
    _check(discord, runtime, discord_server, caplog, body)
    reliability.record("Hostile input", f"hypothesis: {len(REAL_INTERACTIONS)} real interactions with 1-4 hostile "
                       "mutations (types, text, ids, deep nesting)", 1, "status 200/400/401/413 only; every 200 "
                       "spec-valid; no ERROR log", unit="signed interactions")


@settings(FUZZ, max_examples=int(80 * SCALE))
@given(body=broken_bodies())
def test_broken_bodies_and_random_json_never_fail_the_server(discord, runtime, discord_server, caplog, reliability,
                                                            body):
    _check(discord, runtime, discord_server, caplog, body)
    reliability.record("Hostile input", "hypothesis: signed bodies cut, spliced, bit-flipped, or any JSON", 1,
                       "no 5xx; every 200 spec-valid; no ERROR log", unit="signed bodies")


def test_every_starting_interaction_is_answered_as_discord_expects(discord, runtime, discord_server, caplog):
    """The fuzz starts from interactions the app really handles (not from ones it already refuses)."""
    for name, build in REAL_INTERACTIONS.items():
        seed_guild(discord_server)
        caplog.clear()
        response = discord.post(json.dumps(build()).encode())
        assert response.status_code == 200, name
        answer = _answer(response)
        spec.validate_interaction_response(answer)
        assert not any(refusal in json.dumps(answer) for refusal in (
            "Something went wrong", "couldn't find", "malformed", "out of date", "expired")), (name, answer)
        assert runtime.deferred.wait(10), name
        assert [r for r in caplog.records if r.levelno >= logging.ERROR] == [], name


headers = st.one_of(st.text(max_size=200), st.sampled_from(HOSTILE_STRINGS),
                    st.binary(min_size=64, max_size=64).map(bytes.hex),
                    st.integers(min_value=-10 ** 400, max_value=10 ** 400).map(str))


@settings(FUZZ, max_examples=int(100 * SCALE))
@given(signature=headers, timestamp=st.one_of(headers, st.just("NOW")), body=st.binary(max_size=300))
def test_unsigned_or_garbage_headers_are_a_401(discord, reliability, signature, timestamp, body):
    reliability.record("Signatures", "hypothesis: garbage signature and timestamp headers", 1, "always a 401",
                       unit="requests")
    timestamp = str(int(time.time())) if timestamp == "NOW" else timestamp
    response = discord.client.post("/interactions", data=body, environ_overrides={
        "HTTP_X_SIGNATURE_ED25519": signature, "HTTP_X_SIGNATURE_TIMESTAMP": timestamp})
    assert response.status_code == 401
    assert response.get_json() == {"error": "invalid request signature"}
