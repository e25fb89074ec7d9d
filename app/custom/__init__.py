"""Custom commands: /cc makes guild slash commands whose answers are sandboxed Jinja2 templates."""
from app.features import Feature

FEATURE = Feature(
    "custom",
    commands=["commands.cc", "commands.cc_embed", "commands.cc_import", "commands.cc_run"],
    jobs={"cc_sync": "app.custom.reconcile:sync_custom_commands"},  # finishes unconfirmed registrations
    tasks={"cc_import": "commands.cc_import:import_commands"},
    fallbacks=["commands.cc_run:run_custom_command"],  # a guild's own commands, for names no built-in has
)
