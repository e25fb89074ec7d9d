"""python deploy/clock.py [CRONTAB]: StatusSync's scheduled jobs where there is no cron to run them.

Heroku's Scheduler runs at most every 10 minutes and Railway's cron services every 5, but `expire` runs
every minute and `outbox` every 2; so on those platforms one small process (Procfile `clock:`) reads
deploy/crontab and, at each minute a line names (UTC), runs that line's `python -m app job NAME` in a
fresh process with this interpreter and this environment, as cron would. A job whose previous run is
still going is not started again that minute (logged). SIGTERM or SIGINT: no new job starts, running
ones get 25 s to finish.

    python deploy/clock.py --due 2026-12-07T00:05    the jobs due at that minute, without running them
"""
import argparse
import re
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CRONTAB = Path(__file__).resolve().parent / "crontab"
FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 7))
COMMAND = re.compile(r"^python3? -m app job ([a-z][a-z0-9_-]*)$")
ENVIRONMENT_LINE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\s*=")
STOP_GRACE_S = 25


class Entry:
    """One schedule line: the minutes it names and the job it runs."""

    def __init__(self, line_number: int, fields: list, job: str, restricted_days: tuple):
        self.line_number, self.fields, self.job = line_number, fields, job
        self._dom_restricted, self._dow_restricted = restricted_days

    def due(self, at: datetime) -> bool:
        minute, hour, dom, month, dow = self.fields
        if at.minute not in minute or at.hour not in hour or at.month not in month:
            return False
        day_of_week = at.isoweekday() % 7  # cron: 0 (and 7) is Sunday
        dom_ok, dow_ok = at.day in dom, day_of_week in dow or (day_of_week == 0 and 7 in dow)
        if self._dom_restricted and self._dow_restricted:
            return dom_ok or dow_ok  # cron's rule: either day field matching is enough
        return dom_ok and dow_ok


def _field(text: str, name: str, low: int, high: int) -> set:
    values = set()
    for part in text.split(","):
        found = re.fullmatch(r"(\*|(\d+)(?:-(\d+))?)(?:/(\d+))?", part)
        if not found:
            raise ValueError(f"{name} {part!r} is not a number, range, list, * or */N")
        star, first, last, step = found.groups()
        start, end = (low, high) if star == "*" else (int(first), int(last) if last else int(first))
        if step is not None and int(step) == 0 or not low <= start <= end <= high:
            raise ValueError(f"{name} {part!r} is outside {low}-{high}")
        values.update(range(start, end + 1, int(step or 1)))
    return values


def parse(text: str) -> list:
    """The schedule lines of a crontab (comments, blank and NAME=value lines skipped); ValueError names a
    bad line and what is wrong with it."""
    entries = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#") or ENVIRONMENT_LINE.match(line):
            continue
        parts = line.split(None, 5)
        if len(parts) < 6:
            raise ValueError(f"line {number}: five time fields and a command expected: {line!r}")
        try:
            fields = [_field(part, *spec) for part, spec in zip(parts[:5], FIELDS)]
        except ValueError as problem:
            raise ValueError(f"line {number}: {problem}") from None
        command = " ".join(parts[5].split())
        found = COMMAND.match(command)
        if not found:
            raise ValueError(f"line {number}: the command must be `python -m app job NAME`, not {command!r}")
        entries.append(Entry(number, fields, found.group(1), (parts[2] != "*", parts[4] != "*")))
    return entries


def due(entries: list, at: datetime) -> list:
    return [entry.job for entry in entries if entry.due(at)]


class Clock:
    """Starts each due job in its own process; never a second copy of one still running."""

    def __init__(self, entries: list, log=print):
        self.entries, self.log = entries, log
        self.running: dict = {}
        self.stopping = threading.Event()

    def tick(self, at: datetime) -> list:
        """Start the jobs due at this minute; returns the names started."""
        started = []
        for job in due(self.entries, at):
            previous = self.running.get(job)
            if previous is not None and previous.poll() is None:
                self.log(f"clock: {job} is still running since the last start; not started at {at:%H:%M}")
                continue
            self.running[job] = subprocess.Popen([sys.executable, "-m", "app", "job", job], cwd=ROOT)
            started.append(job)
        for job, process in list(self.running.items()):
            if process.poll() is not None:
                if process.returncode != 0:
                    self.log(f"clock: {job} exited with status {process.returncode}")
                del self.running[job]
        return started

    def run(self) -> None:
        self.log(f"clock: {len(self.entries)} scheduled job(s): {', '.join(e.job for e in self.entries)}")
        while not self.stopping.is_set():
            now = datetime.now(timezone.utc)
            next_minute = (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
            if self.stopping.wait((next_minute - now).total_seconds()):
                break
            self.tick(next_minute)
        self.stop_running()

    def stop_running(self) -> None:
        for job, process in self.running.items():
            try:
                process.wait(STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                self.log(f"clock: {job} did not finish within {STOP_GRACE_S}s of the stop; killed")
                process.kill()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python deploy/clock.py", description=__doc__.split("\n")[0])
    parser.add_argument("crontab", nargs="?", default=str(CRONTAB))
    parser.add_argument("--due", metavar="YYYY-MM-DDTHH:MM", help="print the jobs due at that minute (UTC)")
    args = parser.parse_args(argv)
    try:
        entries = parse(Path(args.crontab).read_text())
    except (OSError, ValueError) as problem:
        sys.exit(f"clock: {args.crontab}: {problem}")
    if args.due:
        print(" ".join(due(entries, datetime.fromisoformat(args.due))))
        return
    clock = Clock(entries, log=lambda line: print(line, file=sys.stderr, flush=True))
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: clock.stopping.set())
    clock.run()


if __name__ == "__main__":
    main()
