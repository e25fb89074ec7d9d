"""Carrying out one journaled step of a restore against Discord, with ids remapped as objects appear.

Each step recomputes what it sends from the backup and the server as it is now, so a step run again
(after a crash, or a second restore) sends nothing when there is nothing left to do.
"""
from . import compare, diff, statussync

CREATES = {"role_create": "roles", "channel_create": "channels"}


class Applier:
    def __init__(self, runtime, conn, document, live, matches, done_ids, invoker_bits, invoker_id):
        self.runtime, self.discord, self.conn = runtime, runtime.discord, conn
        self.document, self.live = document, live
        self.id_map = {**matches, **done_ids}  # backup id -> live id, growing as objects are created
        self.allowed = compare.grantable(live, invoker_bits)
        self.invoker_id = invoker_id
        self.roles = {r["id"]: r for r in document["roles"]}
        self.channels = {c["id"]: c for c in document["channels"]}
        self.calls = 0

    @property
    def guild_id(self):
        return self.live.guild_id

    def _call(self, method, path, body=None):
        self.calls += 1
        return self.discord.request(method, path, json_body=body, reason="Restoring a StatusSync backup")

    def adopt(self, kind, key) -> str | None:
        """A create that was started but not recorded: the object Discord made meanwhile, if it did."""
        known = set(self.id_map.values())
        if kind == "role_create":
            name = self.roles[key]["name"]
            found = [r for r in self.live.roles.values() if r["name"] == name and str(r["id"]) not in known]
        else:
            saved = self.channels[key]
            found = [c for c in self.live.channels.values() if c["name"] == saved["name"]
                     and c["type"] == saved["type"] and str(c["id"]) not in known]
        return str(max(found, key=lambda o: int(o["id"]))["id"]) if found else None

    def run(self, kind, key) -> tuple[str, str | None, str]:
        """(state, new live id or None, detail): "done", or "skipped" with why."""
        return getattr(self, kind)(key)

    # --- roles ---------------------------------------------------------------------------------

    def role_create(self, key):
        saved = self.roles[key]
        body = {"name": saved["name"], "color": saved["color"], "hoist": saved["hoist"],
                "mentionable": saved["mentionable"], "permissions": "0"}  # permissions once the order is in place
        created = self._call("POST", f"/guilds/{self.guild_id}/roles", body)
        self.live.roles[str(created["id"])] = created
        return "done", str(created["id"]), ""

    def role_positions(self, key):
        self.calls += 1
        self.live.refresh_roles(self.discord.get(f"/guilds/{self.guild_id}/roles"))
        ids = [self.id_map[r["id"]] for r in self.document["roles"]
               if self.id_map.get(r["id"]) in self.live.roles and self.id_map[r["id"]] != self.guild_id
               and int(self.live.roles[self.id_map[r["id"]]]["position"]) < self.live.bot_top]
        slots = sorted(int(self.live.roles[i]["position"]) for i in ids)
        moves = [{"id": i, "position": slot} for i, slot in zip(ids, slots)
                 if int(self.live.roles[i]["position"]) != slot]
        if moves:
            self.live.refresh_roles(self._call("PATCH", f"/guilds/{self.guild_id}/roles", moves))
        return "done", None, f"{len(moves)} moved"

    def role_update(self, key):
        everyone = key == diff.everyone_of(self.document)
        live_id = self.guild_id if everyone else self.id_map.get(key)
        current = self.live.roles.get(live_id or "")
        if current is None:
            return "skipped", None, "the role is gone from the server"
        if not everyone and int(current["position"]) >= self.live.bot_top:
            return "skipped", None, "it is above my highest role"
        changes = compare.role_changes(self.roles[key], {**current, "guild_id": self.guild_id}, self.allowed,
                                       self.live.role_icons)
        if not changes:
            return "done", None, ""
        self.live.roles[live_id] = self._call("PATCH", f"/guilds/{self.guild_id}/roles/{live_id}", changes)
        return "done", None, ""

    # --- channels ------------------------------------------------------------------------------

    def channel_create(self, key):
        saved = self.channels[key]
        if saved["type"] in diff.COMMUNITY_ONLY and not self.live.community:
            return "skipped", None, "it needs a Community server"
        body = {k: saved[k] for k in ("type", "name", "position", "nsfw", "rate_limit_per_user")}
        if saved["topic"]:
            body["topic"] = statussync.remap_mentions(saved["topic"], self.id_map)
        parent = self.id_map.get(saved["parent_id"]) if saved["parent_id"] else None
        if parent in self.live.channels:
            body["parent_id"] = parent
        for field in ("bitrate", "user_limit", "rtc_region"):
            if saved.get(field) is not None:
                body[field] = saved[field]
        if saved["type"] in (15, 16):
            body["available_tags"] = [{k: v for k, v in t.items() if v is not None} for t in saved["available_tags"]]
            if saved["default_reaction_emoji"]:
                body["default_reaction_emoji"] = saved["default_reaction_emoji"]
        overwrites = compare.overwrites_wanted(saved, [], self.id_map, self.allowed)
        if overwrites:
            body["permission_overwrites"] = overwrites
        created = self._call("POST", f"/guilds/{self.guild_id}/channels", body)
        self.live.channels[str(created["id"])] = created
        return "done", str(created["id"]), ""

    def channel_update(self, key):
        live_id = self.id_map.get(key)
        current = self.live.channels.get(live_id or "")
        if current is None:
            return "skipped", None, "the channel is gone from the server"
        changes = compare.channel_changes(self.channels[key], current, self.id_map, self.allowed)
        if not changes:
            return "done", None, ""
        self.live.channels[live_id] = self._call("PATCH", f"/channels/{live_id}", changes)
        return "done", None, ""

    def channel_positions(self, key):
        moves = [{"id": self.id_map[c["id"]], "position": c["position"]} for c in self.document["channels"]
                 if self.id_map.get(c["id"]) in self.live.channels
                 and int(self.live.channels[self.id_map[c["id"]]].get("position") or 0) != c["position"]]
        if moves:
            self._call("PATCH", f"/guilds/{self.guild_id}/channels", moves)
            for move in moves:
                self.live.channels[move["id"]]["position"] = move["position"]
        return "done", None, f"{len(moves)} moved"

    # --- the server's settings and StatusSync's --------------------------------------------------

    def guild_update(self, key):
        changes = compare.guild_changes(self.document, self.live, self.id_map)
        if changes:
            self.live.guild = {**self.live.guild, **self._call("PATCH", f"/guilds/{self.guild_id}", changes)}
        return "done", None, ""

    def statussync(self, key):
        refused = statussync.restore_settings(self.conn, self.guild_id, self.document["statussync"], self.id_map,
                                              self.runtime.clock())
        return "done", None, "; ".join(f"{what}: {why}" for what, why in refused)[:500]

    def custom_command(self, key):
        from .. import features
        saved = next((c for c in self.document["statussync"]["custom_commands"] if c.get("name") == key), None)
        if saved is None or not statussync.missing_commands(self.conn, self.guild_id, [saved]):
            return "done", None, ""
        builtin = set(features.command_set().commands)
        refused = statussync.restore_command(self.conn, self.discord, self.guild_id, saved, self.id_map, builtin,
                                             self.invoker_id, self.runtime.clock())
        self.calls += 1
        return ("skipped", None, refused) if refused else ("done", None, "")
