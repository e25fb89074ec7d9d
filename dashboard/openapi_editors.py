"""OpenAPI of the editors: automod (rules, lists, tester) and custom commands (with a render preview)."""
from dashboard.openapi_core import INT, NULLABLE_STRING, STRING, W
from dashboard.openapi_shapes import GUILD_ID, obj, operation, path_param, ref

BOOL = {"type": "boolean"}
STRINGS = {"type": "array", "items": STRING}
R = ("400", "401", "403", "404", "429", "503")
PUSHED = obj({"pushed": BOOL, "lines": STRINGS})

SCHEMAS = {
    "Rule": obj({"type": STRING, "enabled": BOOL, "action": STRING, "duration": {"type": ["integer", "null"]},
                 "alert_channel_id": NULLABLE_STRING, "threshold": {"type": ["integer", "null"]},
                 "config": {"type": "object"}, "exempt_roles": STRINGS, "exempt_channels": STRINGS}),
    "RuleChange": obj({"enabled": BOOL, "action": STRING, "threshold": {"type": ["integer", "null"]},
                       "duration": {"type": ["integer", "null"]}, "alert_channel_id": NULLABLE_STRING,
                       "config": {"type": "object"}, "exempt_roles": STRINGS, "exempt_channels": STRINGS},
                      required=[]),
    "Automod": obj({"rules": {"type": "array", "items": ref("Rule")}, "actions": STRINGS,
                    "rule_types": {"type": "object", "additionalProperties": obj({
                        "summary": STRING, "threshold": {"type": ["object", "null"]}})},
                    "lists": {"type": "object", "additionalProperties": obj({"rule": STRING, "field": STRING,
                                                                             "title": STRING})}}),
    "RuleSaved": obj({"rule": ref("Rule"), "discord": PUSHED}),
    "ListChange": obj({"add": {"type": "array", "maxItems": 1000, "items": {"type": "string", "maxLength": 300}},
                       "remove": {"type": "array", "maxItems": 1000, "items": {"type": "string", "maxLength": 300}}},
                      required=[]),
    "ListChanged": obj({"items": STRINGS, "missing": STRINGS,
                        "refused": {"type": "array", "items": obj({"item": STRING, "reason": STRING})},
                        "discord": PUSHED}),
    "TestText": obj({"text": {"type": "string", "maxLength": 4000}}),
    "TestResult": obj({"lines": STRINGS, "results": {"type": "array", "items": obj({
        "rule": STRING, "fires": BOOL, "detail": STRING})}}),
    "CustomCommand": obj({"name": STRING, "description": NULLABLE_STRING, "template": NULLABLE_STRING,
                          "options": {"type": "array", "items": {"type": "object"}}, "ephemeral": BOOL,
                          "mention_users": BOOL, "cooldown_seconds": INT, "required_role_id": NULLABLE_STRING,
                          "allowed_channel_id": NULLABLE_STRING, "registered": BOOL, "state": NULLABLE_STRING}),
    "CustomFields": obj({"name": STRING, "template": {"type": "string", "maxLength": 4000},
                         "description": NULLABLE_STRING, "options": {"type": "array", "items": {"type": "object"}},
                         "ephemeral": BOOL, "mention_users": BOOL,
                         "cooldown_seconds": {"type": "integer", "minimum": 0, "maximum": 604800},
                         "required_role_id": NULLABLE_STRING, "allowed_channel_id": NULLABLE_STRING},
                        required=["name", "template"]),
    "CustomChange": obj({"template": {"type": "string", "maxLength": 4000}, "description": NULLABLE_STRING,
                         "options": {"type": "array", "items": {"type": "object"}}, "ephemeral": BOOL,
                         "mention_users": BOOL, "cooldown_seconds": {"type": "integer", "minimum": 0, "maximum": 604800},
                         "required_role_id": NULLABLE_STRING, "allowed_channel_id": NULLABLE_STRING}, required=[]),
    "CustomCommands": obj({"commands": {"type": "array", "items": ref("CustomCommand")}}),
    "CustomSaved": obj({"command": ref("CustomCommand")}),
    "Preview": obj({"template": {"type": "string", "maxLength": 4000},
                    "options": {"type": "array", "items": {"type": "object"}}}, required=["template"]),
}

PATHS = {
    "/dashboard/api/automod": {"get": operation(
        "Every automod rule (stored or its defaults), the rule types, actions and lists", ref("Automod"),
        params=[GUILD_ID], errors=R, tags=["automod"])},
    "/dashboard/api/automod/rules/{rule_type}": {"post": operation(
        "Change one rule (as /automod set); pushed to Discord's AutoMod after saving", ref("RuleSaved"),
        params=[path_param("rule_type", STRING), GUILD_ID], body=ref("RuleChange"), errors=W, tags=["automod"],
        write=True)},
    "/dashboard/api/automod/lists/{list_key}": {"post": operation(
        "Add to and remove from a word, pattern, domain or invite list", ref("ListChanged"),
        params=[path_param("list_key", STRING), GUILD_ID], body=ref("ListChange"), errors=W, tags=["automod"],
        write=True)},
    "/dashboard/api/automod/test": {"post": operation(
        "Which rules would fire on a message, and why (the engine the scan uses)", ref("TestResult"),
        params=[GUILD_ID], body=ref("TestText"), errors=W, tags=["automod"], write=True)},
    "/dashboard/api/custom": {
        "get": operation("Custom commands", ref("CustomCommands"), params=[GUILD_ID], errors=R, tags=["custom"]),
        "post": operation("Create a custom command (registered on Discord as a guild command)", ref("CustomSaved"),
                          params=[GUILD_ID], body=ref("CustomFields"), status="201", errors=W, tags=["custom"],
                          write=True)},
    "/dashboard/api/custom/{name}": {
        "post": operation("Change a custom command", ref("CustomSaved"),
                          params=[path_param("name", STRING), GUILD_ID],
                          body=ref("CustomChange"), errors=W,
                          tags=["custom"], write=True),
        "delete": operation("Remove a custom command (from Discord too)", obj({"removed": STRING}),
                            params=[path_param("name", STRING), GUILD_ID], errors=R, tags=["custom"], write=True)},
    "/dashboard/api/custom/preview": {"post": operation(
        "Render a template with sample values in the same sandbox commands run in", obj({"rendered": STRING}),
        params=[GUILD_ID], body=ref("Preview"), errors=W, tags=["custom"], write=True)},
}
