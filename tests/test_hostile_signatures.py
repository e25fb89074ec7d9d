"""The forged-signature matrix: every way a request can fail to be Discord's own, crossed with bodies that
would act (a /ban), that are malformed, or empty. Only a genuine signature by Discord's key over this
timestamp and these exact bytes, made within 5 minutes, is read; everything else is a 401 before the body is
parsed, the database or Discord touched. A genuine request delivered again acts once.
"""
import itertools
import json
import time

import psycopg2
import pytest
from nacl.signing import SigningKey

from tests import interactions as ix
from tests.faults import resolved_member
from tests.hostile import MOD_ROLE, seed_guild

OTHER_KEY = SigningKey.generate()
REFUSAL = {"error": "invalid request signature"}


def ban_body() -> bytes:
    return json.dumps(ix.command("ban", [ix.opt("user", ix.MEMBER_ID, 6), ix.opt("reason", "forged")],
                                 permissions=1 << 2, roles=(MOD_ROLE,), resolved=resolved_member(ix.MEMBER_ID))).encode()


BODIES = {"a /ban": ban_body, "malformed JSON": lambda: b'{"type": 2, "data": ', "empty": lambda: b"",
          "PING": lambda: b'{"type": 1}'}


def forge(kind, key, body: bytes, now: int):
    """(signature header, timestamp header, body sent) of one forgery kind."""
    ts = str(now)
    genuine = key.sign(ts.encode() + body).signature.hex()
    return {
        "no signature": (None, ts, body),
        "no timestamp": (genuine, None, body),
        "signed by another key": (OTHER_KEY.sign(ts.encode() + body).signature.hex(), ts, body),
        "body changed after signing": (genuine, ts, body + b" "),
        "timestamp changed after signing": (genuine, str(now - 1), body),
        "signed over the body alone": (key.sign(body).signature.hex(), ts, body),
        "signature of another request": (key.sign(ts.encode() + b'{"type":1}').signature.hex(), ts, body),
        "one bit flipped": (f"{int(genuine[0], 16) ^ 1:x}{genuine[1:]}", ts, body),
        "truncated signature": (genuine[:-2], ts, body),
        "signature padded": (genuine + "00", ts, body),
        "signed 6 minutes ago": (key.sign(str(now - 360).encode() + body).signature.hex(), str(now - 360), body),
        "signed 6 minutes ahead": (key.sign(str(now + 360).encode() + body).signature.hex(), str(now + 360), body),
        "timestamp in milliseconds": (key.sign(f"{now}000".encode() + body).signature.hex(), f"{now}000", body),
        "all-zero signature": ("0" * 128, ts, body),
    }[kind]


FORGERIES = ["no signature", "no timestamp", "signed by another key", "body changed after signing",
             "timestamp changed after signing", "signed over the body alone", "signature of another request",
             "one bit flipped", "truncated signature", "signature padded", "signed 6 minutes ago",
             "signed 6 minutes ahead", "timestamp in milliseconds", "all-zero signature"]


def counts(url):
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT (SELECT count(*) FROM processed_interactions), (SELECT count(*) FROM mod_actions)")
        found = cur.fetchone()
    conn.close()
    return found


def post(discord, signature, timestamp, body):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Signature-Ed25519"] = signature
    if timestamp is not None:
        headers["X-Signature-Timestamp"] = timestamp
    return discord.client.post("/interactions", data=body, headers=headers)


@pytest.mark.parametrize("forgery, body_kind", list(itertools.product(FORGERIES, BODIES)))
def test_a_forged_request_is_a_401_before_anything_is_read_or_done(discord, fake_discord, clean_db, forgery,
                                                                   body_kind, reliability):
    seed_guild(fake_discord)
    before = counts(clean_db)
    signature, timestamp, body = forge(forgery, discord.signing_key, BODIES[body_kind](), int(time.time()))
    response = post(discord, signature, timestamp, body)
    assert response.status_code == 401 and response.get_json() == REFUSAL  # malformed JSON too: verified first
    assert counts(clean_db) == before and fake_discord.requests == []
    assert ix.MEMBER_ID not in fake_discord.guild_bans(ix.GUILD_ID)
    reliability.record("Signatures", f"forged-signature matrix ({len(FORGERIES)} forgeries × {len(BODIES)} bodies)",
                       1, "401 before parsing; nothing stored; Discord never called", unit="requests")


@pytest.mark.parametrize("skew", [-290, 0, 290])
def test_a_genuine_request_within_five_minutes_is_read(discord, fake_discord, clean_db, skew):
    seed_guild(fake_discord)
    now = int(time.time()) + skew
    body = BODIES["PING"]()
    response = post(discord, discord.signing_key.sign(str(now).encode() + body).signature.hex(), str(now), body)
    assert response.status_code == 200 and response.get_json() == {"type": 1}


def test_uppercase_hex_of_a_genuine_signature_is_the_same_signature(discord):
    now, body = str(int(time.time())), BODIES["PING"]()
    signature = discord.signing_key.sign(now.encode() + body).signature.hex().upper()
    assert post(discord, signature, now, body).get_json() == {"type": 1}


def test_a_genuine_ban_delivered_twice_bans_once(discord, fake_discord, clean_db, reliability):
    seed_guild(fake_discord)
    body, now = ban_body(), str(int(time.time()))
    signature = discord.signing_key.sign(now.encode() + body).signature.hex()
    first, again = post(discord, signature, now, body), post(discord, signature, now, body)
    assert first.status_code == again.status_code == 200
    assert "already handled" in json.dumps(again.get_json())
    assert len(fake_discord.find("PUT", rf"/guilds/{ix.GUILD_ID}/bans/{ix.MEMBER_ID}")) == 1
    assert counts(clean_db)[1] == 1
    reliability.record("Signatures", "a genuine signed /ban replayed", 1, "answered 'already handled'; banned once",
                       unit="replays")
