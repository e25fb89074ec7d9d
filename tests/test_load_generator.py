"""bench/load's own accounting, on a tiny run against a stub server whose answers we choose."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.load import generator, mix


class Stub(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if b"crash" in body:
            status, answer = 500, b'{"error": "internal error"}'
        else:
            status, answer = 200, json.dumps({"type": 1} if b"ping" in body else {"type": 4}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def stub():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def check(kind, status, body):
    return status == 200 and json.loads(body) == {"type": 1}


def test_every_request_is_counted_once_as_ok_or_as_an_error_with_its_reason(stub):
    planned = [("ping", b'"ping"', {})] * 30 + [("warn", b'"crash"', {})] * 5 + [("rank", b'"other"', {})] * 3
    result = generator.run_step(stub, planned, rate=200, clients=4, check=check)
    assert (result.sent, result.ok) == (38, 30)
    assert result.errors == {"warn: HTTP 500": 5, "rank: wrong answer": 3}
    assert len(result.latencies) == 38 and not result.sustained(p99_ms=1000)


def test_a_step_stops_sending_at_its_time_bound(stub):
    result = generator.run_step(stub, [("ping", b'"ping"', {})] * 1000, rate=50, clients=2, max_seconds=0.5,
                                check=check)
    assert 20 <= result.sent <= 27 and result.ok == result.sent  # 0.5 s at 50/s, not the 1000 planned
    assert not result.sustained(p99_ms=1000)  # fewer sent than planned is not "sustained"


def test_an_unreachable_server_is_errors_not_a_crash():
    result = generator.run_step("http://127.0.0.1:9", [("ping", b"{}", {})] * 3, rate=100, clients=1, check=check)
    assert result.ok == 0 and result.failed == 3 and result.sent == 3


def test_the_mix_keeps_its_weights_and_answers_are_judged_as_a_member_would():
    order = mix.schedule(1000)
    total = sum(mix.WEIGHTS.values())
    for kind, weight in mix.WEIGHTS.items():
        assert abs(order.count(kind) - 1000 * weight / total) <= 1, kind
    assert mix.answered("ping", 200, b'{"type": 1}') and not mix.answered("ping", 500, b'{"type": 1}')
    assert not mix.answered("warn", 200, json.dumps({"type": 4, "data": {"content": "Something went wrong"}}).encode())
    assert mix.answered("warn", 200, json.dumps({"type": 4, "data": {"embeds": [{"title": "Warned"}]}}).encode())
