"""/ask: answers from any OpenAI-compatible chat-completions API, streamed into the reply (docs/ai.md)."""
from app.features import Feature
from app.guild_settings import Section

FEATURE = Feature(
    "ai",
    sections=[Section("ai", {"enabled": True, "system_prompt": "", "allowed_channel_ids": []}, "AI answers (/ask)",
                      kinds={"allowed_channel_ids": "list"}, validate="app.ai.answers:validate_settings")],
    tasks={"ask": "commands.ask:stream_answer"},
    commands=["commands.ask", "commands.config_ai"],
)
