"""The difference between a backup and the server now: what a restore creates, changes, leaves alone and
cannot do, and the journal steps that carry it out. Restores merge: nothing on the server is deleted.

Permissions: a restore never grants a bit the bot lacks (Discord refuses it) nor one the member who
confirms lacks; those bits are withheld and reported. Roles are never given to members.
"""
from dataclasses import dataclass, field

from ..discord import permissions as perms
from . import statussync
from .compare import (channel_changes, channel_label, describe_bits, grantable, guild_changes, role_changes,
                      role_label)

PARTS = ("roles", "channels", "settings", "statussync")
COMMUNITY_ONLY = {5: "announcement", 13: "stage", 16: "media"}
MAX_ROLES, MAX_CHANNELS = 250, 500
ROLE_KINDS, CHANNEL_KINDS = ("role_create", "role_positions", "role_update"), (
    "channel_create", "channel_update", "channel_positions")


@dataclass
class Plan:
    matches: dict                                   # backup id -> live id of what already exists
    steps: list = field(default_factory=list)       # (kind, key, label), in the order they run
    create: list = field(default_factory=list)      # labels
    change: list = field(default_factory=list)      # labels with what changes
    kept: int = 0                                   # objects already as saved
    cannot: list = field(default_factory=list)      # (label, why)
    notes: list = field(default_factory=list)       # (label, what happens instead)

    @property
    def empty(self) -> bool:
        return not self.steps


def everyone_of(document):
    """The backup's @everyone role id: the server's own id (or, in a hand-made file, the role at position 0)."""
    return document["guild"].get("id") or next(
        (r["id"] for r in document["roles"] if r["position"] == 0 and r["name"] == "@everyone"), None)


def match(document, live) -> dict:
    """Backup id -> live id: the same id when it still exists, else an unused one of the same name (and type)."""
    everyone = everyone_of(document)
    found = {everyone: live.guild_id} if everyone else {}
    found[live.guild_id] = live.guild_id
    used = {live.guild_id}
    for role in document["roles"]:
        if role["id"] == everyone:
            continue
        same = live.roles.get(role["id"])
        if same is None or same["id"] in used or same["name"] != role["name"]:
            same = next((r for r in sorted(live.roles.values(), key=lambda r: -int(r["position"]))
                         if r["name"] == role["name"] and str(r["id"]) not in used
                         and bool(r.get("managed")) == role["managed"]), None)
        if same is not None:
            found[role["id"]] = str(same["id"])
            used.add(str(same["id"]))
    used = set()
    for channel in sorted(document["channels"], key=lambda c: c["type"] != 4):
        same = live.channels.get(channel["id"])
        if same is None or same["type"] != channel["type"] or same["id"] in used:
            parent = found.get(channel["parent_id"]) if channel["parent_id"] else None
            candidates = [c for c in live.channels.values() if c["name"] == channel["name"]
                          and c["type"] == channel["type"] and str(c["id"]) not in used]
            same = next((c for c in candidates if c.get("parent_id") == parent), candidates[0] if candidates else None)
        if same is not None:
            found[channel["id"]] = str(same["id"])
            used.add(str(same["id"]))
    return found


def _roles(plan, document, live, allowed):
    everyone = everyone_of(document)
    slots = MAX_ROLES - len(live.roles)
    saved_bot_top = _saved_bot_top(document, live, plan.matches)
    placeholder = dict(plan.matches)
    for role in document["roles"]:
        label = role_label(role) if role["id"] != everyone else "@everyone"
        live_id = plan.matches.get(role["id"]) if role["id"] != everyone else live.guild_id
        withheld = int(role["permissions"]) & ~allowed
        if live_id is not None:
            current = {**live.roles[live_id], "guild_id": live.guild_id}
            changes = role_changes(role, current, allowed, live.role_icons)
            if withheld & ~int(current.get("permissions") or 0):
                plan.notes.append((label, "withheld: " + describe_bits(withheld & ~int(current["permissions"]))))
            if not changes:
                plan.kept += 1
            elif not live.can(perms.MANAGE_ROLES):
                plan.cannot.append((label, "I don't have Manage Roles"))
            elif live_id != live.guild_id and int(current["position"]) >= live.bot_top:
                plan.cannot.append((label, "it is above my highest role; move my role above it"))
            else:
                plan.change.append(f"{label} ({', '.join(sorted(changes))})")
                plan.steps.append(("role_update", role["id"], label))
            continue
        if role["managed"]:
            plan.cannot.append((label, "it belongs to a bot or integration; it comes back when that is added"))
        elif not live.can(perms.MANAGE_ROLES):
            plan.cannot.append((label, "I don't have Manage Roles"))
        elif slots <= 0:
            plan.cannot.append((label, f"Discord's cap of {MAX_ROLES} roles is reached"))
        else:
            slots -= 1
            placeholder[role["id"]] = f"new:{role['id']}"
            plan.create.append(label)
            plan.steps.append(("role_create", role["id"], label))
            if withheld:
                plan.notes.append((label, "withheld: " + describe_bits(withheld)))
            if saved_bot_top is not None and int(role["position"]) > saved_bot_top:
                plan.notes.append((label, "it was above my role; it is placed below it"))
    if any(kind == "role_create" for kind, _, _ in plan.steps) or _role_order_differs(document, live, plan.matches):
        plan.steps.append(("role_positions", "roles", "role order"))
    # A new role lands at the bottom: made from the top down, they need no reordering among themselves.
    creates = [step for step in plan.steps if step[0] == "role_create"]
    position = {r["id"]: int(r["position"]) for r in document["roles"]}
    ordered = iter(sorted(creates, key=lambda step: -position[step[1]]))
    plan.steps[:] = [next(ordered) if step[0] == "role_create" else step for step in plan.steps]
    # Permissions come last, once every role exists and sits where it belongs.
    plan.steps.extend(("role_update", key, label) for kind, key, label in creates)
    return placeholder


def _saved_bot_top(document, live, matches):
    """Where the role that is the bot's highest here sat in the backup (None when the backup lacks it)."""
    tops = [r["id"] for r in live.roles.values() if int(r["position"]) == live.bot_top and live.bot_top]
    saved = [r for r in document["roles"] if matches.get(r["id"]) in tops]
    return int(saved[0]["position"]) if saved else None


def _role_order_differs(document, live, matches) -> bool:
    ids = [matches[r["id"]] for r in document["roles"] if r["id"] in matches and matches[r["id"]] in live.roles
           and matches[r["id"]] != live.guild_id and int(live.roles[matches[r["id"]]]["position"]) < live.bot_top]
    return ids != sorted(ids, key=lambda i: (int(live.roles[i]["position"]), int(i)))


def _channels(plan, document, live, allowed, id_map):
    slots = MAX_CHANNELS - len(live.channels)
    creatable = live.can(perms.MANAGE_CHANNELS)
    moved = False
    for channel in sorted(document["channels"], key=lambda c: (c["type"] != 4, c["position"])):
        label = channel_label(channel)
        live_id = plan.matches.get(channel["id"])
        if live_id is not None:
            current = live.channels[live_id]
            changes = channel_changes(channel, current, id_map, allowed)
            moved = moved or int(current.get("position") or 0) != channel["position"]
            if not changes:
                plan.kept += 1
            elif not creatable:
                plan.cannot.append((label, "I don't have Manage Channels"))
            else:
                plan.change.append(f"{label} ({', '.join(sorted(changes))})")
                plan.steps.append(("channel_update", channel["id"], label))
        elif channel["type"] in COMMUNITY_ONLY and not live.community:
            plan.cannot.append((label, f"{COMMUNITY_ONLY[channel['type']]} channels need a Community server"))
        elif not creatable:
            plan.cannot.append((label, "I don't have Manage Channels"))
        elif slots <= 0:
            plan.cannot.append((label, f"Discord's cap of {MAX_CHANNELS} channels is reached"))
        else:
            slots -= 1
            id_map[channel["id"]] = f"new:{channel['id']}"
            plan.create.append(label)
            plan.steps.append(("channel_create", channel["id"], label))
    if moved and creatable:
        plan.steps.append(("channel_positions", "channels", "channel order"))


def build(document, live, parts, invoker_bits, conn=None) -> Plan:
    """The plan of a restore of `parts` of `document` onto `live`; conn reads StatusSync's settings."""
    parts = [p for p in PARTS if p in parts]
    plan = Plan(matches=match(document, live))
    allowed = grantable(live, invoker_bits)
    id_map = dict(plan.matches)
    if "roles" in parts:
        id_map = _roles(plan, document, live, allowed)
    if "channels" in parts:
        _channels(plan, document, live, allowed, id_map)
    if "settings" in parts:
        changes = guild_changes(document, live, id_map)
        if changes and not live.can(perms.MANAGE_GUILD):
            plan.cannot.append(("server settings", "I don't have Manage Server"))
        elif changes:
            plan.change.append(f"server settings ({', '.join(sorted(changes))})")
            plan.steps.append(("guild_update", "guild", "server settings"))
        else:
            plan.kept += 1
        if "COMMUNITY" in document["guild"]["features"] and not live.community:
            plan.notes.append(("Community", "a restore doesn't turn Community on; do it in Server Settings first"))
    if "statussync" in parts and conn is not None:
        saved = document["statussync"]
        if statussync.settings_differ(conn, live.guild_id, saved, id_map):
            plan.change.append("StatusSync settings")
            plan.steps.append(("statussync", "settings", "StatusSync settings"))
        for command in statussync.missing_commands(conn, live.guild_id, saved["custom_commands"]):
            name = str(command.get("name") or "")[:32]
            plan.create.append(f"/{name}")
            plan.steps.append(("custom_command", name, f"/{name}"))
    return plan


def group_of(kind) -> str:
    return "roles" if kind in ROLE_KINDS else "channels" if kind in CHANNEL_KINDS else "settings"
