"""GET /sandbox and its JSON API: the page picks who you are and what to run; the simulated Discord builds,
signs and posts the interaction, and the page shows the guild's channels as Discord would.

Registered by the app factory in local mode only. Every POST takes JSON (a cross-site form can't send it
without a CORS preflight this app never answers) and, when the browser names an Origin, only this host's."""
import logging
import re
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, jsonify, request, send_from_directory

from sandbox.options import OptionError
from sandbox.guild_rules import SandboxError

bp = Blueprint("sandbox", __name__, url_prefix="/sandbox", static_folder="static", static_url_path="/static")
log = logging.getLogger(__name__)
JOBS = ("scan", "outbox", "expire", "audit", "levelups")
CDN_PATH = re.compile(r"(attachments/\d+|avatars/\d+|embed/avatars)/[\w-]+(\.[\w-]+)*")
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


def _runtime():
    return current_app.extensions["statussync"]


def _simulator():
    simulator = _runtime().settings["SANDBOX"]
    if not simulator.app_url:  # the simulated Discord posts interactions to this very server, over loopback
        simulator.app_url = f"http://127.0.0.1:{request.environ.get('SERVER_PORT', '80')}"
    return simulator


@bp.before_request
def same_origin_json_only():
    if request.method != "POST":
        return None
    origin = request.headers.get("Origin")
    if origin and urlsplit(origin).netloc != request.host:
        return jsonify(error="cross-origin request refused"), 403
    if not request.is_json or not isinstance(request.get_json(silent=True), dict):
        return jsonify(error="send a JSON object"), 400
    return None


@bp.after_request
def page_policy(response):
    """Scripts, styles and images of this origin only (no inline script, no CDN); never framed."""
    response.headers.setdefault("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
                                "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


@bp.errorhandler(SandboxError)
@bp.errorhandler(OptionError)
def explained(error):
    return jsonify(error=str(error)), 400


def _body():
    return request.get_json()


def _text(body, key, limit=100):
    value = body.get(key)
    if not isinstance(value, str) or not value or len(value) > limit:
        raise SandboxError(f"{key} is missing")
    return value


@bp.get("")
@bp.get("/")
def page():
    return send_from_directory(bp.static_folder, "sandbox.html", max_age=0)


@bp.get("/api/world")
def world():
    from sandbox.world import world as describe
    return jsonify(describe(_simulator(), request.args.get("as")))


@bp.get("/api/channels/<channel_id>/messages")
def channel_messages(channel_id):
    simulator, viewer = _simulator(), request.args.get("as")
    if viewer and not simulator.can_see(viewer, channel_id):  # Discord shows a member no channel they can't view
        return jsonify(messages=[], hidden=True)
    return jsonify(messages=simulator.timeline.channel(channel_id, viewer), hidden=False)


@bp.get("/api/interactions/<token>")
def interaction_messages(token):
    return jsonify(messages=_simulator().poll(token))


@bp.post("/api/commands")
def run_command():
    body = _body()
    path = body.get("path") or []
    values = body.get("options") or {}
    if not isinstance(path, list) or not all(isinstance(p, str) for p in path) or not isinstance(values, dict):
        raise SandboxError("path is a list of names, options an object")
    focused = body.get("focused")
    result = _simulator().command(_text(body, "as"), _text(body, "channel_id"), _text(body, "name"), path, values,
                                  focused if isinstance(focused, str) else None)
    return jsonify(result)


@bp.post("/api/components")
def click():
    body = _body()
    values = body.get("values")
    if values is not None and not isinstance(values, list):
        raise SandboxError("values is a list")
    return jsonify(_simulator().click(_text(body, "as"), _text(body, "key", 300), _text(body, "custom_id"), values))


@bp.post("/api/modals")
def submit_modal():
    body = _body()
    fields = body.get("fields") or {}
    if not isinstance(fields, dict):
        raise SandboxError("fields is an object")
    key = body.get("key") if isinstance(body.get("key"), str) else None
    return jsonify(_simulator().submit(_text(body, "as"), _text(body, "channel_id"), _text(body, "custom_id"),
                                       fields, key))


@bp.post("/api/messages")
def post_message():
    body = _body()
    message = _simulator().say(_text(body, "as"), _text(body, "channel_id"), body.get("content"))
    return jsonify(id=message["id"])


@bp.post("/api/jobs/<name>")
def run_job(name):
    if name not in JOBS:
        abort(404)
    from app import features
    from app.jobs import run_job as run
    features.load()
    runtime = _runtime()
    summary = run(runtime, name)
    if name == "scan":  # what the scan reported goes out with it, as the next outbox run would send it
        summary += "; " + run(runtime, "outbox")
    return jsonify(summary=summary)


@bp.post("/api/reset")
def reset():
    _simulator().reset()
    return jsonify(reset=True)


@bp.get("/cdn/<path:path>")
def cdn(path):
    """The simulated CDN's files (attachments, avatars), fetched from it for a browser that can't reach it."""
    import requests
    if not CDN_PATH.fullmatch(path):
        abort(404)
    answer = requests.get(f"{_simulator().fake.cdn_url}/{path}", timeout=5)
    if answer.status_code != 200:
        abort(404)
    kind = answer.headers.get("Content-Type", "").split(";")[0]
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600",
               "Content-Type": kind if kind in IMAGE_TYPES else "application/octet-stream"}
    if kind not in IMAGE_TYPES:  # an uploaded file is never a page of this origin
        headers["Content-Disposition"] = "attachment"
    return answer.content, 200, headers
