"""Answers one recorded request: a scripted answer first, else the matching route."""
import copy
from http import HTTPStatus

from sandbox.discord.errors import DiscordError
from sandbox.discord.route_table import BOT, CDN, ROUTES, USER
from sandbox.discord.routes.users import bearer_token


def _authorized(fake, request, auth):
    header = request.headers.get("Authorization", "")
    if auth == BOT:
        return header == f"Bot {fake.bot_token}"
    if auth == USER:
        return header == f"Bot {fake.bot_token}" or bearer_token(request) in fake._oauth_tokens
    return True


def dispatch(fake, request):
    scripted = fake._take_scripted(request.method, request.path)
    if scripted is not None:
        status, body, headers = scripted
        if body is None and status >= 400:
            body = {"message": f"{status}: {HTTPStatus(status).phrase}", "code": 0}
        return status, body, headers
    allowed = False
    for method, pattern, handler, auth in ROUTES:
        match = pattern.fullmatch(request.path)
        if match is None:
            continue
        allowed = True
        if method != request.method:
            continue
        if not _authorized(fake, request, auth):
            return 401, {"message": "401: Unauthorized", "code": 0}, {}
        args = {k: v for k, v in match.groupdict().items() if v is not None}
        try:
            if auth == CDN:
                result = handler(fake, request, **args)
            else:
                with fake._lock:
                    result = handler(fake, request, **args)
                    result = (result[0], copy.deepcopy(result[1])) + tuple(result[2:])
        except DiscordError as error:
            return error.status, error.body(), {}
        return result if len(result) == 3 else (result[0], result[1], {})
    if allowed:
        return 405, {"message": "405: Method Not Allowed", "code": 0}, {}
    return 404, {"message": "404: Not Found", "code": 0}, {}
