"""Settings from the environment, checked once at start-up."""
import os

DEFAULTS = {
    "DATABASE_URL": None,
    "DISCORD_APPLICATION_ID": None,
    "DISCORD_PUBLIC_KEY": None,
    "DISCORD_BOT_TOKEN": None,
    "DISCORD_CLIENT_ID": None,
    "DISCORD_CLIENT_SECRET": None,
    "DISCORD_API_BASE": "https://discord.com/api/v10",
    "DISCORD_WEB_BASE": "https://discord.com",
    "DISCORD_CDN_BASE": "https://cdn.discordapp.com",
    "PUBLIC_URL": "http://localhost:3000",
    "SECRET_KEY": None,
    "STRIPE_SECRET_KEY": None,
    "STRIPE_WEBHOOK_SECRET": None,
    "STRIPE_PRICE_BASIC": None,
    "STRIPE_PRICE_PRO": None,
    "STRIPE_PRICE_ENTERPRISE": None,
    "STRIPE_API_BASE": None,
    "AI_API_BASE": None,
    "AI_API_KEY": None,
    "AI_MODEL": None,
    "AI_TIMEOUT_S": "20",  # the longest silence of the AI provider mid-answer (app/ai/provider.py)
    "PORT": "3000",
    "JOB_BUDGET_SECONDS": "40",  # one run of a scheduled job (app/jobs/guilds.py), inside Lambda's 60 s
    # The scan at scale (docs/scaling.md): guild shards, their start (lambda | threads | inline), the jobs'
    # share of Discord's ~50 requests/s, and a direct PostgreSQL URL for job locks behind PgBouncer.
    "SCAN_SHARDS": "1",
    "SCAN_FANOUT": None,
    "SCAN_REQUESTS_PER_SECOND": "40",
    "SCAN_REQUEST_BURST": None,
    "DATABASE_LOCK_URL": None,
    # The dashboard (docs/dashboard.md): API requests a session may make per minute, how long a login lasts.
    "DASHBOARD_RATE_LIMIT": "240",
    "DASHBOARD_SESSION_HOURS": "168",
}

# Without these the bot cannot talk to Discord; all unset means local mode.
DISCORD_REQUIRED = ("DISCORD_APPLICATION_ID", "DISCORD_PUBLIC_KEY", "DISCORD_BOT_TOKEN")
SECRETS = ("DATABASE_URL", "DATABASE_LOCK_URL", "DISCORD_BOT_TOKEN", "DISCORD_CLIENT_SECRET", "SECRET_KEY",
           "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "AI_API_KEY")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it and never its value."""


def from_environment(environ=None) -> dict:
    environ = os.environ if environ is None else environ
    return {key: environ.get(key) or default for key, default in DEFAULTS.items()}


def check(settings: dict) -> None:
    """Raise ConfigError naming the first missing required setting (outside local mode)."""
    if settings.get("LOCAL_MODE"):
        return
    for key in DISCORD_REQUIRED + ("SECRET_KEY",):
        if not settings.get(key):
            raise ConfigError(f"missing required setting {key} (set it in the environment)")
    key = settings["DISCORD_PUBLIC_KEY"]
    try:
        if len(bytes.fromhex(key)) != 32:
            raise ValueError
    except ValueError:
        raise ConfigError("DISCORD_PUBLIC_KEY must be 64 hex characters") from None


def is_local_mode(settings: dict) -> bool:
    """Local mode: no Discord setting at all, so the app runs against a local sandbox."""
    return not any(settings.get(key) for key in DISCORD_REQUIRED)
