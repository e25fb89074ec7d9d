"""The AI tab's figures: answers and tokens per UTC day, against the guild's tier limits."""
from datetime import timedelta

from app import db
from app.premium import tiers


def overview(conn, guild_id, now, days: int, configured: bool) -> dict:
    dates = [now.date() - timedelta(days=offset) for offset in range(days - 1, -1, -1)]
    index = {day: i for i, day in enumerate(dates)}
    answers, tokens = [0] * days, [0] * days
    for row in db.all_rows(conn, "dashboard.ai_usage", {"guild_id": int(guild_id), "since": dates[0]}):
        if row["day"] in index:
            answers[index[row["day"]]], tokens[index[row["day"]]] = row["answers"], int(row["tokens"])
    return {"configured": configured, "days": [d.isoformat() for d in dates], "answers": answers, "tokens": tokens,
            "limits": {"answers_per_day": tiers.limit(conn, guild_id, now, "ai_answers_per_day"),
                       "answers_per_member_day": tiers.limit(conn, guild_id, now, "ai_answers_per_member_day")}}
