"""The interactions of a realistic mix, as Discord sends them, signed ahead of the step that posts them.

Each kind has a weight (how often a community server sees it) and a check of the answer a member would
look at; an answer that fails its check counts as an error, like a 5xx or a timeout.
"""
import itertools
import json
import time

from tests import interactions as ix

MOD_ROLE, BOT_ROLE, MODLOG = "700000000000000005", "700000000000000020", "860000000000000006"
TARGETS = [str(853000000000000000 + n) for n in range(20)]  # members that receive rep and warnings
CUSTOM = "faq"
_givers = itertools.count(1)

WEIGHTS = {"ping": 5, "config view": 10, "rep give": 15, "warn": 10, "rank": 10, "cases page": 20, "custom": 30}


def _resolved(user_id):
    user = {"id": user_id, "username": f"member{user_id[-3:]}", "discriminator": "0", "global_name": None,
            "avatar": None}
    return {"users": {user_id: user},
            "members": {user_id: {"roles": [], "permissions": "0", "nick": None, "joined_at": "2024-01-01T00:00:00+00:00"}}}


def build(kind: str, n: int) -> dict:
    target = TARGETS[n % len(TARGETS)]
    if kind == "ping":
        return {"type": 1, "id": ix.snowflake(), "application_id": ix.BOT_ID, "token": "t", "version": 1}
    if kind == "config view":
        return ix.command("config", [ix.sub("view")], permissions=ix.MANAGE_GUILD)
    if kind == "rep give":  # a fresh giver each time: the giver's cooldown would answer "wait" otherwise
        giver = str(870000000000000000 + next(_givers))
        return ix.command("rep", [ix.sub("give", ix.opt("user", target, 6), ix.opt("reason", f"help {n}"))],
                          user_id=giver, permissions=0, resolved=_resolved(target))
    if kind == "warn":
        return ix.command("warn", [ix.opt("user", target, 6), ix.opt("reason", f"load {n}")],
                          permissions=1 << 40, roles=[MOD_ROLE], resolved=_resolved(target))
    if kind == "rank":
        return ix.command("rank", [ix.opt("user", target, 6)], resolved=_resolved(target))
    if kind == "cases page":
        return ix.component(f"cases:{n % 3}:-", permissions=1 << 40)
    if kind == "custom":
        return ix.command(CUSTOM, [ix.opt("topic", f"t{n % 7}")])
    raise ValueError(kind)


def answered(kind: str, status: int, body: bytes) -> bool:
    """The answer a member would call right (not an error message, not a 5xx)."""
    if status != 200:
        return False
    text = body.decode("utf-8", "replace")
    if kind == "ping":
        return json.loads(text) == {"type": 1}
    if any(bad in text for bad in ("Something went wrong", "temporarily unavailable", "already handled")):
        return False
    answer = json.loads(text)
    expected = {"rank": {5}, "cases page": {7}}.get(kind, {4})
    words = {"rep give": "+1 rep", "warn": "Warned", "config view": "Mod log", "custom": "Answer about",
             "cases page": "Cases"}
    return answer.get("type") in expected and words.get(kind, "") in text


def schedule(count: int, weights=None):
    """`count` kinds in a fixed interleaved order that keeps the weights over any long stretch."""
    weights = weights or WEIGHTS
    total = sum(weights.values())
    credit = dict.fromkeys(weights, 0.0)
    order = []
    for _ in range(count):
        for kind in credit:
            credit[kind] += weights[kind] / total
        kind = max(credit, key=credit.get)
        credit[kind] -= 1
        order.append(kind)
    return order


def signed(signing_key, kind: str, n: int) -> tuple:
    """(body, headers) of the nth interaction of `kind`, signed now (good for Discord's 5 minutes)."""
    body = json.dumps(build(kind, n)).encode()
    return body, signed_headers(signing_key, body)


def signed_headers(signing_key, body: bytes) -> dict:
    timestamp = str(int(time.time()))
    return {"Content-Type": "application/json", "X-Signature-Timestamp": timestamp,
                  "X-Signature-Ed25519": signing_key.sign(timestamp.encode() + body).signature.hex()}
