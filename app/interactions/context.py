"""The context a handler gets: who, where, typed options, and the ways to answer."""
from ..discord import permissions as perms
from ..discord.snowflake import created_at
from . import payload
from . import responses as r


class Target:
    """A user given as an option, with their membership in this guild when Discord resolved it."""

    def __init__(self, user_id: str, user: dict, member: dict | None):
        self.id, self.user, self.member = str(user_id), user or {"id": str(user_id)}, member

    @property
    def name(self) -> str:
        nick = (self.member or {}).get("nick")
        return nick or self.user.get("global_name") or self.user.get("username") or self.id

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    @property
    def is_bot(self) -> bool:
        return bool(self.user.get("bot"))

    @property
    def roles(self) -> list:
        return list((self.member or {}).get("roles") or [])

    @property
    def avatar(self):
        return (self.member or {}).get("avatar") or self.user.get("avatar")


class Context:
    """Built from a checked payload.Interaction only; a raw dict (deferred work) is checked first."""

    def __init__(self, runtime, interaction, args=()):
        checked = interaction if isinstance(interaction, payload.Interaction) else payload.validate(interaction)
        self.runtime, self.interaction, self.args = runtime, checked.raw, list(args)
        self.id, self.token, self.type = checked.id, checked.token, checked.type
        self.data = checked.data
        self.guild_id, self.channel_id, self.channel = checked.guild_id, checked.channel_id, checked.channel
        self.context = checked.context  # GUILD, BOT_DM or PRIVATE_CHANNEL: where it was used
        self.member = checked.member
        self.user = Target(checked.user.get("id", "0"), checked.user, self.member)
        self.permissions, self.app_permissions = checked.permissions, checked.app_permissions
        self.locale, self.guild_locale = checked.locale, checked.guild_locale
        self.resolved = checked.resolved
        self.options: dict = {}
        self.command_path = None
        self.message = checked.message
        self.values = checked.values
        self.created_at = created_at(self.id) if self.id else runtime.clock()
        self.now = runtime.clock()
        self._conn = None

    # ------------------------------------------------------------ services

    @property
    def db(self):
        """This interaction's database connection, opened on first use; committed when the handler returns."""
        if self._conn is None:
            from .. import db
            self._conn = db.acquire(self.runtime.dsn)
        return self._conn

    def finish(self, commit: bool) -> None:
        if self._conn is None:
            return
        from .. import db
        conn, self._conn = self._conn, None
        try:
            if not conn.closed:
                conn.commit() if commit else conn.rollback()
        finally:
            db.release(self.runtime.dsn, conn)

    @property
    def discord(self):
        return self.runtime.discord

    @property
    def settings(self) -> dict:
        return self.runtime.settings

    def has(self, permission: int) -> bool:
        return perms.has(self.permissions, permission)

    def bot_has(self, permission: int) -> bool:
        return perms.has(self.app_permissions, permission)

    def target(self, user_id) -> Target:
        user_id = str(user_id)
        return Target(user_id, (self.resolved.get("users") or {}).get(user_id),
                      (self.resolved.get("members") or {}).get(user_id))

    # ------------------------------------------------------------ answers

    def reply(self, content=None, **kw) -> r.Message:
        return r.Message(content, **kw)

    def error(self, content: str) -> r.Message:
        return r.Message(content, ephemeral=True)

    def defer(self, task, ephemeral=False, **kwargs) -> r.Deferred:
        """Answer "thinking…" now; the registered task (its function or its name) runs later as
        task(ctx, **kwargs) and its Message replaces the answer. kwargs must survive JSON."""
        from .. import features
        name = task if isinstance(task, str) else features.task_name(task)
        if not features.is_task(name):
            raise features.DeclarationError(f"{name!r} is not a registered deferred task")
        return r.Deferred(name, kwargs, ephemeral=ephemeral, update=self.type == 3)

    def update(self, content=None, **kw) -> r.Message:
        """Edit the message whose button or menu was used."""
        return r.Message(content, update=True, **kw)

    def follow_up(self, message: r.Message) -> dict:
        """Send another message after the first answer (from deferred work); returns Discord's message."""
        return self.discord.follow_up(self.token, message.body(), files=message.files or None)

    def modal(self, custom_id, title, components) -> r.Modal:
        return r.Modal(custom_id, title, components)

    def choices(self, pairs) -> r.Choices:
        return r.Choices(pairs)
