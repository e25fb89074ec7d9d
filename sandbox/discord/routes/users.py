"""Users, DM channels and the OAuth2 token endpoint."""
from sandbox.discord.errors import DiscordError, invalid_form, json_object


def bearer_token(request):
    auth = request.headers.get("Authorization", "")
    return auth[len("Bearer "):] if auth.startswith("Bearer ") else None


def open_dm(fake, request):
    recipient = str(json_object(request).get("recipient_id") or "")
    if not recipient.isdigit():
        raise invalid_form("recipient_id", "Value \"\" is not snowflake.")
    if recipient not in fake._dm_channels:
        user = fake._users.get(recipient) or fake.add_user(recipient)
        channel = {"id": fake.next_snowflake(), "type": 1, "last_message_id": None, "flags": 0,
                   "recipients": [user]}
        fake._channels[channel["id"]] = channel
        fake._messages[channel["id"]] = {}
        fake._dm_channels[recipient] = channel["id"]
    return 200, fake._channels[fake._dm_channels[recipient]]


def get_me(fake, request):
    token = bearer_token(request)
    if token:
        return 200, fake._oauth_tokens[token]["user"]
    return 200, {**fake.bot_user, "mfa_enabled": False, "locale": "en-US", "verified": True}


def my_guilds(fake, request):
    token = bearer_token(request)
    if token:
        granted = fake._oauth_tokens[token]
        if granted.get("live"):  # a login through the authorize page: the guilds as they are now
            from sandbox.discord.routes.oauth_web import live_guilds
            return 200, live_guilds(fake, granted["user"]["id"])
        return 200, granted["guilds"]
    return 200, [{"id": g["id"], "name": g["name"], "icon": None, "banner": None, "owner": False,
                  "permissions": "0", "features": []} for g in fake._guilds.values()
                 if fake.application_id in g["members"]]  # a guild that removed the bot isn't one of its guilds


def get_user(fake, request, user_id):
    if user_id not in fake._users:
        raise DiscordError(404, "Unknown User", 10013)
    return 200, fake._users[user_id]


def _oauth_error(error, description):
    return 400, {"error": error, "error_description": description}


def oauth_token(fake, request):
    form = request.form
    if fake.client_id is not None:
        import base64
        basic = request.headers.get("Authorization", "")
        pair = base64.b64decode(basic[6:]).decode() if basic.startswith("Basic ") else \
            f"{form.get('client_id')}:{form.get('client_secret')}"
        if pair != f"{fake.client_id}:{fake.client_secret}":
            return 401, {"error": "invalid_client"}
    if form.get("grant_type") == "authorization_code":
        access = fake._oauth_codes.pop(form.get("code"), None)
        if access is None:
            return _oauth_error("invalid_grant", 'Invalid "code" in request.')
    elif form.get("grant_type") == "refresh_token":
        access = fake._refresh_tokens.get(form.get("refresh_token"))
        if access is None:
            return _oauth_error("invalid_grant", 'Invalid "refresh_token" in request.')
    else:
        return _oauth_error("unsupported_grant_type", "Unsupported grant type")
    refresh = "refresh-" + access
    fake._refresh_tokens[refresh] = access
    return 200, {"access_token": access, "token_type": "Bearer", "expires_in": 604800,
                 "refresh_token": refresh,
                 "scope": fake._oauth_tokens.get(access, {}).get("scope") or form.get("scope", "identify guilds")}


def oauth_revoke(fake, request):
    fake._oauth_tokens.pop(request.form.get("token"), None)
    return 200, {}
