"""Reading a server's layout from Discord (two calls) and StatusSync's settings into a backup document."""
from . import document as doc
from . import statussync


def live_layout(discord, guild_id) -> tuple[dict, list]:
    """The guild (with its roles) and its channels, as Discord has them now."""
    guild = discord.get(f"/guilds/{guild_id}")
    channels = discord.get(f"/guilds/{guild_id}/channels")
    return guild, [c for c in channels if c.get("type") not in doc.THREAD_TYPES]


def document_of(conn, guild: dict, channels: list) -> dict:
    roles = sorted(guild.get("roles") or [], key=lambda r: (int(r.get("position") or 0), int(r["id"])))
    return doc.normalize({
        "schema": doc.SCHEMA, "version": doc.SCHEMA_VERSION,
        "guild": {"id": guild["id"], "name": guild.get("name"), "features": guild.get("features") or [],
                  **{k: guild.get(k) for k in doc.GUILD_KEYS}},
        "roles": roles, "channels": sorted(channels, key=lambda c: (c.get("type") != 4, int(c.get("position") or 0))),
        "statussync": statussync.collect(conn, guild["id"]),
    })


def capture(conn, discord, guild_id) -> dict:
    guild, channels = live_layout(discord, guild_id)
    conn.commit()  # nothing held open while Discord answers
    return document_of(conn, guild, channels)
