"""python -m app grant-premium / revoke-premium: manual premium, and one-line errors (exit code 2) for a
malformed guild id, an unknown tier or a bad --days, before any database is opened."""
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.premium_support import clock, guild, modlog_titles, query  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
G = "810000000000000001"


def cli(database_url, *args):
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url,
           "DISCORD_APPLICATION_ID": "100000000000000001", "DISCORD_PUBLIC_KEY": "ab" * 32,
           "DISCORD_BOT_TOKEN": "t", "SECRET_KEY": "s", "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10"}
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("args, named", [
    (("grant-premium", "not-a-guild", "pro"), "GUILD must be a Discord guild id"),
    (("grant-premium", "12", "pro"), "GUILD must be a Discord guild id"),
    (("grant-premium", G, "platinum"), "TIER must be one of basic, pro, enterprise"),
    (("grant-premium", G, "free"), "TIER must be one of basic, pro, enterprise"),
    (("grant-premium", G, "pro", "--days", "soon"), "--days must be a whole number"),
    (("grant-premium", G, "pro", "--days", "0"), "--days must be a whole number"),
    (("revoke-premium", "81000000000000000x"), "GUILD must be a Discord guild id"),
])
def test_a_bad_argument_is_one_line_and_exit_code_2(clean_db, args, named):
    done = cli(clean_db, *args)
    assert done.returncode == 2, done
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"statussync: {named}"), done.stderr
    assert query(clean_db, "SELECT count(*) FROM premium_subscriptions") == [(0,)]


def test_a_grant_counts_until_its_end_and_a_revoke_ends_it(clean_db):
    granted = cli(clean_db, "grant-premium", G, "enterprise", "--days", "7")
    assert granted.returncode == 0 and f"guild {G} now has enterprise until" in granted.stdout
    [(tier, status, source, until)] = query(clean_db, "SELECT tier, status, source, premium_until "
                                                      "FROM premium_subscriptions")
    assert (tier, status, source) == ("enterprise", "active", "manual")
    assert abs(until - datetime.now(timezone.utc) - timedelta(days=7)) < timedelta(minutes=2)
    assert "revoked manual premium" in cli(clean_db, "revoke-premium", G).stdout
    assert "had no manual premium" in cli(clean_db, "revoke-premium", G).stdout


def test_a_grant_and_its_end_are_told_in_the_mod_log(runtime, guild, fake_discord, clean_db):
    from app.jobs.premium import grant, revoke
    grant(runtime, G, "pro", days=3)
    revoke(runtime, G)
    assert modlog_titles(fake_discord) == ["StatusSync Pro is active", "Premium has ended"]
