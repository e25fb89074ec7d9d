"""OpenAPI of the guild list, stats, leaderboard, cases, settings, change log, access and the login user."""
from dashboard.openapi_shapes import GUILD_ID, NULLABLE_SNOWFLAKE, SNOWFLAKE, obj, operation, path_param, query, ref

STRING = {"type": "string"}
INT = {"type": "integer"}
NULLABLE_STRING = {"type": ["string", "null"]}
TIME = {"type": "string", "format": "date-time"}
ANY = {}
R = ("400", "401", "403", "404", "429", "503")
W = ("400", "401", "403", "404", "413", "429", "503")

SCHEMAS = {
    "Error": obj({"error": STRING}),
    "User": obj({"user": obj({"id": SNOWFLAKE, "username": STRING, "global_name": NULLABLE_STRING,
                              "avatar_url": STRING}),
                 "csrf_token": STRING, "expires_at": TIME}),
    "Guild": obj({"id": SNOWFLAKE, "name": STRING, "icon_url": NULLABLE_STRING,
                  "access": {"enum": ["read", "write"]}, "manager": {"type": "boolean"}}),
    "Guilds": obj({"guilds": {"type": "array", "items": ref("Guild")},
                   "invitable": {"type": "array", "description": "guilds you manage without the bot",
                                 "items": obj({"id": SNOWFLAKE, "name": STRING, "icon_url": NULLABLE_STRING,
                                               "invite_url": STRING})}}),
    "Stats": obj({
        "guild_id": SNOWFLAKE, "days": {"type": "array", "items": {"type": "string", "format": "date"}},
        "members": {"type": ["integer", "null"], "description": "Discord's approximate member count"},
        "cases": obj({"recorded": INT, "by_type": {"type": "object", "description": "case type -> count per day",
                                                   "additionalProperties": {"type": "array", "items": INT}}}),
        "messages": obj({"per_day": {"type": "array", "items": INT}, "total": INT}),
        "most_active": {"type": "array", "items": obj({"user_id": SNOWFLAKE, "name": NULLABLE_STRING,
                                                       "messages": INT, "xp": INT, "level": INT})}}),
    "Leaderboard": obj({"period": {"enum": ["weekly", "all"]}, "page": INT, "pages": INT, "members": INT,
                        "entries": {"type": "array", "items": obj({"place": INT, "user_id": SNOWFLAKE, "name": NULLABLE_STRING,
                                                                   "xp": INT, "level": INT})}}),
    "Case": obj({"number": INT, "type": STRING, "user_id": SNOWFLAKE, "user_name": NULLABLE_STRING,
                 "moderator_id": NULLABLE_SNOWFLAKE, "moderator_name": NULLABLE_STRING,
                 "reason": NULLABLE_STRING, "created_at": TIME, "expires_at": {"type": ["string", "null"]},
                 "active": {"type": "boolean"}, "source": STRING}),
    "CasePage": obj({"cases": {"type": "array", "items": ref("Case")},
                     "next_before": {"type": ["integer", "null"], "description": "pass as before= for the next page"}}),
    "CaseDetail": obj({"case": ref("Case"), "history": {"type": "array", "items": obj({
        "old_reason": NULLABLE_STRING, "new_reason": STRING, "author_id": NULLABLE_SNOWFLAKE,
        "author_name": NULLABLE_STRING, "changed_at": TIME})}}),
    "Settings": obj({"guild_id": SNOWFLAKE, "sections": {"type": "object", "additionalProperties": obj({
        "title": STRING, "values": {"type": "object"},
        "kinds": {"type": "object", "additionalProperties": STRING}})}}),
    "SectionSaved": obj({"section": STRING, "values": {"type": "object"}}),
    "Change": obj({"id": INT, "section": STRING, "key": STRING, "old": ANY, "new": ANY,
                   "actor_id": NULLABLE_SNOWFLAKE, "actor_name": NULLABLE_STRING, "source": {"enum": ["dashboard", "command", "system"]},
                   "changed_at": TIME}),
    "ChangePage": obj({"changes": {"type": "array", "items": ref("Change")}, "next_before": {"type": ["integer", "null"]}}),
    "Grant": obj({"role_id": SNOWFLAKE, "level": {"enum": ["read", "write"]}}),
    "Access": obj({
        "guild_id": SNOWFLAKE,
        "grants": {"type": "array", "items": obj({"role_id": SNOWFLAKE, "level": {"enum": ["read", "write"]},
                                                  "granted_by": SNOWFLAKE, "granted_at": TIME})},
        "roles": {"type": ["array", "null"], "description": "the guild's roles (null when Discord didn't answer)",
                  "items": obj({"id": SNOWFLAKE, "name": STRING, "color": INT, "position": INT,
                                "managed": {"type": "boolean"}})},
        "levels": {"type": "array", "items": STRING}}),
    "RepTop": obj({"entries": {"type": "array", "items": obj({"place": INT, "user_id": SNOWFLAKE,
                                                              "name": NULLABLE_STRING, "rep": INT})}}),
    "Roles": obj({"roles": {"type": "array", "items": obj({"id": SNOWFLAKE, "name": STRING, "color": INT,
                                                           "position": INT, "managed": {"type": "boolean"}})}}),
    "Channels": obj({"channels": {"type": "array", "items": obj({
        "id": SNOWFLAKE, "name": STRING, "type": {"enum": ["text", "announcement"]}, "parent_id": NULLABLE_SNOWFLAKE})}}),
    "AiUsage": obj({"configured": {"type": "boolean"}, "days": {"type": "array", "items": STRING},
                    "answers": {"type": "array", "items": INT}, "tokens": {"type": "array", "items": INT},
                    "limits": obj({"answers_per_day": INT, "answers_per_member_day": INT})}),
    "AccessUpdate": obj({"grants": {"type": "array", "maxItems": 50, "items": ref("Grant")}}),
}

PATHS = {
    "/dashboard/auth/user": {"get": operation(
        "Who is logged in, and the CSRF token to send with every change", ref("User"), errors=("401", "429", "503"),
        tags=["auth"])},
    "/dashboard/api/guilds": {"get": operation(
        "Guilds this user may open: managed (Manage Server, Administrator, owner) or granted to one of their roles, "
        "with the bot in them", ref("Guilds"), errors=("401", "429", "503"), tags=["guilds"])},
    "/dashboard/api/stats": {"get": operation(
        "Members, cases by type per day, messages per day seen by the scans, most active members", ref("Stats"),
        params=[GUILD_ID, query("days", {"type": "integer", "minimum": 1, "maximum": 90}, description="default 30")],
        errors=R, tags=["overview"])},
    "/dashboard/api/leaderboard": {"get": operation(
        "XP leaderboard", ref("Leaderboard"),
        params=[GUILD_ID, query("period", {"enum": ["weekly", "all"]}),
                query("page", {"type": "integer", "minimum": 1, "maximum": 100000}),
                query("page_size", {"type": "integer", "minimum": 1, "maximum": 100})], errors=R, tags=["leveling"])},
    "/dashboard/api/rep": {"get": operation(
        "Reputation: the top holders", ref("RepTop"),
        params=[GUILD_ID, query("limit", {"type": "integer", "minimum": 1, "maximum": 100})], errors=R,
        tags=["reputation"])},
    "/dashboard/api/ai": {"get": operation(
        "AI answers: configured or not, answers and tokens per day, the tier's limits (settings: the ai section)",
        ref("AiUsage"), params=[GUILD_ID, query("days", {"type": "integer", "minimum": 1, "maximum": 90})],
        errors=R, tags=["ai"])},
    "/dashboard/api/roles": {"get": operation(
        "The guild's roles, highest first (for pickers; @everyone left out)", ref("Roles"), params=[GUILD_ID],
        errors=R, tags=["guilds"])},
    "/dashboard/api/channels": {"get": operation(
        "The guild's text and announcement channels (for pickers)", ref("Channels"), params=[GUILD_ID],
        errors=R, tags=["guilds"])},
    "/dashboard/api/cases": {"get": operation(
        "Moderation cases, newest first, keyset-paged", ref("CasePage"),
        params=[GUILD_ID, query("user_id", SNOWFLAKE), query("moderator_id", SNOWFLAKE),
                query("type", {"type": "string", "pattern": "^[a-z_]{1,32}$"}),
                query("since", {"type": "string", "format": "date-time"}),
                query("until", {"type": "string", "format": "date-time"}),
                query("before", {"type": "integer", "minimum": 1, "maximum": 2000000000}),
                query("limit", {"type": "integer", "minimum": 1, "maximum": 100})], errors=R, tags=["moderation"])},
    "/dashboard/api/cases/{number}": {"get": operation(
        "One case and its reason history", ref("CaseDetail"),
        params=[path_param("number", {"type": "integer", "minimum": 1, "maximum": 2000000000}), GUILD_ID],
        errors=R, tags=["moderation"])},
    "/dashboard/api/cases/{number}/reason": {"post": operation(
        "Re-word a case's reason (as /case reason); the old one stays in its history", ref("CaseDetail"),
        params=[path_param("number", {"type": "integer", "minimum": 1, "maximum": 2000000000}), GUILD_ID],
        body=obj({"reason": {"type": "string", "minLength": 1, "maxLength": 512}}), errors=W, tags=["moderation"],
        write=True)},
    "/dashboard/api/settings": {"get": operation(
        "Every settings section with its values and the kind of each key", ref("Settings"), params=[GUILD_ID],
        errors=R, tags=["settings"])},
    "/dashboard/api/settings/{section}": {"post": operation(
        "Change some keys of one section, checked as /config checks them; logged in the change log",
        ref("SectionSaved"), params=[path_param("section", {"type": "string"}), GUILD_ID],
        body={"type": "object"}, errors=W, tags=["settings"], write=True)},
    "/dashboard/api/changes": {"get": operation(
        "The change log: who changed which setting from what to what, when, from the dashboard or a command",
        ref("ChangePage"), params=[GUILD_ID, query("section", {"type": "string", "pattern": "^[a-z_]{1,40}$"}),
                                   query("before", {"type": "integer", "minimum": 1}),
                                   query("limit", {"type": "integer", "minimum": 1, "maximum": 100})],
        errors=R, tags=["settings"])},
    "/dashboard/api/access": {
        "get": operation("Which roles may read or change this guild's dashboard (managers only)", ref("Access"),
                         params=[GUILD_ID], errors=R, tags=["access"]),
        "post": operation("Replace the role grants (managers only)", ref("Access"), params=[GUILD_ID],
                          body=ref("AccessUpdate"), errors=W, tags=["access"], write=True)},
}
