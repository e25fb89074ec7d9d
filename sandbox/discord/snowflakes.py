"""Snowflake ids and the timestamps Discord derives from them."""
from datetime import datetime, timezone

DISCORD_EPOCH_MS = 1420070400000


def iso_timestamp(moment):
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def snowflake_time(snowflake):
    return datetime.fromtimestamp(((int(snowflake) >> 22) + DISCORD_EPOCH_MS) / 1000, tz=timezone.utc)


def utc_now():
    return datetime.now(timezone.utc)
