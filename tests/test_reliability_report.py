"""tests/reliability.py: the marked section of docs/reliability.md is rewritten, the prose kept."""
from tests.reliability import BEGIN, END, Recorder, render

PROSE = "# When Discord or the database is slow\n\nHand-written prose.\n"


def rows(*entries, failed=()):
    recorder = Recorder()
    for nodeid, area, what, count in entries:
        recorder.add(nodeid, area, what, count, "it held", "cases")
    for nodeid in failed:
        recorder.outcome(nodeid, True)
    return recorder.rows


def test_a_first_report_appends_a_marked_table_after_the_prose():
    text = render(PROSE, rows(("t1", "Faults", "PostgreSQL frozen", 10)), "2026-12-01")
    assert text.startswith(PROSE.rstrip("\n")) and BEGIN in text and text.rstrip().endswith(END)
    assert "| Faults | PostgreSQL frozen | 10 cases | it held | held | 2026-12-01 |" in text


def test_counts_of_one_row_add_up_and_a_failed_test_marks_its_row():
    recorded = rows(("t1", "Hostile input", "fuzz", 1), ("t1", "Hostile input", "fuzz", 1),
                    ("t2", "Faults", "restart", 3), failed=["t2"])
    text = render(PROSE, recorded, "2026-12-01")
    assert "| Hostile input | fuzz | 2 cases | it held | held |" in text
    assert "| Faults | restart | 3 cases | it held | FAILED |" in text
    assert text.index("| Faults |") < text.index("| Hostile input |")  # areas in their fixed order


def test_a_partial_run_replaces_its_rows_and_keeps_the_others_with_their_date():
    first = render(PROSE + "\nAfter the table.\n", rows(("a", "Faults", "restart", 3), ("b", "Load", "mix", 9)),
                   "2026-11-30")
    again = render(first, rows(("a", "Faults", "restart", 5)), "2026-12-01")
    assert "| Faults | restart | 5 cases | it held | held | 2026-12-01 |" in again
    assert "| Load | mix | 9 cases | it held | held | 2026-11-30 |" in again
    assert again.count("| Faults | restart |") == 1 and "After the table." in again
    assert again.split(BEGIN)[0] == first.split(BEGIN)[0]


def test_a_row_whose_tried_count_changed_replaces_its_old_line():
    first = render(PROSE, rows(("a", "Hostile input", "every command path (42) with hostile options", 250),
                               ("b", "Hostile input", "every component route (3)", 80)), "2026-11-30")
    again = render(first, rows(("a", "Hostile input", "every command path (52) with hostile options", 250)),
                   "2026-12-01")
    assert "path (52)" in again and "path (42)" not in again
    assert "| Hostile input | every component route (3) | 80 cases | it held | held | 2026-11-30 |" in again


def test_a_failed_test_that_recorded_nothing_is_named_under_the_table():
    recorder = Recorder()
    recorder.add("t1", "Faults", "restart", 3, "it held", "cases")
    recorder.outcome("t1", False)
    recorder.outcome("t2", True)  # failed before its record() call
    text = render(PROSE, recorder.rows, "2026-12-01", recorder.unrecorded_failures())
    assert "| Faults | restart | 3 cases | it held | held |" in text
    assert "1 failing test(s) that recorded no row: `t2`" in text
    assert "recorded no row" not in render(text, recorder.rows, "2026-12-02")  # the next clean run drops it
