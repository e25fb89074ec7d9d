"""The jobs' schedule outside Lambda: deploy/crontab names every job once, at the interval zappa_settings.json
gives it on Lambda; each line's command runs verbatim in a shell; deploy/clock.py (the Procfile's `clock:`)
reads it, refuses a malformed line, and never starts a job twice while it runs."""
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app import features
from deploy import clock
from tests import interactions as ix
from tests.lambda_package import stage_settings

ROOT = Path(__file__).resolve().parents[1]
CRONTAB = ROOT / "deploy" / "crontab"
WEEK_START = datetime(2026, 12, 7, tzinfo=timezone.utc)  # a Monday
WEEK = [WEEK_START + timedelta(minutes=n) for n in range(7 * 24 * 60)]
AWS_DAYS = {"SUN": "0", "MON": "1", "TUE": "2", "WED": "3", "THU": "4", "FRI": "5", "SAT": "6"}


def entries() -> dict:
    parsed = clock.parse(CRONTAB.read_text())
    assert len({entry.job for entry in parsed}) == len(parsed), "a job is scheduled twice"
    return {entry.job: entry for entry in parsed}


def lambda_schedule() -> dict:
    return {event["function"].rsplit(".", 1)[1]: event["expression"] for event in stage_settings("production")["events"]}


def minutes_between(times) -> set:
    return {int((later - earlier).total_seconds() // 60) for earlier, later in zip(times, times[1:])}


def test_the_crontab_schedules_every_job_at_its_lambda_interval():
    scheduled, on_lambda = entries(), lambda_schedule()
    assert sorted(scheduled) == sorted(features.jobs()) == sorted(on_lambda)
    for job, expression in on_lambda.items():
        fires = [at for at in WEEK if scheduled[job].due(at)]
        rate = re.fullmatch(r"rate\((\d+) (minute|hour|day)s?\)", expression)
        if rate:
            every = int(rate.group(1)) * {"minute": 1, "hour": 60, "day": 1440}[rate.group(2)]
            assert minutes_between(fires + [fires[0] + timedelta(days=7)]) == {every}, job
        else:  # an AWS cron(): minutes hours day-of-month month day-of-week year, as a 5-field line
            minute, hour, dom, month, dow, _year = re.fullmatch(r"cron\((.+)\)", expression).group(1).split()
            dow = AWS_DAYS.get(dow, dow)
            same = clock.parse(f"{minute} {hour} {dom.replace('?', '*')} {month} {dow.replace('?', '*')} "
                               f"python -m app job {job}")[0]
            assert fires == [at for at in WEEK if same.due(at)], job


@pytest.fixture
def job_environment(settings, own_discord, tmp_path):
    own_discord.reset()
    return {"PATH": f"{Path(sys.executable).parent}{os.pathsep}/usr/bin:/bin", "HOME": str(tmp_path),
            **{key: settings[key] for key in ("DATABASE_URL", "DISCORD_APPLICATION_ID", "DISCORD_PUBLIC_KEY",
                                              "DISCORD_BOT_TOKEN", "SECRET_KEY")},
            "DISCORD_API_BASE": own_discord.base_url, "DISCORD_CDN_BASE": own_discord.cdn_url}


def test_each_crontab_command_runs_as_cron_runs_it(job_environment):
    """cron hands the command text to /bin/sh; every line's command must exit 0 (all at once, as at 04:00)."""
    lines = [line.split(None, 5)[5] for line in CRONTAB.read_text().splitlines()
             if line.strip() and not line.startswith("#") and not clock.ENVIRONMENT_LINE.match(line)]
    assert len(lines) == len(entries())
    running = [(command, subprocess.Popen(["/bin/sh", "-c", command], cwd=ROOT, env=job_environment,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
               for command in lines]
    for command, process in running:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, f"{command}: {err[-2000:]}"
        assert out.strip(), f"{command} printed no summary"


def test_the_clock_names_the_jobs_due_at_a_minute_and_refuses_a_bad_line(tmp_path):
    def due_at(minute, crontab=CRONTAB):
        return subprocess.run([sys.executable, str(ROOT / "deploy" / "clock.py"), str(crontab), "--due", minute],
                              capture_output=True, text=True, timeout=30)
    assert due_at("2026-12-07T00:05").stdout.split() == ["scan", "audit", "expire", "weekly"]
    assert due_at("2026-12-08T04:00").stdout.split() == ["scan", "audit", "expire", "levelups", "outbox",
                                                         "premium", "prune", "cc_sync", "backups"]
    assert due_at("2026-12-08T04:07").stdout.split() == ["expire"]
    for bad, says in (("61 * * * * python -m app job scan", "minute '61' is outside 0-59"),
                      ("*/5 * * * python -m app job scan", "day of week 'python' is not a number"),
                      ("*/0 * * * * python -m app job scan", "outside"),
                      ("* * * * * rm -rf /", "the command must be `python -m app job NAME`")):
        crontab = tmp_path / "crontab"
        crontab.write_text(f"PATH=/usr/bin\n# fine\n{bad}\n")
        refused = due_at("2026-12-08T04:00", crontab)
        assert refused.returncode != 0 and "line 3" in refused.stderr and says in refused.stderr, refused.stderr


def test_the_clock_runs_a_due_job_and_not_a_second_copy_while_it_runs(job_environment, monkeypatch):
    for key, value in job_environment.items():
        monkeypatch.setenv(key, value)  # the clock's children inherit its environment, as on Heroku
    said = []
    ticking = clock.Clock(clock.parse("* * * * * python -m app job expire\n0 * * * * python -m app job prune"),
                          log=said.append)
    minute = datetime(2026, 12, 8, 4, 7, tzinfo=timezone.utc)
    assert ticking.tick(minute) == ["expire"]
    process = ticking.running["expire"]
    assert ticking.tick(minute + timedelta(minutes=1)) == []  # a fresh interpreter takes longer than this
    assert any("expire is still running" in line for line in said)
    assert process.wait(60) == 0
    assert ticking.tick(minute + timedelta(minutes=2)) == ["expire"]
    assert ticking.running["expire"].wait(60) == 0


def test_the_clock_process_stops_at_once_on_sigterm_when_nothing_runs(tmp_path):
    """As Heroku, Railway and systemd stop it: TERM, then a kill after their grace period."""
    import signal
    import time
    process = subprocess.Popen([sys.executable, str(ROOT / "deploy" / "clock.py")], cwd=ROOT,
                               stderr=subprocess.PIPE, text=True, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    try:
        assert f"{len(features.jobs())} scheduled job(s)" in process.stderr.readline()
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(5) == 0 and time.monotonic() - started < 2
    finally:
        if process.poll() is None:
            process.kill()


def test_the_deployment_guide_shows_the_crontab_as_it_is():
    guide = (ROOT / "docs" / "deployment.md").read_text()
    shown = clock.parse("\n".join(line for line in guide.splitlines()
                                  if line.strip().endswith(tuple(f"python -m app job {job}" for job in features.jobs()))
                                  and line.strip()[0] in "*0123456789"))
    assert [(e.job, e.fields) for e in shown] == [(e.job, e.fields) for e in entries().values()]
