"""Local mode: no Discord application, no database server, nothing to configure."""
import json
import os
import secrets
from pathlib import Path

LOCAL_APPLICATION_ID = "100000000000000001"
DEMO_RULES = [{"type": "caps", "enabled": True, "action": "delete"},
              {"type": "invites", "enabled": True, "action": "delete"}]


def data_dir() -> Path:
    """Where local state lives: STATUSSYNC_DATA_DIR, else ./.data (read when used, so tests can point it away)."""
    return Path(os.environ.get("STATUSSYNC_DATA_DIR") or Path.cwd() / ".data")


def local_identity() -> dict:
    """A key pair and secret kept under .data/ so a restart keeps the same local identity."""
    from nacl.signing import SigningKey

    path = data_dir() / "local_identity.json"
    if path.exists():
        return json.loads(path.read_text())
    signing_key = SigningKey.generate()
    identity = {
        "signing_key": signing_key.encode().hex(),
        "public_key": signing_key.verify_key.encode().hex(),
        "secret_key": secrets.token_hex(32),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(identity))
    path.chmod(0o600)
    return identity


def embedded_database_url() -> str:
    """Start (or reuse) the embedded PostgreSQL under .data/pg; pgserver ships its binaries."""
    try:
        import pgserver
    except ImportError:
        raise SystemExit("DATABASE_URL is unset and the embedded database isn't installed: "
                         "pip install -r requirements-dev.txt, or set DATABASE_URL") from None
    data_dir().mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(data_dir() / "pg"), cleanup_mode=None)
    return server.get_uri()


def attach_sandbox(settings: dict) -> None:
    """Local mode: a simulated Discord in this process (sandbox/), seeded with the demo guild, and the app's
    REST client pointed at it. settings["SANDBOX"] = False keeps it off; a Simulator given there is used."""
    if settings.get("SANDBOX") is False:
        return
    if settings.get("SANDBOX") is None:
        try:
            from sandbox.simulator import Simulator
        except ImportError:  # a checkout without the sandbox package: local mode without it
            return
        settings["SANDBOX"] = Simulator.start(settings["DISCORD_APPLICATION_ID"], settings["LOCAL_SIGNING_KEY"])
    simulator = settings["SANDBOX"]
    settings.update(DISCORD_API_BASE=simulator.fake.base_url, DISCORD_CDN_BASE=simulator.fake.cdn_url,
                    DISCORD_BOT_TOKEN=simulator.fake.bot_token)
    from .discord.rest import DiscordClient
    client = DiscordClient(simulator.fake.base_url, simulator.fake.bot_token, settings["DISCORD_APPLICATION_ID"])
    register_commands(client, settings, simulator.demo.guild_id)
    seed_demo_settings(settings["DATABASE_URL"], simulator.demo)


def register_commands(client, settings, guild_id) -> None:
    """What register_commands.py does against Discord: the declared commands globally, and the guild's custom
    commands (kept in the database) as its guild commands."""
    from . import db, features
    from .custom import definitions
    app_id = settings["DISCORD_APPLICATION_ID"]
    declared = settings.get("COMMANDS") or features.command_set()
    client.put(f"/applications/{app_id}/commands", declared.registration_json())
    with db.transaction(settings["DATABASE_URL"]) as conn:
        rows = [r for r in db.all_rows(conn, "custom.list_commands", {"guild_id": int(guild_id)})
                if r.get("state", "registered") == "registered"]
    if not rows:
        return
    created = client.put(f"/applications/{app_id}/guilds/{guild_id}/commands",
                         [definitions.registration_json(r) for r in rows])  # no transaction open while asking
    with db.transaction(settings["DATABASE_URL"]) as conn:
        for command in created:
            db.run(conn, "custom.complete_command", {"guild_id": int(guild_id), "name": command["name"],
                                                     "command_id": int(command["id"]), "now": _now()})


def seed_demo_settings(dsn, demo) -> None:
    """The first time: the mod-log channel and automod rules a newcomer can watch work (caps, invites)."""
    from . import db, guild_settings
    from .automod.store import save_rule
    with db.transaction(dsn) as conn:
        if db.one(conn, "settings.get", {"guild_id": int(demo.guild_id)}) is not None:
            return  # the sandbox's guild was set up before, maybe changed since: keep it as it is
        guild_settings.update(conn, demo.guild_id, "modlog", {"channel_id": demo.modlog_id}, _now())
        for rule in DEMO_RULES:
            save_rule(conn, demo.guild_id, rule, _now())
        for channel_id in demo.text_channel_ids:  # the first scan judges the demo's messages too, not only later ones
            db.run(conn, "automod.start_cursor", {"guild_id": int(demo.guild_id), "channel_id": int(channel_id),
                                                  "last_message_id": 0, "now": _now()})


def _now():
    from .runtime import utc_now
    return utc_now()
