"""Who may read and change a guild on the dashboard: the authorisation matrix over every API route."""
import pytest

from tests.dashboard_support import (  # noqa: F401  (fixtures)
    GUILD, MANAGER, MANAGER_ROLE, MEMBER, OTHER_GUILD, OUTSIDER, OWNER, READ_ROLE, READER, WRITE_ROLE, WRITER, Api,
    api_as, clock, dash_app, dash_discord, dash_settings)

READS = [("GET", "/dashboard/api/stats", None), ("GET", "/dashboard/api/cases", None),
         ("GET", "/dashboard/api/cases/1", None), ("GET", "/dashboard/api/settings", None),
         ("GET", "/dashboard/api/leaderboard", None), ("GET", "/dashboard/api/changes", None),
         ("GET", "/dashboard/api/rep", None), ("GET", "/dashboard/api/ai", None), ("GET", "/dashboard/api/roles", None),
         ("GET", "/dashboard/api/channels", None), ("GET", "/dashboard/api/automod", None),
         ("GET", "/dashboard/api/custom", None), ("GET", "/dashboard/api/backups", None),
         ("GET", "/dashboard/api/backups/restores/1", None), ("POST", "/dashboard/api/automod/test", {"text": "hello"}),
         ("POST", "/dashboard/api/custom/preview", {"template": "Hi {{ user.name }}"})]
WRITES = [("POST", "/dashboard/api/settings/general", {"command_xp": True}),
          ("POST", "/dashboard/api/cases/1/reason", {"reason": "clearer"}),
          ("POST", "/dashboard/api/automod/rules/caps", {"enabled": True}),
          ("POST", "/dashboard/api/automod/lists/words", {"add": ["badword"]}),
          ("POST", "/dashboard/api/custom", {"name": "hello", "template": "Hi"}),
          ("POST", "/dashboard/api/custom/hello", {"template": "Hey"}),
          ("DELETE", "/dashboard/api/custom/hello", None), ("POST", "/dashboard/api/backups", {"note": "x"})]
MANAGERS_ONLY = [("GET", "/dashboard/api/access", None), ("POST", "/dashboard/api/backups/1/preview", {}),
                 ("POST", "/dashboard/api/backups/restores/1/confirm", {}),
                 ("POST", "/dashboard/api/access", {"grants": [{"role_id": READ_ROLE, "level": "read"}]})]
GUILD_ROUTES = READS + WRITES + MANAGERS_ONLY
DENIED = (401, 403)


@pytest.fixture
def granted(dash_app, dash_discord):
    """The owner let Readers read and Editors read and write."""
    owner = api_as(dash_app, dash_discord, OWNER)
    answer = owner.post("/dashboard/api/access", {"grants": [{"role_id": READ_ROLE, "level": "read"},
                                                             {"role_id": WRITE_ROLE, "level": "write"}]})
    assert answer.status_code == 200
    return owner


def test_every_guild_route_is_in_the_matrix(dash_app):
    from tests.dashboard_support import route_template
    listed = {(m, p) for m, p, _ in GUILD_ROUTES}
    for rule in dash_app.url_map.iter_rules():
        if rule.rule.startswith("/dashboard/api/") and rule.rule != "/dashboard/api/openapi.json" \
                and rule.rule != "/dashboard/api/guilds":
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                template = route_template(rule.rule).replace("{number}", "1").replace("{section}", "general")
                template = template.replace("{rule_type}", "caps").replace("{list_key}", "words")
                template = template.replace("{name}", "hello").replace("{backup_id}", "1").replace("{restore_id}", "1")
                assert (method, template) in listed, (method, rule.rule)


@pytest.mark.parametrize("method, path, body", GUILD_ROUTES + [("GET", "/dashboard/api/guilds", None)])
def test_no_session_is_401(dash_app, method, path, body):
    answer = Api(dash_app).call(method, path, body)
    assert answer.status_code == 401 and "log in" in answer.get_json()["error"]


def test_a_member_without_access_gets_403_everywhere(dash_app, dash_discord, granted):
    member = api_as(dash_app, dash_discord, MEMBER)
    assert member.get("/dashboard/api/guilds", guild=None).get_json()["guilds"] == []
    for method, path, body in GUILD_ROUTES:
        assert member.call(method, path, body).status_code == 403, (method, path)


def test_another_guilds_id_is_403_even_for_a_manager(dash_app, dash_discord, granted):
    for method, path, body in GUILD_ROUTES:
        assert granted.call(method, path, body, guild=OTHER_GUILD).status_code == 403, (method, path)


def test_a_guild_id_that_isnt_a_snowflake_is_400(dash_app, dash_discord, granted):
    for bad in ("abc", "-1", "1" * 25, "0", "１２３", "12 3"):
        for method, path, body in GUILD_ROUTES:
            answer = granted.call(method, path, body, guild=bad)
            assert answer.status_code == 400 and "guild_id" in answer.get_json()["error"], (bad, method, path)
    assert granted.call("GET", "/dashboard/api/stats", guild=None).status_code == 400


def test_a_read_only_role_reads_but_cannot_write(dash_app, dash_discord, granted):
    reader = api_as(dash_app, dash_discord, READER)
    assert [(g["id"], g["access"]) for g in reader.get("/dashboard/api/guilds", guild=None).get_json()["guilds"]] == \
        [(GUILD, "read")]
    for method, path, body in READS:
        assert reader.call(method, path, body).status_code not in DENIED, (method, path)
    for method, path, body in WRITES + MANAGERS_ONLY:
        answer = reader.call(method, path, body)
        assert answer.status_code == 403, (method, path)
    assert reader.get("/dashboard/api/settings").get_json()["sections"]["general"]["values"]["command_xp"] is False


def test_a_read_write_role_writes_but_cannot_change_access(dash_app, dash_discord, granted):
    writer = api_as(dash_app, dash_discord, WRITER)
    answer = writer.post("/dashboard/api/settings/general", {"command_xp": True})
    assert answer.status_code == 200 and answer.get_json()["values"]["command_xp"] is True
    for method, path, body in MANAGERS_ONLY:
        assert writer.call(method, path, body).status_code == 403, (method, path)


def test_a_manager_by_role_has_full_access(dash_app, dash_discord, granted):
    manager = api_as(dash_app, dash_discord, MANAGER)
    assert manager.get("/dashboard/api/access").status_code == 200
    assert manager.post("/dashboard/api/settings/general", {"command_xp": True}).status_code == 200


def test_administrator_as_a_big_integer_permission_counts(dash_app, dash_discord):
    big = str((1 << 3) | (1 << 49))  # past 2**32: parsed as a big integer, not a float or an int32
    dash_discord.add_guild("812000000000000001", OWNER, roles=[{"id": "871000000000000001", "name": "Admins",
                                                               "permissions": big}])
    dash_discord.add_member("812000000000000001", MEMBER, roles=["871000000000000001"])
    member = api_as(dash_app, dash_discord, MEMBER)
    assert [g["id"] for g in member.get("/dashboard/api/guilds", guild=None).get_json()["guilds"]] == \
        ["812000000000000001"]


def test_leaving_the_guild_ends_writes_at_once_and_reads_within_a_minute(dash_app, dash_discord, granted, clock):
    manager = api_as(dash_app, dash_discord, MANAGER)
    assert manager.get("/dashboard/api/settings").status_code == 200
    with dash_discord._lock:
        del dash_discord._guilds[GUILD]["members"][MANAGER]
    assert manager.post("/dashboard/api/settings/general", {"command_xp": True}).status_code == 403
    clock.advance(61)
    assert manager.get("/dashboard/api/settings").status_code == 403
    assert manager.get("/dashboard/api/guilds", guild=None).get_json()["guilds"] == []


def test_losing_a_role_ends_access_within_a_minute(dash_app, dash_discord, granted, clock):
    writer = api_as(dash_app, dash_discord, WRITER)
    assert writer.get("/dashboard/api/settings").status_code == 200
    with dash_discord._lock:
        dash_discord._guilds[GUILD]["members"][WRITER]["roles"] = []
    assert writer.post("/dashboard/api/settings/general", {"command_xp": True}).status_code == 403
    clock.advance(61)
    assert writer.get("/dashboard/api/settings").status_code == 403


def test_losing_manage_guild_ends_manager_writes_at_once(dash_app, dash_discord, granted, clock):
    manager = api_as(dash_app, dash_discord, MANAGER)
    with dash_discord._lock:
        dash_discord._guilds[GUILD]["roles"][MANAGER_ROLE]["permissions"] = "0"
    assert manager.post("/dashboard/api/settings/general", {"command_xp": True}).status_code == 403
    clock.advance(61)
    assert manager.get("/dashboard/api/stats").status_code == 403


def test_a_guild_without_the_bot_is_not_listed_and_answers_404(dash_app, dash_discord):
    dash_discord.add_guild("813000000000000001", OWNER, name="No bot")
    with dash_discord._lock:
        del dash_discord._guilds["813000000000000001"]["members"][dash_discord.application_id]
    owner = api_as(dash_app, dash_discord, OWNER)
    assert [g["id"] for g in owner.get("/dashboard/api/guilds", guild=None).get_json()["guilds"]] == [GUILD]
    answer = owner.get("/dashboard/api/settings", guild="813000000000000001")
    assert answer.status_code == 404 and "invite" in answer.get_json()["error"]


def test_a_post_without_the_csrf_token_is_refused(dash_app, dash_discord, granted):
    for method, path, body in [r for r in WRITES + MANAGERS_ONLY + READS if r[0] != "GET"]:
        answer = granted.call(method, path, body, csrf=False)
        assert answer.status_code == 403 and "X-CSRF-Token" in answer.get_json()["error"], (method, path)
    wrong = Api(dash_app, granted.client, "0" * 64)
    assert wrong.post("/dashboard/api/settings/general", {"command_xp": True}).status_code == 403
    assert granted.get("/dashboard/api/settings").get_json()["sections"]["general"]["values"]["command_xp"] is False


def test_grants_refuse_unknown_roles_everyone_and_bad_levels(dash_app, dash_discord, granted):
    for grants in ([{"role_id": "999", "level": "read"}], [{"role_id": GUILD, "level": "read"}],
                   [{"role_id": READ_ROLE, "level": "admin"}], [{"role_id": 5, "level": "read"}], "all",
                   [{"role_id": READ_ROLE, "level": "read", "extra": 1}]):
        answer = granted.post("/dashboard/api/access", {"grants": grants})
        assert answer.status_code == 400, grants
    assert {g["role_id"] for g in granted.get("/dashboard/api/access").get_json()["grants"]} == {READ_ROLE, WRITE_ROLE}


def test_the_rate_limit_answers_429_per_session(dash_settings, dash_discord):
    from app import create_app
    app = create_app({**dash_settings, "DASHBOARD_RATE_LIMIT": "5"})
    owner = api_as(app, dash_discord, OWNER)
    statuses = [owner.get("/dashboard/api/settings").status_code for _ in range(8)]
    assert statuses.count(429) >= 2 and 429 not in statuses[:3]
    limited = owner.get("/dashboard/api/settings")
    assert int(limited.headers["Retry-After"]) >= 1
    other = api_as(app, dash_discord, MANAGER)  # another session has its own budget
    assert other.get("/dashboard/api/settings").status_code == 200


def test_dashboard_responses_forbid_framing_and_inline_script(dash_app, dash_discord, granted):
    answer = granted.get("/dashboard/api/settings")
    policy = answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert answer.headers["Cache-Control"] == "no-store"


def test_a_bot_in_many_guilds_is_asked_about_each_guild(dash_app, dash_discord):
    for index in range(200):  # past one page of the bot's guild list
        dash_discord.add_guild(str(814000000000000000 + index), OUTSIDER, name=f"g{index}")
    owner = api_as(dash_app, dash_discord, OWNER)
    assert [g["id"] for g in owner.get("/dashboard/api/guilds", guild=None).get_json()["guilds"]] == [GUILD]
    assert owner.get("/dashboard/api/settings").status_code == 200
    assert dash_discord.find("GET", f"/guilds/{GUILD}")  # asked about the one guild, not 201 pages' worth


def test_managed_guilds_without_the_bot_come_with_an_invite_link(dash_app, dash_discord):
    from urllib.parse import parse_qs, urlsplit
    dash_discord.add_guild("815000000000000001", OWNER, name="Bare")
    with dash_discord._lock:
        del dash_discord._guilds["815000000000000001"]["members"][dash_discord.application_id]
    listed = api_as(dash_app, dash_discord, OWNER).get("/dashboard/api/guilds", guild=None).get_json()
    [bare] = listed["invitable"]
    invite = urlsplit(bare["invite_url"])
    asked = parse_qs(invite.query)
    assert bare["id"] == "815000000000000001" and f"{invite.scheme}://{invite.netloc}" == dash_discord.web_url
    assert asked["guild_id"] == ["815000000000000001"] and asked["scope"] == ["bot applications.commands"]
    assert int(asked["permissions"][0]) & (1 << 2) and int(asked["permissions"][0]) & (1 << 40)  # ban, timeout
    assert "815000000000000001" not in [g["id"] for g in listed["guilds"]]
