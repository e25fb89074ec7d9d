"""Custom commands: /cc makes guild slash commands whose answers are sandboxed Jinja2 templates."""
from app.features import Feature

FEATURE = Feature(
    "custom",
    commands=["commands.cc", "commands.cc_run"],
    tasks={"cc_import": "commands.cc:import_commands"},
    fallbacks=["commands.cc_run:run_custom_command"],  # a guild's own commands, for names no built-in has
)
