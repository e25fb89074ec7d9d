"""The simulated guild as the sandbox page shows it: channels under their categories, members with their top
role, roles by position, and the commands Discord has registered for the app (global and this guild's)."""
from sandbox.permissions import VIEW_CHANNEL, channel_permissions, top_position


def world(simulator, viewer_id=None) -> dict:
    fake, guild_id = simulator.fake, simulator.demo.guild_id
    with fake._lock:
        guild = fake._guilds[guild_id]
        roles = sorted(guild["roles"].values(), key=lambda r: -r["position"])
        members = []
        for user_id, member in guild["members"].items():
            top = next((r for r in roles if r["id"] in member["roles"]), None)
            members.append({"id": user_id, "username": member["user"]["username"], "bot": bool(member["user"].get("bot")),
                            "name": member.get("nick") or member["user"].get("global_name") or member["user"]["username"],
                            "roles": member["roles"], "top_role": top["name"] if top else None,
                            "color": top["color"] if top else 0, "position": top_position(guild, member),
                            "owner": user_id == guild["owner_id"],
                            "timed_out_until": member.get("communication_disabled_until")})
        viewer = guild["members"].get(str(viewer_id)) if viewer_id else None
        channels = []
        for channel_id in guild["channels"]:
            channel = fake._channels[channel_id]
            visible = viewer is None or bool(channel_permissions(guild, viewer, channel) & VIEW_CHANNEL)
            channels.append({"id": channel_id, "name": channel["name"], "type": channel["type"],
                             "parent_id": channel.get("parent_id"), "topic": channel.get("topic"),
                             "position": channel.get("position", 0), "visible": visible})
        banned = [{"id": user_id, "username": ban["user"]["username"], "reason": ban.get("reason"),
                   "name": ban["user"].get("global_name") or ban["user"]["username"]} for user_id, ban in guild["bans"].items()]
    commands = sorted(fake.commands() + fake.commands(guild_id), key=lambda c: c["name"])
    members.sort(key=lambda m: (-m["position"], m["name"].lower()))
    return {"guild": {"id": guild_id, "name": guild["name"], "owner_id": guild["owner_id"]},
            "roles": [{"id": r["id"], "name": r["name"], "color": r["color"], "position": r["position"]} for r in roles],
            "channels": channels, "members": members, "bans": banned,
            "commands": [c for c in commands if c.get("type", 1) == 1],
            "defaults": {"user_id": simulator.demo.moderator_id, "channel_id": simulator.demo.general_id,
                         "modlog_id": simulator.demo.modlog_id}}
