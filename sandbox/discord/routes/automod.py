"""AutoMod rules."""
from sandbox.discord.errors import DiscordError, invalid_form, json_object


RULE_LIMITS = {1: 6, 3: 1, 4: 1, 5: 1, 6: 1}  # trigger type -> rules allowed per guild
TRIGGER_METADATA_DEFAULTS = {
    1: {"keyword_filter": [], "regex_patterns": [], "allow_list": []}, 3: {},
    4: {"presets": [], "allow_list": []}, 6: {"keyword_filter": [], "regex_patterns": [], "allow_list": []},
    5: {"mention_total_limit": 0, "mention_raid_protection_enabled": False}}


def _rule(guild, rule_id):
    if rule_id not in guild["automod"]:
        raise DiscordError(404, "Unknown auto moderation rule", 10066)
    return guild["automod"][rule_id]


def list_rules(fake, request, guild_id):
    return 200, list(fake._guild(guild_id)["automod"].values())


def get_rule(fake, request, guild_id, rule_id):
    return 200, _rule(fake._guild(guild_id), rule_id)


def create_rule(fake, request, guild_id):
    guild, body = fake._guild(guild_id), json_object(request)
    for required in ("name", "event_type", "trigger_type"):
        if body.get(required) is None:
            raise invalid_form(required, "This field is required")
    if body["trigger_type"] not in RULE_LIMITS:
        raise invalid_form("trigger_type", "Value is not a valid trigger type.")
    same_kind = [r for r in guild["automod"].values() if r["trigger_type"] == body["trigger_type"]]
    if len(same_kind) >= RULE_LIMITS[body["trigger_type"]]:
        raise DiscordError(400, "Maximum number of rules of this type reached", 30037)
    rule = {"id": fake.next_snowflake(), "guild_id": guild_id, "creator_id": fake.application_id,
            "enabled": False, "actions": [], "exempt_roles": [], "exempt_channels": [],
            **{k: v for k, v in body.items() if v is not None}}
    guild["automod"][rule["id"]] = rule_as_stored(rule)
    return 200, rule


def rule_as_stored(rule):
    """Discord echoes rules with every metadata field filled in."""
    rule["trigger_metadata"] = {**TRIGGER_METADATA_DEFAULTS[rule["trigger_type"]], **(rule.get("trigger_metadata") or {})}
    rule["actions"] = [{"metadata": {}, **action} for action in rule.get("actions") or []]
    return rule


def edit_rule(fake, request, guild_id, rule_id):
    rule, body = _rule(fake._guild(guild_id), rule_id), json_object(request)
    if body.get("trigger_type") not in (None, rule["trigger_type"]):
        raise invalid_form("trigger_type", "A rule's trigger type cannot be changed.")
    rule.update({k: v for k, v in body.items() if v is not None})
    return 200, rule_as_stored(rule)


def delete_rule(fake, request, guild_id, rule_id):
    guild = fake._guild(guild_id)
    _rule(guild, rule_id)
    del guild["automod"][rule_id]
    return 204, None
