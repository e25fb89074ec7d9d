"""A fake OpenAI-compatible chat-completions server on loopback, streaming included (SSE over chunked HTTP).

Scripted per request, in order; when nothing is scripted it answers "Hello from the fake model.":

    fake.answer(["Hel", "lo"], interval_s=0.02)   # a streamed answer, one piece every interval
    fake.answer(["a", "b"], pause_after=1, pause_s=2)  # silent for 2 s mid-stream
    fake.fail(429)                                # an error status with an OpenAI-shaped error body
    fake.stall(3.0)                               # no answer at all for 3 s (the client should time out)
    fake.malformed()                              # a data: line that is not JSON
    fake.drop(after=3)                            # three pieces, then the connection closes mid-stream
"""
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT = "Hello from the fake model."


class FakeAI:
    def __init__(self, api_key="test-ai-key"):
        self.api_key = api_key
        self.requests = []  # (headers dict, body dict) of each chat-completions call
        self._scripts = []
        self._lock = threading.Lock()
        self._server = self._thread = None

    # ------------------------------------------------------------ lifecycle

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def reset(self):
        with self._lock:
            self.requests.clear()
            self._scripts.clear()

    # ------------------------------------------------------------ scripts

    def _script(self, **script):
        with self._lock:
            self._scripts.append(script)
        return self

    def answer(self, pieces, interval_s=0.0, usage=None, pause_after=None, pause_s=0.0):
        """Stream `pieces`; with pause_after=n, go silent for pause_s after the n-th piece."""
        pieces = [pieces] if isinstance(pieces, str) else list(pieces)
        return self._script(kind="stream", pieces=pieces, interval_s=interval_s, usage=usage,
                            pause_after=pause_after, pause_s=pause_s)

    def fail(self, status, message="fake failure"):
        return self._script(kind="status", status=status, message=message)

    def stall(self, seconds):
        return self._script(kind="stall", seconds=seconds)

    def malformed(self):
        return self._script(kind="malformed")

    def drop(self, after=2, interval_s=0.0):
        return self._script(kind="drop", pieces=[f"piece{i} " for i in range(after)], interval_s=interval_s)

    def _next(self):
        with self._lock:
            return self._scripts.pop(0) if self._scripts else {"kind": "stream", "pieces": [DEFAULT],
                                                               "interval_s": 0.0, "usage": None}


def _chunk(model, content=None, finish=None, usage=None):
    choice = {"index": 0, "delta": {} if content is None else {"content": content}, "finish_reason": finish}
    body = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
            "choices": [choice]}
    if usage:
        body["usage"] = usage
    return f"data: {json.dumps(body)}\n\n".encode()


def _handler_for(fake):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _json(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _send_chunk(self, data: bytes):
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return self._json(400, {"error": {"message": "body is not JSON", "type": "invalid_request_error"}})
            with fake._lock:
                fake.requests.append((dict(self.headers), body))
            if self.path.rstrip("/") != "/v1/chat/completions":
                return self._json(404, {"error": {"message": "no such route", "type": "invalid_request_error"}})
            if fake.api_key and self.headers.get("Authorization") != f"Bearer {fake.api_key}":
                return self._json(401, {"error": {"message": "Incorrect API key provided",
                                                  "type": "invalid_request_error", "code": "invalid_api_key"}})
            script = fake._next()
            if script["kind"] == "status":
                return self._json(script["status"], {"error": {"message": script["message"], "type": "server_error"}})
            if script["kind"] == "stall":
                time.sleep(script["seconds"])
                self.close_connection = True
                return
            model = body.get("model", "fake-model")
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                if script["kind"] == "malformed":
                    self._send_chunk(b"data: {\"choices\": [{\"delta\": {\"content\": \"Hi\"\n\n")
                    self._send_chunk(b"data: [DONE]\n\n")
                    self._send_chunk(b"")
                    return
                for number, piece in enumerate(script["pieces"]):
                    if number == script.get("pause_after"):
                        time.sleep(script["pause_s"])
                    self._send_chunk(_chunk(model, piece))
                    if script["interval_s"]:
                        time.sleep(script["interval_s"])
                if script["kind"] == "drop":  # the connection breaks without the last chunk
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self._send_chunk(_chunk(model, finish="stop", usage=script.get("usage")))
                self._send_chunk(b"data: [DONE]\n\n")
                self._send_chunk(b"")
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    return Handler
