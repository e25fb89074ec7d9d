"""Planning the REST calls that bring a guild's Discord AutoMod rules in line with the bot's desired ones."""

NAME_PREFIX = "StatusSync: "  # with creator_id, how the bot recognises rules it owns


def is_own(rule, application_id):
    return (
        application_id is not None
        and str(rule.get("creator_id")) == str(application_id)
        and str(rule.get("name", "")).startswith(NAME_PREFIX)
    )


def plan_sync(existing, desired, application_id, guild_id):
    """REST calls [(method, path, body)] that make the bot's own AutoMod rules equal `desired`.

    Own rules (our name prefix AND created by us) are patched in place, deleted when unwanted;
    anyone else's rules are never touched. Deletes come first so creations find free slots.
    """
    base = f"/guilds/{guild_id}/auto-moderation/rules"
    own = [rule for rule in existing if is_own(rule, application_id)]
    pairs, unmatched = [], list(desired)
    for match_on in (lambda r: (r["name"], r["trigger_type"]), lambda r: r["trigger_type"]):
        for payload in list(unmatched):
            found = next((rule for rule in own if match_on(rule) == match_on(payload)), None)
            if found is not None:
                own.remove(found)
                unmatched.remove(payload)
                pairs.append((found, payload))
    calls = [("DELETE", f"{base}/{rule['id']}", None) for rule in own]
    for rule, payload in pairs:
        body = {key: value for key, value in payload.items() if key != "trigger_type"}  # not modifiable
        if _differs(rule, body):
            calls.append(("PATCH", f"{base}/{rule['id']}", body))
    calls += [("POST", base, payload) for payload in unmatched]
    return calls


def _differs(rule, body):
    for key, wanted in body.items():
        have = rule.get(key)
        if key in ("exempt_roles", "exempt_channels"):
            if {str(x) for x in have or ()} != {str(x) for x in wanted}:
                return True
        elif key == "trigger_metadata":
            if _without_empty(have or {}) != _without_empty(wanted):
                return True
        elif key == "actions":
            if [(a["type"], _without_empty(a.get("metadata") or {})) for a in have or ()] != [
                (a["type"], _without_empty(a.get("metadata") or {})) for a in wanted
            ]:
                return True
        elif have != wanted:
            return True
    return False


def _without_empty(mapping):
    return {key: value for key, value in mapping.items() if value not in (None, [], "", {})}
