"""The XP level curve (the same as MEE6's, so members moving servers recognise it).

Going from level ``L`` to ``L + 1`` takes ``5 * L**2 + 50 * L + 100`` XP:

    level 0 -> 1:   100 XP   (total   100)
    level 1 -> 2:   155 XP   (total   255)
    level 2 -> 3:   220 XP   (total   475)
    level 3 -> 4:   295 XP   (total   770)
    level 4 -> 5:   380 XP   (total 1 150)
    level 9 -> 10:  955 XP   (total 4 675)

The total XP needed to reach level ``L`` from zero is the sum of those steps,
``5(L-1)L(2L-1)/6 + 25L(L-1) + 100L``. XP itself is never lost by levelling up:
the level is always derived from the member's total XP.
"""


def xp_for_level_step(level: int) -> int:
    """XP needed to go from ``level`` to ``level + 1``."""
    if level < 0:
        raise ValueError("level must be >= 0")
    return 5 * level * level + 50 * level + 100


def total_xp_for_level(level: int) -> int:
    """Total XP a member needs, from zero, to reach ``level``."""
    if level < 0:
        raise ValueError("level must be >= 0")
    # Closed form of sum(xp_for_level_step(l) for l in range(level)).
    return 5 * (level - 1) * level * (2 * level - 1) // 6 + 25 * level * (level - 1) + 100 * level


def level_for_xp(total_xp: int) -> tuple[int, int, int]:
    """``(level, xp_into_level, xp_for_next_level)`` for a member's total XP.

    ``xp_into_level`` is the progress inside the current level and
    ``xp_for_next_level`` the size of that level's step, so a progress bar is
    ``xp_into_level / xp_for_next_level``. Negative totals count as zero.
    """
    total_xp = max(0, int(total_xp))
    # Binary search: the curve is cubic, so even huge totals take a few dozen steps.
    low, high = 0, 1
    while total_xp_for_level(high) <= total_xp:
        high *= 2
    while high - low > 1:
        middle = (low + high) // 2
        if total_xp_for_level(middle) <= total_xp:
            low = middle
        else:
            high = middle
    return low, total_xp - total_xp_for_level(low), xp_for_level_step(low)
