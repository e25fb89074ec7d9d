"""Checks outgoing Discord payloads against Discord's own OpenAPI spec (shared/discord-api-spec)."""
import copy
import functools
import json
import re
from datetime import datetime
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import relevance
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parents[2] / "shared/discord-api-spec/openapi.json"
SPEC_URI = "urn:discord-openapi"

CALLBACK_SCHEMAS = {
    1: "PongInteractionCallbackRequest",
    4: "CreateMessageInteractionCallbackRequest",
    5: "CreateMessageInteractionCallbackRequest",
    6: "UpdateMessageInteractionCallbackRequest",
    7: "UpdateMessageInteractionCallbackRequest",
    8: "ApplicationCommandAutocompleteCallbackRequest",
    9: "ModalInteractionCallbackRequest",
}

# Where the spec is stricter than Discord's documented behaviour, _accept_documented_forms widens it.
# The spec types these permission bit sets as integers; Discord documents them as strings of digits.
PERMISSION_FIELDS = {"default_member_permissions", "permissions", "allow", "deny"}
DIGITS = {"type": "string", "pattern": "^[0-9]+$"}

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _is_iso_timestamp(value):
    # Discord reads ISO 8601 timestamps; only strings are checked, other types are the schema's job.
    if isinstance(value, str):
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def _accept_documented_forms(document):
    schemas = document["components"]["schemas"]
    # Discord's docs number new uploads' attachments 0, 1, ... (matching files[n]); the spec wants strings.
    schemas["MessageAttachmentRequest"]["properties"]["id"] = {
        "anyOf": [{"$ref": "#/components/schemas/SnowflakeType"}, {"type": "integer", "minimum": 0}]}
    for name, schema in schemas.items():
        if not name.endswith(("Request", "RequestPartial")):
            continue
        for field, prop in (schema.get("properties") or {}).items():
            if field in PERMISSION_FIELDS and "integer" in (prop.get("type") or []):
                schema["properties"][field] = {"anyOf": [prop, DIGITS]}
    return document


@functools.lru_cache(maxsize=1)
def _spec():
    document = _accept_documented_forms(json.loads(SPEC_PATH.read_text()))
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    return document, Registry().with_resource(SPEC_URI, resource)


@functools.lru_cache(maxsize=None)
def _validator(pointer):
    """A compiled validator for the schema at `pointer` inside the spec (a JSON pointer)."""
    _, registry = _spec()
    return Draft202012Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=registry,
                                format_checker=FORMATS)


@functools.lru_cache(maxsize=1)
def _templates():
    """(regex, template) for every spec path, the most literal templates first."""
    document, _ = _spec()
    compiled = []
    for template in document["paths"]:
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        compiled.append((re.compile(pattern), template))
    return sorted(compiled, key=lambda item: item[1].count("{"))


def _template_for(path):
    path = path.split("?", 1)[0]
    path = path[len("/api/v10"):] if path.startswith("/api/v10/") else path
    for pattern, template in _templates():
        if pattern.fullmatch(path):
            return template
    return None


def _operation(method, path):
    template = _template_for(path)
    if template is None:
        return None, None
    return template, _spec()[0]["paths"][template].get(method.lower())


def spec_covers(method, path):
    return _operation(method, path)[1] is not None


def _body_pointer(template, method):
    operation = _spec()[0]["paths"][template][method.lower()]
    content = (operation.get("requestBody") or {}).get("content") or {}
    if "application/json" not in content:
        return None
    escaped = template.replace("~", "~0").replace("/", "~1")
    return f"/paths/{escaped}/{method.lower()}/requestBody/content/application~1json/schema"


def _shorten(text, limit=160):
    return text if len(text) <= limit else text[:limit] + "..."


def _picks_other_variant(error):
    """True when this error only says 'the payload is a different kind' (type tag or null-vs-object)."""
    tag = list(error.relative_path) in (["type"], ["trigger_type"]) and error.validator in ("enum", "const")
    return tag or (error.validator == "type" and not error.relative_path)


def _explain(error):
    """Follows a oneOf/anyOf into the variant the payload meant (by its type tag), for a useful message."""
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return f"{error.json_path}: {_shorten(error.message)}"
    variants = {}
    for sub in error.context:
        variants.setdefault(sub.relative_schema_path[0], []).append(sub)
    meant = [errors for errors in variants.values() if not any(map(_picks_other_variant, errors))]
    if len(meant) == 1:
        return _explain(max(meant[0], key=relevance))
    tags = sorted({v for e in error.context if _picks_other_variant(e) and e.validator == "enum"
                   for v in e.validator_value})
    if tags and not meant and isinstance(error.instance, dict):
        tag = "trigger_type" if "trigger_type" in error.instance else "type"
        return f"{error.json_path}: {tag} {error.instance.get(tag)!r} is none of the allowed kinds {tags}"
    reasons = "; ".join(sorted({_shorten(e.message, 60) for e in error.context})[:4])
    return f"{error.json_path}: {_shorten(repr(error.instance), 60)} matches no variant ({reasons})"


def _check(pointer, payload, what):
    # Not best_match: it guesses inside oneOf by depth alone; _explain follows the type tag instead.
    error = max(_validator(pointer).iter_errors(payload), key=relevance, default=None)
    if error is not None:
        raise AssertionError(f"{what}: {_explain(error)}")


def validate_interaction_response(payload):
    """An interaction response (what /interactions answers, or a callback body) against the spec."""
    kind = payload.get("type") if isinstance(payload, dict) else None
    if kind not in CALLBACK_SCHEMAS:
        raise AssertionError(f"interaction response: unknown callback type {kind!r} in {payload!r}")
    _check(f"/components/schemas/{CALLBACK_SCHEMAS[kind]}", payload,
           f"interaction response type {kind} ({CALLBACK_SCHEMAS[kind]})")


def validate_request(method, path, body):
    """A REST request body against the spec's application/json schema for that route."""
    template, operation = _operation(method, path)
    if operation is None:
        raise AssertionError(f"{method.upper()} {path} is not a route in Discord's spec")
    pointer = _body_pointer(template, method)
    if pointer is None:
        if body is not None:
            raise AssertionError(f"{method.upper()} {template} takes no JSON body, got {body!r}")
        return
    if body is not None:  # an absent body is how clients send "no options" (e.g. a plain ban)
        _check(pointer, body, f"{method.upper()} {template}")


def validate_recorded(recorded):
    """Validates a FakeDiscord Recorded request when the spec has a body schema; True if it did."""
    template, operation = _operation(recorded.method, recorded.path)
    if operation is None or _body_pointer(template, recorded.method) is None or recorded.json is None:
        return False
    validate_request(recorded.method, recorded.path, recorded.json)
    return True


def spec_schema(name):
    """A copy of a components/schemas entry, for tests that want to look at a shape."""
    return copy.deepcopy(_spec()[0]["components"]["schemas"][name])


def validate_response(method, path, status, body):
    """A response body against the spec (used to keep FakeDiscord's answers honest)."""
    template, operation = _operation(method, path)
    if operation is None or str(status) not in operation.get("responses", {}):
        raise AssertionError(f"{method.upper()} {path} has no {status} response in Discord's spec")
    escaped = template.replace("~", "~0").replace("/", "~1")
    pointer = f"/paths/{escaped}/{method.lower()}/responses/{status}/content/application~1json/schema"
    _check(pointer, body, f"{method.upper()} {template} -> {status}")
