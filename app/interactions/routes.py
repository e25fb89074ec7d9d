"""POST /interactions: verify, parse, dispatch, answer."""
import json

from flask import Blueprint, Response, current_app, jsonify, request

from . import dispatch, responses, verify

bp = Blueprint("interactions", __name__)


@bp.post("/interactions")
def interactions():
    runtime = current_app.extensions["statussync"]
    body = request.get_data(cache=False)
    if not verify.is_valid(runtime.settings["DISCORD_PUBLIC_KEY"],
                           request.headers.get("X-Signature-Ed25519"),
                           request.headers.get("X-Signature-Timestamp"),
                           body, runtime.clock().timestamp()):
        return jsonify(error="invalid request signature"), 401
    try:
        interaction = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return jsonify(error="body is not JSON"), 400
    if not isinstance(interaction, dict) or not isinstance(interaction.get("type"), int):
        return jsonify(error="not an interaction"), 400
    result = dispatch.handle(runtime, runtime.commands, interaction)
    payload = result.callback()
    if result.files:
        data, content_type = responses.encode_multipart(payload, result.files)
        return Response(data, content_type=content_type)
    return jsonify(payload)
