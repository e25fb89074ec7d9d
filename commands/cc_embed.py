"""/cc embed: a custom command's answer as an embed (title, description, fields, footer, colour, images),
its text parts templates like the response. Without text parts a form opens, filled with the current ones."""
from app.errors import UserError
from app.interactions.declare import Option, custom_id, modal

from commands.cc import _builtin_names, _require_manager, cc, command_names

_FORM = (("title", "Title", 1, 256), ("description", "Description", 2, 4000),
         ("fields", "Fields: name | value [| inline], one a line", 2, 4000), ("footer", "Footer", 1, 2048),
         ("color", "Colour (#5865F2 or red, green, blue…)", 1, 20))


@cc.subcommand("embed", "Answer with an embed (makes the command if it doesn't exist); no text parts: a form",
               options=[
    Option.string("name", "Which command (a new name makes it)", max_length=32, autocomplete=command_names),
    Option.string("title", "Title (a template, up to 256 characters shown)", required=False, max_length=1000),
    Option.string("description", "Description (a template)", required=False, max_length=4000),
    Option.string("fields", "Fields: name | value [| inline], separated by ;;", required=False, max_length=4000),
    Option.string("footer", "Footer (a template)", required=False, max_length=2048),
    Option.string("color", "Colour: #5865F2, or red, green, blue, yellow, orange, purple…", required=False,
                  max_length=20),
    Option.string("author", "Author line at the top (a template)", required=False, max_length=1000),
    Option.string("image", "Image link (https://…)", required=False, max_length=2048),
    Option.string("thumbnail", "Thumbnail link (https://…)", required=False, max_length=2048),
    Option.string("url", "Link of the title (https://…)", required=False, max_length=2048),
    Option.boolean("timestamp", "Show when the command was used", required=False),
    Option.string("clear", "Parts to remove, e.g. footer, image (comma-separated), or all", required=False,
                  max_length=200),
    Option.string("options", "The command's typed options, as in /cc add (name:type, name?:type:description)",
                  required=False, max_length=4000)])
def set_embed(ctx, name, title=None, description=None, fields=None, footer=None, color=None, author=None,
              image=None, thumbnail=None, url=None, timestamp=None, clear=None, options=None):
    from app.custom import definitions, embeds
    _require_manager(ctx)
    command_options = definitions.parse_options(options) if options is not None else None
    cleared = [part.strip().lower() for part in (clear or "").split(",") if part.strip()]
    parts = {"title": title, "description": description, "footer": footer, "author": author, "image": image,
             "thumbnail": thumbnail, "url": url, "timestamp": timestamp,
             "fields": embeds.parse_fields(fields) if fields is not None else None,
             "color": embeds.parse_color(color) if color is not None else None}
    if all(value is None for value in parts.values()) and not cleared and command_options is None:
        return _embed_form(ctx, name)
    return _save(ctx, name, parts, cleared, command_options)


def _save(ctx, name, parts, cleared, command_options=None):
    from app.custom import definitions, embeds, registration, service
    name = definitions.check_name(name, _builtin_names(ctx))
    current = service.find(ctx.db, ctx.guild_id, name)
    if "all" in cleared:
        cleared = list(embeds.PARTS)
    embed = embeds.merged(current["embed"] if current else None, parts, cleared)
    if current is None:
        if embed is None:
            raise UserError(f"There is no `/{name}` yet; give the embed a title, description or fields to make it.")
        fields = {"template": "", "embed": embed, "options": command_options}
        registration.add(ctx.db, ctx.discord, guild_id=ctx.guild_id, name=name, fields=fields,
                         builtin_names=_builtin_names(ctx), user_id=ctx.user.id, now=ctx.now)
        return ctx.reply(f"Added `/{name}`, answering with an embed. It shows up in this server's command list now.",
                         ephemeral=True)
    registration.edit(ctx.db, ctx.discord, guild_id=ctx.guild_id, name=name,
                      changes={"embed": embed, "options": command_options}, clear=[] if embed else ["embed"],
                      now=ctx.now)
    shape = ": it answers with this embed" if embed else ": it no longer has an embed" if current["embed"] else ""
    return ctx.reply(f"Changed `/{name}`{shape}.", ephemeral=True)


def _embed_form(ctx, name):
    from app.custom import definitions, embeds, service
    name = definitions.check_name(name, _builtin_names(ctx))
    current = (service.find(ctx.db, ctx.guild_id, name) or {}).get("embed") or {}
    values = {**current, "fields": embeds.describe_fields(current.get("fields")),
              "color": f"#{current['color']:06X}" if current.get("color") is not None else ""}
    rows = []
    for field_id, label, style, length in _FORM:
        item = {"type": 4, "custom_id": field_id, "label": label, "style": style, "required": False,
                "max_length": length}
        if values.get(field_id):
            item["value"] = str(values[field_id])[:length]
        rows.append({"type": 1, "components": [item]})
    return ctx.modal(custom_id("ccembed", name), f"Embed of /{name}", rows)


@modal("ccembed")
def embed_from_form(ctx, name):
    from app.custom import embeds
    _require_manager(ctx)
    given = {key: (value or "").strip() for key, value in (ctx.data.get("fields") or {}).items()}
    parts = {"title": given.get("title"), "description": given.get("description"), "footer": given.get("footer"),
             "fields": embeds.parse_fields(given.get("fields")), "color": embeds.parse_color(given.get("color"))}
    cleared = [part for part, value in parts.items() if not value]  # an emptied box removes that part
    return _save(ctx, name, {k: v for k, v in parts.items() if v}, cleared)
