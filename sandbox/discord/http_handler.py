"""The HTTP side: reads a request off the socket, records it, dispatches it, writes the answer."""
import json
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

from requests.structures import CaseInsensitiveDict

from sandbox.discord.dispatch import dispatch
from sandbox.discord.request_body import Recorded, read_body
from sandbox.discord.route_table import WEB_PATHS

API_PREFIX = "/api/v10"
CDN_PREFIX = "/cdn"


def handler_for(fake):
    class DiscordHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes; don't wait for a delayed ACK

        def log_message(self, *args):
            pass

        def do_GET(self):
            self._serve()

        do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

        def _serve(self):
            url = urlsplit(self.path)
            body = self._read_raw_body()
            path = url.path[len(API_PREFIX):] if url.path.startswith(API_PREFIX + "/") else url.path
            request = Recorded(self.command, path, dict(parse_qsl(url.query, keep_blank_values=True)),
                               CaseInsensitiveDict(self.headers.items()), None, [], body)
            try:
                read_body(request, self.headers.get("Content-Type", ""))
                parsed = True
            except (ValueError, UnicodeDecodeError):
                parsed = False
            request.arrived = time.monotonic()
            with fake._lock:
                fake.requests.append(request)
            if not parsed:
                status, payload, headers = 400, {"message": "The request body contains invalid JSON.", "code": 50109}, {}
            elif path == url.path and not path.startswith(CDN_PREFIX + "/") and path not in WEB_PATHS:
                status, payload, headers = 404, {"message": "404: Not Found", "code": 0}, {}
            else:
                status, payload, headers = self._limited_or_dispatched(request)
            request.status = status
            self._respond(status, payload, headers)

        def _limited_or_dispatched(self, request):
            """A 429 of the fake's rate limits (nothing done), else the route's answer (late, if slow)."""
            limit_headers = {}
            if not request.path.startswith(CDN_PREFIX + "/") and request.path not in WEB_PATHS:
                limited, limit_headers = fake.limits.admit(request.method, request.path)
                if limited is not None:
                    return limited
            status, payload, headers = dispatch(fake, request)
            if str(headers.get("X-RateLimit-Global", "")).lower() == "true":
                fake.limits.start_global(float(payload["retry_after"]))
                limit_headers = {}  # a global 429 carries no route headers
            delay = fake._take_slow(request.method, request.path)
            if delay:
                time.sleep(delay)
            return status, payload, {**limit_headers, **headers}

        def _read_raw_body(self):
            if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()  # the CRLF after each chunk
                if size == 0:
                    return b"".join(chunks)

        def _respond(self, status, payload, headers):
            if isinstance(payload, bytes):
                data = payload
            elif payload is None or status == 204:
                data = b""
            else:
                data = json.dumps(payload).encode()
                headers.setdefault("Content-Type", "application/json")
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, str(value))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up waiting (a slow route): as Discord would

    return DiscordHandler
