"""The XP level curve members see on /rank (MEE6's: 5L² + 50L + 100 XP from level L to L+1)."""
import pytest

from app.social.levels import level_for_xp, total_xp_for_level, xp_for_level_step


def test_each_level_step_follows_the_published_curve():
    assert [xp_for_level_step(level) for level in range(5)] == [100, 155, 220, 295, 380]
    assert xp_for_level_step(9) == 955


def test_total_xp_to_reach_a_level():
    assert total_xp_for_level(0) == 0
    assert total_xp_for_level(1) == 100
    assert total_xp_for_level(2) == 255
    assert total_xp_for_level(5) == 1150
    assert total_xp_for_level(10) == 4675
    assert total_xp_for_level(100) == sum(xp_for_level_step(level) for level in range(100))


@pytest.mark.parametrize("total_xp, expected", [
    (0, (0, 0, 100)),
    (99, (0, 99, 100)),
    (100, (1, 0, 155)),   # exactly enough XP is a level-up
    (254, (1, 154, 155)),
    (255, (2, 0, 220)),
    (1200, (5, 50, 475)),
    (-40, (0, 0, 100)),   # a negative total (e.g. after an admin correction) counts as zero
])
def test_level_for_xp(total_xp, expected):
    assert level_for_xp(total_xp) == expected


def test_level_for_xp_agrees_with_the_totals_for_large_values():
    for level in (37, 250, 5000):
        assert level_for_xp(total_xp_for_level(level)) == (level, 0, xp_for_level_step(level))
        assert level_for_xp(total_xp_for_level(level) - 1)[0] == level - 1


def test_negative_levels_are_rejected():
    with pytest.raises(ValueError):
        total_xp_for_level(-1)
