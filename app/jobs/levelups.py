"""Level-up side effects (reward roles, announcements) waiting in the outbox, delivered once each.

The scan job delivers them right after its commit; this job picks up what a crash or an outage left.
"""
from . import job


@job("levelups")
def deliver_level_ups(runtime) -> str:
    from ..social import level_rewards

    return f"{level_rewards.deliver(runtime)} level-up(s) delivered"
