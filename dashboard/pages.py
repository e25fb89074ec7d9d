"""The dashboard page and its files (dashboard/static/, built by the front end), served same-origin."""
from pathlib import Path

from flask import Blueprint, redirect, request, send_from_directory

STATIC = Path(__file__).resolve().parent / "static"

bp = Blueprint("dashboard_pages", __name__)


@bp.get("/dashboard")
def without_slash():
    return redirect(request.script_root + "/dashboard/", code=308)


@bp.get("/dashboard/")
def index():
    if not (STATIC / "index.html").is_file():  # a checkout without the front end
        return ("<!doctype html><title>StatusSync</title><p>The dashboard's front end (dashboard/static/) "
                "isn't installed here.</p>", 404, {"Content-Type": "text/html; charset=utf-8"})
    response = send_from_directory(STATIC, "index.html", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/dashboard/static/<path:name>")
def static_file(name):
    return send_from_directory(STATIC, name, max_age=300)
