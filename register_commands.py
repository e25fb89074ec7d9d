"""Register the declared slash commands with Discord, only when something changed.

    python register_commands.py [--guild ID] [--dry-run]

Builds the registration JSON from every feature's commands (app/features.py), reads what Discord has, prints the difference, and sends
one bulk overwrite when they differ. --guild registers in one guild (instant, for testing);
--dry-run prints the difference and sends nothing.

A guild's custom commands (/cc) are guild commands too: a bulk overwrite of the guild sends them back
unchanged, so registering the built-in ones never deletes them.
"""
import argparse
import json
import os
import sys

OPTION_DEFAULTS = {"required": False, "autocomplete": False}
COMMAND_DEFAULTS = {"nsfw": False, "default_member_permissions": None, "type": 1}


def _normalize_option(option: dict) -> dict:
    keep = {k: v for k, v in option.items()
            if k in ("type", "name", "description", "required", "choices", "min_value", "max_value",
                     "min_length", "max_length", "autocomplete")}
    if option.get("channel_types"):
        keep["channel_types"] = sorted(option["channel_types"])
    if option.get("options"):
        keep["options"] = [_normalize_option(o) for o in option["options"]]
    if keep.get("choices"):
        keep["choices"] = [{"name": c["name"], "value": c["value"]} for c in keep["choices"]]
    for key, default in OPTION_DEFAULTS.items():
        if keep.get(key, default) == default:
            keep.pop(key, None)
    return keep


def normalize(command: dict) -> dict:
    """The fields we declare, in one shape, whether read from Discord or built from declarations."""
    keep = {"name": command["name"], "description": command.get("description", ""),
            "type": command.get("type", 1),
            "options": [_normalize_option(o) for o in command.get("options") or []],
            "default_member_permissions": command.get("default_member_permissions"),
            "contexts": sorted(command.get("contexts") or [0, 1, 2]),
            "nsfw": bool(command.get("nsfw"))}
    if command.get("integration_types") is not None:
        keep["integration_types"] = sorted(command["integration_types"])
    return keep


def diff(current: list, desired: list) -> list:
    """Lines describing how Discord's commands differ from the declared ones (empty: nothing to do)."""
    have = {c["name"]: normalize(c) for c in current}
    want = {c["name"]: normalize(c) for c in desired}
    lines = [f"+ /{name} (new)" for name in sorted(want.keys() - have.keys())]
    lines += [f"- /{name} (no longer declared)" for name in sorted(have.keys() - want.keys())]
    for name in sorted(want.keys() & have.keys()):
        changed = [key for key in want[name] if want[name][key] != have[name].get(key, COMMAND_DEFAULTS.get(key))]
        if changed:
            lines.append(f"~ /{name}: {', '.join(changed)} changed")
    return lines


def kept_guild_commands(current: list, declared_names) -> list:
    """The guild commands that are not built-in ones: the guild's custom commands, sent back as they are."""
    fields = ("name", "type", "description", "options", "default_member_permissions", "contexts", "nsfw")
    return [{k: c[k] for k in fields if c.get(k) is not None} for c in current if c["name"] not in declared_names]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guild", help="register in this guild only (instant; for testing)")
    parser.add_argument("--dry-run", action="store_true", help="print the difference, send nothing")
    args = parser.parse_args(argv)

    from app import features
    from app.discord.rest import DiscordClient, DiscordError

    application_id, token = os.environ.get("DISCORD_APPLICATION_ID"), os.environ.get("DISCORD_BOT_TOKEN")
    for key, value in (("DISCORD_APPLICATION_ID", application_id), ("DISCORD_BOT_TOKEN", token)):
        if not value:
            print(f"register_commands: missing required setting {key}", file=sys.stderr)
            return 2
    if args.guild and not args.guild.isdigit():
        print("register_commands: --guild must be a guild id (digits)", file=sys.stderr)
        return 2
    client = DiscordClient(os.environ.get("DISCORD_API_BASE") or "https://discord.com/api/v10", token,
                           application_id)
    path = f"/applications/{application_id}" + (f"/guilds/{args.guild}" if args.guild else "") + "/commands"
    desired = features.command_set().registration_json()  # every feature's commands, from the registry
    where = f"guild {args.guild}" if args.guild else "globally"
    try:
        current = client.get(path) or []
        if args.guild:
            kept = kept_guild_commands(current, {c["name"] for c in desired})
            desired = desired + kept
            if kept:
                print(f"keeping {len(kept)} custom command(s) of guild {args.guild}: "
                      + ", ".join(f"/{c['name']}" for c in kept))
        changes = diff(current, desired)
        if not changes:
            print(f"{len(desired)} command(s) {where}: already up to date, nothing sent")
            return 0
        print("\n".join(changes))
        if args.dry_run:
            print(f"dry run: {len(changes)} change(s) {where} not sent")
            return 0
        client.put(path, desired)
    except DiscordError as exc:
        print(f"register_commands: {exc.explain()} ({exc.status} {exc.message})", file=sys.stderr)
        return 1
    print(f"registered {len(desired)} command(s) {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
