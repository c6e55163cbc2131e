from __future__ import annotations

from rollcall.roster.problem import Problem, ProblemLog


def test_problems_sort_by_file_then_line_keeping_the_order_found_within_a_line() -> None:
    log = ProblemLog()
    log.warning("teachers.csv", 3, None, "b")
    log.error("students.csv", 9, "Grade", "c")
    log.error("teachers.csv", 3, "Title", "a")
    log.error("teachers.csv", 2, None, "d")
    assert [(problem.file, problem.line, problem.message) for problem in log.sorted()] == [
        ("students.csv", 9, "c"), ("teachers.csv", 2, "d"), ("teachers.csv", 3, "b"),
        ("teachers.csv", 3, "a"),
    ]  # fmt: skip
    assert (log.error_count, log.warning_count) == (3, 1)


def test_past_the_per_file_limit_problems_are_counted_not_kept() -> None:
    log = ProblemLog(kept_per_file=2)
    for line in range(2, 7):
        log.error("enrollments.csv", line, "Section_id", "unknown section")
    log.warning("enrollments.csv", 7, None, "again")
    found = log.sorted()
    assert len(found) == 3
    assert found[0] == Problem(
        file="enrollments.csv",
        line=0,
        column=None,
        severity="error",
        message="3 more errors and 1 more warnings in this file are not listed",
    )
    assert log.error_count == 5


def test_a_problem_renders_as_file_line_column_severity_message() -> None:
    problem = Problem(file="students.csv", line=4, column="DOB", severity="error", message="bad date")
    assert problem.render() == "students.csv:4:DOB error: bad date"
    assert (
        Problem(file="a.csv", line=0, column=None, severity="warning", message="m").render()
        == "a.csv:0 warning: m"
    )


def test_problem_and_report_take_their_fields_in_the_documented_order() -> None:
    from rollcall.roster import RosterReport

    problem = Problem("a.csv", 2, "Grade", "error", "bad")
    assert (problem.file, problem.line, problem.column, problem.severity, problem.message) == (
        "a.csv", 2, "Grade", "error", "bad",
    )  # fmt: skip
    report = RosterReport(None, [problem], {"a.csv": 1})
    assert report.errors == [problem]
    assert report.warnings == []
