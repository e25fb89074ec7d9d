"""Social features: reputation, XP levels and the image cards that show them."""
from app.features import Feature
from app.guild_settings import Section

FEATURE = Feature(
    "social",
    sections=[
        Section("xp", {"enabled": True, "announce_level_ups": False, "announce_channel_id": None, "level_roles": [],
                       "weekly_channel_id": None}, "XP and levels",
                kinds={"announce_channel_id": "channel", "weekly_channel_id": "channel", "level_roles": "list"},
                validate="app.social.xp:validate_settings"),
        Section("rep", {"enabled": True, "cooldown_hours": 24, "pair_cooldown_hours": 24 * 7}, "Reputation",
                validate="app.social.rep:validate_settings"),
    ],
    jobs={"weekly": "app.jobs.weekly:close_finished_weeks", "levelups": "app.jobs.levelups:deliver_level_ups"},
    scan_consumers=["app.social.scan_consumer"],
    tasks={"rank_card": "commands.rank:send_rank_card", "rep_card": "commands.rep:send_rep_card",
           "imgsay": "commands.imgsay:send_imgsay"},
    commands=["commands.rank", "commands.rep", "commands.leaderboard", "commands.imgsay", "commands.config_social"],
)
