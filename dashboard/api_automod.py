"""/dashboard/api/automod: the rules, their lists, and the tester, through the same service and engine
/automod uses (app/automod/). A saved change is pushed to Discord's own AutoMod after the commit."""
from flask import Blueprint, jsonify

from dashboard import inputs
from dashboard.access import guild_access, runtime

bp = Blueprint("dashboard_api_automod", __name__, url_prefix="/dashboard/api/automod")
RULE_FIELDS = {"enabled": (bool,), "action": (str,), "threshold": (int, type(None)), "duration": (int, type(None)),
               "alert_channel_id": (str, type(None)), "config": (dict,), "exempt_roles": (list,),
               "exempt_channels": (list,)}


def _catalogue():
    from app.automod.rules import ACTIONS, RULE_TYPES
    from app.automod.service import LISTS
    return {"actions": list(ACTIONS),
            "rule_types": {kind: {"summary": spec["summary"], "threshold": None if not spec["threshold"] else
                                  dict(zip(("default", "min", "max", "meaning"), spec["threshold"]))}
                           for kind, spec in RULE_TYPES.items()},
            "lists": {key: {"rule": rule, "field": field, "title": title} for key, (rule, field, title) in LISTS.items()}}


def _push(guild_id, conn):
    """Discord's AutoMod brought in line after the commit; what happened, in a moderator's words."""
    from app.automod.push import push_native_rules
    from app.automod.store import load_rules
    from app.deadlines import DeadlineExceeded
    from app.discord.errors import DiscordError
    rules = load_rules(conn, guild_id)
    conn.commit()  # saved before Discord is asked; no transaction open while it answers
    rt = runtime()
    try:
        outcome = push_native_rules(rt.discord, guild_id, rules, rt.settings.get("DISCORD_APPLICATION_ID"))
    except DiscordError as error:
        return {"pushed": False, "lines": [f"Saved; Discord's AutoMod wasn't updated: {error.explain()} "
                                           "The scan still enforces every rule."]}
    except DeadlineExceeded:
        return {"pushed": False, "lines": ["Saved; Discord is slow, so its AutoMod wasn't fully updated. The scan "
                                           "still enforces every rule; run /automod sync later."]}
    return {"pushed": True, "lines": outcome.lines()}


@bp.get("")
@guild_access(write=False)
def overview(guild, conn):
    from app.automod import service
    return jsonify(rules=service.rules_overview(conn, guild.guild_id), **_catalogue())


@bp.post("/rules/<rule_type>")
@guild_access(write=True)
def set_rule(guild, conn, rule_type):
    from app.automod.rules import RULE_TYPES, RuleError
    from app.automod.store import load_rule, save_rule
    if rule_type not in RULE_TYPES:
        return jsonify(error=f"There is no automod rule called {rule_type[:40]!r}."), 404
    body = inputs.json_object(allowed=RULE_FIELDS)
    for key, types in RULE_FIELDS.items():
        if key in body and (not isinstance(body[key], types) or (bool not in types and isinstance(body[key], bool))):
            raise inputs.BadInput(f"{key} has the wrong type.")
    for key in ("exempt_roles", "exempt_channels"):
        if any(not isinstance(v, str) for v in body.get(key, [])):
            raise inputs.BadInput(f"{key} must be a list of ids (strings).")
    from app.dashboard_data import ownership
    ownership.check(runtime().discord, guild.guild_id, body, runtime().clock())
    rule = load_rule(conn, guild.guild_id, rule_type)
    rule.update({k: v for k, v in body.items() if k != "config"})
    rule["config"] = {**rule["config"], **body.get("config", {})}
    try:
        saved = save_rule(conn, guild.guild_id, rule, runtime().clock(), actor_id=guild.user_id, source="dashboard")
    except RuleError as error:
        raise inputs.BadInput(f"Not saved: {error}.") from None
    return jsonify(rule=saved, discord=_push(guild.guild_id, conn))


@bp.post("/lists/<list_key>")
@guild_access(write=True)
def change_list(guild, conn, list_key):
    from app.automod import service
    from app.automod.rules import RuleError
    if list_key not in service.LISTS:
        return jsonify(error=f"There is no automod list called {list_key[:40]!r}."), 404
    body = inputs.json_object(allowed=("add", "remove"))
    changes = {key: body.get(key, []) for key in ("add", "remove")}
    for key, items in changes.items():
        if not isinstance(items, list) or len(items) > 1000 or any(not isinstance(i, str) or len(i) > 300 for i in items):
            raise inputs.BadInput(f"{key} must be a list of at most 1000 texts of at most 300 characters.")
    now = runtime().clock()
    refused, missing = [], []
    try:
        if changes["remove"]:
            _, missing = service.remove_items(conn, guild.guild_id, list_key, changes["remove"], now,
                                              actor_id=guild.user_id, source="dashboard")
        if changes["add"]:
            _, refused = service.add_items(conn, guild.guild_id, list_key, changes["add"], now,
                                           actor_id=guild.user_id, source="dashboard")
    except RuleError as error:
        raise inputs.BadInput(f"Not saved: {error}.") from None
    return jsonify(items=service.list_items(conn, guild.guild_id, list_key), missing=missing,
                   refused=[{"item": item, "reason": why} for item, why in refused],
                   discord=_push(guild.guild_id, conn))


@bp.post("/test")
@guild_access(write=False)
def test_text(guild, conn):
    from app.automod.engine import compile_rules, explain
    from app.automod.store import load_rules
    body = inputs.json_object(allowed=("text",))
    text = body.get("text")
    if not isinstance(text, str) or len(text) > 4000:
        raise inputs.BadInput("text must be the message to test (at most 4000 characters).")
    lines = explain(compile_rules(load_rules(conn, guild.guild_id)), text)
    results = []
    for line in lines:
        rule, _, detail = line.partition(": ")
        results.append({"rule": rule, "fires": detail.startswith("FIRES"), "detail": detail})
    return jsonify(lines=lines, results=results)
