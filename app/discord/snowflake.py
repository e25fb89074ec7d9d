"""Discord snowflakes: ids that carry their own creation time."""
from datetime import datetime, timezone

DISCORD_EPOCH_MS = 1420070400000


def created_at(snowflake) -> datetime:
    ms = (int(snowflake) >> 22) + DISCORD_EPOCH_MS
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def from_time(moment: datetime) -> int:
    """The smallest snowflake that could have been made at `moment` (for `after=`/`before=` bounds)."""
    return (int(moment.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22

