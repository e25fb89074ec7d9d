"""A fake AWS Lambda Invoke API on loopback, and Zappa's Lambda-side delivery of what it recorded.

`FakeLambda` answers POST /2015-03-31/functions/{name}/invocations for "Event" invocations (202) and
records them; `on_lambda(monkeypatch, settings, tmp_path, fake)` makes this process look like our Lambda
function (boto3 pointed at the fake, app settings in the environment); `deliver(event)` hands a recorded
event to Zappa's own router the way Lambda would.
"""
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FUNCTION_NAME = "statussync-production"
APP_SETTINGS = ("DATABASE_URL", "DISCORD_APPLICATION_ID", "DISCORD_PUBLIC_KEY", "DISCORD_BOT_TOKEN",
                "DISCORD_API_BASE", "DISCORD_CDN_BASE", "SECRET_KEY")


class FakeLambda:
    """POST /2015-03-31/functions/{name}/invocations: "Event" invocations are recorded and answered 202."""

    def __init__(self):
        self.invocations = []
        self.delay = 0.0  # seconds before answering (after recording): a slow Lambda API
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                found = re.fullmatch(r"/2015-03-31/functions/([^/]+)/invocations", self.path)
                if found is None or self.headers.get("X-Amz-Invocation-Type") != "Event":
                    self._answer(400, b'{"message": "only asynchronous invocations here"}')
                    return
                fake.invocations.append({"function": found.group(1), "payload": json.loads(body),
                                         "signed": self.headers.get("Authorization", "").startswith("AWS4-")})
                time.sleep(fake.delay)
                self._answer(202, b"")

            def _answer(self, status, body):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def on_lambda(monkeypatch, settings, tmp_path, fake, **extra) -> None:
    """This process looks like our Lambda function: AWS settings point boto3 at the fake, app settings
    are in the environment (where the Lambda side reads them); `extra` adds settings."""
    environment = {
        "AWS_LAMBDA_FUNCTION_NAME": FUNCTION_NAME, "AWS_ENDPOINT_URL_LAMBDA": fake.url,
        "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "test-secret", "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials"), "AWS_EC2_METADATA_DISABLED": "true",
        **{key: settings[key] for key in APP_SETTINGS}, **extra,
    }
    for key, value in environment.items():
        monkeypatch.setenv(key, value)


def deliver(event: dict):
    """What Zappa's Lambda handler does with an event that has a "command" (zappa/handler.py)."""
    from zappa.handler import LambdaHandler
    router = LambdaHandler.import_module_and_get_function(event["command"])
    return LambdaHandler.run_function(router, json.loads(json.dumps(event)), None)
