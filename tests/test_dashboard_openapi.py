"""The OpenAPI description stays true: every route under /dashboard/api and /dashboard/premium is in it,
nothing in it is missing from the app, and schemathesis' generated requests (logged in, with the CSRF
token) never get a 5xx and always get an answer the description allows."""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from tests.dashboard_support import (  # noqa: F401  (fixtures)
    GUILD, OWNER, READ_ROLE, Api, clock, dash_discord, dash_settings, log_in, route_template)

PREFIXES = ("/dashboard/api/", "/dashboard/premium/")
EXAMPLES = int(os.environ.get("DASHBOARD_FUZZ_EXAMPLES", "25"))


@pytest.fixture
def fuzz_app(dash_settings):
    from app import create_app
    return create_app({**dash_settings, "DASHBOARD_RATE_LIMIT": "100000"})


def described_routes(app):
    from dashboard.openapi import description
    paths = description()["paths"]
    return {(method.upper(), path) for path, operations in paths.items() for method in operations
            if path.startswith(PREFIXES)}


def flask_routes(app):
    return {(method, route_template(rule.rule)) for rule in app.url_map.iter_rules() if rule.rule.startswith(PREFIXES)
            for method in rule.methods - {"HEAD", "OPTIONS"}} - {("GET", "/dashboard/api/openapi.json")}


def test_every_dashboard_route_is_described_and_nothing_else(fuzz_app):
    assert sorted(flask_routes(fuzz_app) - described_routes(fuzz_app)) == []
    assert sorted(described_routes(fuzz_app) - flask_routes(fuzz_app)) == []


def test_the_description_is_served_to_anyone(fuzz_app):
    answer = fuzz_app.test_client().get("/dashboard/api/openapi.json")
    assert answer.status_code == 200 and answer.get_json()["openapi"].startswith("3.1")
    assert "/dashboard/api/stats" in answer.get_json()["paths"]


def test_every_operation_lists_its_errors_and_reads_guild_id(fuzz_app):
    from dashboard.openapi import description
    for path, operations in description()["paths"].items():
        for method, operation in operations.items():
            assert "401" in operation["responses"] or operation.get("security") == [], (method, path)
            if path.startswith("/dashboard/api/") and path != "/dashboard/api/guilds":
                assert any(p["name"] == "guild_id" for p in operation["parameters"]), (method, path)


@pytest.fixture
def owner_headers(fuzz_app, dash_discord):
    """The owner's session cookie and CSRF token, with Readers granted read (so access has a row)."""
    client = fuzz_app.test_client()
    csrf = log_in(client, dash_discord, OWNER)
    Api(fuzz_app, client, csrf).post("/dashboard/api/access", {"grants": [{"role_id": READ_ROLE, "level": "read"}]})
    cookie = client.get_cookie("statussync_session", path="/dashboard").value
    return {"Cookie": f"statussync_session={cookie}", "X-CSRF-Token": csrf}


def _description():
    """The description without its security schemes: schemathesis would send its own (empty) cookie and
    CSRF header over the owner's; the matrix in test_dashboard_access covers refusals."""
    from dashboard.openapi import description
    found = description()
    found.pop("security", None)
    found["components"].pop("securitySchemes", None)
    for operations in found["paths"].values():
        for operation in operations.values():
            operation.pop("security", None)
    return found


schema = schemathesis.openapi.from_dict(_description())


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_requests_get_no_5xx_and_described_answers(case, fuzz_app, owner_headers, reliability):
    if case.query is not None and "guild_id" in case.query and case.query["guild_id"] != "x":
        case.query["guild_id"] = GUILD  # the logged-in owner's guild: the requests reach the services
    from werkzeug.test import Client  # no cookie jar: it would replace the owner's cookie with what it collected
    answer = case.call_and_validate(app=fuzz_app, session=Client(fuzz_app, use_cookies=False), headers=owner_headers,
                                    checks=[
        checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
        checks.response_schema_conformance])
    STATUSES.setdefault(case.operation.label, set()).add(answer.status_code)
    reliability.record("Hostile input", "schemathesis: generated requests to every dashboard API operation, logged in",
                       1, "no 5xx; status, content type and body as the OpenAPI describes", unit="requests")


STATUSES: dict = {}


def test_the_generated_requests_reached_the_services():
    """The fuzzing above ran logged in: besides refusals, successes came back from the guild routes."""
    if not STATUSES:
        pytest.skip("run with the fuzz test above")
    succeeded = {label for label, seen in STATUSES.items() if seen & {200, 201}}
    assert {"GET /dashboard/api/stats", "GET /dashboard/api/settings", "GET /dashboard/api/cases",
            "POST /dashboard/api/automod/test"} <= succeeded, STATUSES
