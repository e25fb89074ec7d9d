"""Option values as Discord sends them: typed from what the user typed, ids resolved from the guild's state."""
import base64

SUB_COMMAND, SUB_COMMAND_GROUP, STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = (
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
NESTING = (SUB_COMMAND, SUB_COMMAND_GROUP)


class OptionError(ValueError):
    """What the user typed is not what the option takes; Discord's client would not let it through."""


def find_node(command: dict, path) -> tuple:
    """The (sub)command node that `path` (sub command group and sub command names) names, and its parents."""
    node, parents = command, []
    for name in path:
        children = {o["name"]: o for o in node.get("options") or [] if o["type"] in NESTING}
        if name not in children:
            raise OptionError(f"/{command['name']} has no subcommand {name!r}")
        node = children[name]
        parents.append(node)
    if any(o["type"] in NESTING for o in node.get("options") or []):
        raise OptionError(f"pick a subcommand of /{' '.join([command['name'], *path])}")
    return node, parents


def typed_options(fake, guild_id, node, values: dict, focused=None) -> tuple:
    """([option...], resolved) for the leaf `node`; the focused option (autocomplete) goes as typed text."""
    declared = {o["name"]: o for o in node.get("options") or []}
    options, resolved = [], {}
    for name, raw in values.items():
        if name not in declared:
            raise OptionError(f"unknown option {name!r}")
        if raw in (None, "") and name != focused:
            continue
        option = declared[name]
        if name == focused:
            options.append({"name": name, "type": option["type"], "value": str(raw), "focused": True})
            continue
        options.append({"name": name, "type": option["type"], "value": _value(fake, guild_id, option, raw, resolved)})
    missing = [o["name"] for o in declared.values() if o.get("required") and o["name"] not in
               {x["name"] for x in options}]
    if missing and focused is None:
        raise OptionError(f"{', '.join(missing)} required")
    return options, resolved


def nest(options, parents) -> list:
    for node in reversed(parents):
        options = [{"name": node["name"], "type": node["type"], "options": options}]
    return options


def _value(fake, guild_id, option, raw, resolved):
    kind, name = option["type"], option["name"]
    try:
        if kind == INTEGER:
            value = int(raw)
        elif kind == NUMBER:
            value = float(raw)
        elif kind == BOOLEAN:
            value = raw if isinstance(raw, bool) else str(raw).lower() in ("true", "yes", "on", "1")
        elif kind == ATTACHMENT:
            return _attachment(fake, raw, resolved)
        else:
            value = str(raw)
    except (TypeError, ValueError):
        raise OptionError(f"{name} must be a {'whole number' if kind == INTEGER else 'number'}") from None
    if kind in (INTEGER, NUMBER):
        if option.get("min_value") is not None and value < option["min_value"]:
            raise OptionError(f"{name} must be at least {option['min_value']}")
        if option.get("max_value") is not None and value > option["max_value"]:
            raise OptionError(f"{name} must be at most {option['max_value']}")
    if kind == STRING:
        if "\x00" in value:
            raise OptionError(f"{name} can't contain a NUL character")
        if len(value) > option.get("max_length", 6000) or len(value) < option.get("min_length", 0):
            raise OptionError(f"{name} must be {option.get('min_length', 0)} to {option.get('max_length', 6000)} characters")
    if option.get("choices") and value not in [c["value"] for c in option["choices"]]:
        raise OptionError(f"{name} must be one of: {', '.join(str(c['name']) for c in option['choices'])}")
    if kind in (USER, CHANNEL, ROLE, MENTIONABLE):
        value = _resolve(fake, guild_id, kind, name, value.strip().lstrip("<@#&!").rstrip(">"), resolved)
    return value


def _resolve(fake, guild_id, kind, name, value, resolved):
    from sandbox.permissions import channel_permissions
    with fake._lock:
        guild = fake._guilds[guild_id]
        by_name = {m["user"]["username"]: uid for uid, m in guild["members"].items()}
        value = by_name.get(value, value)
        if kind in (USER, MENTIONABLE) and value in fake._users:
            user = fake._users[value]
            resolved.setdefault("users", {})[value] = dict(user)
            if value in guild["members"]:
                found = {k: v for k, v in guild["members"][value].items() if k != "user"}
                found["permissions"] = str(channel_permissions(guild, guild["members"][value], {}))
                resolved.setdefault("members", {})[value] = found
            return value
        if kind in (ROLE, MENTIONABLE) and value in guild["roles"]:
            resolved.setdefault("roles", {})[value] = dict(guild["roles"][value])
            return value
        channels = {c["name"]: c["id"] for c in map(fake._channels.get, guild["channels"])}
        value = channels.get(value, value)
        if kind == CHANNEL and value in guild["channels"]:
            channel = fake._channels[value]
            resolved.setdefault("channels", {})[value] = {
                "id": value, "name": channel["name"], "type": channel["type"], "parent_id": channel["parent_id"],
                "guild_id": guild_id, "permissions": str((1 << 53) - 1)}
            return value
    what = {USER: "member", CHANNEL: "channel", ROLE: "role", MENTIONABLE: "member or role"}[kind]
    raise OptionError(f"{name}: there is no {what} {value!r} in this server")


def _attachment(fake, raw, resolved):
    """An uploaded file: {"filename", "base64", "content_type"} from the page, stored on the fake's CDN."""
    if not isinstance(raw, dict) or not isinstance(raw.get("filename"), str):
        raise OptionError("attach a file")
    try:
        data = base64.b64decode(raw.get("base64") or "", validate=True)
    except ValueError:
        raise OptionError("the file could not be read") from None
    if len(data) > 2_500_000:  # base64 of it must fit the app's 4 MB request limit
        raise OptionError("files are limited to 2.5 MB in the sandbox")
    attachment = fake.upload(raw["filename"][:100] or "file", data, raw.get("content_type") or "application/octet-stream")
    resolved.setdefault("attachments", {})[attachment["id"]] = attachment
    return attachment["id"]
