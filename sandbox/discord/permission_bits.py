"""A member's guild-wide permissions as Discord computes them: @everyone and every role ORed; the owner
and ADMINISTRATOR have them all."""
ADMINISTRATOR = 1 << 3
ALL = (1 << 53) - 1


def member_permissions(guild, member) -> int:
    if member["user"]["id"] == guild["owner_id"]:
        return ALL
    bits = int(guild["roles"].get(guild["id"], {}).get("permissions", "0"))
    for role_id in member.get("roles") or []:
        bits |= int(guild["roles"].get(str(role_id), {}).get("permissions", "0"))
    return ALL if bits & ADMINISTRATOR else bits
