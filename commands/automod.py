"""/automod: rules, word and pattern lists, exemptions, a rule tester, and the push to Discord's AutoMod."""
from app.automod.rules import ACTIONS, RULE_TYPES, RuleError
from app.discord import permissions as perms
from app.discord.errors import DiscordError
from app.errors import UserError
from app.interactions.declare import Option, SlashCommand
from app.interactions.responses import clip, embed

# The engine, the store and the push load in the handlers that use them: a cold start answering a PING or
# another command pays nothing for automod (the rule names above are all a declaration needs).
TEXT_CHANNELS = (0, 5)
LIST_CHOICES = [("bad words", "words"), ("regex patterns", "patterns"), ("blocked link domains", "block"),
                ("allowed link domains", "allow"), ("allowed invite codes", "allow_codes")]

automod = SlashCommand("automod", "Automatic moderation: rules, word lists, tests",
                       default_member_permissions=perms.MANAGE_GUILD)
words = automod.group("words", "The word, pattern and domain lists")


def require_manager(ctx):
    if not ctx.has(perms.MANAGE_GUILD):
        raise UserError("You need the Manage Server permission to change automod.")


def rule_option(description="Which rule"):
    return Option.string("rule", description, choices=[(kind, kind) for kind in RULE_TYPES])


def list_option():
    return Option.string("list", "Which list (bad words when left out)", required=False, choices=LIST_CHOICES)


def _saved(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except RuleError as error:
        raise UserError(f"Not saved: {error}.") from None


def then_sync(ctx, note):
    """Every change is pushed to Discord's AutoMod right away, after the answer (several REST calls)."""
    return ctx.defer(sync_task, ephemeral=True, note=note)


def sync_task(ctx, note=""):
    """Deferred: push the guild's rules to Discord and say what happened."""
    lines = [note] if note else []
    if not ctx.bot_has(perms.MANAGE_GUILD):
        lines.append("I don't have the Manage Server permission, so Discord's own AutoMod wasn't updated; the scan "
                     "still enforces every rule. Give my role Manage Server, then run /automod sync.")
        return ctx.reply("\n".join(lines), ephemeral=True)
    from app.automod.push import push_native_rules
    from app.automod.store import load_rules
    application_id = ctx.settings.get("DISCORD_APPLICATION_ID")
    try:
        outcome = push_native_rules(ctx.discord, ctx.guild_id, load_rules(ctx.db, ctx.guild_id), application_id)
    except DiscordError as error:
        lines.append(f"Saved, but I couldn't read this server's AutoMod rules: {error.explain()} "
                     "The scan still enforces every rule; try /automod sync later.")
        return ctx.reply("\n".join(lines), ephemeral=True)
    lines += outcome.lines()
    return ctx.reply(clip("\n".join(lines), 2000), ephemeral=True)


def describe(rule):
    spec = RULE_TYPES[rule["type"]]
    parts = [("on" if rule["enabled"] else "off"), f"action: {rule['action']}"]
    if rule["action"] == "timeout":
        parts.append(f"for {rule['duration']} s")
    if rule["alert_channel_id"]:
        parts.append(f"alerts in <#{rule['alert_channel_id']}>")
    if spec["threshold"]:
        parts.append(f"threshold {rule['threshold']} ({spec['threshold'][3]})")
    for field, values in rule["config"].items():
        if isinstance(values, list):
            parts.append(f"{field.replace('_', ' ')}: {len(values)}")
        else:
            parts.append(f"{field.replace('_', ' ')}: {values}")
    if rule["exempt_roles"]:
        parts.append("exempt roles: " + ", ".join(f"<@&{r}>" for r in rule["exempt_roles"]))
    if rule["exempt_channels"]:
        parts.append("exempt channels: " + ", ".join(f"<#{c}>" for c in rule["exempt_channels"]))
    return f"{spec['summary']}\n" + " · ".join(parts)


@automod.subcommand("view", "Show every automod rule")
def view(ctx):
    require_manager(ctx)
    from app.automod import service
    rules = service.rules_overview(ctx.db, ctx.guild_id)
    fields = [(rule["type"], describe(rule)) for rule in rules]
    return ctx.reply(embeds=[embed("Automod", "Change rules with `/automod set`, lists with `/automod words`, "
                                              "and check a message with `/automod test`.", fields=fields)],
                     ephemeral=True)


@automod.subcommand("set", "Turn a rule on or off and choose what it does", options=[
    rule_option(), Option.boolean("enabled", "On or off"),
    Option.string("action", "What happens to a matching message", required=False,
                  choices=[(action, action) for action in ACTIONS]),
    Option.integer("threshold", "The rule's number (see /automod view)", required=False, min_value=1, max_value=100),
    Option.string("duration", "Timeout length, like 10m, 2h or 1d (timeout action)", required=False, max_length=20),
    Option.channel("alert_channel", "Where alerts go (alert action)", required=False, channel_types=TEXT_CHANNELS)])
def set_rule(ctx, rule, enabled, action=None, threshold=None, duration=None, alert_channel=None):
    require_manager(ctx)
    from app.automod import service
    seconds = None
    if duration is not None:
        from app.moderation.durations import MAX_TIMEOUT, parse_duration
        seconds = int(parse_duration(duration, maximum=MAX_TIMEOUT, what="timeout").total_seconds())
    saved = _saved(service.set_rule, ctx.db, ctx.guild_id, rule, ctx.now, actor_id=ctx.user.id, enabled=enabled,
                   action=action, threshold=threshold, duration=seconds,
                   alert_channel_id=(alert_channel or {}).get("id"))
    return then_sync(ctx, f"Saved **{rule}**: {describe(saved)}")


@automod.subcommand("exempt", "Let a role or channel skip a rule (or stop letting it)", options=[
    rule_option(), Option.role("role", "A role to exempt", required=False),
    Option.channel("channel", "A channel to exempt", required=False),
    Option.boolean("remove", "Remove the exemption instead", required=False)])
def exempt(ctx, rule, role=None, channel=None, remove=False):
    require_manager(ctx)
    if role is None and channel is None:
        raise UserError("Pick a role, a channel or both.")
    from app.automod import service
    saved = _saved(service.set_exemption, ctx.db, ctx.guild_id, rule, ctx.now, role_id=(role or {}).get("id"),
                   channel_id=(channel or {}).get("id"), remove=bool(remove), actor_id=ctx.user.id)
    return then_sync(ctx, f"Saved **{rule}**: {describe(saved)}")


def _change_list(ctx, change, list_key, items):
    """Apply add_items/remove_items to one list: (rule, what came back, the list's count line)."""
    from app.automod import service
    rule, rest = _saved(change, ctx.db, ctx.guild_id, list_key, service.split_items(list_key, items), ctx.now,
                        actor_id=ctx.user.id)
    field, label = service.LISTS[list_key][1], service.LISTS[list_key][2]
    return rule, rest, f"{label.capitalize()}: now {len(rule['config'][field])}."


@words.subcommand("add", "Add words (comma-separated; * is a wildcard), a regex, or domains", options=[
    Option.string("items", "e.g. badword, cat*, *dog — or one regex — or example.com", max_length=1500),
    list_option()])
def words_add(ctx, items, list=None):
    require_manager(ctx)
    from app.automod import service
    list_key = list or "words"
    rule, refused, count = _change_list(ctx, service.add_items, list_key, items)
    lines = [count]
    lines += [f"Refused '{clip(item, 60)}': {why}." for item, why in refused[:10]]
    if list_key == "words":
        lines.append(service.word_capacity_note(len(rule["config"][service.LISTS["words"][1]])))
    return then_sync(ctx, "\n".join(lines))


@words.subcommand("remove", "Remove words (comma-separated), a regex, or domains", options=[
    Option.string("items", "What to remove", max_length=1500), list_option()])
def words_remove(ctx, items, list=None):
    require_manager(ctx)
    from app.automod import service
    list_key = list or "words"
    _, missing, count = _change_list(ctx, service.remove_items, list_key, items)
    lines = [count]
    if missing:
        lines.append("Not in the list: " + ", ".join(clip(item, 60) for item in missing[:20]) + ".")
    return then_sync(ctx, "\n".join(lines))


@words.subcommand("list", "Show a list", options=[list_option()])
def words_list(ctx, list=None):
    require_manager(ctx)
    from app.automod import service
    list_key = list or "words"
    items = service.list_items(ctx.db, ctx.guild_id, list_key)
    label = service.LISTS[list_key][2]
    if not items:
        return ctx.reply(f"No {label} yet. Add some with `/automod words add`.", ephemeral=True)
    text = ", ".join(f"`{item}`" for item in items)
    return ctx.reply(clip(f"{len(items)} {label}: {text}", 2000), ephemeral=True)


@automod.subcommand("test", "Show which rules would fire on a message, and why", options=[
    Option.string("text", "The message to test", max_length=2000)])
def test(ctx, text):
    require_manager(ctx)
    from app.automod.engine import compile_rules, explain
    from app.automod.store import load_rules
    lines = explain(compile_rules(load_rules(ctx.db, ctx.guild_id)), text)
    return ctx.reply(embeds=[embed("Automod test", "\n".join(f"• {line}" for line in lines))], ephemeral=True)


@automod.subcommand("sync", "Push the rules to Discord's own AutoMod now")
def sync(ctx):
    require_manager(ctx)
    return then_sync(ctx, "")
