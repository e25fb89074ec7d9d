"""The Lambda package as shipped: `zappa package production` builds the zip (once per run, offline, no AWS
account), the zip is unpacked, and a fresh interpreter that sees only the zip, Lambda's own boto3/botocore
and the standard library hands its entry point function-URL and API Gateway events carrying really signed
interactions, and each scheduled job's event, against the test database and the fake Discord.
"""
import base64
import json
import os
import re
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from tests import interactions as ix
from sandbox.discord import FakeDiscord
from tests.lambda_events import function_url_event, ping, rest_api_event, scheduled_event, signed_headers
from tests.lambda_package import (FUNCTION_NAME, LAMBDA_PROVIDES, ROOT, STAGE, TARGET_BYTES, build, build_venv,
                                  installed_distributions, runtime_closure, scheduled_functions, stage_settings,
                                  venv_site_packages)

NEVER_PACKAGED = LAMBDA_PROVIDES + (
    "pgserver", "pgserver.libs", "pytest", "_pytest", "pluggy", "jsonschema", "referencing", "rpds",
    "troposphere", "cfn_flip", "pygments", "yaml", "setuptools", "pkg_resources", "pip", "wheel", "tqdm",
    "hjson", "toml", "argcomplete", "placebo", "playwright", "hypothesis", "schemathesis", "anyio", "graphql",
    "harfile", "hypothesis_graphql", "jsonschema_rs", "markdown_it", "mdurl", "pyrate_limiter", "rich",
    "docs", "tests", "sandbox", "bench", ".ci", ".git", ".venv", "README.md", "zappa_settings.json")
PROJECT_ENTRIES = {"app", "commands", "dashboard", "sql", "fonts", "lambda_entry.py", "handler.py", "zappa_settings.py",
                   "package_info.json", "__init__.py"}  # the last three are Zappa's
SCAN_GUILD = "810000000000000777"


def test_both_stages_answer_on_a_function_url_with_quiet_logs_and_no_secrets():
    from app import config
    for stage in ("dev", "production"):
        settings = stage_settings(stage)
        assert settings["function_url_enabled"] is True and settings["apigateway_enabled"] is False
        assert settings["binary_support"] is True  # the raw body reaches the signature check
        assert settings["log_level"] in ("INFO", "WARNING", "ERROR") and settings["debug"] is False
        assert settings["slim_handler"] is False
        in_file = {**settings.get("environment_variables", {}), **settings.get("aws_environment_variables", {})}
        assert not set(in_file) & (set(config.SECRETS) | set(config.DISCORD_REQUIRED))
    assert json.loads((ROOT / "zappa_settings.json").read_text())["production"]["extends"] == "dev"


def test_every_job_is_scheduled_and_every_schedule_names_a_job():
    from app import lambda_jobs
    from app.jobs import load_jobs
    scheduled = scheduled_functions()
    assert sorted(scheduled) == sorted(f"app.lambda_jobs.{name}" for name in load_jobs())
    for function in scheduled:
        assert callable(getattr(lambda_jobs, function.rsplit(".", 1)[1]))


# ------------------------------------------------------------------ building and unpacking the zip once

@pytest.fixture(scope="session")
def lambda_zip(tmp_path_factory) -> Path:
    if build_venv() is None:
        pytest.fail("zappa packages a virtualenv: run the tests with ./run test (it sets up .venv)")
    output = tmp_path_factory.mktemp("lambda-zip") / f"{FUNCTION_NAME}.zip"
    built = build(STAGE, output, tmp_path_factory.mktemp("no-aws-config"))
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    return output


@pytest.fixture(scope="session")
def unpacked(lambda_zip, tmp_path_factory) -> Path:
    """/var/task: the zip's contents."""
    task_root = tmp_path_factory.mktemp("var-task")
    with zipfile.ZipFile(lambda_zip) as archive:
        archive.extractall(task_root)
    return task_root


@pytest.fixture(scope="session")
def lambda_runtime_path(tmp_path_factory) -> Path:
    """What Lambda's python3.11 image puts on sys.path after /var/task: boto3, botocore and their
    dependencies (here: links into the venv), and nothing else."""
    runtime = tmp_path_factory.mktemp("lambda-runtime")
    for name in LAMBDA_PROVIDES:
        (runtime / name).symlink_to(venv_site_packages() / name)
    return runtime


def zip_names(lambda_zip) -> list:
    with zipfile.ZipFile(lambda_zip) as archive:
        return archive.namelist()


def test_the_zip_holds_the_handler_the_app_and_its_data_and_is_under_the_target(lambda_zip):
    names = set(zip_names(lambda_zip))
    tops = {name.split("/")[0] for name in names}
    for required in ("handler.py", "lambda_entry.py", "zappa_settings.py", "app/wsgi.py", "app/lambda_jobs.py",
                     "commands/__init__.py", "flask/__init__.py", "nacl/__init__.py", "psycopg2/__init__.py"):
        assert required in names, required
    project = [path.relative_to(ROOT).as_posix() for folder in ("app", "commands", "dashboard", "sql", "fonts")
               for path in (ROOT / folder).rglob("*") if path.is_file() and "__pycache__" not in path.parts
               and path.suffix != ".pyc"]
    assert [path for path in project if path not in names and not path.endswith(".md")] == []
    assert any(name.endswith(".ttf") for name in names if name.startswith("fonts/"))
    assert any(name.startswith("sql/migrations/") for name in names)
    assert sorted(tops & set(NEVER_PACKAGED)) == []
    assert lambda_zip.stat().st_size <= TARGET_BYTES, f"{lambda_zip.stat().st_size / 1e6:.1f} MB"


def test_packaged_libraries_are_whole(lambda_zip):
    """An exclude pattern must strip only what it names: every library that is packaged at all is
    packaged file for file (the `docs` pattern once took botocore/docs and the handler died on import)."""
    names = set(zip_names(lambda_zip))
    site_packages = venv_site_packages()
    tops = {name.split("/")[0] for name in names if "/" in name}
    missing = {}
    for top in sorted(tops):
        library = site_packages / top
        if not library.is_dir() or top in ("app", "commands", "sql", "fonts"):
            continue
        files = [path.relative_to(site_packages).as_posix() for path in library.rglob("*")
                 if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"]
        lost = [path for path in files if path not in names]
        if lost:
            missing[top] = lost[:5]
    assert missing == {}
    assert len([top for top in tops if (site_packages / top).is_dir()]) >= 15  # the check saw the libraries


def test_only_what_requirements_txt_pulls_in_is_packaged(lambda_zip):
    """A tool installed into the venv on the side (a linter, a profiler) must not ride along to Lambda."""
    distributions = installed_distributions(venv_site_packages())
    needed = runtime_closure(distributions)
    owner = {top: name for name, (_, tops) in distributions.items() for top in tops}
    packaged = {name.split("/")[0] for name in zip_names(lambda_zip)} - PROJECT_ENTRIES
    assert sorted(top for top in packaged if owner.get(top) not in needed) == []
    assert {"flask", "pynacl", "psycopg2-binary", "zappa", "werkzeug"} <= needed


def test_the_packaged_zappa_settings_log_at_info_without_events_or_tracebacks(unpacked):
    generated = (unpacked / "zappa_settings.py").read_text()
    assert "LOG_LEVEL='INFO'" in generated and "DEBUG=False" in generated and "BINARY_SUPPORT=True" in generated
    assert "ENVIRONMENT_VARIABLES={'AWS_REGION': 'us-east-1'}" in generated  # no settings, no secrets


# ------------------------------------------------------------------ Lambda's events, really signed

@pytest.fixture(scope="module")
def lambda_discord():
    """A fake Discord of this module's own: the guild it adds is seen by no other test's scan."""
    from tests.conftest import BOT_TOKEN
    fake = FakeDiscord(application_id=ix.BOT_ID, bot_token=BOT_TOKEN).start()
    fake.add_guild(SCAN_GUILD, ix.OWNER_ID)
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def on_lambda(unpacked, lambda_runtime_path, database_url, lambda_discord, signing_key, tmp_path_factory):
    """Every invocation, in order, in one fresh interpreter (one container: a cold start, then warm)."""
    from tests.conftest import BOT_TOKEN
    forger = type(signing_key).generate()
    interactions, events = [], []

    def signed(name, make_event, interaction, *, encode=False, key=signing_key, tamper=False):
        body = json.dumps(interaction).encode()
        headers = signed_headers(key, body)
        interactions.append((interaction, headers))
        events.append({"name": name, "event": make_event(body + b" " if tamper else body, headers, encode=encode)})

    config_view = lambda: ix.command("config", [ix.sub("view")], permissions=ix.MANAGE_GUILD)  # noqa: E731
    signed("url ping", function_url_event, ping())
    signed("url ping base64", function_url_event, ping(), encode=True)
    signed("rest ping", rest_api_event, ping())
    signed("rest ping base64", rest_api_event, ping(), encode=True)
    signed("url config view", function_url_event, config_view())
    signed("rest config view base64", rest_api_event, config_view(), encode=True)
    signed("url forged", function_url_event, config_view(), key=forger)
    signed("rest tampered base64", rest_api_event, config_view(), encode=True, tamper=True)
    some_headers = signed_headers(signing_key, json.dumps(ping()).encode())
    events += [
        {"name": "url no body", "event": function_url_event(None, some_headers)},
        {"name": "rest no body", "event": rest_api_event(None, some_headers)},
        {"name": "url bad base64", "event": {**function_url_event(b"{}", some_headers), "isBase64Encoded": True,
                                             "body": "eyJ0eXBlIjogMX0=!not*base64"}},
        {"name": "rest bad base64", "event": {**rest_api_event(b"{}", some_headers), "isBase64Encoded": True,
                                              "body": "abc"}},
        {"name": "url health", "event": function_url_event(None, {}, method="GET", path="/")},
    ]
    events += [{"name": function, "event": scheduled_event(function)} for function in scheduled_functions()]
    events.append({"name": "imgsay card", "call": "app.social.cards.render_imgsay", "args": ["Game night!", "default"]})

    work = tmp_path_factory.mktemp("invocations")
    (work / "invocations.json").write_text(json.dumps({"entry": stage_settings(STAGE)["lambda_handler"],
                                                      "events": events}))
    settings = {
        "DATABASE_URL": database_url, "DISCORD_APPLICATION_ID": ix.BOT_ID,
        "DISCORD_PUBLIC_KEY": signing_key.verify_key.encode().hex(), "DISCORD_BOT_TOKEN": BOT_TOKEN,
        "DISCORD_API_BASE": lambda_discord.base_url, "DISCORD_CDN_BASE": lambda_discord.cdn_url,
        "SECRET_KEY": "lambda-test-secret-key"}
    environment = {
        **settings, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "TZ": "UTC",
        "AWS_LAMBDA_FUNCTION_NAME": FUNCTION_NAME, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1", "LAMBDA_TASK_ROOT": str(unpacked),
        "AWS_ACCESS_KEY_ID": "AKIDLAMBDATEST", "AWS_SECRET_ACCESS_KEY": "lambda-role-secret",
        "AWS_SESSION_TOKEN": "lambda-role-session", "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # any AWS call stays on this machine (and fails)
        "PYTHONDONTWRITEBYTECODE": "1",  # /var/task is read-only on Lambda
    }
    started = time.perf_counter()
    ran = subprocess.run([str(build_venv() / "bin" / "python"), "-I", "-S", str(ROOT / "tests" / "lambda_runtime.py"),
                          str(unpacked), str(lambda_runtime_path), str(work / "invocations.json"),
                          str(work / "results.json")],
                         cwd=unpacked, env=environment, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    report = json.loads((work / "results.json").read_text())
    report.update(logs=ran.stdout + ran.stderr, seconds=time.perf_counter() - started, settings=settings,
                  interactions=interactions, runtime_path=str(lambda_runtime_path), task_root=str(unpacked),
                  by_name={result["name"]: result for result in report["results"]})
    return report


def answer(on_lambda, name) -> dict:
    result = on_lambda["by_name"][name]
    assert "lambda_error" not in result, result.get("traceback")
    return result["response"]


def body_of(response) -> dict:
    body = response.get("body") or ""
    return json.loads(base64.b64decode(body) if response.get("isBase64Encoded") else body)


def test_nothing_raises_out_of_the_handler(on_lambda):
    errors = {result["name"]: result["lambda_error"] for result in on_lambda["results"] if "lambda_error" in result}
    assert errors == {}


def test_a_signed_ping_gets_pong_through_a_function_url_and_api_gateway(on_lambda):
    for name in ("url ping", "url ping base64", "rest ping", "rest ping base64"):
        response = answer(on_lambda, name)
        assert response["statusCode"] == 200, (name, response)
        assert body_of(response) == {"type": 1}, name
        assert response["headers"]["Content-Type"] == "application/json"


def test_config_view_answers_with_the_guild_settings_from_the_database(on_lambda):
    for name in ("url config view", "rest config view base64"):
        response = answer(on_lambda, name)
        assert response["statusCode"] == 200, (name, response)
        payload = body_of(response)
        assert payload["type"] == 4 and payload["data"]["flags"] == 64
        fields = {field["name"]: field["value"] for field in payload["data"]["embeds"][0]["fields"]}
        assert "not set" in fields["Mod log"]


def test_a_forged_or_tampered_signature_is_refused_with_401(on_lambda):
    for name in ("url forged", "rest tampered base64"):
        response = answer(on_lambda, name)
        assert response["statusCode"] == 401, (name, response)
        assert body_of(response) == {"error": "invalid request signature"}


def test_a_missing_body_or_bad_base64_is_a_client_error_not_a_lambda_error(on_lambda):
    for name in ("url no body", "rest no body", "url bad base64", "rest bad base64"):
        response = answer(on_lambda, name)
        assert response["statusCode"] in (400, 401), (name, response)
        assert "error" in body_of(response) and "traceback" not in json.dumps(response)


def test_health_answers_through_the_function_url(on_lambda):
    response = answer(on_lambda, "url health")
    assert response["statusCode"] == 200 and body_of(response)["status"] == "ok"


def test_each_scheduled_job_runs_from_the_package_against_the_database(on_lambda, lambda_discord):
    for function in scheduled_functions():
        summary = answer(on_lambda, function)
        assert isinstance(summary, str) and summary, (function, summary)
    assert re.match(r"scanned \d+ guild\(s\)", answer(on_lambda, "app.lambda_jobs.scan"))
    assert lambda_discord.find("GET", r"/users/@me/guilds")  # the packaged scan listed the bot's guilds


def test_cards_draw_with_the_packaged_pillow_and_fonts(on_lambda):
    """Pillow's compiled core and its bundled libraries load from the zip, and fonts/ is found from app/."""
    card = answer(on_lambda, "imgsay card")
    assert card["head"] == b"\x89PNG\r\n\x1a\n".hex() and card["bytes"] > 1000
    assert any(path.startswith(f"{on_lambda['task_root']}/PIL/_imaging") for path in on_lambda["module_files"])


def test_the_package_runs_on_its_own_files_and_lambdas_boto3_only(on_lambda):
    task_root, runtime_path = on_lambda["task_root"], on_lambda["runtime_path"]
    assert on_lambda["sys_path"][:2] == [task_root, runtime_path]
    assert [path for path in on_lambda["sys_path"] if "site-packages" in path] == []
    foreign = [path for path in on_lambda["module_files"] if "site-packages" in path]
    assert foreign == []
    loaded_from = lambda name: [p for p in on_lambda["module_files"] if f"/{name}/__init__.py" in p]  # noqa: E731
    assert loaded_from("flask") == [f"{task_root}/flask/__init__.py"]
    assert loaded_from("botocore") == [f"{runtime_path}/botocore/__init__.py"]


def test_a_cold_start_answers_http_without_loading_boto3_or_zappa(on_lambda):
    """Lambda's boto3 is there when a job or an asynchronous task needs it; a PING does not wait for it."""
    first = on_lambda["results"][0]
    assert first["name"] == "url ping" and first["response"]["statusCode"] == 200
    assert {"boto3", "botocore", "zappa", "handler"} & set(first["loaded"]) == set()
    assert {"flask", "nacl", "app"} <= set(first["loaded"])
    # nor for the command modules, the database driver, the HTTP client or automod's regex engine (issue 9)
    assert {"commands", "psycopg2", "requests", "re2", "PIL"} & set(first["loaded"]) == set()
    assert {"commands", "psycopg2"} <= set(on_lambda["by_name"]["url config view"]["loaded"])


def test_no_log_line_holds_a_token_a_signature_or_a_secret(on_lambda):
    logs = on_lambda["logs"]
    assert re.search(r'"POST /interactions" 200 \d+ ', logs)  # the request log was captured
    for interaction, headers in on_lambda["interactions"]:
        assert interaction["token"] not in logs
        assert headers["X-SIGNATURE-ED25519"] not in logs
    for key in ("DISCORD_BOT_TOKEN", "SECRET_KEY"):
        assert on_lambda["settings"][key] not in logs
    assert "Zappa Event" not in logs  # Zappa's DEBUG dump of each event
