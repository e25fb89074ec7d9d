"""The processes a load run needs: the fake Discord, and the app served by waitress or gunicorn."""
import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import requests

from bench._common import ROOT

FAKE_DISCORD = r'''
import json, sys
sys.path.insert(0, sys.argv[1])
from bench.load.mix import BOT_ROLE, MOD_ROLE, MODLOG, TARGETS
from tests import interactions as ix
from sandbox.discord import FakeDiscord
fake = FakeDiscord(application_id=ix.BOT_ID, bot_token="bench-token").start()
for method in ("GET", "POST", "PATCH", "PUT", "DELETE"):  # rate limits are not what this bench measures
    fake.route_limit(method, ".*", 10 ** 6, 1.0)
fake.add_guild(ix.GUILD_ID, ix.OWNER_ID, roles=[{"id": MOD_ROLE, "name": "mod", "position": 5},
                                               {"id": BOT_ROLE, "name": "bot", "position": 20}])
fake.add_member(ix.GUILD_ID, ix.BOT_ID, roles=[BOT_ROLE], bot=True)
fake.add_member(ix.GUILD_ID, ix.MOD_ID, roles=[MOD_ROLE])
for target in TARGETS:
    fake.add_member(ix.GUILD_ID, target)
fake.add_channel(ix.GUILD_ID, MODLOG, name="mod-log")
fake.add_channel(ix.GUILD_ID, ix.CHANNEL_ID, name="general")
print(json.dumps({"base_url": fake.base_url, "cdn_url": fake.cdn_url}), flush=True)
for line in sys.stdin:
    with fake._lock:
        count = len(fake.requests)
        fake.requests.clear()  # a long run would otherwise keep every request in memory
    print(json.dumps({"requests": count}), flush=True)
fake.stop()
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeDiscordProcess:
    def __init__(self):
        self.process = subprocess.Popen([sys.executable, "-c", FAKE_DISCORD, str(ROOT)], cwd=ROOT, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        urls = json.loads(self.process.stdout.readline())
        self.base_url, self.cdn_url = urls["base_url"], urls["cdn_url"]

    def requests_since_last(self) -> int:
        self.process.stdin.write("count\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())["requests"]

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


def server_command(server: str, port: int) -> tuple:
    """(argv, extra environment) of `waitress` (python -m app serve) or `gunicorn:N` (N workers)."""
    if server == "waitress":
        return [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)], {}
    name, _, workers = server.partition(":")
    if name != "gunicorn":
        raise SystemExit(f"unknown server {server!r}: waitress or gunicorn:N")
    return ([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app.wsgi:app"],
            {"WEB_CONCURRENCY": workers or "2", "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{port} --access-logfile /dev/null"})


@contextmanager
def app_server(server: str, settings: dict):
    """The app served on a free loopback port, in its own process; yields its base URL once /health is 200."""
    port = free_port()
    argv, extra = server_command(server, port)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"),
           "PORT": str(port), **settings, **extra}
    log = open(ROOT / ".test-output" / f"load-{server.replace(':', '-')}.log", "w")
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"{server} exited ({process.returncode}); see {log.name}")
            try:
                if requests.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{server} did not become healthy in 60 s; see {log.name}")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
