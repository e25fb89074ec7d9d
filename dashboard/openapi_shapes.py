"""Building blocks of the OpenAPI description: parameters, error answers, an operation."""

ERROR = {"$ref": "#/components/schemas/Error"}
SNOWFLAKE = {"type": "string", "pattern": "^[0-9]{1,20}$"}
NULLABLE_SNOWFLAKE = {"type": ["string", "null"], "pattern": "^[0-9]{1,20}$"}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def query(name: str, schema: dict, required=False, description="") -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def path_param(name: str, schema: dict) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema}


GUILD_ID = query("guild_id", SNOWFLAKE, required=True, description="the guild (server) id")

_ERRORS = {
    "400": "bad input (a guild_id that isn't a snowflake, wrong types, unknown fields)",
    "401": "no session, or it expired",
    "403": "no access to this guild (or, for a POST, a missing or wrong X-CSRF-Token)",
    "404": "the bot isn't in that guild, or no such thing",
    "413": "the body is too large",
    "429": "over the per-session rate limit",
    "503": "Discord or the database isn't answering",
}


def operation(summary: str, ok: dict, *, params=(), body=None, status="200", errors=None, tags=(), write=False,
              public=False) -> dict:
    answers = {status: {"description": "OK", "content": {"application/json": {"schema": ok}}}}
    for code in errors or _ERRORS:
        answers[code] = {"description": _ERRORS.get(code, "error"),
                         "content": {"application/json": {"schema": ERROR}}}
    found = {"summary": summary, "parameters": list(params), "responses": answers, "tags": list(tags)}
    if body is not None:
        found["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if write:
        found["security"] = [{"session": [], "csrf": []}]
    if public:
        found["security"] = []
    return found


def obj(properties: dict, required=None, additional=False) -> dict:
    """An object schema; every property required unless `required` names them."""
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else list(required),
            "additionalProperties": additional}
