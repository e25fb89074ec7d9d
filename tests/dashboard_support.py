"""The dashboard's test kit: a fake Discord with an OAuth2 application, the app pointed at it, a clock
tests move, and a login that goes through the fake's authorize page exactly as a browser does.

    from tests.dashboard_support import dash_discord, dash_app, clock, log_in   # noqa: F401 (fixtures)

    def test_x(dash_app, dash_discord):
        client = dash_app.test_client()
        log_in(client, dash_discord, OWNER)
"""
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from sandbox.discord import FakeDiscord
from tests.interactions import BOT_ID

CLIENT_ID, CLIENT_SECRET = "100000000000000001", "dashboard-test-secret"
BOT_TOKEN = "test-bot-token"
GUILD, OTHER_GUILD = "810000000000000001", "811000000000000001"
OWNER, MANAGER, MEMBER, READER, WRITER, OUTSIDER = (
    "830000000000000003", "831000000000000003", "850000000000000005", "851000000000000005",
    "852000000000000005", "860000000000000006")
MANAGER_ROLE, READ_ROLE, WRITE_ROLE = "870000000000000001", "870000000000000002", "870000000000000003"
BOT_ROLE = "870000000000000009"
MANAGE_GUILD, ADMINISTRATOR = 1 << 5, 1 << 3


class MovableClock:
    def __init__(self, start=None):
        self.now = start or datetime.now(timezone.utc).replace(microsecond=0)

    def __call__(self):
        return self.now

    def advance(self, seconds: float):
        self.now += timedelta(seconds=seconds)


def seed_guilds(fake):
    """A guild with an owner, a manager (by role), a plain member, a reader and a writer role; another guild."""
    fake.forget_guilds()
    fake.add_guild(GUILD, OWNER, name="Test Guild", roles=[
        {"id": BOT_ROLE, "name": "StatusSync", "position": 4, "permissions": str(ADMINISTRATOR), "managed": True},
        {"id": MANAGER_ROLE, "name": "Mods", "position": 3, "permissions": str(MANAGE_GUILD)},
        {"id": READ_ROLE, "name": "Readers", "position": 2, "permissions": "0"},
        {"id": WRITE_ROLE, "name": "Editors", "position": 1, "permissions": "0"}])
    fake.add_member(GUILD, fake.application_id, roles=[BOT_ROLE], bot=True)
    fake.add_member(GUILD, MANAGER, roles=[MANAGER_ROLE], username="manager")
    fake.add_member(GUILD, MEMBER, username="member")
    fake.add_member(GUILD, READER, roles=[READ_ROLE], username="reader")
    fake.add_member(GUILD, WRITER, roles=[WRITE_ROLE], username="writer")
    fake.add_guild(OTHER_GUILD, OUTSIDER, name="Other Guild")
    fake.add_user(OWNER, username="owner")


@pytest.fixture(scope="module")
def dash_discord():
    fake = FakeDiscord(application_id=BOT_ID, bot_token=BOT_TOKEN, client_id=CLIENT_ID,
                       client_secret=CLIENT_SECRET).start()
    yield fake
    fake.stop()


@pytest.fixture
def clock():
    return MovableClock()


@pytest.fixture
def dash_settings(clean_db, dash_discord, signing_key, clock):
    from app.dashboard_data import discord_view
    discord_view._cache.clear()  # one fake per module, one cache per process: each test starts cold
    seed_guilds(dash_discord)
    return {
        "DATABASE_URL": clean_db, "DISCORD_APPLICATION_ID": BOT_ID,
        "DISCORD_PUBLIC_KEY": signing_key.verify_key.encode().hex(), "DISCORD_BOT_TOKEN": BOT_TOKEN,
        "DISCORD_API_BASE": dash_discord.base_url, "DISCORD_CDN_BASE": dash_discord.cdn_url,
        "DISCORD_WEB_BASE": dash_discord.web_url, "DISCORD_CLIENT_ID": CLIENT_ID,
        "DISCORD_CLIENT_SECRET": CLIENT_SECRET, "SECRET_KEY": "dashboard-test-secret-key",
        "PUBLIC_URL": "http://localhost", "CLOCK": clock,
    }


@pytest.fixture
def dash_app(dash_settings):
    from app import create_app
    return create_app(dash_settings)


def authorize(fake, authorize_url: str, user_id: str, decision="authorize") -> str:
    """What the fake's authorize page does when `user_id` clicks a button: the Location it redirects to."""
    page = requests.get(authorize_url, timeout=5)
    assert page.status_code == 200 and "Authorize" in page.text and "Cancel" in page.text, page.text[:300]
    form = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    answer = requests.post(fake.web_url + "/oauth2/authorize", data={**form, "user_id": user_id,
                                                                     "decision": decision},
                           allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text[:300]
    return answer.headers["Location"]


def log_in(client, fake, user_id: str, next_path=None):
    """The whole login: /login → the fake's authorize page → Authorize → /callback. Returns the CSRF token."""
    start = client.get("/dashboard/auth/login" + (f"?next={next_path}" if next_path else ""))
    assert start.status_code == 302, start.get_data(as_text=True)
    back = urlsplit(authorize(fake, start.headers["Location"], user_id))
    finished = client.get(back.path + "?" + back.query)
    assert finished.status_code == 302, finished.get_data(as_text=True)
    me = client.get("/dashboard/auth/user")
    assert me.status_code == 200, me.get_data(as_text=True)
    return me.get_json()["csrf_token"]


# ------------------------------------------------------------------ the API, checked against its OpenAPI

def _spec():
    from dashboard.openapi import description
    return description()


def route_template(rule: str) -> str:
    import re
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def response_schema(spec, template: str, method: str, status: int):
    operation = spec["paths"][template][method.lower()]
    answer = operation["responses"].get(str(status))
    assert answer is not None, f"{method} {template} answered {status}, which its OpenAPI doesn't list"
    return answer["content"]["application/json"]["schema"]


def validate_answer(app, method: str, path: str, response):
    """The answer matches what the OpenAPI says this route answers with this status."""
    import jsonschema
    from referencing import Registry, Resource
    adapter = app.url_map.bind("localhost")
    endpoint_rule = adapter.match(path.split("?")[0], method=method, return_rule=True)[0]
    spec = _spec()
    schema = response_schema(spec, route_template(endpoint_rule.rule), method, response.status_code)
    root = Resource.from_contents({**spec, "$schema": "https://json-schema.org/draft/2020-12/schema"})
    registry = Registry().with_resource("urn:openapi", root)
    validator = jsonschema.Draft202012Validator({"$ref": "urn:openapi#" + schema["$ref"][1:]} if "$ref" in schema
                                                else schema, registry=registry)
    body = response.get_json()
    errors = sorted(validator.iter_errors(body), key=str)
    assert not errors, f"{method} {path} {response.status_code}: {errors[0].message} in {body!r:.500}"
    return body


class Api:
    """The dashboard API as the page calls it (session cookie, X-CSRF-Token), every answer checked
    against the OpenAPI description."""

    def __init__(self, app, client=None, csrf=None):
        self.app, self.client, self.csrf = app, client or app.test_client(), csrf

    def call(self, method, path, body=None, guild=GUILD, csrf=True, **query):
        if guild is not None:
            query = {"guild_id": guild, **query}
        headers = {"X-CSRF-Token": self.csrf} if csrf and self.csrf and method != "GET" else {}
        response = self.client.open(path, method=method, query_string=query, json=body, headers=headers)
        assert response.is_json, f"{method} {path}: {response.status_code} {response.get_data(as_text=True)[:200]}"
        validate_answer(self.app, method, path, response)
        return response

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body if body is not None else {}, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)


def api_as(app, fake, user_id) -> Api:
    client = app.test_client()
    return Api(app, client, log_in(client, fake, user_id))


@pytest.fixture
def owner(dash_app, dash_discord):
    """The API as the guild's owner, logged in."""
    return api_as(dash_app, dash_discord, OWNER)


@pytest.fixture
def runtime(dash_app):
    return dash_app.extensions["statussync"]


def grant_read_access(page, base_url):
    """In the browser, as a manager: give the Readers role read-only access on the Access tab and save it."""
    page.goto(base_url + f"/dashboard/#/guild/{GUILD}/access")
    page.wait_for_selector("#access-table")
    page.locator("#access-role").select_option(READ_ROLE)
    page.locator("#access-level").select_option("read")
    page.get_by_role("button", name="Add role").click()
    page.get_by_role("button", name="Save access").click()
    page.wait_for_selector("text=Saved.")


def log_in_browser(page, site, user_id):
    """Log in as a browser does: the login button, Discord's authorize page, Authorize, back to the picker."""
    site.fake.sign_in_web(user_id)
    page.goto(site.url + "/dashboard/")
    page.get_by_role("link", name="Log in with Discord").click()
    page.wait_for_url(site.fake.web_url + "/oauth2/authorize*")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(site.url + "/dashboard/")
    page.wait_for_selector("#guild-list, #no-guilds")
