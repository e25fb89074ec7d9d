"""What every /dashboard response carries (CSP without inline script, no framing, no caching of the API),
CSRF on every state-changing request, and JSON errors for the API."""
from flask import jsonify, request

from dashboard import csrf

API_PREFIXES = ("/dashboard/api/", "/dashboard/premium/", "/dashboard/auth/user")
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def content_security_policy(cdn_base: str) -> str:
    from urllib.parse import urlsplit
    cdn = urlsplit(cdn_base or "")
    images = f" {cdn.scheme}://{cdn.netloc}" if cdn.scheme and cdn.netloc else ""
    return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:" + images +
            "; font-src 'self'; connect-src 'self'; manifest-src 'self'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")


def is_api(path: str) -> bool:
    return path.startswith(API_PREFIXES)


def install(app) -> None:
    policy = content_security_policy(app.extensions["statussync"].settings.get("DISCORD_CDN_BASE"))

    @app.before_request
    def check_csrf():
        if request.method in UNSAFE and request.path.startswith("/dashboard/") and not csrf.is_exempt(app):
            problem = csrf.problem()
            if problem:
                return jsonify(error=problem), 403
        return None

    @app.after_request
    def headers(response):
        if request.path.startswith("/dashboard"):
            response.headers["Content-Security-Policy"] = policy
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "same-origin"
            if is_api(request.path) or request.path.startswith("/dashboard/auth/"):
                response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(413)
    def too_large(exc):
        if request.path.startswith("/dashboard/"):
            return jsonify(error="The request body is too large (at most 64 KB for the dashboard)."), 413
        return jsonify(error=exc.description or "request body too large"), 413

    @app.before_request
    def limit_body():
        if request.path.startswith("/dashboard/api/") and (request.content_length or 0) > csrf.MAX_BODY:
            return jsonify(error="The request body is too large (at most 64 KB for the dashboard)."), 413
        return None
