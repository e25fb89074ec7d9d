"""Logging in to the dashboard with Discord OAuth2 through the fake Discord's authorize page."""
from urllib.parse import parse_qs, urlsplit

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
