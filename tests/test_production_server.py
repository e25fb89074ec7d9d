"""The server outside Lambda, started the way the Procfile says (`web:` — gunicorn with gunicorn.conf.py) as
a real process on a free loopback port, against an empty database of its own: it migrates before serving,
answers /health and really signed interactions from both workers, logs no token, signature or query
string, and stops cleanly on SIGTERM, as Heroku, Railway and systemd stop it."""
import json
import os
import runpy
import shlex
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg2
import pytest
import requests

from tests import interactions as ix
from tests.conftest import BOT_TOKEN, SERVER_URL, _with_database
from tests.lambda_events import ping

ROOT = Path(__file__).resolve().parents[1]


def procfile() -> dict:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def empty_database():
    name = f"statussync_procfile_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(SERVER_URL, connect_timeout=5)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    yield _with_database(SERVER_URL, name)
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def web(empty_database, fake_discord, signing_key, tmp_path):
    """The Procfile's web process; yields (base URL, process, log file)."""
    port = free_port()
    command = shlex.split(procfile()["web"])
    command[0] = str(Path(sys.executable).parent / command[0])  # the venv's gunicorn, as the platform's PATH has it
    env = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}/usr/bin:/bin", "HOME": str(tmp_path),
           "PORT": str(port), "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{port}",  # loopback only, in a test
           "DATABASE_URL": empty_database, "DISCORD_APPLICATION_ID": ix.BOT_ID,
           "DISCORD_PUBLIC_KEY": signing_key.verify_key.encode().hex(), "DISCORD_BOT_TOKEN": BOT_TOKEN,
           "DISCORD_API_BASE": fake_discord.base_url, "DISCORD_CDN_BASE": fake_discord.cdn_url,
           "SECRET_KEY": "procfile-secret-key"}
    log = tmp_path / "web.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()[-3000:]
            try:
                requests.get(base + "/", timeout=1)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "gunicorn did not listen within 30 s\n" + log.read_text()[-3000:]
                time.sleep(0.1)
        yield base, process, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def signed_post(base, signing_key, interaction, *, forge=False):
    body = json.dumps(interaction).encode()
    timestamp = str(int(time.time()))
    signature = signing_key.sign(timestamp.encode() + body).signature.hex()
    if forge:
        signature = ("0" if signature[0] != "0" else "1") + signature[1:]
    return requests.post(base + "/interactions", data=body, timeout=5, headers={
        "Content-Type": "application/json", "X-Signature-Ed25519": signature, "X-Signature-Timestamp": timestamp})


def test_the_procfile_web_process_migrates_then_answers_health_and_signed_interactions(web, signing_key):
    base, process, log = web
    health = requests.get(base + "/health", timeout=5)
    assert health.status_code == 200, health.text
    assert health.json()["migrations"] == "current"  # the database was empty: on_starting migrated it

    for _ in range(6):  # several connections, so both workers answer some
        pong = signed_post(base, signing_key, ping())
        assert pong.status_code == 200 and pong.json() == {"type": 1}
    assert signed_post(base, signing_key, ping(), forge=True).status_code == 401

    interaction = ix.command("config", [ix.sub("view")], permissions=ix.MANAGE_GUILD)
    view = signed_post(base, signing_key, interaction)
    assert view.status_code == 200 and view.json()["type"] == 4, view.text
    assert any(f["name"] == "Mod log" for f in view.json()["data"]["embeds"][0]["fields"])
    assert requests.get(base + "/health?code=oauth-code-secret", timeout=5).status_code == 200

    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 0
    assert time.monotonic() - started < 26  # graceful_timeout: nothing was left running
    text = log.read_text()
    assert "migration(s) applied" in text and text.count("Booting worker") == 2
    assert '"POST /interactions" 200' in text and '"GET /health" 200' in text
    for secret in (interaction["token"], "oauth-code-secret", "procfile-secret-key", BOT_TOKEN):
        assert secret not in text
    assert "X-Signature" not in text and "Traceback" not in text


def unit(name) -> dict:
    text = (ROOT / "deploy" / "systemd" / name).read_text()
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#"))


def clock_grace() -> int:
    from deploy import clock
    return clock.STOP_GRACE_S


def test_the_systemd_units_run_what_the_procfile_runs():
    processes = procfile()
    web, clock = unit("statussync-web.service"), unit("statussync-clock.service")
    web_command = shlex.split(web["ExecStart"])
    assert Path(web_command[0]).name == "gunicorn"
    assert web_command[1:] == shlex.split(processes["web"])[1:3] + ["--bind", "127.0.0.1:8000"] + \
        shlex.split(processes["web"])[3:]  # the Procfile's config and app, bound behind the reverse proxy
    assert shlex.split(clock["ExecStart"])[1:] == shlex.split(processes["clock"])[1:]
    for service in (web, clock):
        assert service["KillMode"] == "mixed"  # TERM to the main process only: it stops its children gracefully
        assert service["WorkingDirectory"] == "/srv/statussync"
        assert service["EnvironmentFile"] == "/etc/statussync/env"
        assert Path(shlex.split(service["ExecStart"])[0]).parent.as_posix() in service["Environment"]
    graceful = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["graceful_timeout"]
    assert int(web["TimeoutStopSec"]) > graceful and int(clock["TimeoutStopSec"]) > clock_grace()
    assert "/etc/statussync/env" in (ROOT / "deploy" / "env.example").read_text()
