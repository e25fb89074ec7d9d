"""Start-up, configuration and migrations as an operator meets them."""
import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from app import db
from app.config import ConfigError, check, from_environment

ROOT = Path(__file__).resolve().parents[1]


def test_migrations_apply_once_each(database_url):
    assert db.migrate(database_url, log=lambda line: None) == []
    conn = psycopg2.connect(database_url)
    with conn.cursor() as cur:
        cur.execute("SELECT version FROM schema_migrations ORDER BY version")
        versions = [row[0] for row in cur.fetchall()]
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = {row[0] for row in cur.fetchall()}
    conn.close()
    assert versions == [p.stem for p in db.migration_files()]
    assert {"guild_settings", "user_rep", "user_xp", "user_xp_weekly", "mod_cases", "mod_logs",
            "automod_rules", "premium_subscriptions", "processed_interactions"} <= tables


@pytest.mark.parametrize("missing", ["DISCORD_PUBLIC_KEY", "DISCORD_BOT_TOKEN", "SECRET_KEY"])
def test_outside_local_mode_a_missing_setting_is_named(missing):
    settings = from_environment({"DISCORD_APPLICATION_ID": "1", "DISCORD_PUBLIC_KEY": "ab" * 32,
                                 "DISCORD_BOT_TOKEN": "t", "SECRET_KEY": "s"})
    settings[missing] = None
    with pytest.raises(ConfigError, match=f"missing required setting {missing}"):
        check(settings)


def test_serve_stops_with_one_line_naming_the_missing_setting(tmp_path):
    env = {"PATH": os.environ["PATH"], "DISCORD_APPLICATION_ID": "1", "DISCORD_BOT_TOKEN": "secret-token-value",
           "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "app", "serve"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip() == "statussync: missing required setting DISCORD_PUBLIC_KEY (set it in the environment)"
    assert "secret-token-value" not in result.stdout + result.stderr


def test_a_public_key_that_is_not_hex_is_refused():
    settings = from_environment({"DISCORD_APPLICATION_ID": "1", "DISCORD_PUBLIC_KEY": "nothex",
                                 "DISCORD_BOT_TOKEN": "t", "SECRET_KEY": "s"})
    with pytest.raises(ConfigError, match="64 hex"):
        check(settings)


def cli(database_url, *args):
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url,
           "DISCORD_APPLICATION_ID": "100000000000000001", "DISCORD_PUBLIC_KEY": "ab" * 32,
           "DISCORD_BOT_TOKEN": "t", "SECRET_KEY": "s", "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10"}
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_premium_can_be_granted_and_revoked_by_hand(clean_db):
    granted = cli(clean_db, "grant-premium", "810000000000000001", "pro", "--days", "30")
    assert granted.returncode == 0, granted.stderr
    assert "guild 810000000000000001 now has pro until" in granted.stdout
    conn = psycopg2.connect(clean_db)
    with conn.cursor() as cur:
        cur.execute("SELECT tier, status, source FROM premium_subscriptions")
        assert cur.fetchall() == [("pro", "active", "manual")]
    revoked = cli(clean_db, "revoke-premium", "810000000000000001")
    assert "revoked manual premium" in revoked.stdout
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM premium_subscriptions")
        assert cur.fetchone()[0] == 0
    conn.close()


def test_jobs_run_by_name_and_an_unknown_job_lists_the_known_ones(clean_db):
    pruned = cli(clean_db, "job", "prune")
    assert pruned.returncode == 0 and "processed interaction id(s)" in pruned.stdout
    unknown = cli(clean_db, "job", "nope")
    assert unknown.returncode != 0 and "unknown job 'nope'" in unknown.stderr and "prune" in unknown.stderr
