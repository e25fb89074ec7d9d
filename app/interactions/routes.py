"""POST /interactions: verify, parse and check once, dispatch, answer."""
import logging

from flask import Blueprint, Response, current_app, jsonify, request

from . import dispatch, payload, responses, verify

bp = Blueprint("interactions", __name__)
log = logging.getLogger(__name__)


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
        interaction = payload.parse(body)
    except payload.Invalid as exc:  # signed, so Discord's: worth a line, never a traceback or the body
        log.warning("refused a signed request that is not a valid interaction: %s", exc)
        return jsonify(error=str(exc)), 400
    except payload.Refused as exc:
        return jsonify(responses.ephemeral(str(exc)).callback())
    result = dispatch.handle(runtime, runtime.commands, interaction)
    answer = result.callback()
    if result.files:
        data, content_type = responses.encode_multipart(answer, result.files)
        return Response(data, content_type=content_type)
    return jsonify(answer)
