"""Every scheduled job killed midway (SIGKILL, a real process: `python -m app job NAME`) and run again.

The kill comes at a point the job has really reached: the fake Discord has seen its Nth request of the
job's kind (held there for a moment, after acting, so the job dies waiting for the answer: the hardest
spot), or, for jobs that only touch the database, the job's statement waits on a lock this test holds.
The state is checked to be incomplete (the kill was midway), then the job runs again as the schedule would
run it, and the scenario (tests/job_scenarios.py) checks that all its work is done, none of it twice. A job
added to the registry without a scenario fails the coverage test.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import features
from tests import interactions as ix
from tests.job_scenarios import BOT_ROLE, CHANNELS, GUILDS, MEMBERS, REWARD_ROLE, SCENARIOS, rows

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def fake_discord(own_discord):
    own_discord.forget_guilds()
    own_discord.forget_commands()
    for guild, channel in zip(GUILDS, CHANNELS):
        own_discord.add_guild(guild, ix.OWNER_ID, roles=[{"id": REWARD_ROLE, "name": "Level 1", "position": 1},
                                                         {"id": BOT_ROLE, "name": "bot", "position": 20}])
        own_discord.add_member(guild, ix.BOT_ID, roles=[BOT_ROLE], bot=True)
        own_discord.add_channel(guild, channel, name="general")
        for member in MEMBERS:
            own_discord.add_member(guild, member)
    return own_discord


def job_env(settings) -> dict:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    env.update({key: settings[key] for key in ("DATABASE_URL", "DISCORD_APPLICATION_ID", "DISCORD_PUBLIC_KEY",
                                               "DISCORD_BOT_TOKEN", "DISCORD_API_BASE", "DISCORD_CDN_BASE",
                                               "SECRET_KEY")})
    return env


def kill_when(settings, name, reached, timeout=60.0) -> None:
    """Start `python -m app job NAME`; SIGKILL it the moment `reached()` is true; it must not finish first."""
    process = subprocess.Popen([sys.executable, "-m", "app", "job", name], cwd=ROOT, env=job_env(settings),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    end = time.monotonic() + timeout
    while not reached():
        assert process.poll() is None, f"{name} finished before the kill point: {process.communicate()}"
        assert time.monotonic() < end, f"{name} never reached the kill point"
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def run_to_end(settings, name) -> str:
    done = subprocess.run([sys.executable, "-m", "app", "job", name], cwd=ROOT, env=job_env(settings),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def no_job_running(url) -> None:
    """The killed run's server side is gone (its job lock with it): PostgreSQL ends a backend whose client
    died when it next reads from it, which for one blocked on a lock is once the lock is granted."""
    end = time.monotonic() + 15
    while rows(url, "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                    "WHERE l.locktype = 'advisory' AND d.datname = current_database()")[0][0]:
        assert time.monotonic() < end, "the killed job's lock was never released"
        time.sleep(0.05)


def test_every_registered_job_has_a_kill_scenario():
    assert set(features.jobs()) == set(SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_job_killed_midway_then_run_again_does_all_its_work_once(name, settings, runtime, fake_discord,
                                                                   clean_db, signing_key, reliability):
    scenario = SCENARIOS[name](settings, runtime, fake_discord, clean_db, signing_key)
    try:
        kill_when(settings, name, scenario.reached)
    finally:
        scenario.release()
    no_job_running(clean_db)
    with pytest.raises(AssertionError):  # killed midway: its work is not all done yet
        scenario.check()
    run_to_end(settings, name)
    scenario.rerun()
    scenario.check()
    reliability.record("Faults", f"job `{name}` SIGKILLed midway, run again", 1, scenario.held, unit="kill")
