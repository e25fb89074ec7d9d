"""Custom commands, the reading side: a command's checked fields, what its template sees, finding the one an
interaction invoked, its gates and cooldown. Registering with Discord is app/custom/registration.py."""
import random
from datetime import datetime, timedelta, timezone

from .. import db
from ..errors import UserError
from . import definitions, embeds, templates

FIELDS = ("description", "template", "options", "ephemeral", "mention_users", "cooldown_seconds", "required_role_id",
          "allowed_channel_id", "embed")
# What /cc edit's `clear` may name, and the value each goes back to.
CLEARABLE = {"required_role": ("required_role_id", None), "allowed_channel": ("allowed_channel_id", None),
             "cooldown": ("cooldown_seconds", 0), "ephemeral": ("ephemeral", False),
             "mention_users": ("mention_users", False), "description": ("description", None),
             "options": ("options", []), "response": ("template", ""), "embed": ("embed", None)}


def checked_fields(fields: dict, name: str) -> dict:
    """The stored shape of a command's fields; UserError for anything the author must change."""
    options = definitions.check_options(fields.get("options") or [])
    template = fields.get("template") or ""
    embed = embeds.checked(fields.get("embed"))
    if not template.strip() and embed is None:
        raise UserError("A custom command needs a response, an embed, or both.")
    try_render(template, embed, options)
    cooldown = int(fields.get("cooldown_seconds") or 0)
    if not 0 <= cooldown <= 7 * 24 * 3600:
        raise UserError("The cooldown is 0 to 604800 seconds (a week).")
    return {"description": definitions.check_description(fields.get("description"), name), "template": template,
            "options": options, "ephemeral": bool(fields.get("ephemeral")),
            "mention_users": bool(fields.get("mention_users")), "cooldown_seconds": cooldown,
            "required_role_id": _snowflake(fields.get("required_role_id")),
            "allowed_channel_id": _snowflake(fields.get("allowed_channel_id")), "embed": embed}


def _snowflake(value):
    return int(value) if value not in (None, "") and str(value).isdigit() else None


def try_render(template: str, embed, options: list) -> tuple:
    """Render with sample values (at save time, and the dashboard's preview), so a template (or embed) that
    can't work is refused then: (content or None, [embed] or [])."""
    try:
        return render_answer(template, embed, sample_context(options))
    except templates.TemplateError as exc:
        raise UserError(f"That template can't be used: {exc}.") from None


def render_answer(template: str, embed, context: dict) -> tuple:
    """(content or None, [embed] or []) of one use, all of it under one render budget; TemplateError."""
    budget = templates.Budget(templates.WALL_S, templates.STEPS)
    content = templates.render(template, context, budget=budget) if template.strip() else None
    rendered = [embeds.render(embed, context, budget, context["now"])] if embed else []
    return content, rendered


def sample_context(options) -> dict:
    samples = {3: "text", 4: 3, 10: 2.5, 5: True,
               6: {"id": "1", "name": "member", "mention": "<@1>"},
               7: {"id": "2", "name": "channel", "mention": "<#2>"},
               8: {"id": "3", "name": "role", "mention": "<@&3>"}}
    return template_context(invoker={"id": "1", "name": "you", "mention": "<@1>"}, guild_id="1",
                            channel={"id": "2", "name": "channel", "mention": "<#2>"},
                            args={o["name"]: samples[o["type"]] for o in options},
                            now=datetime(2024, 1, 1, tzinfo=timezone.utc), rng=random.Random(0))


def template_context(*, invoker, guild_id, channel, args, now, rng) -> dict:
    """What a template sees. Only plain values: no object whose methods reach the app."""
    def random_number(low=0, high=100):
        return rng.randint(int(low), int(high))

    def choice(*items):
        items = items[0] if len(items) == 1 and isinstance(items[0], (list, tuple)) else items
        return rng.choice(list(items)) if items else ""
    return {"user": invoker, "invoker": invoker, "server": {"id": str(guild_id)}, "channel": channel,
            "args": args, "options": args, "random": random_number, "choice": choice,
            "now": now.isoformat(), "timestamp": int(now.timestamp())}


def find(conn, guild_id, name):
    """The guild's command of that name, or None."""
    return db.one(conn, "custom.get_command", {"guild_id": int(guild_id), "name": (name or "").strip().lower()})


def get(conn, guild_id, name) -> dict:
    row = db.one(conn, "custom.get_command", {"guild_id": int(guild_id), "name": (name or "").strip().lower()})
    if row is None:
        raise UserError(f"There is no custom command `/{(name or '')[:32]}` here; `/cc list` shows them.")
    return row


def listing(conn, guild_id) -> list:
    return db.all_rows(conn, "custom.list_commands", {"guild_id": int(guild_id)})


def find_invoked(conn, guild_id, command_id, name):
    """The registered custom command an interaction names, or None (no guild, a name no command can have)."""
    if guild_id is None or not isinstance(name, str) or not definitions.NAME_RE.match(name):
        return None
    return db.one(conn, "custom.find_invoked", {"guild_id": int(guild_id), "name": name,
                                                "command_id": int(command_id) if str(command_id).isdigit() else None})


def allowed_mentions(row) -> dict:
    """Nobody is pinged, unless the command allows user mentions; roles, @everyone and @here never."""
    return {"parse": ["users"] if row.get("mention_users") else []}


def take_cooldown(conn, row, user_id, now) -> None:
    """Start the member's cooldown for this command; UserError while one is running."""
    if not row["cooldown_seconds"]:
        return
    key = {"guild_id": row["guild_id"], "name": row["name"], "user_id": int(user_id), "now": now,
           "available_at": now + timedelta(seconds=row["cooldown_seconds"])}
    if db.one(conn, "custom.claim_cooldown", key) is None:
        until = db.one(conn, "custom.cooldown_until", key)["available_at"]
        raise UserError(f"`/{row['name']}` is cooling down for you: try again <t:{int(until.timestamp())}:R>.")
