"""FakeDiscord: the server's lifecycle, the requests it recorded and the answers tests script."""
import re
import threading
from http.server import ThreadingHTTPServer

from sandbox.discord.guild_structure import GuildStructure
from sandbox.discord.http_handler import API_PREFIX, CDN_PREFIX, handler_for
from sandbox.discord.rate_limits import FakeRateLimits
from sandbox.discord.readback import ReadBack
from sandbox.discord.seeding import Seeding
from sandbox.discord.state import DiscordState


class FakeDiscord(Seeding, ReadBack, DiscordState, GuildStructure):
    _serving: dict = {}  # base_url -> the running fake, for test helpers that only know the app
    def __init__(self, application_id="100000000000000001", bot_token="test-bot-token",
                 client_id=None, client_secret=None):
        self.application_id = str(application_id)
        self.bot_token = bot_token
        self.client_id, self.client_secret = client_id, client_secret
        self.requests = []
        self._lock = threading.RLock()
        self._scripted = []  # [method, regex, status, body, headers, times_left]
        self._slow = []  # [method, regex, delay_s, times_left]: act normally, answer late
        self.limits = FakeRateLimits()  # X-RateLimit-* headers per (bucket, major parameter); 429s past them
        self._last_snowflake = 0
        self._server = self._thread = None
        self._users, self._guilds, self._channels, self._messages = {}, {}, {}, {}
        self._commands = {}  # guild id or None -> list of command dicts
        self._command_creations = {}  # guild id or None -> times of the day's command creations (30034)
        self.daily_command_creates = 200  # Discord's per-guild cap; a test lowers it to reach 30034 quickly
        self._originals, self._followups, self._acknowledged = {}, {}, set()
        self._acknowledged_tokens = set()
        self._avatars, self._dm_channels, self._dms_closed = {}, {}, set()
        self._uploads = {}  # attachment id -> bytes, served back from the CDN
        self._nonces = {}  # (channel id, nonce) -> (message id, monotonic time): enforce_nonce
        self._oauth_codes, self._oauth_tokens, self._refresh_tokens = {}, {}, {}
        self.web_user = None  # who the authorize page logs in (sign_in_web)
        self.bot_user = self.add_user(self.application_id, username="StatusSync", bot=True)

    # --- lifecycle -------------------------------------------------------------------------

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        FakeDiscord._serving[self.base_url] = self
        return self

    def stop(self):
        if self._server is not None:
            FakeDiscord._serving.pop(self.base_url, None)
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self):
        return self.start() if self._server is None else self

    def __exit__(self, *exc):
        self.stop()

    @property
    def origin(self):
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self):
        return self.origin + API_PREFIX

    @property
    def web_url(self):
        """Where the OAuth2 authorize page is (DISCORD_WEB_BASE): the origin, as discord.com is Discord's."""
        return self.origin

    def sign_in_web(self, user_id):
        """The user the authorize page offers to log in as first (the browser's Discord account)."""
        self.web_user = str(user_id)

    @property
    def cdn_url(self):
        return self.origin + CDN_PREFIX

    @classmethod
    def at(cls, base_url):
        """The running fake whose API is at `base_url` (None when it isn't one of ours)."""
        return cls._serving.get(base_url)

    def acknowledge(self, interaction: dict, callback: dict, files=()):
        """Discord received `callback` as the HTTP answer to `interaction` (the app answers deferred and
        immediate replies in its response, which this server never sees): as on a POST to /callback,
        the interaction is acknowledged and its @original exists, so edits of it are accepted from now."""
        from types import SimpleNamespace
        from sandbox.discord.routes.interactions import receive_callback
        with self._lock:
            if str(interaction["id"]) in self._acknowledged:
                return False  # a redelivery's answer: Discord keeps the first one
            request = SimpleNamespace(files=list(files), query={}, headers={})
            receive_callback(self, request, str(interaction["id"]), interaction["token"], callback)
            return True

    # --- recording and scripting -----------------------------------------------------------

    def find(self, method, path_regex):
        with self._lock:
            return [r for r in self.requests
                    if r.method == method.upper() and re.fullmatch(path_regex, r.path)]

    def queue(self, method, path_regex, status, body=None, headers=None, times=1):
        with self._lock:
            self._scripted.append([method.upper(), path_regex, status, body, headers or {}, times])

    def slow(self, method, path_regex, delay, times=1):
        """Discord acts on matching requests as usual but answers `delay` seconds late (after acting)."""
        with self._lock:
            self._slow.append([method.upper(), path_regex, float(delay), times])

    def _take_slow(self, method, path) -> float:
        with self._lock:
            for entry in self._slow:
                if entry[0] == method and re.fullmatch(entry[1], path):
                    entry[3] -= 1
                    if entry[3] <= 0:
                        self._slow.remove(entry)
                    return entry[2]
        return 0.0

    def rate_limit(self, method, path_regex, retry_after=0.05, times=1, scope="user"):
        """Answer matching requests 429 (nothing done). scope "user": this route's bucket, "shared": the
        resource for every app (the headers keep counting our quota), "global": every route of the bot
        until retry_after has passed."""
        if scope == "global":
            body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": True}
            headers = {"Retry-After": f"{retry_after:g}", "X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"}
        elif scope == "shared":
            body = {"message": "The resource is being rate limited.", "retry_after": retry_after, "global": False}
            headers = {"Retry-After": f"{retry_after:g}", "X-RateLimit-Scope": "shared"}
        else:
            body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
            headers = {"Retry-After": f"{retry_after:g}", "X-RateLimit-Remaining": "0",
                       "X-RateLimit-Reset-After": f"{retry_after:.3f}", "X-RateLimit-Scope": "user"}
        self.queue(method, path_regex, 429, body, headers, times)

    def route_limit(self, method, path_regex, limit, per):
        """Matching routes allow `limit` requests per `per` seconds, per bucket and major parameter."""
        self.limits.set_limit(method, path_regex, limit, per)

    def reset(self):
        with self._lock:
            self.requests.clear()
            self._scripted.clear()
            self._slow.clear()
            self._nonces.clear()  # a test's outbox ids start again at 1
        self.limits.reset()

    def forget_commands(self):
        """No application command, global or per guild, is registered any more."""
        with self._lock:
            self._commands.clear()
            self._command_creations.clear()

    def forget_guilds(self):
        """reset(), and no guild (nor its members, channels and messages) is known any more."""
        self.reset()
        with self._lock:
            self._guilds.clear()

    def _take_scripted(self, method, path):
        with self._lock:
            for entry in self._scripted:
                if entry[0] == method and re.fullmatch(entry[1], path):
                    entry[5] -= 1
                    if entry[5] <= 0:
                        self._scripted.remove(entry)
                    return entry[2], entry[3], entry[4]
        return None
