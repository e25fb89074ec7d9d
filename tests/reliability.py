"""The results table of docs/reliability.md, written by the suite: `python -m pytest --reliability-report`.

A test says what it tried, how much, and what held:

    def test_x(reliability):
        ...
        reliability.record("Faults", "PostgreSQL restarted mid-stream", count=120,
                           held="every request answered in 3 s; no case lost or doubled", unit="interactions")

Calls with the same (area, what) in one run add up their counts (a hypothesis test records once per
example). A row's result is the outcome of the tests that recorded it: "held" when all passed, "FAILED"
otherwise. With --reliability-report the run rewrites the section of docs/reliability.md between the
markers: rows recorded now replace theirs, rows this run did not reach are kept with their own date.
"""
import datetime
import re
import threading
from pathlib import Path

import pytest

REPORT = Path(__file__).resolve().parents[1] / "docs" / "reliability.md"
BEGIN, END = "<!-- reliability-table:begin (written by pytest --reliability-report) -->", \
    "<!-- reliability-table:end -->"
HEADER = ("| area | what was tried | how much | what held | result | run |\n"
          "|---|---|---|---|---|---|")
AREAS = ("Load", "Faults", "Hostile input", "Signatures")  # listed first, in this order; others after


class Row:
    def __init__(self, area, what, count, unit, held):
        self.area, self.what, self.count, self.unit, self.held = area, what, count, unit, held
        self.tests, self.failed = set(), False


class Recorder:
    """Session-wide rows, keyed by (area, what)."""

    def __init__(self):
        self.rows, self._lock = {}, threading.Lock()
        self.failed_tests = set()  # a failed test may have failed before it recorded its row

    def add(self, nodeid, area, what, count, held, unit):
        for text in (area, what, held, unit):
            if "|" in text or "\n" in text:
                raise ValueError(f"reliability rows are table cells: no '|' or newline in {text!r}")
        with self._lock:
            row = self.rows.setdefault((area, what), Row(area, what, 0, unit, held))
            row.count += count
            row.held, row.unit = held, unit
            row.tests.add(nodeid)

    def outcome(self, nodeid, failed):
        with self._lock:
            if failed:
                self.failed_tests.add(nodeid)
            for row in self.rows.values():
                if nodeid in row.tests and failed:
                    row.failed = True

    def unrecorded_failures(self) -> list:
        """Failed tests that recorded no row: what they would have said is missing, not held."""
        with self._lock:
            recorded = {nodeid for row in self.rows.values() for nodeid in row.tests}
            return sorted(self.failed_tests - recorded)


class TestRecorder:
    """What the `reliability` fixture hands a test."""

    def __init__(self, recorder, nodeid):
        self._recorder, self._nodeid = recorder, nodeid

    def record(self, area: str, what: str, count: int = 1, held: str = "", unit: str = "cases") -> None:
        self._recorder.add(self._nodeid, area, what, int(count), held, unit)


def pytest_addoption(parser):
    parser.addoption("--reliability-report", action="store_true",
                     help="rewrite the results table in docs/reliability.md from this run's recorded rows")


def pytest_configure(config):
    config._reliability = Recorder()


@pytest.fixture
def reliability(request):
    return TestRecorder(request.config._reliability, request.node.nodeid)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        item.config._reliability.outcome(item.nodeid, True)


def _cells(line: str) -> list:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _kept_rows(section: str) -> dict:
    """(area, what) -> the table line, for the rows of the present table."""
    kept = {}
    for line in section.splitlines():
        cells = _cells(line)
        if line.startswith("|") and len(cells) == 6 and cells[0] not in ("area", "---"):
            kept[(cells[0], cells[1])] = line
    return kept


def _shape(key) -> tuple:
    return key[0], re.sub(r"\d[\d,.]*", "#", key[1])


def _same_check(a, b) -> bool:
    """The same row though a number in what it tried changed (more commands in the registry, say)."""
    return _shape(a) == _shape(b)


def _line(row: Row, day: str) -> str:
    result = "FAILED" if row.failed else "held"
    return f"| {row.area} | {row.what} | {row.count:,} {row.unit} | {row.held} | {result} | {day} |"


def _order(key):
    area, what = key
    return (AREAS.index(area) if area in AREAS else len(AREAS), area, what)


def render(text: str, rows: dict, day: str, unrecorded=()) -> str:
    """docs/reliability.md with its marked section rewritten; the prose around it untouched. Failed tests that
    recorded nothing are named under the table (their rows, if an earlier run wrote them, are not news)."""
    if BEGIN not in text or END not in text:
        text = text.rstrip("\n") + "\n\n## Results\n\n" + BEGIN + "\n" + END + "\n"
    before, rest = text.split(BEGIN, 1)
    section, after = rest.split(END, 1)
    lines = _kept_rows(section)
    for key, row in rows.items():
        for stale in [kept for kept in lines if _same_check(kept, key)]:  # "27 interactions" now "34 interactions"
            del lines[stale]
        lines[key] = _line(row, day)
    table = "\n".join([HEADER] + [lines[key] for key in sorted(lines, key=_order)])
    if unrecorded:
        table += (f"\n\nThe run of {day} also had {len(unrecorded)} failing test(s) that recorded no row: "
                  + ", ".join(f"`{nodeid}`" for nodeid in unrecorded) + ".")
    return f"{before}{BEGIN}\n{table}\n{END}{after}"


def write_report(entries, path=REPORT) -> None:
    """Rows from outside pytest (bench/load): (area, what, count, unit, held, ok) each, written like a run's."""
    recorder = Recorder()
    for index, (area, what, count, unit, held, ok) in enumerate(entries):
        recorder.add(f"entry-{index}", area, what, int(count), held, unit)
        recorder.outcome(f"entry-{index}", not ok)
    path.write_text(render(path.read_text(), recorder.rows, datetime.date.today().isoformat()))


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    if not config.getoption("--reliability-report") or not config._reliability.rows:
        return
    day = datetime.date.today().isoformat()
    recorder = config._reliability
    REPORT.write_text(render(REPORT.read_text(), recorder.rows, day, recorder.unrecorded_failures()))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    rows = config._reliability.rows
    if rows and config.getoption("--reliability-report"):
        failed = sum(row.failed for row in rows.values())
        unrecorded = len(config._reliability.unrecorded_failures())
        terminalreporter.write_line(f"reliability: {len(rows)} rows written to {REPORT} ({failed} FAILED; "
                                    f"{unrecorded} failing test(s) recorded none)")

