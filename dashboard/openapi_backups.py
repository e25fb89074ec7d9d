"""OpenAPI of the Backups tab: list, create, preview a restore, confirm it, its progress."""
from dashboard.openapi_core import INT, NULLABLE_STRING, STRING, W
from dashboard.openapi_shapes import GUILD_ID, NULLABLE_SNOWFLAKE, obj, operation, path_param, ref

R = ("400", "401", "403", "404", "429", "503")
ID = {"type": "integer", "minimum": 1, "maximum": 2 ** 62}
PAIR = {"type": "array", "items": INT, "minItems": 2, "maxItems": 2, "description": "[done, total]"}
PARTS = {"type": "array", "items": {"enum": ["roles", "channels", "settings", "statussync", "all"]}}

SCHEMAS = {
    "Backup": obj({"id": INT, "note": NULLABLE_STRING, "origin": STRING, "size_bytes": INT,
                   "author_id": NULLABLE_SNOWFLAKE, "created_at": STRING}),
    "Backups": obj({"backups": {"type": "array", "items": ref("Backup")}, "schedule": {"type": "object"}}),
    "BackupMade": obj({"backup": ref("Backup")}),
    "RestorePreview": obj({
        "restore_id": INT, "create": {"type": "array", "items": STRING}, "change": {"type": "array", "items": STRING},
        "kept": INT, "cannot": {"type": "array", "items": obj({"what": STRING, "why": STRING})},
        "notes": {"type": "array", "items": obj({"what": STRING, "note": STRING})}, "empty": {"type": "boolean"}}),
    "RestoreProgress": obj({"restore_id": INT, "backup_id": INT, "state": STRING, "parts": PARTS,
                            "counts": {"type": "object", "additionalProperties": PAIR}, "report": {},
                            "finished_at": {"type": ["string", "null"]}}),
}

PATHS = {
    "/dashboard/api/backups": {
        "get": operation("This server's backups and its backup schedule", ref("Backups"), params=[GUILD_ID], errors=R,
                         tags=["backups"]),
        "post": operation("Back the server up now (as /backup create)", ref("BackupMade"), params=[GUILD_ID],
                          body=obj({"note": {"type": "string", "maxLength": 200}}, required=[]), status="201",
                          errors=W, tags=["backups"], write=True)},
    "/dashboard/api/backups/{backup_id}/preview": {"post": operation(
        "What restoring this backup would change (managers only); saved as a restore awaiting confirmation",
        ref("RestorePreview"), params=[path_param("backup_id", ID), GUILD_ID],
        body=obj({"parts": PARTS}, required=[]), errors=W, tags=["backups"], write=True)},
    "/dashboard/api/backups/restores/{restore_id}/confirm": {"post": operation(
        "Confirm a previewed restore (managers only); the backups job carries it out", ref("RestoreProgress"),
        params=[path_param("restore_id", ID), GUILD_ID], status="202", errors=W, tags=["backups"], write=True)},
    "/dashboard/api/backups/restores/{restore_id}": {"get": operation(
        "A restore's state, per-part progress and, once done, its report", ref("RestoreProgress"),
        params=[path_param("restore_id", ID), GUILD_ID], errors=R, tags=["backups"])},
}
