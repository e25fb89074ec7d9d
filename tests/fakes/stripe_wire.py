"""Stripe's wire format for the fake: nested form bodies (`a[b][0][c]=v`), JSON errors, signed webhooks, and
the HTTP handler that speaks it."""
import hashlib
import hmac
import json
import re
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

_KEY = re.compile(r"([^\[\]]+)|\[([^\[\]]*)\]")


def _listify(value):
    if isinstance(value, dict):
        value = {k: _listify(v) for k, v in value.items()}
        if value and all(k.isdigit() for k in value):
            return [value[k] for k in sorted(value, key=int)]
    return value


def decode_form(text: str) -> dict:
    """Stripe's form encoding (what the SDK sends) back into nested dicts and lists."""
    result: dict = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        parts = [a or b for a, b in _KEY.findall(key)]
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"conflicting form keys at {key}")
        node[parts[-1]] = value
    return _listify(result)


def error(status: int, message: str, type_="invalid_request_error", code=None, param=None) -> tuple:
    body = {"error": {"type": type_, "message": message}}
    if code:
        body["error"]["code"] = code
    if param:
        body["error"]["param"] = param
    return status, body


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe sends: t=<unix time>,v1=<HMAC-SHA256 of "t.payload">."""
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def event_body(event: dict) -> bytes:
    return json.dumps(event, indent=2).encode()


def handler_for(fake):
    """The HTTP side: parse Stripe's request encoding, hand it to fake.handle, answer JSON."""
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _answer(self):
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            try:
                params = decode_form(url.query if self.command in ("GET", "DELETE") else body)
                status, answer = fake.handle(self.command, url.path, params, self.headers.get("Authorization"),
                                             self.headers.get("Idempotency-Key"))
            except ValueError as exc:
                status, answer = error(400, str(exc))
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_{time.monotonic_ns()}")
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _answer
    return Handler
