"""Logging in to the dashboard with Discord OAuth2 through the fake Discord's authorize page."""
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.dashboard_support import (  # noqa: F401  (fixtures)
    CLIENT_ID, GUILD, MEMBER, OWNER, authorize, clock, dash_app, dash_discord, dash_settings, log_in)


def test_a_login_goes_to_discords_authorize_page_and_back_with_a_session(dash_app, dash_discord):
    client = dash_app.test_client()
    start = client.get("/dashboard/auth/login")
    target = urlsplit(start.headers["Location"])
    assert start.status_code == 302 and f"{target.scheme}://{target.netloc}" == dash_discord.web_url
    asked = parse_qs(target.query)
    assert target.path == "/oauth2/authorize" and asked["client_id"] == [CLIENT_ID]
    assert asked["scope"] == ["identify guilds"] and asked["response_type"] == ["code"] and asked["state"][0]
    assert asked["redirect_uri"] == ["http://localhost/dashboard/auth/callback"]
    back = urlsplit(authorize(dash_discord, start.headers["Location"], OWNER))
    finished = client.get(back.path + "?" + back.query)
    assert finished.status_code == 302 and finished.headers["Location"] == "/dashboard/"
    cookie = finished.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/dashboard" in cookie
    me = client.get("/dashboard/auth/user").get_json()
    assert me["user"]["id"] == OWNER and me["user"]["username"] == "owner" and len(me["csrf_token"]) == 64
    token_exchange = dash_discord.find("POST", "/oauth2/token")
    assert len(token_exchange) == 1 and token_exchange[0].form["grant_type"] == "authorization_code"


def test_the_cookie_carries_no_discord_token(dash_app, dash_discord):
    import base64
    import zlib
    client = dash_app.test_client()
    log_in(client, dash_discord, OWNER)
    [token] = [t for t in dash_discord._oauth_tokens if t.startswith("oauth-")][-1:]
    cookie = client.get_cookie("statussync_session", path="/dashboard").value
    payload = cookie.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    text = (zlib.decompress(raw) if cookie.startswith(".") else raw).decode()
    assert token not in text and "access_token" not in text and "sid" in text


def test_cancel_on_discord_shows_a_page_that_says_so(dash_app, dash_discord):
    client = dash_app.test_client()
    start = client.get("/dashboard/auth/login")
    back = urlsplit(authorize(dash_discord, start.headers["Location"], OWNER, decision="cancel"))
    assert "error=access_denied" in back.query
    answer = client.get(back.path + "?" + back.query)
    assert answer.status_code == 403 and "cancelled the login" in answer.get_data(as_text=True)
    assert client.get("/dashboard/auth/user").status_code == 401


def test_a_forged_state_is_refused(dash_app, dash_discord):
    client = dash_app.test_client()
    start = client.get("/dashboard/auth/login")
    back = urlsplit(authorize(dash_discord, start.headers["Location"], OWNER))
    params = {k: v[0] for k, v in parse_qs(back.query).items()}
    answer = client.get(f"/dashboard/auth/callback?code={params['code']}&state=forged-state")
    assert answer.status_code == 400 and "state" in answer.get_data(as_text=True)
    assert client.get("/dashboard/auth/user").status_code == 401
    assert dash_discord.find("POST", "/oauth2/token") == []  # the code was never exchanged


def test_a_callback_from_another_browser_is_refused(dash_app, dash_discord):
    mine, theirs = dash_app.test_client(), dash_app.test_client()
    start = mine.get("/dashboard/auth/login")
    back = urlsplit(authorize(dash_discord, start.headers["Location"], OWNER))
    assert theirs.get(back.path + "?" + back.query).status_code == 400


def test_next_goes_only_to_a_dashboard_path(dash_app, dash_discord):
    for asked, expected in [("/dashboard/#guild=1", "/dashboard/#guild=1"), ("https://evil.example/", "/dashboard/"),
                            ("//evil.example/dashboard/", "/dashboard/"), ("/dashboard/..//evil", "/dashboard/"),
                            ("/\\evil.example", "/dashboard/")]:
        client = dash_app.test_client()
        start = client.get("/dashboard/auth/login", query_string={"next": asked})
        back = urlsplit(authorize(dash_discord, start.headers["Location"], OWNER))
        assert client.get(back.path + "?" + back.query).headers["Location"] == expected, asked


def test_logout_ends_the_session_on_the_server(dash_app, dash_discord):
    client = dash_app.test_client()
    log_in(client, dash_discord, MEMBER)
    stolen = client.get_cookie("statussync_session", path="/dashboard").value
    assert client.get("/dashboard/auth/logout").status_code == 302
    assert client.get("/dashboard/auth/user").status_code == 401
    replay = dash_app.test_client()
    replay.set_cookie("statussync_session", stolen, path="/dashboard")
    assert replay.get("/dashboard/auth/user").status_code == 401  # the old cookie is worth nothing now


def test_an_expired_session_answers_401(dash_app, dash_discord, clock):
    client = dash_app.test_client()
    log_in(client, dash_discord, OWNER)
    clock.advance(169 * 3600)
    answer = client.get("/dashboard/api/guilds")
    assert answer.status_code == 401 and "expired" in answer.get_json()["error"]


def test_a_tampered_cookie_is_no_session(dash_app, dash_discord):
    client = dash_app.test_client()
    log_in(client, dash_discord, OWNER)
    value = client.get_cookie("statussync_session", path="/dashboard").value
    client.set_cookie("statussync_session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"),
                      path="/dashboard")
    answer = client.get("/dashboard/api/guilds")
    assert answer.status_code == 401 and answer.get_json()["error"]


def test_login_is_off_without_oauth_settings(dash_settings):
    from app import create_app
    app = create_app({**dash_settings, "DISCORD_CLIENT_ID": None, "DISCORD_CLIENT_SECRET": None})
    answer = app.test_client().get("/dashboard/auth/login")
    assert answer.status_code == 503 and "DISCORD_CLIENT_ID" in answer.get_data(as_text=True)


def test_the_guild_list_shows_managed_guilds_with_the_bot(dash_app, dash_discord):
    client = dash_app.test_client()
    log_in(client, dash_discord, OWNER)
    guilds = client.get("/dashboard/api/guilds").get_json()["guilds"]
    assert [(g["id"], g["access"], g["manager"]) for g in guilds] == [(GUILD, "write", True)]


def test_behind_https_the_cookie_is_secure(dash_settings, dash_discord):
    from app import create_app
    app = create_app({**dash_settings, "PUBLIC_URL": "https://bot.example.com"})
    client = app.test_client()
    start = client.get("/dashboard/auth/login", base_url="https://bot.example.com")
    assert "redirect_uri=https%3A%2F%2Fbot.example.com%2Fdashboard%2Fauth%2Fcallback" in start.headers["Location"]
    back = urlsplit(authorize(dash_discord, start.headers["Location"], OWNER))
    finished = client.get(back.path + "?" + back.query, base_url="https://bot.example.com")
    assert finished.status_code == 302 and "; Secure" in finished.headers["Set-Cookie"]


def test_the_authorize_page_refuses_an_unknown_application(dash_discord):
    import requests
    page = requests.get(dash_discord.web_url + "/oauth2/authorize", params={
        "client_id": "1", "response_type": "code", "scope": "identify guilds",
        "redirect_uri": "http://localhost/dashboard/auth/callback", "state": "s"}, timeout=5)
    assert page.status_code == 400 and "Unknown application" in page.text


def test_a_code_works_once(dash_app, dash_discord):
    client = dash_app.test_client()
    start = client.get("/dashboard/auth/login")
    back = urlsplit(authorize(dash_discord, start.headers["Location"], OWNER))
    assert client.get(back.path + "?" + back.query).status_code == 302
    again = dash_app.test_client()
    again.get("/dashboard/auth/login")
    with again.session_transaction() as session:  # the same state as the first login, replayed
        state = parse_qs(back.query)["state"][0]
        session[f"_state_discord_{state}"] = {"data": {"redirect_uri": "http://localhost/dashboard/auth/callback",
                                                        "url": "x", "state": state}, "exp": 9e12}
    answer = again.get(back.path + "?" + back.query)
    assert answer.status_code == 400 and "refused" in answer.get_data(as_text=True)
    assert again.get("/dashboard/auth/user").status_code == 401


def test_under_a_stage_prefix_the_cookie_and_redirects_keep_it(dash_settings, dash_discord):
    """On API Gateway's own URL every path starts with the stage (/production): PUBLIC_URL says so."""
    from app import create_app
    app = create_app({**dash_settings, "PUBLIC_URL": "http://localhost/production"})
    client = app.test_client()
    start = client.get("/dashboard/auth/login", environ_overrides={"SCRIPT_NAME": "/production"})
    assert "redirect_uri=http%3A%2F%2Flocalhost%2Fproduction%2Fdashboard%2Fauth%2Fcallback" in start.headers["Location"]
    back = urlsplit(authorize(dash_discord, start.headers["Location"], OWNER))
    path = back.path[len("/production"):]
    finished = client.get(path + "?" + back.query, environ_overrides={"SCRIPT_NAME": "/production"})
    assert finished.status_code == 302 and finished.headers["Location"] == "/production/dashboard/"
    assert "Path=/production/dashboard" in finished.headers["Set-Cookie"]


def test_the_authorize_page_offers_the_signed_in_user_first_and_escapes_names(dash_app, dash_discord):
    import requests
    dash_discord.add_user("857000000000000001", username="<b>bold</b>")
    dash_discord.sign_in_web(MEMBER)
    start = dash_app.test_client().get("/dashboard/auth/login")
    page = requests.get(start.headers["Location"], timeout=5).text
    assert f'<option value="{MEMBER}" selected>' in page and "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>" not in page


def test_a_login_without_the_guilds_scope_says_what_is_missing(dash_app, dash_discord):
    client = dash_app.test_client()
    start = client.get("/dashboard/auth/login")
    narrowed = start.headers["Location"].replace("scope=identify+guilds", "scope=identify")
    back = urlsplit(authorize(dash_discord, narrowed, OWNER))
    answer = client.get(back.path + "?" + back.query)
    assert answer.status_code == 400 and "which servers you are in" in answer.get_data(as_text=True)
    assert client.get("/dashboard/auth/user").status_code == 401


@pytest.mark.parametrize("status", [500, 429, 400])
def test_discord_failing_the_token_exchange_gives_a_page_not_a_crash(dash_app, dash_discord, status):
    client = dash_app.test_client()
    start = client.get("/dashboard/auth/login")
    back = urlsplit(authorize(dash_discord, start.headers["Location"], OWNER))
    dash_discord.queue("POST", "/oauth2/token", status, {"error": "invalid_grant"} if status == 400 else None)
    answer = client.get(back.path + "?" + back.query)
    assert answer.status_code in (400, 503) and answer.mimetype == "text/html"
    assert "Discord" in answer.get_data(as_text=True) and "Traceback" not in answer.get_data(as_text=True)
    assert client.get("/dashboard/auth/user").status_code == 401


def test_discord_unreachable_during_login_gives_a_page(dash_settings, dash_discord):
    from app import create_app
    app = create_app({**dash_settings, "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10"})
    client = app.test_client()
    start = client.get("/dashboard/auth/login")
    back = urlsplit(authorize(dash_discord, start.headers["Location"], OWNER))
    answer = client.get(back.path + "?" + back.query)
    assert answer.status_code == 503 and "didn&#x27;t answer" in answer.get_data(as_text=True)
