"""GET /dashboard/api/openapi.json: the description of /dashboard/api/ and /dashboard/premium/.

Each area's paths and schemas live in a module of PARTS (PATHS, SCHEMAS); a blueprint that adds routes
under those prefixes adds its module here (tests/test_dashboard_openapi.py checks that every route is
described and that answers match).
"""
import copy
import importlib

from flask import Blueprint, jsonify

PARTS = ("dashboard.openapi_core", "dashboard.openapi_editors", "dashboard.openapi_backups",
         "dashboard.openapi_premium")

bp = Blueprint("dashboard_openapi", __name__, url_prefix="/dashboard/api")


def description() -> dict:
    paths, schemas = {}, {}
    for name in PARTS:
        part = importlib.import_module(name)
        paths.update(copy.deepcopy(part.PATHS))  # a copy: a caller may edit what it gets (tests do)
        schemas.update(copy.deepcopy(part.SCHEMAS))
    return {
        "openapi": "3.1.0",
        "info": {"title": "StatusSync dashboard API", "version": "1",
                 "description": "Log in at /dashboard/auth/login (Discord OAuth2). Every request sends the "
                                "session cookie; every POST/DELETE also the X-CSRF-Token from /dashboard/auth/user. "
                                "Errors are {\"error\": \"...\"}."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": "statussync_session"},
            "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"}}},
        "security": [{"session": []}],
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(description())
