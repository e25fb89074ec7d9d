"""Jobs that walk the bot's guilds stop inside their time budget and resume with the guilds they didn't reach.

Five guilds; Discord answers the first two guilds' reads 0.6 s late and the budget is 1.5 s, so
the first run can serve two. The second run (Discord fast again) starts with the three it didn't reach.
"""
import psycopg2
import pytest

from app import create_app
from app.jobs import run_job
from tests import interactions as ix

GUILDS = [f"81200000000000000{n}" for n in range(1, 6)]
DELAY, BUDGET = 0.6, 1.5  # the budget fits two slow guilds with 0.3 s to spare either way


@pytest.fixture
def fake_discord(own_discord):
    own_discord.forget_guilds()
    for guild_id in GUILDS:
        own_discord.add_guild(guild_id, ix.OWNER_ID)
        own_discord.add_channel(guild_id, str(int(guild_id) + 1000), name="general")
    return own_discord


class EveryGuild:
    """A scan consumer that wants every guild, so the scan reads each guild's channel list."""
    NAME = "every"

    def wants_guild(self, conn, guild_id):
        return True

    def consume(self, runtime, conn, guild_id, channel_id, messages, now):
        pass


@pytest.fixture
def runtime(settings):
    app = create_app({**settings, "JOB_BUDGET_SECONDS": str(BUDGET), "SCAN_CONSUMERS": [EveryGuild()]})
    return app.extensions["statussync"]


def served_in_order(fake, route):
    """Guild ids in the order the job first read `route` of each."""
    order = []
    for request in fake.find("GET", route):
        guild_id = request.path.split("/")[2]
        if guild_id not in order:
            order.append(guild_id)
    return order


def served_rows(database_url, job):
    conn = psycopg2.connect(database_url)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT guild_id::text FROM job_guilds WHERE job = %s ORDER BY served_seq", (job,))
        found = [row[0] for row in cur.fetchall()]
    conn.close()
    return found


@pytest.mark.parametrize("job, route, summary_start", [
    ("scan", r"/guilds/\d+/channels", "scanned "),
    ("audit", r"/guilds/\d+/audit-logs", "0 case(s) recorded from audit logs"),
])
def test_a_run_stops_inside_its_budget_and_the_next_starts_with_the_guilds_it_missed(
        job, route, summary_start, runtime, fake_discord, clean_db):
    import time
    run_job(runtime, job)  # a first run (fast) leaves each guild as a later run finds it (audit cursors set)
    with psycopg2.connect(clean_db) as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM job_guilds")
    conn.close()
    fake_discord.reset()
    fake_discord.slow("GET", route, DELAY, times=2)
    started = time.monotonic()
    first = run_job(runtime, job)
    took = time.monotonic() - started
    assert served_in_order(fake_discord, route) == GUILDS[:2]  # never-served guilds first, in id order
    assert first.startswith(summary_start) and first.endswith("; 3 guild(s) left for next run")
    assert took < BUDGET + 0.3  # it stopped inside the budget instead of starting a third slow guild
    assert served_rows(clean_db, job) == GUILDS[:2]

    fake_discord.reset()
    second = run_job(runtime, job)
    assert served_in_order(fake_discord, route) == GUILDS[2:] + GUILDS[:2]  # the missed three first
    assert "left for next run" not in second
    assert served_rows(clean_db, job) == GUILDS[2:] + GUILDS[:2]


def test_a_guild_that_ran_out_of_time_is_first_next_run(runtime, fake_discord, clean_db):
    from app import deadlines
    from app.jobs.guilds import serve_guilds
    seen = []

    def serve(guild_id):
        seen.append(guild_id)
        if guild_id == GUILDS[1]:
            raise deadlines.DeadlineExceeded("no time left for the audit log")

    first = serve_guilds(runtime, "probe", GUILDS, serve, budget=5)
    assert first.served == GUILDS[:1] and first.left == 4 and seen == GUILDS[:2]
    seen.clear()
    second = serve_guilds(runtime, "probe", GUILDS, lambda guild_id: seen.append(guild_id), budget=5)
    assert seen == GUILDS[1:] + GUILDS[:1] and second.left == 0


def test_a_bad_budget_setting_falls_back_to_the_default(settings):
    from app.jobs.guilds import DEFAULT_BUDGET_S, budget_of
    from app.runtime import Runtime
    assert budget_of(Runtime({**settings, "JOB_BUDGET_SECONDS": "forty"})) == DEFAULT_BUDGET_S
    assert budget_of(Runtime({**settings, "JOB_BUDGET_SECONDS": "-1"})) == DEFAULT_BUDGET_S
    assert budget_of(Runtime({**settings, "JOB_BUDGET_SECONDS": "12.5"})) == 12.5
