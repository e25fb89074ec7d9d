"""Server backups: roles, channels, overwrites, server settings and StatusSync's own, restored with a
preview, ids remapped, journaled and resumable (docs/backups.md)."""
from app.features import Feature
from app.guild_settings import Section

FEATURE = Feature(
    "backups",
    sections=[Section("backups", {"interval_hours": 0, "keep": 2}, "Scheduled backups",
                      kinds={"interval_hours": "int", "keep": "int"}, validate="app.backups.service:validate_settings")],
    jobs={"backups": "app.backups.job:run_backups"},
    tasks={"backup_create": "commands.backup:make_backup", "backup_import": "commands.backup:import_backup",
           "backup_preview": "commands.backup_restore:show_preview",
           "backup_restore": "commands.backup_restore:run_restore"},
    commands=["commands.backup", "commands.backup_restore"],
)
