"""Records cases for bans, kicks, timeouts and AutoMod actions taken outside StatusSync."""
from ..moderation.audit_sync import sync_all
from . import job


@job("audit")
def sync_audit_logs(runtime) -> str:
    recorded, failed, left = sync_all(runtime, runtime.clock())
    summary = f"{recorded} case(s) recorded from audit logs"
    summary += f"; {failed} guild(s) failed (will retry next run)" if failed else ""
    return summary + (f"; {left} guild(s) left for next run" if left else "")
