"""A custom command being used: the dispatcher's fallback for a command name no built-in declares, for the
command itself and for the autocomplete of its options."""
from app.errors import UserError
from app.interactions import options as opts
from app.interactions.declare import Option

AUTOCOMPLETE = 4


def run_custom_command(ctx):
    """The dispatcher's fallback: the guild's custom command of that name (or registered id), or None."""
    from app.custom import service, templates
    row = service.find_invoked(ctx.db, ctx.guild_id, ctx.data.get("id"), ctx.data.get("name"))
    if row is None:
        return None
    if ctx.type == AUTOCOMPLETE:
        return _suggestions(ctx, row)
    if row["required_role_id"] and str(row["required_role_id"]) not in ctx.user.roles:
        raise UserError(f"`/{row['name']}` is for members with the <@&{row['required_role_id']}> role.")
    if row["allowed_channel_id"] and str(row["allowed_channel_id"]) != str(ctx.channel_id):
        raise UserError(f"`/{row['name']}` works in <#{row['allowed_channel_id']}> only.")
    args = _typed_args(ctx, row)
    context = service.template_context(
        invoker=_person(ctx.user), guild_id=ctx.guild_id,
        channel={"id": str(ctx.channel_id), "name": (ctx.channel or {}).get("name", ""),
                 "mention": f"<#{ctx.channel_id}>"},
        args=args, now=ctx.created_at, rng=ctx.runtime.rng)
    try:
        content, embeds = service.render_answer(row["template"], row["embed"], context)
    except templates.TemplateError as exc:
        return ctx.error(f"`/{row['name']}` couldn't answer: {exc}. A server manager can fix it with `/cc edit`.")
    service.take_cooldown(ctx.db, row, ctx.user.id, ctx.now)
    return ctx.reply(content, embeds=embeds, ephemeral=row["ephemeral"], allowed_mentions=service.allowed_mentions(row))


def _suggestions(ctx, row):
    from app.custom import definitions
    focused = opts.focused(ctx.data.get("options"))
    option = next((o for o in row["options"] if focused and o["name"] == focused[0]), None)
    if option is None:
        return ctx.choices([])
    return ctx.choices(definitions.suggest(option, focused[1]))


def _declared(option) -> Option:
    choices = [(c["name"], c["value"]) for c in option["choices"]] if option.get("choices") else None
    return Option(option["type"], option["name"], option["description"], required=option.get("required", True),
                  choices=choices)


def _typed_args(ctx, row) -> dict:
    declared = [_declared(o) for o in row["options"]]
    given = opts.parse(ctx, declared, ctx.data.get("options") or [])
    args = {o.name: None for o in declared}
    for option in row["options"]:
        value = given.get(option["name"])
        if value is not None and option.get("strict") and value not in [s["value"] for s in option["suggestions"]]:
            raise UserError(f"`{option['name']}` must be one of the values offered as you type; "
                            "pick one from the list.")
    for name, value in given.items():
        if hasattr(value, "mention"):
            args[name] = _person(value)
        elif isinstance(value, dict):  # a channel or a role, as Discord resolved it
            is_role = "permissions" in value or "color" in value
            args[name] = {"id": str(value.get("id")), "name": value.get("name", ""),
                          "mention": f"<@&{value.get('id')}>" if is_role else f"<#{value.get('id')}>"}
        else:
            args[name] = value
    return args


def _person(target) -> dict:
    return {"id": target.id, "name": target.name, "mention": target.mention, "bot": target.is_bot}
