"""What Discord computes before it sends an interaction: a member's permissions in a channel (Discord's
documented algorithm: @everyone, then roles, then the channel's overwrites; owner and Administrator get all)."""
ALL = (1 << 53) - 1
ADMINISTRATOR = 1 << 3


def base_permissions(guild: dict, member: dict) -> int:
    if member["user"]["id"] == guild["owner_id"]:
        return ALL
    roles = guild["roles"]
    bits = int(roles[guild["id"]]["permissions"])
    for role_id in member["roles"]:
        if role_id in roles:
            bits |= int(roles[role_id]["permissions"])
    return ALL if bits & ADMINISTRATOR else bits


def channel_permissions(guild: dict, member: dict, channel: dict) -> int:
    bits = base_permissions(guild, member)
    if bits == ALL:
        return ALL
    overwrites = {o["id"]: o for o in channel.get("permission_overwrites") or []}
    everyone = overwrites.get(guild["id"])
    if everyone:
        bits = (bits & ~int(everyone["deny"])) | int(everyone["allow"])
    allow = deny = 0
    for role_id in member["roles"]:
        if role_id in overwrites and overwrites[role_id].get("type", 0) == 0:
            allow, deny = allow | int(overwrites[role_id]["allow"]), deny | int(overwrites[role_id]["deny"])
    bits = (bits & ~deny) | allow
    own = overwrites.get(member["user"]["id"])
    if own and own.get("type") == 1:
        bits = (bits & ~int(own["deny"])) | int(own["allow"])
    return bits


def top_position(guild: dict, member: dict) -> int:
    return max([guild["roles"][r]["position"] for r in member["roles"] if r in guild["roles"]] or [0])


VIEW_CHANNEL = 1 << 10
