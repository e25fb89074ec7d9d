"""Lambda's entry point (`lambda_handler` in zappa_settings.json): Zappa's own handler, except for HTTP
events it would answer 500 — a body flagged base64 that does not decode, or no headers at all. Those are
answered 400 here; everything else (requests, scheduled jobs, asynchronous tasks) goes to Zappa unchanged.
"""
import base64
import binascii
import json
import logging

import handler  # Zappa's handler.py: `zappa package` puts it at the root of the zip

log = logging.getLogger("statussync.lambda")


def lambda_handler(event, context):
    if isinstance(event, dict) and _is_http(event):
        problem = _malformed(event)
        if problem:
            log.warning("refused an HTTP event: %s", problem)
            return _answer(400, problem)
    return handler.lambda_handler(event, context)


def _is_http(event: dict) -> bool:
    """A function URL / HTTP API event (payload 2.0) or a REST API / ALB event (1.0)."""
    return (event.get("version") == "2.0" and "requestContext" in event) or "httpMethod" in event


def _malformed(event: dict):
    if not isinstance(event.get("headers"), dict) and not isinstance(event.get("multiValueHeaders"), dict):
        return "no headers"
    body = event.get("body")
    if event.get("isBase64Encoded") and body:
        try:
            base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError, TypeError):
            return "body is not valid base64"
    return None


def _answer(status: int, error: str) -> dict:
    return {"statusCode": status, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"error": error}), "isBase64Encoded": False}
