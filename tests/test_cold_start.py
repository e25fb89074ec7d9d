"""A cold start pays only for what the interaction needs: in a new interpreter, a PING loads no command module,
no feature service and neither psycopg2 nor requests; a command loads the declarations, and a service's
modules load when a handler that uses them runs (issue 9: cold start ≤ 1.25× a bare Flask + PyNaCl app)."""
import json
import subprocess
import sys

from tests import interactions as ix
from tests.lambda_events import signed_headers

CHILD = r'''
import json, sys
sys.path.insert(0, sys.argv[1])
from app import create_app
requests_ = json.loads(sys.stdin.read())
app = create_app(requests_["settings"])
client = app.test_client()
WATCHED = ("commands", "app.automod.engine", "app.automod.rules", "app.moderation.actions", "app.discord.rest",
           "app.social.member_cards", "psycopg2", "requests", "re2", "PIL")
steps = []
for step in requests_["steps"]:
    response = client.post("/interactions", data=step["body"].encode(), headers=step["headers"])
    steps.append({"status": response.status_code, "answer": response.get_json(),
                  "loaded": sorted(m for m in sys.modules if m.startswith(WATCHED))})
print(json.dumps(steps))
'''


def run_fresh(database_url, signing_key, interactions) -> list:
    """Each interaction in turn through a new interpreter's app: [(status, answer, watched modules loaded)]."""
    from tests.lambda_package import ROOT
    steps = []
    for interaction in interactions:
        body = json.dumps(interaction).encode()
        steps.append({"body": body.decode(), "headers": signed_headers(signing_key, body)})
    settings = {"DATABASE_URL": database_url, "DISCORD_APPLICATION_ID": ix.BOT_ID, "DISCORD_BOT_TOKEN": "cold",
                "DISCORD_PUBLIC_KEY": signing_key.verify_key.encode().hex(), "SECRET_KEY": "cold",
                "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10"}
    ran = subprocess.run([sys.executable, "-c", CHILD, str(ROOT)], input=json.dumps({"settings": settings,
                         "steps": steps}), capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert ran.returncode == 0, ran.stderr[-3000:]
    return json.loads(ran.stdout)


def config_view():
    return ix.command("config", [ix.sub("view")], permissions=ix.MANAGE_GUILD)


def test_a_ping_loads_no_command_module_no_service_and_no_database_or_http_client(database_url, signing_key):
    from tests.lambda_events import ping
    [answered] = run_fresh(database_url, signing_key, [ping()])
    assert answered["status"] == 200 and answered["answer"] == {"type": 1}
    assert answered["loaded"] == []


def test_a_command_loads_the_declarations_and_only_the_services_its_handler_uses(database_url, signing_key):
    view, test = run_fresh(database_url, signing_key, [
        config_view(), ix.command("automod", [ix.sub("test", ix.opt("text", "a calm message"))])])
    assert view["status"] == 200 and view["answer"]["data"]["embeds"][0]["title"] == "StatusSync settings"
    assert {"commands.config", "commands.automod", "commands.moderation", "commands.rank", "psycopg2"} <= set(
        view["loaded"])  # every declaration (one command set, so registration and dispatch agree)
    assert not {"app.automod.engine", "app.moderation.actions", "app.discord.rest", "requests", "PIL"} & set(
        view["loaded"])  # but no service that /config view's handler does not call
    assert test["status"] == 200 and "embeds" in test["answer"]["data"]
    assert "app.automod.engine" in test["loaded"]  # loaded when /automod test ran
