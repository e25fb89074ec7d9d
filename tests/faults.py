"""What the fault tests share: a stream of signed interactions posted on a timetable to a real server,
each answer timed and sorted into what a member saw (done, refused for now, still thinking)."""
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from tests import interactions as ix
from tests import spec

INTERACTION_BOUND_S = 3.0  # Discord shows "The application did not respond" after this


class Answer:
    def __init__(self, index, kind, interaction, status, payload, elapsed, sent_at):
        self.index, self.kind, self.interaction = index, kind, interaction
        self.status, self.payload, self.elapsed, self.sent_at = status, payload, elapsed, sent_at

    @property
    def text(self) -> str:
        return json.dumps(self.payload)

    @property
    def outcome(self) -> str:
        if self.status != 200:
            return f"HTTP {self.status}"
        if self.payload.get("type") == 5:
            return "thinking"
        if "temporarily unavailable" in self.text:
            return "unavailable"
        return "done"


def post_signed(base, signing_key, interaction, timeout=10.0):
    body = json.dumps(interaction).encode()
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "X-Signature-Timestamp": timestamp,
               "X-Signature-Ed25519": signing_key.sign(timestamp.encode() + body).signature.hex()}
    response = requests.post(f"{base}/interactions", data=body, headers=headers, timeout=timeout)
    payload = response.json() if response.headers.get("Content-Type", "").startswith("application/json") else {}
    if response.status_code == 200:
        spec.validate_interaction_response(payload)
    return response.status_code, payload


def stream(base, signing_key, build, count: int, rate: float, during=None, at: float = 0.0, fake=None) -> list:
    """Post `count` interactions `build(i) -> (kind, interaction)` at `rate` a second, calling `during()`
    `at` seconds in (in its own thread); every answer, in order. With `fake`, each answer is acknowledged
    to the fake Discord as Discord does on reading it (so deferred work may edit @original)."""
    answers, started = [None] * count, time.monotonic()

    def one(i):
        kind, interaction = build(i)
        pause = started + i / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        sent = time.monotonic()
        status, payload = post_signed(base, signing_key, interaction)
        answers[i] = Answer(i, kind, interaction, status, payload, time.monotonic() - sent, sent - started)
        if fake is not None and status == 200 and payload.get("type") not in (1, None):
            fake.acknowledge(interaction, payload)

    fault = None
    if during is not None:
        fault = threading.Timer(at, during)
        fault.start()
    with ThreadPoolExecutor(max_workers=min(count, 32)) as pool:
        list(pool.map(one, range(count)))
    if fault is not None:
        fault.join()
    return answers


def final_text(fake, answer) -> str:
    """What the member finally reads: the HTTP answer, or for "thinking" the message that replaced it."""
    if answer.outcome != "thinking":
        return answer.text
    return json.dumps(fake.webhook_messages(answer.interaction["token"]))


def resolved_member(user_id):
    return {"users": {user_id: ix.member(user_id)["user"]},
            "members": {user_id: {"roles": [], "permissions": "0", "nick": None,
                                  "joined_at": "2024-01-01T00:00:00+00:00"}}}

