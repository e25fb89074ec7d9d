"""What the web dashboard reads and keeps, without Flask: sessions, access, stats, case search, the change log.

The blueprints in dashboard/ call these with a connection; the scan feeds `scan_counter` messages per day.
"""
from app.features import Feature

FEATURE = Feature(
    "dashboard",
    scan_consumers=["app.dashboard_data.scan_counter"],
)
